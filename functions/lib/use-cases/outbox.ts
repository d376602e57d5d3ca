/**
 * Exactly-once at the occurrence level, without transactions.
 *
 * Primary course:
 * 1. `commitChange` saves the new state of an installment together with the events and messages it
 *    caused (its outbox), conditional on the version that was read: a state change and its
 *    occurrences become durable in one write, or not at all (a concurrent writer wins and we re-read).
 * 2. `flushOutboxes` claims each occurrence with a conditional write, publishes what it claimed in
 *    batches (SNS PublishBatch, EventBridge PutEvents: 10 entries a call, across installments), marks
 *    the claims done, and removes the published entries from the outboxes.
 * A crash between 1 and 2 leaves the outbox on the item, whose job dates are then today: any run of
 * today publishes it. A claim whose publish failed is released so a later run retries it.
 */
import type {
  DomainEvent,
  Installment,
  LocalDate,
  OutboundMessage,
  Transition,
} from '../../../shared/rules/types';
import type { AuditEntry } from '../audit';
import { nextActionDates } from '../next-actions';
import type { OccurrenceKey } from '../ports';
import { logger } from '../telemetry';
import type { Deps } from './deps';

/** How long a claim keeps other runs off an occurrence while it is being published. */
const CLAIM_LEASE_SECONDS = 300;

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

/**
 * Saves `change` over `before` if nobody wrote the installment since it was read. Returns the saved
 * state (new version) and the audit entries it made durable, for the caller to record in order.
 */
