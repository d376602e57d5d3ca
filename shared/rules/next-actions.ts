/**
 * The next date each job has something to do with an installment: written into that job's sparse
 * index with every save, so a job reads an installment only on such a day (docs/design.md).
 */
import type { Config } from '../config/schema';
import type { Job } from '../table-layout';
import { nextAgingDate } from './lifecycle';
import { nextFailedDebitsDate, nextRemindersDate } from './notifications';
import type { Installment, LocalDate } from './types';

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
