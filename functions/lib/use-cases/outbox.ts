/**
 * Exactly-once at the occurrence level, without transactions.
 *
 * Primary course:
 * 1. `commitChange` saves the new state of an installment together with the events and messages it
 *    caused, as one outbox entry leased to this run, conditional on the version that was read. That
 *    write is the occurrences' claim: the planning state that produced them is saved in it, so no
 *    run plans them again, and a run that read the old version loses and re-reads.
 * 2. `flushOutboxes` publishes this run's entries in batches (SNS PublishBatch, EventBridge
 *    PutEvents: 10 entries a call, across installments), then removes them from the items.
 * An entry whose run died (its lease expired) is taken over by a later run with a conditional write,
 * then published. While an item holds an entry, its job dates are today, so any run of today (a
 * rerun after a crash included) finds it. A publish that fails leaves the entry for a later run.
 * The one window for a duplicate is a crash after a publish succeeded and before the entry was
 * removed: delivery is at least once, and every message and event carries its occurrence id.
 */
import { randomUUID } from 'node:crypto';
import type {
  DomainEvent,
  Installment,
  LocalDate,
  OutboundMessage,
  OutboxEntry,
  Transition,
} from '../../../shared/rules/types';
import { METRIC } from '../../../shared/telemetry-names';
import type { AuditEntry } from '../audit';
import { nextActionDates } from '../next-actions';
import { count, logger } from '../telemetry';
import type { Deps } from './deps';

/** How long an outbox entry is reserved for the run that wrote it. */
const LEASE_SECONDS = 300;

/** Lease owners are runs: this process's id and a counter, so two runs in one process are told apart. */
const PROCESS_ID = randomUUID().slice(0, 8);
let counter = 0;

/** A new lease owner, one per run (a work item, an intake event). */
export const newLeaseOwner = (): string => `${PROCESS_ID}-${++counter}`;

export interface Change {
  /** The new state, as a rule returned it (its outbox untouched). */
  installment: Installment;
  transitions?: Transition[];
  events?: DomainEvent[];
  messages?: OutboundMessage[];
  /** Audit entries other than transitions (skipped notifications). */
  audit?: AuditEntry[];
}

export type CommitResult = { saved: true; installment: Installment; audit: AuditEntry[] } | { saved: false };

const leaseUntil = (deps: Deps) => new Date(Date.parse(deps.clock()) + LEASE_SECONDS * 1000).toISOString();

/**
 * Saves `change` over `before` if nobody wrote the installment since it was read. Returns the saved
 * state (new version) and the audit entries it made durable, for the caller to record in order.
 */
export async function commitChange(
  deps: Deps,
  before: Installment,
  change: Change,
  ctx: { at: string; today: LocalDate; owner: string },
): Promise<CommitResult> {
  const { at, today, owner } = ctx;
  const events = change.events ?? [];
  const messages = change.messages ?? [];
  const entries: OutboxEntry[] =
    events.length + messages.length > 0
      ? [
          {
            id: `${owner}.${++counter}`,
            leaseOwner: owner,
            leaseUntil: leaseUntil(deps),
            events,
            messages,
          },
        ]
      : [];
  const next: Installment = {
    ...change.installment,
    version: before.version,
    outbox: [...change.installment.outbox, ...entries],
  };
  const result = await deps.installments.saveInstallment(
    next,
    before.version,
    nextActionDates(next, today, deps.config),
  );
  if (!result.saved) return { saved: false };
  const audit: AuditEntry[] = [
    ...(change.transitions ?? []).map((t): AuditEntry => ({ type: 'transition', at, ...t })),
    ...(change.audit ?? []),
  ];
  countBy(
    METRIC.transitions,
    'to',
    (change.transitions ?? []).map((t) => t.to),
  );
  countBy(
    METRIC.notificationsSkipped,
    'reason',
    audit.flatMap((a) => (a.type === 'notification_skipped' ? [a.reason] : [])),
  );
  return { saved: true, installment: { ...next, version: result.version }, audit };
}

/** One metric per distinct dimension value, with its count. */
function countBy(metric: string, dimension: string, values: string[]): void {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  for (const [value, n] of counts) count(metric, n, { name: dimension, value });
}

/** The dashboard's figures of what was published: messages by channel, notifications by kind, events. */
function recordPublished(messages: OutboundMessage[], events: DomainEvent[]): void {
  countBy(
    METRIC.messagesSent,
    'channel',
    messages.map((m) => m.channel),
  );
  const notifications = new Map(
    messages.map((m) => [`${m.loanId}|${m.seq}|${m.kind}|${m.occurrence}`, m.kind]),
  );
  countBy(METRIC.notificationsSent, 'kind', [...notifications.values()]);
  countBy(
    METRIC.eventsPublished,
    'detailType',
    events.map((e) => e.detailType),
  );
  countBy(
    METRIC.bucketChanges,
    'bucket',
    events.flatMap((e) =>
      e.detailType === 'DelinquencyBucketChanged' ? [String(e.detail.to ?? 'none')] : [],
    ),
  );
  countBy(
    METRIC.escalations,
    'detailType',
    events
      .filter(
        (e) => e.detailType === 'ManualInterventionRequired' || e.detailType === 'CreditBureauReportRequired',
      )
      .map((e) => e.detailType),
  );
  const retries = events.filter((e) => e.detailType === 'DebitRetryRequested').length;
  if (retries > 0) count(METRIC.retriesRequested, retries);
}

