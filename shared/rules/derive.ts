/**
 * Values derived from an installment's stored facts on a given day: DPD, penalty to date,
 * outstanding, bucket, tier. They change every day, so they are computed, never stored daily.
 */
import type { Config } from '../config/schema';
import { daysBetween } from './calendar';
import type { Installment, LocalDate } from './types';

const FROZEN = new Set(['PAID', 'RESTRUCTURED', 'WRITTEN_OFF']);

/** The credit tier (first match from the top) and its grace days for a score. */
export function tierFor(
  creditScore: number,
  config: Pick<Config, 'creditTiers'>,
): { tier: string; graceDays: number } {
  const tier = config.creditTiers.find((t) => creditScore >= t.minScore && creditScore <= t.maxScore);
  if (!tier) throw new RangeError(`creditScore ${creditScore} is in no credit tier`);
  return { tier: tier.tier, graceDays: tier.graceDays };
}

/**
 * Days past due on `day`: `day − dueDate`, never below 0, frozen at `closedOn` for PAID,
 * RESTRUCTURED and WRITTEN_OFF. @example dpdOn({ dueDate: '2026-12-10', … }, '2026-12-12') // 2
 */
export function dpdOn(inst: Pick<Installment, 'dueDate' | 'status' | 'closedOn'>, day: LocalDate): number {
  const until = FROZEN.has(inst.status) && inst.closedOn ? inst.closedOn : day;
  return Math.max(0, daysBetween(inst.dueDate, until));
}

/** Penalty of one DPD day at the principal outstanding now: floor(P × ppm / 1e6), integer fen. */
export function dailyPenalty(
  inst: Pick<Installment, 'principal' | 'paidPrincipal' | 'penaltyDailyRatePpm'>,
): number {
  // BigInt keeps the product exact whatever the principal.
  const p = BigInt(inst.principal - inst.paidPrincipal);
  return Number((p * BigInt(inst.penaltyDailyRatePpm)) / 1_000_000n);
}

/**
 * Potential penalty of the current due date for DPD days 1..dpdOn(day), as if OVERDUE: the
 * checkpoint's amount plus a day's penalty at today's principal for each day after it.
 */
export function potentialPenaltyOn(inst: Installment, day: LocalDate): number {
  const checkpoint = inst.penaltyCheckpoint ?? { on: inst.dueDate, amount: 0 };
  const checkpointDpd = Math.max(0, daysBetween(inst.dueDate, checkpoint.on));
  return checkpoint.amount + Math.max(0, dpdOn(inst, day) - checkpointDpd) * dailyPenalty(inst);
}

/**
 * Penalty owed to date on `day` (RULES.md section 3): what was carried over, plus the potential
 * penalty of the current due date once it became OVERDUE (grace days included retroactively).
 */
export function penaltyToDate(inst: Installment, day: LocalDate): number {
  return inst.penaltyCarried + (inst.overdueOn ? potentialPenaltyOn(inst, day) : 0);
}

export interface Outstanding {
  principal: number;
  interest: number;
  penalty: number;
  total: number;
}

/** What is still owed on `day`. A RESTRUCTURED installment owes nothing: its parts do. */
export function outstandingOn(inst: Installment, day: LocalDate): Outstanding {
  if (inst.status === 'RESTRUCTURED') return { principal: 0, interest: 0, penalty: 0, total: 0 };
  const principal = inst.principal - inst.paidPrincipal;
  const interest = inst.interest - inst.paidInterest;
  const penalty = Math.max(0, penaltyToDate(inst, day) - inst.paidPenalty);
  return { principal, interest, penalty, total: principal + interest + penalty };
}

/** The delinquency bucket of a DPD (null below the first bucket). */
export function bucketFor(dpd: number, config: Pick<Config, 'buckets'>): string | null {
  return config.buckets.find((b) => dpd >= b.minDpd && (b.maxDpd === null || dpd <= b.maxDpd))?.name ?? null;
}
