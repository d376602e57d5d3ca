/**
 * One unit of a scheduled job's work: the installments of some shards of the job's index partitions.
 *
 * Primary course:
 * 1. Query the job's sparse index for the partition, page by page (never a Scan).
 * 2. Skip and count items that fail validation; group the rest by borrower (one borrower's
 *    installments share a shard and sort together), carrying a group that runs over a page boundary.
 * 3. For each borrower group, with bounded concurrency (shards at once, groups of a page at once): read the borrower, apply the job's rules to
 *    each installment and commit each change conditionally (re-reading on a concurrent write).
 * 4. Publish the outboxes in full batches across pages and shards, exactly once per occurrence; the
 *    last partial batches when the work item ends.
 * 5. Before the invocation runs out of time, hand the rest back as a continuation.
 */
import { formatInstant, localDateOf } from '../../shared/rules/calendar';
import type { Borrower, Installment } from '../../shared/rules/types';
import type { Job } from '../../shared/table-layout';
import { METRIC } from '../../shared/telemetry-names';
import { CorruptItemError } from '../ports';
import type { AuditEntry } from '../ports/audit';
import type { ShardResume, WorkItem } from '../schemas/work-item';
import { count, logger } from '../wiring/telemetry';
import { mapLimit } from './concurrency';
import type { Deps } from './deps';
import {
  type Change,
  type CommitResult,
  commitChange,
  isNoop,
  newLeaseOwner,
  OutboxPublisher,
} from './outbox';
import { planAging } from './plan-aging';
import { planFailedDebitsGroup, planRemindersGroup } from './plan-notifications';

export interface WorkSummary {
  job: Job;
  partitions: string[];
  shards: number[];
  read: number;
  corrupt: number;
  saved: number;
  conflicts: number;
  transitions: number;
  notificationsSent: number;
  notificationsSkipped: number;
  eventsPublished: number;
  /** PublishBatch / PutEvents entries that failed; their outbox entries wait for a later run. */
  publishFailures: number;
  continuation?: WorkItem;
}

/** Business time of a run: the scheduled instant, its local day, and `at` as records carry it (local offset). */
export interface JobContext {
  now: string;
  today: string;
  at: string;
  /** This run's lease owner for the outbox entries it writes. */
  owner: string;
}

/** Rules of one job for one borrower's installments: a change per installment (or null: nothing to do). */
export type GroupPlanner = (
  deps: Deps,
  borrower: Borrower,
  installments: Installment[],
  ctx: JobContext,
) => Promise<(Change | null)[]>;

const PLANNERS: Record<Job, GroupPlanner> = {
  aging: planAging,
  reminders: planRemindersGroup,
  failedDebits: planFailedDebitsGroup,
};

const MAX_ATTEMPTS = 5;

export async function runWorkItem(
  deps: Deps,
  item: WorkItem,
  opts: { shouldYield?: () => boolean; pageSize?: number } = {},
): Promise<WorkSummary> {
  const summary: WorkSummary = {
    job: item.job,
    partitions: item.partitions,
    shards: item.shards,
    read: 0,
    corrupt: 0,
    saved: 0,
    conflicts: 0,
    transitions: 0,
    notificationsSent: 0,
    notificationsSkipped: 0,
    eventsPublished: 0,
    publishFailures: 0,
  };
  const now = item.scheduledTime;
  const today = localDateOf(now, deps.config.timeZone);
  const ctx: JobContext = {
    now,
    today,
    at: formatInstant(now, deps.config.timeZone),
    owner: newLeaseOwner(),
  };
  const outbox = new OutboxPublisher(deps, ctx);
  summary.continuation = await runShards(deps, item, ctx, outbox, summary, opts);
  // The last partial batches. (A run that fails before this leaves its entries leased; once the lease
  // is over, the next run that reads those items, its own retry included, publishes them.)
  const flushed = await outbox.drain();
  summary.notificationsSent = flushed.notificationsPublished;
  summary.eventsPublished = flushed.eventsPublished;
  summary.publishFailures = flushed.failed;
  return summary;
}

