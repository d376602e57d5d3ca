/**
 * The SQS worker shared by the three scheduled jobs: each record is a work item (some shards of one
 * run); a record that fails is reported alone (partial batch response) and SQS retries it, then
 * dead-letters it. A worker close to its timeout hands the rest of its work item back to the queue.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Job } from '../../shared/table-layout';
import { workItemSchema } from '../schemas/work-item';
import { runWorkItem } from '../use-cases/scheduled-job';
import { withPowertools } from './middleware';
import { getRuntime } from './runtime';
import { logger } from './telemetry';

/** Time kept in hand for the last page and the hand-over before Lambda's timeout. */
const YIELD_BEFORE_TIMEOUT_MS = 60_000;

export function makeJobWorker(job: Job) {
  const processor = new BatchProcessor(EventType.SQS);
  return withPowertools(async (event: SQSEvent, context: Context) => {
    const recordHandler = async (record: SQSRecord) => {
      const item = workItemSchema.parse(JSON.parse(record.body));
      if (item.job !== job) throw new Error(`work item for ${item.job} sent to the ${job} worker`);
      const { deps, queues } = getRuntime();
      const summary = await runWorkItem(deps, item, {
        shouldYield: () => context.getRemainingTimeInMillis() < YIELD_BEFORE_TIMEOUT_MS,
      });
      if (summary.continuation) await queues[job].enqueue([summary.continuation]);
      const { continuation: _, ...counts } = summary;
      logger.info('work item done', { ...counts, continued: summary.continuation !== undefined });
      return counts;
    };
    return processPartialResponse(event, recordHandler, processor, {
      context,
      processInParallel: false,
      throwOnFullBatchFailure: false,
    });
  });
}