export async function commitChange(
  deps: Deps,
  before: Installment,
  change: Change,
  at: string,
  today: LocalDate,
): Promise<CommitResult> {
  const events = change.events ?? [];
  const messages = change.messages ?? [];
  const next: Installment = {
    ...change.installment,
    version: before.version,
    outbox: {
      ...change.installment.outbox,
      events: [...change.installment.outbox.events, ...events],
      messages: [...change.installment.outbox.messages, ...messages],
    },
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
  return { saved: true, installment: { ...next, version: result.version }, audit };
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
  alreadyDone: number;
  busy: number;
  failed: number;
}

const keyOfEvent = (e: DomainEvent): OccurrenceKey => ({
  loanId: e.loanId,
  seq: e.seq,
  kind: e.detailType,
  occurrence: e.occurrence,
});
const keyOfMessage = (m: OutboundMessage): OccurrenceKey => ({
  loanId: m.loanId,
  seq: m.seq,
  kind: m.kind,
  occurrence: m.occurrence,
});
const idOf = (k: OccurrenceKey) => `${k.loanId}|${k.seq}|${k.kind}|${k.occurrence}`;

/**
 * Publishes the outboxes of `installments` (already saved) exactly once per occurrence, then removes
 * what was published (or found already done) from each outbox. Returns the installments as stored
 * afterwards, in input order.
 */
export async function flushOutboxes(
  deps: Deps,
  installments: Installment[],
  today: LocalDate,
): Promise<{ installments: Installment[]; summary: FlushSummary }> {
  const pending = installments.filter((i) => i.outbox.events.length > 0 || i.outbox.messages.length > 0);
  const { done, summary } = await publishOccurrences(
    deps,
    pending.flatMap((i) => i.outbox.messages),
    pending.flatMap((i) => i.outbox.events),
  );
  const byKey = new Map(installments.map((i) => [`${i.loanId}|${i.seq}`, i]));
  for (const inst of pending) {
    const cleared = await removeFromOutbox(deps, inst, done, today);
    byKey.set(`${inst.loanId}|${inst.seq}`, cleared);
  }
  return { installments: installments.map((i) => byKey.get(`${i.loanId}|${i.seq}`) ?? i), summary };
}

/**
 * Claims each occurrence of `messages` and `events`, publishes the claimed ones in batches, and
 * marks them done. Returns the ids of the occurrences now done (published here or before).
 */
export async function publishOccurrences(
  deps: Deps,
  allMessages: OutboundMessage[],
  allEvents: DomainEvent[],
): Promise<{ done: Set<string>; summary: FlushSummary }> {
  const summary: FlushSummary = {
    messagesPublished: 0,
    notificationsPublished: 0,
    eventsPublished: 0,
    alreadyDone: 0,
    busy: 0,
    failed: 0,
  };
  const done = new Set<string>();
  if (allMessages.length === 0 && allEvents.length === 0) return { done, summary };
  const now = deps.clock();
  const leaseUntil = new Date(Date.parse(now) + CLAIM_LEASE_SECONDS * 1000).toISOString();
  const claimed = new Set<string>();
  const keys = new Map<string, OccurrenceKey>();
  for (const key of [...allMessages.map(keyOfMessage), ...allEvents.map(keyOfEvent)])
    keys.set(idOf(key), key);
  // One claim at a time: independent conditional writes, and a stable order of what is published.
  for (const [id, key] of keys) {
    const claim = await deps.claims.claim(key, leaseUntil, now);
    if (claim.result === 'claimed') claimed.add(id);
    else if (claim.result === 'done') done.add(id);
    else summary.busy++;
  }
  summary.alreadyDone = done.size;

  const messages = allMessages.filter((m) => claimed.has(idOf(keyOfMessage(m))));
  const events = allEvents.filter((e) => claimed.has(idOf(keyOfEvent(e))));
  const messageIds = new Set(messages.map((m) => idOf(keyOfMessage(m))));
  const eventIds = new Set(events.map((e) => idOf(keyOfEvent(e))));
  await publishOrRelease(deps, messageIds, keys, done, summary, () => deps.notifier.send(messages), 'SENT');
  await publishOrRelease(
    deps,
    eventIds,
    keys,
    done,
    summary,
    () => deps.publisher.publish(events),
    'PUBLISHED',
  );
  summary.messagesPublished = messages.filter((m) => done.has(idOf(keyOfMessage(m)))).length;
  summary.notificationsPublished = [...messageIds].filter((id) => done.has(id)).length;
  summary.eventsPublished = [...eventIds].filter((id) => done.has(id)).length;
  return { done, summary };
}

async function publishOrRelease(
  deps: Deps,
  ids: Set<string>,
  keys: Map<string, OccurrenceKey>,
  done: Set<string>,
  summary: FlushSummary,
  publish: () => Promise<void>,
  status: 'SENT' | 'PUBLISHED',
): Promise<void> {
  if (ids.size === 0) return;
  try {
    await publish();
  } catch (error) {
    // At-least-once: release every claim of this batch so a later run publishes it again.
    summary.failed += ids.size;
    logger.error('publish failed; claims released for a later run', {
      occurrences: ids.size,
      error: (error as Error).name,
      message: (error as Error).message,
    });
    for (const id of ids) {
      await deps.claims.release(keys.get(id) as OccurrenceKey);
    }
    return;
  }
  for (const id of ids) {
    await deps.claims.complete(keys.get(id) as OccurrenceKey, status);
    done.add(id);
  }
}

/** Removes the done occurrences from the stored outbox, re-reading on a concurrent write. */
async function removeFromOutbox(
  deps: Deps,
  inst: Installment,
  done: Set<string>,
  today: LocalDate,
): Promise<Installment> {
  let current: Installment | null = inst;
  for (let attempt = 0; attempt < 5 && current; attempt++) {
    const outbox = {
      ...current.outbox,
      events: current.outbox.events.filter((e) => !done.has(idOf(keyOfEvent(e)))),
      messages: current.outbox.messages.filter((m) => !done.has(idOf(keyOfMessage(m)))),
    };
    if (
      outbox.events.length === current.outbox.events.length &&
      outbox.messages.length === current.outbox.messages.length
    ) {
      return current;
    }
    const next = { ...current, outbox };
    const result = await deps.installments.saveInstallment(
      next,
      current.version,
      nextActionDates(next, today, deps.config),
    );
    if (result.saved) return { ...next, version: result.version };
    current = await deps.installments.getInstallment(inst.loanId, inst.seq);
  }
  // Left for a later run: the entries stay in the outbox and their claims say they are done.
  return current ?? inst;
}
