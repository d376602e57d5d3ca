/**
 * Exactly-once at the occurrence level, without transactions.
 *
 * Primary course:
 * 1. `commitChange` (`commit.ts`) saves the new state of an installment together with the events and
 *    messages it caused, as one outbox entry leased to this run (`lease.ts`), conditional on the
 *    version that was read. That write is the occurrences' claim.
 * 2. An `OutboxPublisher` per run (`publisher.ts`) publishes the run's entries in full batches across
 *    installments, pages and shards, and after each batch removes what it delivered
 *    (`remove-delivered.ts`); the run's last partial batches go out when it ends.
 * An entry whose run died (its lease expired) is taken over by a later run with a conditional write
 * (`takeover.ts`), then published. While an item holds an entry, its job dates are today, so any run
 * of today (a rerun after a crash included) finds it. A publish that fails leaves the entry for a
 * later run. The one window for a duplicate is a crash after a publish succeeded and before the
 * entry was removed: delivery is at least once, and every message and event carries its occurrence
 * id. Events with no installment to hold them are claimed one by one (`publish-once.ts`).
 */
export { type Change, type CommitResult, commitChange, isNoop } from './commit';
export { newLeaseOwner } from './lease';
export { publishOnce } from './publish-once';
export { flushOutboxes, OutboxPublisher } from './publisher';