/**
 * Reads the shards at once, each through its partitions in order, sharing `jobs.concurrency` between
 * them (a shard's groups get an equal share); returns the continuation if asked to yield.
 */
async function runShards(
  deps: Deps,
  item: WorkItem,
  ctx: JobContext,
  outbox: OutboxPublisher,
  summary: WorkSummary,
  opts: { shouldYield?: () => boolean; pageSize?: number },
): Promise<WorkItem | undefined> {
  const { concurrency } = deps.config.jobs;
  const inParallel = Math.min(item.shards.length, concurrency);
  const groupConcurrency = Math.max(1, Math.floor(concurrency / inParallel));
  let failed = false;
  const handedBack = await mapLimit(item.shards, inParallel, async (shard): Promise<ShardResume | null> => {
    try {
      return await runShard(shard);
    } catch (error) {
      failed = true; // the other shards stop at their next page
      throw error;
    }
  });
  const resume = handedBack.filter((r): r is ShardResume => r !== null);
  if (resume.length === 0) return undefined;
  return { ...item, shards: resume.map((r) => r.shard), resume };

  async function runShard(shard: number): Promise<ShardResume | null> {
    const resume = item.resume?.find((r) => r.shard === shard);
    const first = resume ? Math.max(0, item.partitions.indexOf(resume.partition)) : 0;
    for (const partition of item.partitions.slice(first)) {
      const startKey = partition === resume?.partition ? resume.startKey : undefined;
      const run = { job: item.job, partition, shard, startKey, groupConcurrency };
      const resumeAt = await runPartition(deps, run, ctx, outbox, summary, {
        ...opts,
        stopped: () => failed,
      });
      if (resumeAt) return { shard, partition, startKey: resumeAt };
    }
    return null;
  }
}

/** Reads one partition to its end, or until asked to yield: then returns where to resume. */
async function runPartition(
  deps: Deps,
  run: {
    job: Job;
    partition: string;
    shard: number;
    startKey: Record<string, unknown> | undefined;
    groupConcurrency: number;
  },
  ctx: JobContext,
  outbox: OutboxPublisher,
  summary: WorkSummary,
  opts: { shouldYield?: () => boolean; pageSize?: number; stopped?: () => boolean },
): Promise<Record<string, unknown> | undefined> {
  const { job, partition, shard, startKey, groupConcurrency } = run;
  let carried: Installment[] = [];
  for await (const page of deps.installments.queryDue(job, partition, shard, {
    startKey,
    pageSize: opts.pageSize,
  })) {
    if (opts.stopped?.()) throw new Error('another shard of this work item failed');
    const valid: Installment[] = [...carried];
    for (const entry of page.entries) {
      if (entry.ok) valid.push(entry.inst);
      else {
        summary.corrupt++;
        count(METRIC.corruptItems);
        logger.warn('skipped an item that failed validation', { key: entry.key, problem: entry.problem });
      }
    }
    summary.read += page.entries.length;
    count(METRIC.itemsProcessed, page.entries.length, { name: 'job', value: job });
    const groups = groupByBorrower(valid);
    const yielding = page.nextKey !== undefined && (opts.shouldYield?.() ?? false);
    // The last borrower may go on in the next page: keep it for then, unless we stop here.
    carried = page.nextKey !== undefined && !yielding ? (groups.pop() ?? []) : [];
    await processGroups(deps, job, groups, groupConcurrency, ctx, outbox, summary);
    if (yielding) return page.nextKey;
  }
  if (carried.length > 0) await processGroups(deps, job, [carried], groupConcurrency, ctx, outbox, summary);
  return undefined;
}

function groupByBorrower(installments: Installment[]): Installment[][] {
  const groups: Installment[][] = [];
  for (const inst of installments) {
    const last = groups.at(-1);
    if (last && last[0]?.borrowerId === inst.borrowerId) last.push(inst);
    else groups.push([inst]);
  }
  return groups;
}

