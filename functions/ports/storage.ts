/**
 * The storage ports, in the domain's words: installments (with the job index of their next action
 * dates), borrowers, occurrence claims, daily caps and the dispatch log. The DynamoDB adapters
 * (`functions/adapters/dynamodb/`) implement them.
 */
import type { NextActionDates } from '../../shared/rules/next-actions';
import type { Borrower, DetailType, Installment, LocalDate } from '../../shared/rules/types';
import type { Job } from '../../shared/table-layout';

/** The storage key of an item, the only thing about a bad item that may be logged. */
export interface ItemKey {
  PK: string;
  SK: string;
}

/** One entry of a `queryDue` page: a valid installment, or the key of an item that failed validation. */
export type DueEntry = { ok: true; inst: Installment } | { ok: false; key: ItemKey; problem: string };

export interface DuePage {
  entries: DueEntry[];
  /** Where the next page starts; absent on the last page. Plain JSON: it may travel in a continuation. */
  nextKey?: Record<string, unknown>;
}

export interface InstallmentStore {
  /** The installment, validated; null when absent. A stored item that fails validation throws {@link CorruptItemError}. */
  getInstallment(loanId: string, seq: string): Promise<Installment | null>;
  /** The split parts `"<parentSeq>.<k>"` of an installment (direct parts only), in `seq` order (numeric part by part). */
  getParts(loanId: string, parentSeq: string): Promise<Installment[]>;
  /** Stores a new installment as given (its `version` included) unless one with its key exists. */
  createInstallment(inst: Installment, next: NextActionDates): Promise<'created' | 'exists'>;
  /** Unconditional bulk load (seeding, portfolio load): batches of 25 with unprocessed-item retries. */
  putInstallments(items: { inst: Installment; next: NextActionDates }[]): Promise<void>;
  /** Writes the new state if the stored version is still `expectedVersion`; bumps version; writes the job index keys from `next`. */
  saveInstallment(
    inst: Installment,
    expectedVersion: number,
    next: NextActionDates,
  ): Promise<{ saved: true; version: number } | { saved: false }>;
  /**
   * Streams the installments whose next `job` date is `date`, in `shard`, page by page (a Query on the
   * job's sparse index, never a Scan), sorted by borrower, loan and seq.
   */
  queryDue(
    job: Job,
    date: LocalDate,
    shard: number,
    opts?: { startKey?: Record<string, unknown>; pageSize?: number },
  ): AsyncIterable<DuePage>;
}

export interface BorrowerStore {
  /** The borrower profile, validated; null when absent (or only an at-risk record exists so far). */
  getBorrower(borrowerId: string): Promise<Borrower | null>;
  /** Upserts the profile; the at-risk history only moves forward (max of stored and given `lastFailedDebitOn`). */
  putBorrower(b: Borrower): Promise<void>;
  /** Bulk load (seeding): whole items replaced, in batches of 25. */
  putBorrowers(bs: Borrower[]): Promise<void>;
  /** `lastFailedDebitOn = max(stored, on)` in one conditional write (works before the profile exists). */
  recordFailedDebit(borrowerId: string, on: LocalDate): Promise<void>;
}

/**
 * (installment, detail type, occurrence): the exactly-once key of an event that has no installment
 * item to hold it (a rejection for an unknown installment).
 */
export interface OccurrenceKey {
  loanId: string;
  seq: string;
  kind: DetailType;
  occurrence: string;
}

/** How a claimed occurrence ended. */
export type ClaimStatus = 'PUBLISHED';

export type ClaimResult =
  | { result: 'claimed' }
  | { result: 'done'; status: ClaimStatus }
  | { result: 'busy' };

export interface ClaimStore {
  /**
   * Conditional put: 'claimed' if new (or its lease expired while still PENDING), 'done' if already
   * completed (with its recorded status), 'busy' if another run holds an unexpired lease.
   * `leaseUntil` and `now` are ISO instants.
   */
  claim(key: OccurrenceKey, leaseUntil: string, now: string): Promise<ClaimResult>;
  /** Records the occurrence as done for good. */
  complete(key: OccurrenceKey, status: ClaimStatus): Promise<void>;
  /** A claim whose publish failed: deletes it (if still PENDING) so a later run retries. */
  release(key: OccurrenceKey): Promise<void>;
}

export interface CapStore {
  /** Notifications counted against the borrower's cap on `day`. */
  sentOn(borrowerId: string, day: LocalDate): Promise<number>;
  /**
   * Idempotent: adds `occurrenceId` to the borrower's set for the day if the set is below `cap` or
   * already holds it (true), else false. One conditional write: never above the cap under concurrency.
   */
  reserve(borrowerId: string, day: LocalDate, occurrenceId: string, cap: number): Promise<boolean>;
}

/** The last day each job was dispatched for: how far back a dispatch reads (a missed run). */
export interface DispatchLog {
  lastDispatched(job: Job): Promise<string | null>;
  /** Keeps the latest day: an old, retried dispatch never moves it back. */
  markDispatched(job: Job, day: string): Promise<void>;
}

/** A stored item failed validation. Carries its key only: never the item's content. */
export class CorruptItemError extends Error {
  override readonly name = 'CorruptItemError';
  constructor(
    readonly key: ItemKey,
    readonly problem: string,
  ) {
    super(`stored item ${key.PK} / ${key.SK} failed validation: ${problem}`);
  }
}
