/**
 * What is still owed (RULES.md section 1): principal + interest + penalty to date, less what was
 * paid of each. "Paid in full" means the outstanding is 0; "unpaid" means not paid in full.
 */
import { isClosed } from './installment';
import { penaltyToDate } from './penalty';
import type { Installment, LocalDate } from './types';

export interface Outstanding {
  principal: number;
  interest: number;
  penalty: number;
  total: number;
}

/**
 * What is still owed on `day`. A RESTRUCTURED installment owes nothing: its parts do.
 * @example outstandingOn(overdueSinceDpd1, '2026-12-12').total // 101_100
 */
export function outstandingOn(inst: Installment, day: LocalDate): Outstanding {
  if (inst.status === 'RESTRUCTURED') return { principal: 0, interest: 0, penalty: 0, total: 0 };
  const principal = inst.principal - inst.paidPrincipal;
  const interest = inst.interest - inst.paidInterest;
  const penalty = Math.max(0, penaltyToDate(inst, day) - inst.paidPenalty);
  return { principal, interest, penalty, total: principal + interest + penalty };
}

/** Unpaid (not paid in full on `today`) and not closed: something may still be due for it. */
export function isOpenAndUnpaid(inst: Installment, today: LocalDate): boolean {
  return !isClosed(inst) && outstandingOn(inst, today).total > 0;
}