async function processGroups(
  deps: Deps,
  job: Job,
  groups: Installment[][],
  concurrency: number,
  ctx: JobContext,
  outbox: OutboxPublisher,
  summary: WorkSummary,
): Promise<void> {
  const results = await mapLimit(groups, concurrency, (group) =>
    processGroup(deps, job, group, ctx, summary),
  );
  // Audit entries are recorded in group order, whatever order the groups finished in.
  for (const entries of results.map((r) => r.audit)) for (const entry of entries) deps.audit.record(entry);
  await outbox.add(results.flatMap((r) => r.saved));
}

/** The borrower of a group, or why its installments are skipped (a missing or corrupt profile). */
async function readBorrower(
  deps: Deps,
  borrowerId: string,
): Promise<{ ok: true; borrower: Borrower } | { ok: false; problem: string; key?: unknown }> {
  try {
    const borrower = await deps.borrowers.getBorrower(borrowerId);
    return borrower ? { ok: true, borrower } : { ok: false, problem: 'missing' };
  } catch (error) {
    if (!(error instanceof CorruptItemError)) throw error;
    return { ok: false, problem: `corrupt (${error.problem})`, key: error.key };
  }
}

/**
 * Applies the job to one borrower's installments. A change that loses to a concurrent write is
 * planned again for the whole group from fresh reads (cap reservations are idempotent per occurrence).
 */
async function processGroup(
  deps: Deps,
  job: Job,
  group: Installment[],
  ctx: JobContext,
  summary: WorkSummary,
): Promise<{ audit: AuditEntry[]; saved: Installment[] }> {
  const borrowerId = group[0]?.borrowerId as string;
  const borrower = await readBorrower(deps, borrowerId);
  if (!borrower.ok) {
    summary.corrupt += group.length;
    count(METRIC.corruptItems, group.length);
    logger.warn(`skipped installments whose borrower is ${borrower.problem}`, {
      borrowerKey: borrower.key,
      keys: group.map((i) => ({ loanId: i.loanId, seq: i.seq })),
    });
    return { audit: [], saved: [] };
  }
  const audit: AuditEntry[] = [];
  const saved: Installment[] = [];
  let pending = group;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && pending.length > 0; attempt++) {
    const changes = await PLANNERS[job](deps, borrower.borrower, pending, ctx);
    const retry: Installment[] = [];
    for (const [index, before] of pending.entries()) {
      const change = changes[index];
      const result: CommitResult | null =
        change && !isNoop(before, change)
          ? await commitChange(deps, before, change, ctx)
          : await moveIndexOnly(deps, before, ctx);
      if (result === null) {
        if (before.outbox.length > 0) saved.push(before);
        continue;
      }
      if (!result.saved) {
        summary.conflicts++;
        const fresh = await deps.installments.getInstallment(before.loanId, before.seq);
        if (fresh) retry.push(fresh);
        continue;
      }
      summary.saved++;
      summary.transitions += change?.transitions?.length ?? 0;
      summary.notificationsSkipped += result.audit.filter((a) => a.type === 'notification_skipped').length;
      audit.push(...result.audit);
      saved.push(result.installment);
    }
    pending = retry;
  }
  if (pending.length > 0) {
    logger.warn('gave up on installments after repeated concurrent writes; the next run retries', {
      keys: pending.map((i) => ({ loanId: i.loanId, seq: i.seq })),
    });
  }
  return { audit, saved };
}

/**
 * An installment read by a job with nothing to do today must still leave the partition it was found
 * in (its next date for this job is later now), or a catch-up read would find it again.
 */
async function moveIndexOnly(deps: Deps, before: Installment, ctx: JobContext): Promise<CommitResult | null> {
  if (before.outbox.length > 0) return null; // the flush publishes it and re-saves it
  return commitChange(deps, before, { installment: before }, ctx);
}
