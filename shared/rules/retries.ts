/**
 * Debit retries (RULES.md section 7): whether a failed-debits run requests one for an installment,
 * the facts it records when it does, and the `DebitRetryRequested` event. Pure: `today` is a parameter.
 */
import type { Config } from '../config/schema';
import { dpdOn } from './dpd';
import { domainEvent } from './events';
import { outstandingOn } from './outstanding';
import type { DomainEvent, Installment, LocalDate } from './types';

/** A retry decision: the 1-based attempt to request, or why not (for logs and tests). */
export type RetryDecision = { request: true; attempt: number } | { request: false; why: string };

/**
 * Whether today's failed-debits run requests a retry. Every limit must allow it: a soft failure
 * recorded since the previous retry request (`retryWanted`; a hard decline ends the due date's
 * retries), unpaid, IN_GRACE or OVERDUE with DPD <= `retry.untilDpd`, fewer than `retry.maxRetries`
 * requested for this due date, none requested today.
 * @example decideRetry(inGraceAfterSoftFailure, '2026-12-10', config) // { request: true, attempt: 1 }
 */
export function decideRetry(inst: Installment, today: LocalDate, config: Config): RetryDecision {
  const d = inst.debit;
  if (inst.status !== 'IN_GRACE' && inst.status !== 'OVERDUE')
    return { request: false, why: `status ${inst.status}: retries run only IN_GRACE or OVERDUE` };
  if (outstandingOn(inst, today).total === 0) return { request: false, why: 'paid in full' };
  if (d.hardDeclined) return { request: false, why: 'hard decline: retries of this due date are over' };
  if (!d.retryWanted) return { request: false, why: 'no soft failure since the last retry request' };
  if (d.retriesRequested >= config.retry.maxRetries)
    return { request: false, why: `retry.maxRetries (${config.retry.maxRetries}) reached` };
  if (d.lastRetryOn === today) return { request: false, why: 'a retry was already requested today' };
  if (inst.status === 'OVERDUE') {
    const dpd = dpdOn(inst, today);
    if (dpd > config.retry.untilDpd)
      return { request: false, why: `DPD ${dpd} is past retry.untilDpd (${config.retry.untilDpd})` };
  }
  return { request: true, attempt: d.retriesRequested + 1 };
}

/**
 * The installment with a retry recorded as requested on `today`: one more retry, none more today,
 * and none more until the payment side reports another soft failure.
 * @example markRetryRequested(inst, '2026-12-10').debit // { retriesRequested: 1, lastRetryOn: '2026-12-10', retryWanted: false, … }
 */
export function markRetryRequested(inst: Installment, today: LocalDate): Installment {
  const d = inst.debit;
  return {
    ...inst,
    debit: { ...d, retriesRequested: d.retriesRequested + 1, lastRetryOn: today, retryWanted: false },
  };
}

/**
 * `DebitRetryRequested` (occurrence `<dueDate>#<attempt>`, attempt 1-based counting retries only)
 * for the payment side: the amount to debit is the outstanding on `today`, the reason the last
 * (soft) failure's.
 * @example retryRequestedEvent(inst, 1, '2026-12-10').detail // { loanId: 'L1', seq: '1', borrowerId: 'b1', dueDate: '2026-12-10', attempt: 1, reason: 'INSUFFICIENT_FUNDS', amount: 101000 }
 */
export function retryRequestedEvent(inst: Installment, attempt: number, today: LocalDate): DomainEvent {
  return domainEvent(inst, 'DebitRetryRequested', `${inst.dueDate}#${attempt}`, {
    attempt,
    reason: inst.debit.lastFailureReason,
    amount: outstandingOn(inst, today).total,
  });
}
