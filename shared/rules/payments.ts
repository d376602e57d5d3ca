/**
 * Payments (RULES.md section 4): a payment is allocated penalty → interest → principal of the
 * outstanding on the day it was received; anything beyond it is recorded as `overpaid`, never lost.
 * A payment to a RESTRUCTURED installment goes to its parts in seq order.
 */

import { ageInstallment } from './aging';
import { compareSeq, isFinal, receiptStatus, stableJson, withReceipt } from './installment';
import { outstandingOn } from './outstanding';
import { checkpointAt, valuationDay } from './penalty';
import { closePaid, type Outcome, type RuleContext, Steps, unchanged } from './states';
import type { Installment, LocalDate } from './types';

/** A repayment, `receivedOn` being its local date. */
export interface Payment {
  paymentId: string;
  amount: number;
  receivedOn: LocalDate;
}

/** How one payment was applied. `received = paid + overpaid`; `paid = penalty + interest + principal`. */
export interface Allocation {
  penalty: number;
  interest: number;
  principal: number;
  paid: number;
  overpaid: number;
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
 * Applies a payment to an installment already aged to its day; PAID when nothing is left. A PAID or
 * RESTRUCTURED installment takes it all as overpaid.
 */
export function pay(steps: Steps, amount: number, on: LocalDate): void {
  if (isFinal(steps.inst)) {
    steps.inst = allocatePayment(steps.inst, amount, on).installment;
    return;
  }
  const day = valuationDay(steps.inst, on);
  steps.inst = allocatePayment(steps.inst, amount, on).installment;
  if (outstandingOn(steps.inst, day).total === 0) closePaid(steps, on);
}

/**
 * A payment: the aging due by `receivedOn` is applied first, so the result does not depend on
 * whether that day's 00:30 run already happened (paying in full by the end of `graceEndsOn` costs no
 * penalty; a payment on the next day finds it OVERDUE with the grace days' penalty). Then penalty →
 * interest → principal, the rest `overpaid`; paid in full → PAID with `InstallmentPaid`. A partial
 * payment changes no state. A payment to PAID is wholly overpaid. Same `paymentId` again:
 * `duplicate` and no change (the first wins).
 * @example applyPayment(overdueDpd2, { paymentId: 'p1', amount: 101_100, receivedOn: '2026-12-12' }, ctx).installment.status // 'PAID'
 */
export function applyPayment(inst: Installment, payment: Payment, ctx: RuleContext): Outcome {
  const fingerprint = stableJson({ type: 'payment', amount: payment.amount, receivedOn: payment.receivedOn });
  const seen = receiptStatus(inst, payment.paymentId, fingerprint);
  if (seen !== 'new') return unchanged(inst, seen);

  const steps = new Steps(inst);
  steps.add(ageInstallment(inst, payment.receivedOn, ctx));
  pay(steps, payment.amount, payment.receivedOn);
  return steps.outcome(withReceipt(steps.inst, payment.paymentId, fingerprint));
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
