/**
 * The next date each job has something to do with an installment: written into that job's sparse
 * index with every save, so a job reads an installment only on such a day (docs/design.md).
 */
import type { Config } from '../../shared/config/schema';
import { nextAgingDate } from '../../shared/rules/lifecycle';
import { nextFailedDebitsDate, nextRemindersDate } from '../../shared/rules/notifications';
import type { Installment, LocalDate } from '../../shared/rules/types';
import type { Job } from '../../shared/table-layout';

export type NextActionDates = Record<Job, LocalDate | null>;

/**
 * While the outbox holds unpublished events or messages every job's date is today, so that any
 * run of today (a rerun after a crash included) publishes them.
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
