/**
 * Builders of the domain events of RULES.md section 5, with the occurrence keys of docs/design.md
 * (unique per installment and detail type: the exactly-once key). Every detail carries `loanId`,
 * `seq`, `borrowerId` and `dueDate`, then what the event is about; amounts are fen on `day`.
 */
import { dpdOn } from './dpd';
import { outstandingOn } from './outstanding';
import { penaltyToDate } from './penalty';
import type { DetailType, DomainEvent, Installment, LocalDate, RejectionCode } from './types';

type Ref = Pick<Installment, 'loanId' | 'seq' | 'borrowerId' | 'dueDate'>;

/**
 * One event about an installment. Exported for the other rule modules (retries, notifications), so
 * every event has the same base detail.
 * @example domainEvent(inst, 'DebitResultMissing', inst.dueDate, { dpd: 1 })
 */
export function domainEvent(
  ref: Ref,
  detailType: DetailType,
  occurrence: string,
  detail: Record<string, unknown> = {},
): DomainEvent {
  return {
    detailType,
    loanId: ref.loanId,
    seq: ref.seq,
    occurrence,
    detail: { loanId: ref.loanId, seq: ref.seq, borrowerId: ref.borrowerId, dueDate: ref.dueDate, ...detail },
  };
}

const amountsOn = (inst: Installment, day: LocalDate) => ({
  outstanding: outstandingOn(inst, day).total,
  penaltyToDate: penaltyToDate(inst, day),
});

/** `InstallmentEnteredGrace` (occurrence `<dueDate>`): the grace snapshot and the tier that fixed it. */
export function enteredGraceEvent(inst: Installment, day: LocalDate, tier: string): DomainEvent {
  return domainEvent(inst, 'InstallmentEnteredGrace', inst.dueDate, {
    dpd: dpdOn(inst, day),
    tier,
    graceDays: inst.graceDays,
    graceEndsOn: inst.graceEndsOn,
    outstanding: outstandingOn(inst, day).total,
  });
}

/** `DebitResultMissing` (occurrence `<dueDate>`): the due date passed with no debit result at all. */
export function debitResultMissingEvent(inst: Installment, day: LocalDate): DomainEvent {
  return domainEvent(inst, 'DebitResultMissing', inst.dueDate, {
    dpd: dpdOn(inst, day),
    outstanding: outstandingOn(inst, day).total,
  });
}

/** `InstallmentOverdue` (occurrence `<dueDate>`). */
export function overdueEvent(inst: Installment, day: LocalDate): DomainEvent {
  return domainEvent(inst, 'InstallmentOverdue', inst.dueDate, {
    dpd: dpdOn(inst, day),
    overdueOn: inst.overdueOn,
    graceDays: inst.graceDays,
    graceEndsOn: inst.graceEndsOn,
    ...amountsOn(inst, day),
  });
}

/** `DelinquencyBucketChanged` (occurrence `<dueDate>#<to>`). */
export function bucketChangedEvent(
  inst: Installment,
  day: LocalDate,
  from: string | null,
  to: string,
): DomainEvent {
  return domainEvent(inst, 'DelinquencyBucketChanged', `${inst.dueDate}#${to}`, {
    dpd: dpdOn(inst, day),
    from,
    to,
    ...amountsOn(inst, day),
  });
}

/** `ManualInterventionRequired` (occurrence `<dueDate>`): hand-off to the collection queue. */
export function manualInterventionEvent(inst: Installment, day: LocalDate): DomainEvent {
  return domainEvent(inst, 'ManualInterventionRequired', inst.dueDate, {
    dpd: dpdOn(inst, day),
    bucket: inst.bucket,
    ...amountsOn(inst, day),
  });
}

/** `CreditBureauReportRequired` (occurrence `<dueDate>`), with the warning that allowed it. */
export function creditReportEvent(inst: Installment, day: LocalDate): DomainEvent {
  return domainEvent(inst, 'CreditBureauReportRequired', inst.dueDate, {
    dpd: dpdOn(inst, day),
    bucket: inst.bucket,
    creditWarnedOn: inst.reminders.creditWarnedOn,
    ...amountsOn(inst, day),
  });
}

/** `InstallmentWrittenOff` (occurrence `<dueDate>`); `inst` is already WRITTEN_OFF. */
export function writtenOffEvent(inst: Installment, day: LocalDate): DomainEvent {
  return domainEvent(inst, 'InstallmentWrittenOff', inst.dueDate, {
    dpd: dpdOn(inst, day),
    closedOn: inst.closedOn,
    ...amountsOn(inst, day),
  });
}

/** `InstallmentPaid` (occurrence `paid`); `inst` is already PAID. Amounts are totals over its life. */
export function paidEvent(inst: Installment): DomainEvent {
  return domainEvent(inst, 'InstallmentPaid', 'paid', {
    paidOn: inst.paidOn,
    dpdAtPayment: inst.dpdAtPayment,
    penaltyPaid: inst.paidPenalty,
    paidLate: inst.everOverdue,
    paid: inst.paidPrincipal + inst.paidInterest + inst.paidPenalty,
    overpaid: inst.overpaid,
  });
}

/** `RepaymentPlanAdjusted` (occurrence `<requestId>`); `ref` is the installment before the change. */
export function adjustedEvent(
  ref: Ref,
  requestId: string,
  action: 'EXTEND' | 'SPLIT',
  detail: Record<string, unknown>,
): DomainEvent {
  return domainEvent(ref, 'RepaymentPlanAdjusted', requestId, { requestId, action, ...detail });
}

/**
 * `RepaymentPlanAdjustmentRejected` (occurrence `<requestId>`). For NOT_FOUND there is no
 * installment: `borrowerId` and `dueDate` are null.
 */
export function adjustmentRejectedEvent(
  ref: { loanId: string; seq: string; borrowerId: string | null; dueDate: LocalDate | null },
  requestId: string,
  action: unknown,
  reason: RejectionCode,
): DomainEvent {
  return {
    detailType: 'RepaymentPlanAdjustmentRejected',
    loanId: ref.loanId,
    seq: ref.seq,
    occurrence: requestId,
    detail: {
      loanId: ref.loanId,
      seq: ref.seq,
      borrowerId: ref.borrowerId,
      dueDate: ref.dueDate,
      requestId,
      // A malformed action is echoed only when it is a short string: the detail stays small.
      action: typeof action === 'string' ? action.slice(0, 64) : null,
      reason,
    },
  };
}
