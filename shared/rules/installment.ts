/**
 * An installment's identity and standing (RULES.md sections 1, 2 and 4): creating one, ordering seqs
 * (numeric part by part), the closed and final states, and the receipts that make debit results,
 * payments and adjustment requests take effect once.
 */
import type { Config } from '../config/schema';
import { type Installment, installmentSchema, type LocalDate, type Status } from './types';

/** An installment as the loan system hands it over. */
export interface NewInstallmentInput {
  loanId: string;
  /** A positive integer (or, for a split part, `"<seq>.<k>"`); stored as a string. */
  seq: number | string;
  borrowerId: string;
  dueDate: LocalDate;
  principal: number;
  interest: number;
  penaltyDailyRatePpm?: number;
}

/**
 * A new SCHEDULED installment with every fact at its default, validated by the stored schema (so a
 * bad date or a fractional fen fails here, not later in a job).
 * @example newInstallment({ loanId: 'L1', seq: 1, borrowerId: 'b1', dueDate: '2026-12-10', principal: 100_000, interest: 1_000 }, config)
 */
export function newInstallment(input: NewInstallmentInput, config: Pick<Config, 'penalty'>): Installment {
  return installmentSchema.parse({
    loanId: input.loanId,
    seq: String(input.seq),
    borrowerId: input.borrowerId,
    dueDate: input.dueDate,
    principal: input.principal,
    interest: input.interest,
    penaltyDailyRatePpm: input.penaltyDailyRatePpm ?? config.penalty.dailyRatePpm,
    status: 'SCHEDULED',
  });
}

/**
 * Orders seqs numerically part by part: `"1.2"` before `"1.10"`, `"1"` before `"1.1"`.
 * Digits are compared as strings of equal length, so no seq is too long for a number.
 * @example ['1.10', '1.2', '1'].sort(compareSeq) // ['1', '1.2', '1.10']
 */
export function compareSeq(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = (pa[i] ?? '').replace(/^0+(?=\d)/, '');
    const y = (pb[i] ?? '').replace(/^0+(?=\d)/, '');
    if (x.length !== y.length) return x.length - y.length;
    if (x !== y) return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

const CLOSED: ReadonlySet<Status> = new Set(['PAID', 'RESTRUCTURED', 'WRITTEN_OFF']);
const FINAL: ReadonlySet<Status> = new Set(['PAID', 'RESTRUCTURED']);

/**
 * PAID, RESTRUCTURED or WRITTEN_OFF: DPD and penalty are frozen at `closedOn`, no job plans anything
 * for it any more.
 */
export const isClosed = (inst: Pick<Installment, 'status'>): boolean => CLOSED.has(inst.status);

/** PAID or RESTRUCTURED: nothing moves it out any more (RULES.md section 2). */
export const isFinal = (inst: Pick<Installment, 'status'>): boolean => FINAL.has(inst.status);

/** JSON with object keys sorted and `undefined` left out: the same content gives the same string. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/**
 * What an id already did to this installment: `new` (not seen), `same` (seen with this content),
 * `conflicting` (seen with other content: the first wins).
 */
export function receiptStatus(
  inst: Installment,
  id: string,
  fingerprint: string,
): 'new' | 'same' | 'conflicting' {
  const seen = inst.receipts[id];
  if (seen === undefined) return 'new';
  return seen === fingerprint ? 'same' : 'conflicting';
}

/** The installment with `id` recorded as applied. */
export function withReceipt(inst: Installment, id: string, fingerprint: string): Installment {
  return { ...inst, receipts: { ...inst.receipts, [id]: fingerprint } };
}
