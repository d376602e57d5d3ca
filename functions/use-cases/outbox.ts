/**
 * Exactly-once at the occurrence level, without transactions.
 *
 * Primary course:
 * 1. `commitChange` saves the new state of an installment together with the events and messages it
 *    caused, as one outbox entry leased to this run, conditional on the version that was read. That
 *    write is the occurrences' claim: the planning state that produced them is saved in it, so no
 *    run plans them again, and a run that read the old version loses and re-reads.
 * 2. An `OutboxPublisher` per run publishes the run's entries in full batches (SNS PublishBatch,
 *    EventBridge PutEvents: 10 entries a call, across installments, pages and shards), then removes
 *    them from the items; the run's last partial batches go out when it ends (`drain`).
 * An entry whose run died (its lease expired) is taken over by a later run with a conditional write,
 * then published. While an item holds an entry, its job dates are today, so any run of today (a
 * rerun after a crash included) finds it. A publish that fails leaves the entry for a later run.
 * The one window for a duplicate is a crash after a publish succeeded and before the entry was
 * removed: delivery is at least once, and every message and event carries its occurrence id.
 */
import { randomUUID } from 'node:crypto';
import { nextActionDates } from '../../shared/rules/next-actions';
import type {
  DomainEvent,
  Installment,
  LocalDate,
  OutboundMessage,
  OutboxEntry,
  Transition,
} from '../../shared/rules/types';
import { METRIC } from '../../shared/telemetry-names';
import { PublishError } from '../ports';
import type { AuditEntry } from '../ports/audit';
import { count, logger } from '../wiring/telemetry';
import { mapLimit } from './concurrency';
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

