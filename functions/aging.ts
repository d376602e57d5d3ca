/** The aging job's worker: state changes by date, DPD, buckets, write-off, escalations (RULES.md section 9). */
import { makeJobWorker } from './wiring/job-worker';

export const handler = makeJobWorker('aging');
