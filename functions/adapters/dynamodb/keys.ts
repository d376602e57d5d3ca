/**
 * Every key value of the single table, built here and nowhere else (attribute and index names come
 * from `shared/table-layout.ts`). The layout is described in docs/data-model.md.
 */
import { createHash } from 'node:crypto';
import type { NextActionDates } from '../../../shared/rules/next-actions';
import type { LocalDate } from '../../../shared/rules/types';
import { JOB_INDEXES, JOBS, type Job, type TABLE_KEYS } from '../../../shared/table-layout';
import type { OccurrenceKey } from '../../ports';
import type { DeliveryKey } from '../../ports/delivery';

/** `{ PK, SK }`, by the attribute names of `shared/table-layout.ts`. */
export type TableKey = Record<typeof TABLE_KEYS.partitionKey | typeof TABLE_KEYS.sortKey, string>;

/** Partition prefix of each job's sparse index. */
const JOB_PREFIX: Record<Job, string> = {
  aging: 'AGING',
  reminders: 'REMINDERS',
  failedDebits: 'FAILED_DEBITS',
};

const loanPK = (loanId: string) => `LOAN#${loanId}`;
const borrowerPK = (borrowerId: string) => `BORROWER#${borrowerId}`;

/** An installment: `LOAN#<loanId>` / `INST#<seq>`. */
export const installmentKey = (loanId: string, seq: string): TableKey => ({
  PK: loanPK(loanId),
  SK: `INST#${seq}`,
});

/** Query bounds for the split parts of installment `parentSeq` (and, beneath them, their own parts). */
export const partsQuery = (loanId: string, parentSeq: string): { PK: string; skPrefix: string } => ({
  PK: loanPK(loanId),
  skPrefix: `INST#${parentSeq}.`,
});

/** A borrower's profile: `BORROWER#<id>` / `PROFILE`. */
export const borrowerKey = (borrowerId: string): TableKey => ({ PK: borrowerPK(borrowerId), SK: 'PROFILE' });

/** A borrower's daily notification cap: `BORROWER#<id>` / `CAP#<date>`. */
export const capKey = (borrowerId: string, day: LocalDate): TableKey => ({
  PK: borrowerPK(borrowerId),
  SK: `CAP#${day}`,
});

/**
 * The claim of one occurrence: `LOAN#<loanId>` / `CLAIM#<seq>#<kind>#<occurrence>`. Seq and kind hold
 * no `#`, so the occurrence (which may) is unambiguous as the rest of the key.
 */
export const claimKey = (k: OccurrenceKey): TableKey => ({
  PK: loanPK(k.loanId),
  SK: `CLAIM#${k.seq}#${k.kind}#${k.occurrence}`,
});

/**
 * The delivery record of one message on one channel: `LOAN#<loanId>` /
 * `DELIVERY#<seq>#<kind>#<channel>#<occurrence>`. Seq, kind and channel hold no `#`, so the
 * occurrence (which may) is unambiguous as the rest of the key.
 */
export const deliveryRecordKey = (k: DeliveryKey): TableKey => ({
  PK: loanPK(k.loanId),
  SK: `DELIVERY#${k.seq}#${k.kind}#${k.channel}#${k.occurrence}`,
});

/** Query bounds for the delivery records of one installment (its contact history). */
export const deliveriesQuery = (loanId: string, seq: string): { PK: string; skPrefix: string } => ({
  PK: loanPK(loanId),
  skPrefix: `DELIVERY#${seq}#`,
});

/**
 * The SNS platform endpoint of a device token: `PUSH#<SHA-256 of the token, hex>` / `ENDPOINT`. The
 * token itself is never part of a key (keys reach logs and error messages).
 */
export const pushEndpointKey = (deviceToken: string): TableKey => ({
  PK: `PUSH#${createHash('sha256').update(deviceToken).digest('hex')}`,
  SK: 'ENDPOINT',
});

/** The dispatch record of a job: `JOB#<job>` / `DISPATCH`. */
export const dispatchLogKey = (job: Job): TableKey => ({ PK: `JOB#${job}`, SK: 'DISPATCH' });

/**
 * The write shard of a borrower: FNV-1a (32-bit) of the id's UTF-8 bytes, mod `shards`. Stable across
 * processes and releases, so all of a borrower's installments share a partition of each job's index.
 */
export function shardOf(borrowerId: string, shards: number): number {
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`shards must be a positive integer`);
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(borrowerId)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** A job index partition: `<JOBPREFIX>#<date>#<shard>`. */
export const jobPartitionKey = (job: Job, date: LocalDate, shard: number): string =>
  `${JOB_PREFIX[job]}#${date}#${shard}`;

/**
 * `%` and `#` escaped, so that no id holds the separator: then one borrower's sort keys form one
 * contiguous range (nothing of another borrower can sort between them).
 */
const escapePart = (part: string) => part.replaceAll('%', '%25').replaceAll('#', '%23');

/** A job index sort key: `<borrowerId>#<loanId>#<seq>` (ids escaped): a borrower's installments sort together. */
export const jobSortKey = (borrowerId: string, loanId: string, seq: string): string =>
  `${escapePart(borrowerId)}#${escapePart(loanId)}#${seq}`;

/** Every job index key attribute, for REMOVE and for stripping before validation. */
export const JOB_INDEX_ATTRIBUTES: readonly string[] = JOBS.flatMap((job) => [
  JOB_INDEXES[job].partitionKey,
  JOB_INDEXES[job].sortKey,
]);

/**
 * The job index key attributes of an installment for its next action dates: present for a job with a
 * date, absent (the item leaves that sparse index) for a job with none.
 */
export function jobIndexAttributes(
  inst: { borrowerId: string; loanId: string; seq: string },
  next: NextActionDates,
  shards: number,
): Record<string, string> {
  const shard = shardOf(inst.borrowerId, shards);
  const attributes: Record<string, string> = {};
  for (const job of JOBS) {
    const date = next[job];
    if (date === null || date === undefined) continue;
    attributes[JOB_INDEXES[job].partitionKey] = jobPartitionKey(job, date, shard);
    attributes[JOB_INDEXES[job].sortKey] = jobSortKey(inst.borrowerId, inst.loanId, inst.seq);
  }
  return attributes;
}
