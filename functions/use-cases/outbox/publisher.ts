/**
 * The publisher: a run's outbox entries go out in full batches of 10 (SNS PublishBatch, EventBridge
 * PutEvents) across installments, pages and shards; the run's last partial batches when it ends
 * (`drain`). After each batch the parts it delivered are removed from their items.
 */
import type {
  DomainEvent,
  Installment,
  LocalDate,
  OutboundMessage,
  OutboxEntry,
} from '../../../shared/rules/types';
import { METRIC } from '../../../shared/telemetry-names';
import { PublishError } from '../../ports';
import { count, logger } from '../../wiring/telemetry';
import { mapLimit } from '../concurrency';
import type { Deps } from '../deps';
import { countBy, recordPublished } from './metrics';
import { partKey, removeDelivered } from './remove-delivered';
import { hasExpiredLease, takeOver } from './takeover';

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
      const mine = hasExpiredLease(inst, owner, now)
        ? await takeOver(this.deps, inst, { now, today, owner })
        : inst;
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
        h.inst = await removeDelivered(this.deps, h.inst, h.sent, this.ctx.today);
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
