/**
 * Delinquency buckets and escalation (RULES.md section 5), only while OVERDUE: the bucket of a DPD,
 * `DelinquencyBucketChanged` each time it changes, `ManualInterventionRequired` once DPD reaches
 * `escalation.manualInterventionAtDpd`, and `CreditBureauReportRequired` once DPD reaches
 * `escalation.creditReportAtDpd` and the borrower was warned at least `creditReportNoticeDays` before.
 */
import type { Config } from '../config/schema';
import { addDays, maxDate } from './calendar';
import { dpdOn } from './dpd';
import { bucketChangedEvent, creditReportEvent, manualInterventionEvent } from './events';
import type { Steps } from './states';
import type { Installment, LocalDate } from './types';

/**
 * The delinquency bucket of a DPD (null below the first bucket).
 * @example bucketFor(31, config) // 'M2'
 */
export function bucketFor(dpd: number, config: Pick<Config, 'buckets'>): string | null {
  return config.buckets.find((b) => dpd >= b.minDpd && (b.maxDpd === null || dpd <= b.maxDpd))?.name ?? null;
}

/** `DelinquencyBucketChanged` when the bucket of `dpd` is not the one last announced. */
export function announceBucket(steps: Steps, day: LocalDate, dpd: number, config: Config): void {
  const bucket = bucketFor(dpd, config);
  if (bucket === null || bucket === steps.inst.bucket) return;
  const from = steps.inst.bucket;
  steps.inst = { ...steps.inst, bucket };
  steps.events.push(bucketChangedEvent(steps.inst, day, from, bucket));
}

/** The day the credit report may be filed: both the DPD threshold and the notice period reached. */
export function creditReportDay(inst: Installment, warnedOn: LocalDate, config: Config): LocalDate {
  const { creditReportAtDpd, creditReportNoticeDays } = config.escalation;
  return maxDate(addDays(inst.dueDate, creditReportAtDpd), addDays(warnedOn, creditReportNoticeDays));
}

/** The escalation events due at `dpd` on `day`, each once per due date. */
export function escalate(steps: Steps, day: LocalDate, dpd: number, config: Config): void {
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
}

/**
 * The days, from `today` on, on which an OVERDUE installment's bucket changes or an escalation falls
 * due: today for a bucket change no run has announced yet, the next bucket boundary, the
 * manual-intervention day (until requested), the credit-report day (once warned, until requested).
 */
export function bucketAndEscalationDates(inst: Installment, today: LocalDate, config: Config): LocalDate[] {
  const dpd = dpdOn(inst, today);
  const dates: LocalDate[] = [];
  const bucket = bucketFor(dpd, config);
  // A bucket change today that no run has announced yet (the state was written after today's run).
  if (bucket !== null && bucket !== inst.bucket) dates.push(today);
  const nextBoundary = config.buckets
    .map((b) => b.minDpd)
    .filter((minDpd) => minDpd > dpd)
    .sort((a, b) => a - b)[0];
  if (nextBoundary !== undefined) dates.push(addDays(inst.dueDate, nextBoundary));
  if (!inst.escalations.manualInterventionRequested) {
    dates.push(addDays(inst.dueDate, config.escalation.manualInterventionAtDpd));
  }
  const warnedOn = inst.reminders.creditWarnedOn;
  if (!inst.escalations.creditReportRequested && warnedOn !== null) {
    dates.push(creditReportDay(inst, warnedOn, config));
  }
  return dates;
}
