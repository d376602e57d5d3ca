/**
 * Debit results (RULES.md sections 2, 4, 7): a successful debit is a payment; a failed one records
 * the debit facts the failed-debits run works from (notices pending, retry wanted, hard decline) and
 * puts a SCHEDULED installment IN_GRACE at once when attempted on or after its due date.
 */
import { ageInstallment } from './aging';
import { enterGrace } from './grace';
import { isClosed, receiptStatus, stableJson, withReceipt } from './installment';
import { outstandingOn } from './outstanding';
import { pay, payableOn } from './payments';
import { type Outcome, type RuleContext, Steps, unchanged } from './states';
import { type DeclineReason, type Installment, isHardReason, type LocalDate } from './types';

/** A debit result as the payment side reports it, `attemptedOn` being its local date. */
export interface DebitResult {
  attemptId: string;
  outcome: 'SUCCEEDED' | 'FAILED';
  reason?: DeclineReason;
  amount?: number;
  attemptedOn: LocalDate;
}

/** The debit facts of the current due date after one more failure. */
function withFailure(inst: Installment, reason: DeclineReason | undefined, on: LocalDate): Installment {
  const d = inst.debit;
  // A failure without a reason is treated as soft: the payment side may try again.
  const hard = isHardReason(reason);
  const first = d.failures === 0;
  const latest = d.lastFailureOn === null || on >= d.lastFailureOn;
  const hardDeclined = d.hardDeclined || hard;
  return {
    ...inst,
    debit: {
      ...d,
      failures: d.failures + 1,
      lastFailureReason: latest ? (reason ?? null) : d.lastFailureReason,
      lastFailureOn: latest ? on : d.lastFailureOn,
      hardDeclined,
      firstNoticePending: d.firstNoticePending || (first && !d.firstNoticeHandled),
      // "A hard reason after only soft ones": earlier failures, none of them hard.
      hardNoticePending: d.hardNoticePending || (hard && !first && !d.hardDeclined && !d.hardNoticeHandled),
      retryWanted: !hardDeclined && (!hard || d.retryWanted),
    },
  };
}

/**
 * A debit result. SUCCEEDED is a payment of `amount` (the whole outstanding when absent) on
 * `attemptedOn`. FAILED records the debit facts and puts a SCHEDULED installment IN_GRACE at once
 * when attempted on or after its due date; before the due date it stays SCHEDULED. For PAID,
 * WRITTEN_OFF (and RESTRUCTURED) a failure changes nothing but the receipt. The aging due by
 * `attemptedOn` is applied first; the result itself counts as recorded for that aging, so it never
 * reports its own debit as missing. Same `attemptId` again: `duplicate`.
 * @example recordDebitResult(scheduled, { attemptId: 'd1', outcome: 'FAILED', reason: 'INSUFFICIENT_FUNDS', attemptedOn: '2026-12-10' }, ctx).installment.status // 'IN_GRACE'
 */
export function recordDebitResult(inst: Installment, result: DebitResult, ctx: RuleContext): Outcome {
  const { attemptId, outcome, reason, amount, attemptedOn } = result;
  const fingerprint = stableJson({ type: 'debit', outcome, reason, amount, attemptedOn });
  const seen = receiptStatus(inst, attemptId, fingerprint);
  if (seen !== 'new') return unchanged(inst, seen);

  const steps = new Steps(inst);
  if (!isClosed(inst)) {
    const counted = { ...inst, debit: { ...inst.debit, resultsRecorded: inst.debit.resultsRecorded + 1 } };
    steps.add(ageInstallment(counted, attemptedOn, ctx));
  }
  if (outcome === 'SUCCEEDED') {
    pay(steps, amount ?? payableOn(steps.inst, attemptedOn), attemptedOn);
  } else if (!isClosed(steps.inst)) {
    steps.inst = withFailure(steps.inst, reason, attemptedOn);
    const s = steps.inst;
    if (s.status === 'SCHEDULED' && attemptedOn >= s.dueDate && outstandingOn(s, attemptedOn).total > 0) {
      enterGrace(steps, attemptedOn, ctx);
    }
  }
  return steps.outcome(withReceipt(steps.inst, attemptId, fingerprint));
}
