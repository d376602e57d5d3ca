/**
 * The next date each job has something to do with an installment, combining the rules of aging,
 * notifications and retries: written into that job's sparse index with every save, so a job reads an
 * installment only on such a day (docs/design.md, "Next action dates"). Every date is `today` or later.
 */
import type { Config } from '../config/schema';
import type { Job } from '../table-layout';
import { writeOffDay } from './aging';
import { bucketAndEscalationDates } from './buckets-escalation';
import { addDays, daysBetween, maxDate, minDate } from './calendar';
import { dpdOn } from './dpd';
import {
  creditWarningDpd,
  firstNoticeDue,
  hardNoticeDue,
  isCreditWarningDay,
  isGraceLastDayPending,
  isOverdueNoticeDay,
  upcomingDaysBeforeOn,
} from './notifications';
import { isOpenAndUnpaid } from './outstanding';
import type { Installment, LocalDate } from './types';

/** The next local date on which each job has something to do with an installment (null: nothing). */
export type NextActionDates = Record<Job, LocalDate | null>;

/**
 * The next action date of every job. While the outbox holds unpublished events or messages every
 * job's date is today, so that any run of today (a rerun after a crash included) publishes them.
 * @example nextActionDates(scheduledDue1210, '2026-12-01', config) // { aging: '2026-12-11', reminders: '2026-12-03', failedDebits: null }
 */
export function nextActionDates(inst: Installment, today: LocalDate, config: Config): NextActionDates {
  if (inst.outbox.length > 0) {
    return { aging: today, reminders: today, failedDebits: today };
  }
  return {
    aging: nextAgingDate(inst, today, config),
    reminders: nextRemindersDate(inst, today, config),
    failedDebits: nextFailedDebitsDate(inst, today, config),
  };
}

/**
 * The next local date on which the aging job has something to do with this installment (see
 * `ageInstallment`): SCHEDULED → `dueDate + 1`; IN_GRACE → `graceEndsOn + 1`; OVERDUE → the
 * earliest of the bucket and escalation days and the write-off day; closed → null.
 * @example nextAgingDate(scheduledDue1210, '2026-12-01', config) // '2026-12-11'
 */
export function nextAgingDate(inst: Installment, today: LocalDate, config: Config): LocalDate | null {
  switch (inst.status) {
    case 'SCHEDULED':
      return maxDate(today, addDays(inst.dueDate, 1));
    case 'IN_GRACE':
      return maxDate(today, addDays(inst.graceEndsOn ?? inst.dueDate, 1));
    case 'OVERDUE': {
      const dates = [writeOffDay(inst, config), ...bucketAndEscalationDates(inst, today, config)];
      return maxDate(today, dates.reduce(minDate));
    }
    default:
      return null;
  }
}

/**
 * The next local date on which a reminders run could plan something for this installment given its
 * facts (see `planReminders`), or null when nothing more can happen for that job (closed, paid, or
 * waiting for a state change that will recompute the date): the next UPCOMING day (catch-up
 * included), the due date (DUE_TODAY), `graceEndsOn` (GRACE_LAST_DAY), the next OVERDUE cadence
 * day, the credit-report-warning day (and every day after until handled).
 * @example nextRemindersDate(scheduledDue1210, '2026-12-01', config) // '2026-12-03'
 */
export function nextRemindersDate(inst: Installment, today: LocalDate, config: Config): LocalDate | null {
  if (!isOpenAndUnpaid(inst, today)) return null;
  const dates: LocalDate[] = [];
  if (inst.status === 'SCHEDULED') {
    // The planner's condition is checked on today and on each later reminder day: no duplicate logic.
    const days = [today, ...config.reminders.upcoming.daysBefore.map((d) => addDays(inst.dueDate, -d))];
    const upcoming = days.filter((day) => day >= today && upcomingDaysBeforeOn(inst, day, config) !== null);
    dates.push(...upcoming);
    if (!inst.reminders.dueTodayHandled && inst.dueDate >= today) dates.push(inst.dueDate);
  }
  if (isGraceLastDayPending(inst) && inst.graceEndsOn !== null && inst.graceEndsOn >= today) {
    dates.push(inst.graceEndsOn);
  }
  if (inst.status === 'OVERDUE') {
    const overdue = nextOverdueNoticeDay(inst, today, config);
    if (overdue !== null) dates.push(overdue);
    if (inst.reminders.creditWarnedOn === null) {
      const warnFrom = addDays(inst.dueDate, creditWarningDpd(config));
      const day = warnFrom > today ? warnFrom : today;
      if (isCreditWarningDay(inst, day, config)) dates.push(day);
    }
  }
  return dates.length === 0 ? null : dates.reduce(minDate);
}

/** The first OVERDUE cadence day >= `today` whose DPD is beyond the last notice handled. */
function nextOverdueNoticeDay(inst: Installment, today: LocalDate, config: Config): LocalDate | null {
  if (inst.overdueOn === null) return null;
  const every = config.overdue.repeatEveryDays;
  const from = today > inst.overdueOn ? today : inst.overdueOn;
  let day = addDays(inst.overdueOn, Math.ceil(daysBetween(inst.overdueOn, from) / every) * every);
  const last = inst.reminders.lastOverdueNoticeDpd;
  if (last !== null && dpdOn(inst, day) <= last) {
    // Jump to the first cadence day past the last notice's DPD.
    const lastDay = addDays(inst.dueDate, last);
    day = addDays(inst.overdueOn, (Math.floor(daysBetween(inst.overdueOn, lastDay) / every) + 1) * every);
  }
  return isOverdueNoticeDay(inst, day, config) ? day : null;
}

/**
 * The next local date on which a failed-debits run has something to do with this installment, or
 * null: today while a DEBIT_FAILED notice is pending; for retries (RULES.md section 7, see
 * `decideRetry`), the first day a retry is allowed while a soft failure awaits one: today, the day
 * after today's retry, or `dueDate + 1` for a failure before the due date.
 * @example nextFailedDebitsDate(failedSoftRetriedToday, '2026-12-10', config) // '2026-12-11'
 */
export function nextFailedDebitsDate(inst: Installment, today: LocalDate, config: Config): LocalDate | null {
  if (!isOpenAndUnpaid(inst, today)) return null;
  if (firstNoticeDue(inst) || hardNoticeDue(inst)) return today;
  const d = inst.debit;
  if (!d.retryWanted || d.hardDeclined || d.retriesRequested >= config.retry.maxRetries) return null;
  let day = d.lastRetryOn !== null && d.lastRetryOn >= today ? addDays(d.lastRetryOn, 1) : today;
  // Retries start once IN_GRACE: from the day after the due date at the latest.
  if (inst.status === 'SCHEDULED') day = day > inst.dueDate ? day : addDays(inst.dueDate, 1);
  // From then on it is IN_GRACE or OVERDUE; past `retry.untilDpd` only within grace.
  const inGraceThen =
    inst.status !== 'OVERDUE' && (inst.graceEndsOn === null ? day <= inst.dueDate : day <= inst.graceEndsOn);
  if (!inGraceThen && daysBetween(inst.dueDate, day) > config.retry.untilDpd) return null;
  return day;
}
