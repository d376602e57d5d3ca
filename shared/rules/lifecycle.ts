/**
 * The life of an installment (RULES.md sections 2-5, 7): aging by date, debit results, payments,
 * and the next day the aging job has something to do with it. Pure: `today` and every event's own
 * day are parameters; the new state comes back with the transitions and events it caused.
 */
import type { Config } from '../config/schema';
import { addDays, maxDate, minDate } from './calendar';
import { bucketFor, dpdOn, outstandingOn, tierFor } from './derive';
import {
  bucketChangedEvent,
  creditReportEvent,
  debitResultMissingEvent,
  enteredGraceEvent,
  manualInterventionEvent,
  overdueEvent,
  paidEvent,
  writtenOffEvent,
} from './events';
import { isClosed, isFinal, receiptStatus, stableJson, withReceipt } from './installment';
import { allocatePayment, payableOn, valuationDay } from './payments';
import {
  type Borrower,
  type DeclineReason,
  type DomainEvent,
  HARD_REASONS,
  type Installment,
  type LocalDate,
  type Status,
  type Transition,
} from './types';

/** What every rule needs besides the installment: the operator configuration and its borrower. */
export interface RuleContext {
  config: Config;
  borrower: Borrower;
}

/**
 * The result of a rule: the new state (version untouched: the store bumps it), the transitions and
 * the events it caused. `duplicate` says the id was seen before and nothing changed.
 */
export interface Outcome {
  installment: Installment;
  transitions: Transition[];
  events: DomainEvent[];
  duplicate?: 'same' | 'conflicting';
}

/** A debit result as the payment side reports it, `attemptedOn` being its local date. */
export interface DebitResult {
  attemptId: string;
  outcome: 'SUCCEEDED' | 'FAILED';
  reason?: DeclineReason;
  amount?: number;
  attemptedOn: LocalDate;
}

/** A repayment, `receivedOn` being its local date. */
export interface Payment {
  paymentId: string;
  amount: number;
  receivedOn: LocalDate;
}

const HARD: ReadonlySet<string> = new Set(HARD_REASONS);

/** Collects the changes of one rule application, in order. */
class Steps {
  readonly transitions: Transition[] = [];
  readonly events: DomainEvent[] = [];
  constructor(public inst: Installment) {}

  move(to: Status, patch: Partial<Installment>, dpdDay: LocalDate): Installment {
    const from = this.inst.status;
    this.inst = { ...this.inst, ...patch, status: to };
    this.transitions.push({
      loanId: this.inst.loanId,
      seq: this.inst.seq,
      from,
      to,
      dpd: dpdOn(this.inst, dpdDay),
    });
    return this.inst;
  }

  add(other: { installment: Installment; transitions: Transition[]; events: DomainEvent[] }): void {
    this.inst = other.installment;
    this.transitions.push(...other.transitions);
    this.events.push(...other.events);
  }

  outcome(installment = this.inst): Outcome {
    return { installment, transitions: this.transitions, events: this.events };
  }
}

const unchanged = (inst: Installment, duplicate?: 'same' | 'conflicting'): Outcome =>
  duplicate
    ? { installment: inst, transitions: [], events: [], duplicate }
    : { installment: inst, transitions: [], events: [] };

/**
 * The day an OVERDUE installment is written off: when its DPD reaches `writeOffAtDpd` (or the day it
 * became OVERDUE, if grace outlasted that). A run that catches up later still freezes DPD and
 * penalty on this day, so a later payment reports `dpdAtPayment` = `writeOffAtDpd`.
 */
function writeOffDay(inst: Installment, config: Config): LocalDate {
  const reached = addDays(inst.dueDate, config.writeOffAtDpd);
  return inst.overdueOn ? maxDate(reached, inst.overdueOn) : reached;
}

function enterGrace(steps: Steps, day: LocalDate, ctx: RuleContext): void {
  const { tier, graceDays } = tierFor(ctx.borrower.creditScore, ctx.config);
  const inst = steps.move(
    'IN_GRACE',
    { graceDays, graceEndsOn: addDays(steps.inst.dueDate, graceDays) },
    day,
  );
  steps.events.push(enteredGraceEvent(inst, day, tier));
}

