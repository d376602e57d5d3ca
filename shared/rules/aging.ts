/**
 * The aging run (RULES.md sections 2, 3, 5): only aging runs change a state by date. SCHEDULED past
 * its due date → IN_GRACE (with `DebitResultMissing` when no debit result was recorded); IN_GRACE
 * past `graceEndsOn` → OVERDUE; while OVERDUE, bucket changes and escalations; WRITTEN_OFF when DPD
 * reaches `writeOffAtDpd`. Pure: `today` is a parameter.
 */
import type { Config } from '../config/schema';
import { announceBucket, escalate } from './buckets-escalation';
import { addDays, maxDate, minDate } from './calendar';
import { dpdOn } from './dpd';
import { debitResultMissingEvent, overdueEvent, writtenOffEvent } from './events';
import { enterGrace } from './grace';
import { isClosed } from './installment';
import { outstandingOn } from './outstanding';
import { closePaid, type Outcome, type RuleContext, Steps, unchanged } from './states';
import type { Installment, LocalDate } from './types';

/**
 * The day an OVERDUE installment is written off: when its DPD reaches `writeOffAtDpd` (or the day it
 * became OVERDUE, if grace outlasted that). A run that catches up later still freezes DPD and
 * penalty on this day, so a later payment reports `dpdAtPayment` = `writeOffAtDpd`.
 */
export function writeOffDay(inst: Installment, config: Config): LocalDate {
  const reached = addDays(inst.dueDate, config.writeOffAtDpd);
  return inst.overdueOn ? maxDate(reached, inst.overdueOn) : reached;
}

/**
 * The aging run of `today` (00:30 local): everything due by `today`, so a missed run catches up and
 * a grace of 0 days makes both transitions in one run. PAID, RESTRUCTURED and WRITTEN_OFF are left
 * alone; an open installment that owes nothing is settled PAID. Idempotent: a second call for the
 * same `today` returns no transitions and no events.
 * @example ageInstallment(tierCInGrace, '2026-12-11', ctx).transitions // [{ from: 'IN_GRACE', to: 'OVERDUE', dpd: 1, … }]
 */
export function ageInstallment(inst: Installment, today: LocalDate, ctx: RuleContext): Outcome {
  if (isClosed(inst)) return unchanged(inst);
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

  if (steps.inst.status === 'OVERDUE') ageOverdue(steps, today, ctx.config);
  return steps.outcome();
}

/** Buckets, escalations and write-off of an OVERDUE installment on the run of `today`. */
function ageOverdue(steps: Steps, today: LocalDate, config: Config): void {
  const writeOffOn = writeOffDay(steps.inst, config);
  // On the write-off run everything is judged on the write-off day, where DPD freezes.
  const day = minDate(today, writeOffOn);
  const dpd = dpdOn(steps.inst, day);
  announceBucket(steps, day, dpd, config);
  escalate(steps, day, dpd, config);
  if (writeOffOn <= today) {
    const writtenOff = steps.move('WRITTEN_OFF', { closedOn: writeOffOn, bucket: null }, today);
    steps.events.push(writtenOffEvent(writtenOff, today));
  }
}
