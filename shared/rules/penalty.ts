/**
 * Penalty interest (RULES.md section 3). It is derived from stored facts, never stored daily:
 * `penaltyCheckpoint` holds the potential penalty of the current due date for DPD days
 * 1..dpd(checkpoint.on), computed with the principal outstanding at the start of each day; each later
 * day adds `floor(principalOutstanding × ppm / 1_000_000)`. The potential penalty is owed only once
 * the installment became OVERDUE for this due date (`overdueOn`), which makes the grace days
 * retroactive and waives them when paid within grace.
 */
import { daysBetween } from './calendar';
import { dpdOn } from './dpd';
import type { Installment, LocalDate } from './types';

/**
 * Penalty of one DPD day at the principal outstanding now: floor(P × ppm / 1e6), integer fen.
 * @example dailyPenalty({ principal: 100_000, paidPrincipal: 0, penaltyDailyRatePpm: 500 }) // 50
 */
function dailyPenalty(
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
function potentialPenaltyOn(inst: Installment, day: LocalDate): number {
  const checkpoint = inst.penaltyCheckpoint ?? { on: inst.dueDate, amount: 0 };
  const checkpointDpd = Math.max(0, daysBetween(inst.dueDate, checkpoint.on));
  return checkpoint.amount + Math.max(0, dpdOn(inst, day) - checkpointDpd) * dailyPenalty(inst);
}

/**
 * Penalty owed to date on `day`: what was carried over (an EXTEND of an OVERDUE installment, a split
 * part's share), plus the potential penalty of the current due date once it became OVERDUE (grace
 * days included retroactively).
 * @example penaltyToDate(overdueSinceDpd1, '2026-12-12') // 100 (two days at 50)
 */
export function penaltyToDate(inst: Installment, day: LocalDate): number {
  return inst.penaltyCarried + (inst.overdueOn ? potentialPenaltyOn(inst, day) : 0);
}

/**
 * The day a payment is valued on: its own day, unless a payment processed earlier already valued the
 * installment on a later day. The penalty checkpoint never moves back, because the penalty of the
 * days up to it was computed with the principal of that time.
 */
export function valuationDay(inst: Installment, receivedOn: LocalDate): LocalDate {
  const checkpoint = inst.penaltyCheckpoint?.on;
  return checkpoint && checkpoint > receivedOn ? checkpoint : receivedOn;
}

/**
 * The installment with its penalty checkpoint moved to `day` (that day's penalty counts: it accrues
 * from the day's start), so that lowering the principal afterwards changes only later days.
 */
export function checkpointAt(inst: Installment, day: LocalDate): Installment {
  return { ...inst, penaltyCheckpoint: { on: day, amount: potentialPenaltyOn(inst, day) } };
}