/** PAID on `on`. A written-off installment keeps its write-off day, where DPD and penalty froze. */
function closePaid(steps: Steps, on: LocalDate): void {
  const inst = steps.inst;
  const closedOn = inst.status === 'WRITTEN_OFF' && inst.closedOn ? inst.closedOn : on;
  const paid = steps.move('PAID', { paidOn: on, dpdAtPayment: dpdOn(inst, on), bucket: null, closedOn }, on);
  steps.events.push(paidEvent(paid));
}

/**
 * The aging run of `today` (00:30 local): everything due by `today`, so a missed run catches up and
 * a grace of 0 days makes both transitions in one run. SCHEDULED past its due date → IN_GRACE (with
 * `DebitResultMissing` when no debit result was recorded); IN_GRACE past `graceEndsOn` → OVERDUE;
 * while OVERDUE, bucket changes and escalations; WRITTEN_OFF when DPD reaches `writeOffAtDpd`.
 * PAID, RESTRUCTURED and WRITTEN_OFF are left alone. Idempotent: a second call for the same `today`
 * returns no transitions and no events.
 * @example ageInstallment(tierCInGrace, '2026-12-11', ctx).transitions // [{ from: 'IN_GRACE', to: 'OVERDUE', dpd: 1, … }]
 */
export function ageInstallment(inst: Installment, today: LocalDate, ctx: RuleContext): Outcome {
  if (isClosed(inst)) return unchanged(inst);
  const { config } = ctx;
  const steps = new Steps(inst);

  // Nothing owed (a zero installment or a zero split share) is paid in full, never late.
  if (outstandingOn(inst, today).total === 0) {
    closePaid(steps, minDate(today, inst.dueDate));
    return steps.outcome();
  }

  if (steps.inst.status === 'SCHEDULED' && today > steps.inst.dueDate) {
    enterGrace(steps, today, ctx);
    if (steps.inst.debit.resultsRecorded === 0) steps.events.push(debitResultMissingEvent(steps.inst, today));
  }

  if (steps.inst.status === 'IN_GRACE' && today > (steps.inst.graceEndsOn ?? steps.inst.dueDate)) {
    const overdue = steps.move('OVERDUE', { overdueOn: today, everOverdue: true }, today);
    steps.events.push(overdueEvent(overdue, today));
  }

  if (steps.inst.status === 'OVERDUE') {
    const writeOffOn = writeOffDay(steps.inst, config);
    // On the write-off run everything is judged on the write-off day, where DPD freezes.
    const day = minDate(today, writeOffOn);
    const dpd = dpdOn(steps.inst, day);

    const bucket = bucketFor(dpd, config);
    if (bucket !== null && bucket !== steps.inst.bucket) {
      const from = steps.inst.bucket;
      steps.inst = { ...steps.inst, bucket };
      steps.events.push(bucketChangedEvent(steps.inst, day, from, bucket));
    }

    const { escalation } = config;
    if (!steps.inst.escalations.manualInterventionRequested && dpd >= escalation.manualInterventionAtDpd) {
      steps.inst = {
        ...steps.inst,
        escalations: { ...steps.inst.escalations, manualInterventionRequested: true },
      };
      steps.events.push(manualInterventionEvent(steps.inst, day));
    }

    const warnedOn = steps.inst.reminders.creditWarnedOn;
    if (
      !steps.inst.escalations.creditReportRequested &&
      dpd >= escalation.creditReportAtDpd &&
      warnedOn !== null &&
      day >= addDays(warnedOn, escalation.creditReportNoticeDays)
    ) {
      steps.inst = { ...steps.inst, escalations: { ...steps.inst.escalations, creditReportRequested: true } };
      steps.events.push(creditReportEvent(steps.inst, day));
    }

    if (writeOffOn <= today) {
      const writtenOff = steps.move('WRITTEN_OFF', { closedOn: writeOffOn, bucket: null }, today);
      steps.events.push(writtenOffEvent(writtenOff, today));
    }
  }
  return steps.outcome();
}

