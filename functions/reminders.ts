/** The reminders job's worker: UPCOMING, DUE_TODAY, GRACE_LAST_DAY, OVERDUE, CREDIT_REPORT_WARNING. */
import { makeJobWorker } from './lib/job-worker';

export const handler = makeJobWorker('reminders');
