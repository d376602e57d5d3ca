/** The reminders job's worker: UPCOMING, DUE_TODAY, GRACE_LAST_DAY, OVERDUE, CREDIT_REPORT_WARNING. */
import { makeJobWorker } from './wiring/job-worker';

export const handler = makeJobWorker('reminders');