/** True when the change alters nothing that is stored. */
export function isNoop(before: Installment, change: Change): boolean {
  return (
    !change.events?.length &&
    !change.messages?.length &&
    !change.transitions?.length &&
    !change.audit?.length &&
    JSON.stringify(before) === JSON.stringify({ ...change.installment, version: before.version })
  );
}

export interface FlushSummary {
  messagesPublished: number;
  notificationsPublished: number;
  eventsPublished: number;
  /** Entries held by another live run, left to it. */
  leftToOthers: number;
  /** Entries whose publish failed, left for a later run. */
  failed: number;
}

const notificationsIn = (messages: OutboundMessage[]) =>
  new Set(messages.map((m) => `${m.loanId}|${m.seq}|${m.kind}|${m.occurrence}`)).size;

/**
 * Publishes the outbox entries of `installments` that this process holds, or whose lease expired
 * (taken over first), then removes what was published. Returns the installments as stored afterwards.
 */
export async function flushOutboxes(
  deps: Deps,
  installments: Installment[],
  ctx: { today: LocalDate; owner: string },
): Promise<{ installments: Installment[]; summary: FlushSummary }> {
  const { today, owner } = ctx;
  const summary: FlushSummary = {
    messagesPublished: 0,
    notificationsPublished: 0,
    eventsPublished: 0,
    leftToOthers: 0,
    failed: 0,
  };
  const now = deps.clock();
  const held: Installment[] = [];
  for (const inst of installments) {
    if (inst.outbox.length === 0) continue;
    const expired = inst.outbox.some((e) => e.leaseOwner !== owner && e.leaseUntil <= now);
    const mine = expired ? await takeOver(deps, inst, { now, today, owner }) : inst;
    if (!mine) continue;
    summary.leftToOthers += mine.outbox.filter((e) => e.leaseOwner !== owner).length;
    held.push(mine);
  }
  const entries = held.flatMap((i) => i.outbox.filter((e) => e.leaseOwner === owner));
  if (entries.length === 0) return { installments, summary };

  const published = new Set<string>();
  const messages = entries.flatMap((e) => e.messages);
  const events = entries.flatMap((e) => e.events);
  try {
    await deps.notifier.send(messages);
    await deps.publisher.publish(events);
    for (const e of entries) published.add(e.id);
    recordPublished(messages, events);
    summary.messagesPublished = messages.length;
    summary.notificationsPublished = notificationsIn(messages);
    summary.eventsPublished = events.length;
  } catch (error) {
    // At least once: the entries stay on their items, and a later run publishes them again.
    summary.failed = entries.length;
    count(METRIC.publishRetries, entries.length);
    logger.error('publish failed; outbox entries left for a later run', {
      entries: entries.length,
      error: (error as Error).name,
      message: (error as Error).message,
    });
    return { installments, summary };
  }

  const byKey = new Map(installments.map((i) => [`${i.loanId}|${i.seq}`, i]));
  for (const inst of held) {
    byKey.set(`${inst.loanId}|${inst.seq}`, await removeEntries(deps, inst, published, today));
  }
  return { installments: installments.map((i) => byKey.get(`${i.loanId}|${i.seq}`) ?? i), summary };
}

/** Re-leases the expired entries of `inst` to this run with a conditional write. */
async function takeOver(
  deps: Deps,
  inst: Installment,
  { now, today, owner }: { now: string; today: LocalDate; owner: string },
): Promise<Installment | null> {
  const until = leaseUntil(deps);
  const outbox = inst.outbox.map((e) =>
    e.leaseOwner !== owner && e.leaseUntil <= now ? { ...e, leaseOwner: owner, leaseUntil: until } : e,
  );
  const next = { ...inst, outbox };
  const result = await deps.installments.saveInstallment(
    next,
    inst.version,
    nextActionDates(next, today, deps.config),
  );
  // Another run wrote it first: it holds the entries now, or will publish them.
  return result.saved ? { ...next, version: result.version } : null;
}

/** Removes the published entries from the stored outbox, re-reading on a concurrent write. */
async function removeEntries(
  deps: Deps,
  inst: Installment,
  published: Set<string>,
  today: LocalDate,
): Promise<Installment> {
  let current: Installment | null = inst;
  for (let attempt = 0; attempt < 5 && current; attempt++) {
    const outbox = current.outbox.filter((e) => !published.has(e.id));
    if (outbox.length === current.outbox.length) return current;
    const next = { ...current, outbox };
    const result = await deps.installments.saveInstallment(
      next,
      current.version,
      nextActionDates(next, today, deps.config),
    );
    if (result.saved) return { ...next, version: result.version };
    current = await deps.installments.getInstallment(inst.loanId, inst.seq);
  }
  // Still there after repeated concurrent writes: a later run will publish them again (at least once).
  return current ?? inst;
}

/**
 * Publishes events that have no installment to hold them (a rejection for an unknown installment):
 * each is claimed with a conditional write first, so a redelivered request is not answered twice.
 */
export async function publishOnce(deps: Deps, events: DomainEvent[]): Promise<void> {
  const now = deps.clock();
  for (const event of events) {
    const key = {
      loanId: event.loanId,
      seq: event.seq,
      kind: event.detailType,
      occurrence: event.occurrence,
    };
    const claim = await deps.claims.claim(key, leaseUntil(deps), now);
    if (claim.result !== 'claimed') continue;
    try {
      await deps.publisher.publish([event]);
    } catch (error) {
      await deps.claims.release(key);
      throw error;
    }
    await deps.claims.complete(key, 'PUBLISHED');
  }
}
