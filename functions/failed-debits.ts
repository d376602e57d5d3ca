/** The failed-debits job's worker: DEBIT_FAILED notices and retry requests. */
import { makeJobWorker } from './wiring/job-worker';

export const handler = makeJobWorker('failedDebits');