/** Applies a payment to an installment already aged to its day; PAID when nothing is left. */
function pay(steps: Steps, amount: number, on: LocalDate): void {
  if (isFinal(steps.inst)) {
    steps.inst = allocatePayment(steps.inst, amount, on).installment;
    return;
  }
  const day = valuationDay(steps.inst, on);
  steps.inst = allocatePayment(steps.inst, amount, on).installment;
  if (outstandingOn(steps.inst, day).total === 0) closePaid(steps, on);
}

/**
 * A payment (RULES.md section 4): the aging due by `receivedOn` is applied first, so the result does
 * not depend on whether that day's 00:30 run already happened (paying in full by the end of
 * `graceEndsOn` costs no penalty; a payment on the next day finds it OVERDUE with the grace days'
 * penalty). Then penalty → interest → principal, the rest `overpaid`; paid in full → PAID with
 * `InstallmentPaid`. A partial payment changes no state. A payment to PAID is wholly overpaid.
 * Same `paymentId` again: `duplicate` and no change (the first wins).
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

/** The debit facts of the current due date after one more failure. */
function withFailure(inst: Installment, reason: DeclineReason | undefined, on: LocalDate): Installment {
  const d = inst.debit;
  // A failure without a reason is treated as soft: the payment side may try again.
  const hard = reason !== undefined && HARD.has(reason);
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
 * A debit result (RULES.md sections 2, 4, 7). SUCCEEDED is a payment of `amount` (the whole
 * outstanding when absent) on `attemptedOn`. FAILED records the debit facts the failed-debits run
 * works from (notices pending, retry wanted, hard decline) and puts a SCHEDULED installment
 * IN_GRACE at once when attempted on or after its due date; before the due date it stays
 * SCHEDULED. For PAID, WRITTEN_OFF (and RESTRUCTURED) a failure changes nothing but the receipt.
 * The aging due by `attemptedOn` is applied first; the result itself counts as recorded for that
 * aging, so it never reports its own debit as missing. Same `attemptId` again: `duplicate`.
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

/**
 * The next local date on which the aging job has something to do with this installment, never
 * earlier than `today`: SCHEDULED → `dueDate + 1`; IN_GRACE → `graceEndsOn + 1`; OVERDUE → the
 * earliest of the next bucket boundary, the manual-intervention day (until requested), the
 * credit-report day (once warned, until requested) and the write-off day; closed → null.
 * @example nextAgingDate(scheduledDue1210, '2026-12-01', config) // '2026-12-11'
 */
export function nextAgingDate(inst: Installment, today: LocalDate, config: Config): LocalDate | null {
  switch (inst.status) {
    case 'SCHEDULED':
      return maxDate(today, addDays(inst.dueDate, 1));
    case 'IN_GRACE':
      return maxDate(today, addDays(inst.graceEndsOn ?? inst.dueDate, 1));
    case 'OVERDUE':
      return maxDate(today, overdueActionDates(inst, today, config).reduce(minDate));
    default:
      return null;
  }
}

function overdueActionDates(inst: Installment, today: LocalDate, config: Config): LocalDate[] {
  const dpd = dpdOn(inst, today);
  const dates = [writeOffDay(inst, config)];
  const bucket = bucketFor(dpd, config);
  // A bucket change today that no run has announced yet (the state was written after today's run).
  if (bucket !== null && bucket !== inst.bucket) dates.push(today);
  const nextBoundary = config.buckets
    .map((b) => b.minDpd)
    .filter((minDpd) => minDpd > dpd)
    .sort((a, b) => a - b)[0];
  if (nextBoundary !== undefined) dates.push(addDays(inst.dueDate, nextBoundary));
  const { escalation } = config;
  if (!inst.escalations.manualInterventionRequested) {
    dates.push(addDays(inst.dueDate, escalation.manualInterventionAtDpd));
  }
  const warnedOn = inst.reminders.creditWarnedOn;
  if (!inst.escalations.creditReportRequested && warnedOn !== null) {
    dates.push(
      maxDate(
        addDays(inst.dueDate, escalation.creditReportAtDpd),
        addDays(warnedOn, escalation.creditReportNoticeDays),
      ),
    );
  }
  return dates;
}
