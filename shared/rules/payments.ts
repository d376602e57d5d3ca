/**
 * Payment allocation (RULES.md section 4): penalty → interest → principal of the outstanding on the
 * day the payment was received; anything beyond it is recorded as `overpaid`, never lost.
 */
import { outstandingOn, potentialPenaltyOn } from './derive';
import { compareSeq, isFinal } from './installment';
import type { Installment, LocalDate } from './types';

/** How one payment was applied. `received = paid + overpaid`; `paid = penalty + interest + principal`. */
export interface Allocation {
  penalty: number;
  interest: number;
  principal: number;
  paid: number;
  overpaid: number;
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

/**
 * Applies `amount` fen received on `receivedOn` to what is outstanding then, penalty first, then
 * interest, then principal; the rest goes to `overpaid`. A PAID or RESTRUCTURED installment owes
 * nothing here, so all of it is overpaid. Changes amounts only, never the status.
 * @example allocatePayment(inst, 101_100, '2026-12-12').allocation // { penalty: 100, interest: 1_000, principal: 100_000, paid: 101_100, overpaid: 0 }
 */
export function allocatePayment(
  inst: Installment,
  amount: number,
  receivedOn: LocalDate,
): { installment: Installment; allocation: Allocation } {
  if (!Number.isSafeInteger(amount) || amount < 0)
    throw new RangeError(`payment amount ${amount} is not fen`);
  if (isFinal(inst)) {
    const allocation = { penalty: 0, interest: 0, principal: 0, paid: 0, overpaid: amount };
    return { installment: { ...inst, overpaid: inst.overpaid + amount }, allocation };
  }
  const day = valuationDay(inst, receivedOn);
  const valued = checkpointAt(inst, day);
  const owed = outstandingOn(valued, day);
  let rest = amount;
  const take = (due: number) => {
    const applied = Math.min(rest, due);
    rest -= applied;
    return applied;
  };
  const penalty = take(owed.penalty);
  const interest = take(owed.interest);
  const principal = take(owed.principal);
  const allocation = { penalty, interest, principal, paid: penalty + interest + principal, overpaid: rest };
  return {
    installment: {
      ...valued,
      paidPenalty: valued.paidPenalty + penalty,
      paidInterest: valued.paidInterest + interest,
      paidPrincipal: valued.paidPrincipal + principal,
      overpaid: valued.overpaid + rest,
    },
    allocation,
  };
}

/**
 * What a payment received on `day` would find outstanding, as `applyPayment` values it: on the
 * valuation day, and with the grace days' penalty owed when grace ended before `day` even if that
 * day's aging run has not yet made it OVERDUE.
 */
export function payableOn(inst: Installment, day: LocalDate): number {
  if (isFinal(inst)) return 0;
  const on = valuationDay(inst, day);
  const valued = checkpointAt(inst, on);
  const graceOver = inst.status === 'IN_GRACE' && inst.graceEndsOn !== null && inst.graceEndsOn < day;
  return outstandingOn(graceOver ? { ...valued, overdueOn: day } : valued, on).total;
}

/**
 * How a payment to a RESTRUCTURED installment is shared among its parts: in seq order (numeric part
 * by part), each up to what it owes on `receivedOn`; the remainder goes to the last part, which
 * records it as overpaid. One entry per part, zero amounts included.
 * @example splitPaymentAcrossParts(parts, 40_000, '2026-12-12') // [{ seq: '1.1', amount: 33_668 }, { seq: '1.2', amount: 6_332 }, { seq: '1.3', amount: 0 }]
 */
export function splitPaymentAcrossParts(
  parts: Installment[],
  amount: number,
  receivedOn: LocalDate,
): { seq: string; amount: number }[] {
  if (!Number.isSafeInteger(amount) || amount < 0)
    throw new RangeError(`payment amount ${amount} is not fen`);
  const ordered = [...parts].sort((a, b) => compareSeq(a.seq, b.seq));
  let rest = amount;
  const plan = ordered.map((part) => {
    const share = Math.min(rest, payableOn(part, receivedOn));
    rest -= share;
    return { seq: part.seq, amount: share };
  });
  const last = plan[plan.length - 1];
  if (last) last.amount += rest;
  return plan;
}