/** The dashboard's figures of what a batch published: messages by channel, events (notifications by kind: per entry). */
function recordPublished(messages: OutboundMessage[], events: DomainEvent[]): void {
  countBy(
    METRIC.messagesSent,
    'channel',
    messages.map((m) => m.channel),
  );
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

const BATCH_SIZE = 10;

/** The notifications (one per installment, kind and occurrence, whatever the channels) among `messages`, by kind. */
const distinctNotifications = (messages: OutboundMessage[]) =>
  new Map(messages.map((m) => [`${m.loanId}|${m.seq}|${m.kind}|${m.occurrence}`, m.kind]));

const keyOf = (inst: { loanId: string; seq: string }) => `${inst.loanId}|${inst.seq}`;

/** A message or event of an outbox entry, named uniquely within its entry (one per occurrence and channel). */
type Part = { kind: 'message'; item: OutboundMessage } | { kind: 'event'; item: DomainEvent };
const partKey = (entryId: string, part: Part): string =>
  part.kind === 'message'
    ? `${entryId}|m|${part.item.kind}|${part.item.occurrence}|${part.item.channel}`
    : `${entryId}|e|${part.item.detailType}|${part.item.occurrence}`;

/** An installment whose entries this run publishes: parts still queued, and parts sent but not yet removed. */
interface Holder {
  inst: Installment;
  queued: number;
  sent: Set<string>;
}

interface Queued<T> {
  holder: string;
  entryId: string;
  key: string;
  item: T;
}

/**
 * A run's outbox publisher: it takes the installments a run saved, page after page, and publishes
 * their entries in full batches of 10 (PublishBatch, PutEvents) across pages and shards; `drain` sends
 * the last partial batches. After each batch the parts it delivered are removed from their items (an
 * entry with nothing left goes), so a run that dies later resends nothing already sent. An entry with a
 * part that failed stays with its undelivered parts for a later run, which sends them. Memory stays
 * bounded: less than a batch of each kind waits.
 */
export class OutboxPublisher {
  readonly summary: FlushSummary = {
    messagesPublished: 0,
    notificationsPublished: 0,
    eventsPublished: 0,
    leftToOthers: 0,
    failed: 0,
  };
  private readonly holders = new Map<string, Holder>();
  /** Entries with parts still queued: how many, and their messages (for the notification count). */
  private readonly entries = new Map<string, { queued: number; messages: OutboundMessage[] }>();
  private messages: Queued<OutboundMessage>[] = [];
  private events: Queued<DomainEvent>[] = [];

  constructor(
    private readonly deps: Deps,
    private readonly ctx: { today: LocalDate; owner: string },
  ) {}

  /** Entries this run has sent in full, or given up on: a few bytes each, for the run's length. */
  private readonly settled = new Set<string>();
  /** Calls of `add` and `drain`, one after the other: the shards of a run add at once. */
  private tail: Promise<unknown> = Promise.resolve();

  private serially<T>(step: () => Promise<T>): Promise<T> {
    const next = this.tail.then(step);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** A send waiting behind the one in progress: later adds join it instead of queueing their own. */
  private nextSend: Promise<boolean> | null = null;

  /** Takes the entries of `installments` this run holds (or takes over), and sends every full batch. */
  async add(installments: Installment[]): Promise<void> {
    await this.take(installments);
    if (!this.nextSend) {
      this.nextSend = this.serially(() => {
        this.nextSend = null;
        return this.send(false);
      });
    }
    await this.nextSend;
  }

  /** Sends what is left (the partial batches) and removes what was delivered. */
  drain(): Promise<FlushSummary> {
    return this.serially(async () => {
      await this.send(true);
      return this.summary;
    });
  }

  private async take(installments: Installment[]): Promise<void> {
    const { owner, today } = this.ctx;
    const now = this.deps.clock();
    for (const inst of installments) {
      if (inst.outbox.length === 0 || this.holders.has(keyOf(inst))) continue;
      const expired = inst.outbox.some((e) => e.leaseOwner !== owner && e.leaseUntil <= now);
      const mine = expired ? await takeOver(this.deps, inst, { now, today, owner }) : inst;
      if (!mine) continue;
      this.summary.leftToOthers += mine.outbox.filter((e) => e.leaseOwner !== owner).length;
      // (An item read again later in the run, e.g. in today's partition after an earlier day's, may
      // still show entries this run has sent since: those are not sent again.)
      const held = mine.outbox.filter((e) => e.leaseOwner === owner && !this.settled.has(e.id));
      if (held.length === 0) continue;
      const holder = keyOf(mine);
      this.holders.set(holder, { inst: mine, queued: 0, sent: new Set() });
      for (const entry of held) this.queue(holder, entry);
    }
  }

  private queue(holder: string, entry: OutboxEntry): void {
    const parts = entry.messages.length + entry.events.length;
    if (parts === 0) return;
    this.entries.set(entry.id, { queued: parts, messages: entry.messages });
    (this.holders.get(holder) as Holder).queued += parts;
    for (const item of entry.messages) {
      const key = partKey(entry.id, { kind: 'message', item });
      this.messages.push({ holder, entryId: entry.id, key, item });
    }
    for (const item of entry.events) {
      const key = partKey(entry.id, { kind: 'event', item });
      this.events.push({ holder, entryId: entry.id, key, item });
    }
  }

  /** Sends the batches ready now; false when there were none. */
  private async send(all: boolean): Promise<boolean> {
    const ready = (queue: unknown[]) => queue.length >= BATCH_SIZE || (all && queue.length > 0);
    // Every batch ready now goes out at once, `jobs.concurrency` calls in flight, then one round of removals.
    const calls: (() => Promise<void>)[] = [];
    while (ready(this.messages)) {
      const batch = this.messages.splice(0, BATCH_SIZE);
      calls.push(() => this.deliver(batch, (items) => this.deps.notifier.send(items)));
    }
    while (ready(this.events)) {
      const batch = this.events.splice(0, BATCH_SIZE);
      calls.push(() => this.deliver(batch, (items) => this.deps.publisher.publish(items)));
    }
    if (calls.length === 0) return false;
    await mapLimit(calls, this.deps.config.jobs.concurrency, (call) => call());
    await this.removeDelivered();
    return true;
  }

  private async deliver<T extends OutboundMessage | DomainEvent>(
    batch: Queued<T>[],
    publish: (items: T[]) => Promise<void>,
  ): Promise<void> {
    let failedIndexes = new Set<number>();
    try {
      await publish(batch.map((p) => p.item));
    } catch (error) {
      if (!(error instanceof PublishError)) throw error;
      failedIndexes = new Set(error.failed.map((f) => f.index));
      count(METRIC.publishRetries, error.failed.length);
      logger.error('publish failed; outbox entries left for a later run', {
        target: error.target,
        failed: error.failed.length,
        of: batch.length,
        error: error.name,
        message: error.message,
      });
    }
    const delivered: T[] = [];
    for (const [index, part] of batch.entries()) {
      const holder = this.holders.get(part.holder) as Holder;
      if (failedIndexes.has(index)) {
        this.fail(part.entryId, holder);
        continue;
      }
      delivered.push(part.item);
      holder.sent.add(part.key);
      holder.queued--;
      this.settlePart(part.entryId);
    }
    const messages = delivered.filter((d): d is OutboundMessage & T => 'channel' in d);
    const events = delivered.filter((d): d is DomainEvent & T => 'detailType' in d);
    recordPublished(messages, events);
    this.summary.messagesPublished += messages.length;
    this.summary.eventsPublished += events.length;
  }

  /** One part of an entry went out; the entry's notifications count once all parts have. */
  private settlePart(entryId: string): void {
    const entry = this.entries.get(entryId);
    if (!entry || --entry.queued > 0) return; // (no entry: another part of it failed)
    this.entries.delete(entryId);
    this.settled.add(entryId);
    const notifications = distinctNotifications(entry.messages);
    this.summary.notificationsPublished += notifications.size;
    countBy(METRIC.notificationsSent, 'kind', [...notifications.values()]);
  }

  /** An entry with a part that failed stays on its item; its parts still queued wait for a later run. */
  private fail(entryId: string, holder: Holder): void {
    this.entries.delete(entryId);
    this.settled.add(entryId);
    this.summary.failed++;
    holder.queued--; // the failed part
    const drop = <T>(queue: Queued<T>[]) =>
      queue.filter((p) => {
        if (p.entryId !== entryId) return true;
        holder.queued--;
        return false;
      });
    this.messages = drop(this.messages);
    this.events = drop(this.events);
  }

  /** Removes the parts delivered since the last call from their items; forgets items with nothing queued. */
  private async removeDelivered(): Promise<void> {
    const touched = [...this.holders].filter(([, h]) => h.sent.size > 0 || h.queued === 0);
    await mapLimit(touched, this.deps.config.jobs.concurrency, async ([key, h]) => {
      if (h.sent.size > 0) {
        h.inst = await removeParts(this.deps, h.inst, h.sent, this.ctx.today);
        h.sent = new Set();
      }
      if (h.queued === 0) this.holders.delete(key);
    });
  }
}

/**
 * Publishes the outbox entries of `installments` that this run holds, or whose lease expired
 * (taken over first), then removes what was published: one installment's worth (an intake event).
 */
export async function flushOutboxes(
  deps: Deps,
  installments: Installment[],
  ctx: { today: LocalDate; owner: string },
): Promise<FlushSummary> {
  const publisher = new OutboxPublisher(deps, ctx);
  await publisher.add(installments);
  return publisher.drain();
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

/** Removes the delivered parts (and entries left empty) from the stored outbox, re-reading on a concurrent write. */
async function removeParts(
  deps: Deps,
  inst: Installment,
  sent: Set<string>,
  today: LocalDate,
): Promise<Installment> {
  const unsent = (entry: OutboxEntry): OutboxEntry => ({
    ...entry,
    messages: entry.messages.filter((item) => !sent.has(partKey(entry.id, { kind: 'message', item }))),
    events: entry.events.filter((item) => !sent.has(partKey(entry.id, { kind: 'event', item }))),
  });
  let current: Installment | null = inst;
  for (let attempt = 0; attempt < 5 && current; attempt++) {
    const parts = (outbox: OutboxEntry[]) =>
      outbox.reduce((n, e) => n + e.messages.length + e.events.length, 0);
    const outbox = current.outbox.map(unsent).filter((e) => e.messages.length + e.events.length > 0);
    if (parts(outbox) === parts(current.outbox)) return current;
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
