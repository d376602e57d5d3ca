/**
 * The SQS worker shared by the three scheduled jobs: each record is a work item (some shards of one
 * run); a record that fails is reported alone (partial batch response) and SQS retries it, then
 * dead-letters it. A worker close to its timeout hands the rest of its work item back to the queue.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { localDate } from '../../shared/rules/types';
import { JOBS, type Job } from '../../shared/table-layout';
import { runWorkItem, type WorkItem } from '../use-cases/scheduled-job';
import { withPowertools } from './middleware';
import { getRuntime } from './runtime';
import { logger } from './telemetry';

/** Time kept in hand for the last page and the hand-over before Lambda's timeout. */
const YIELD_BEFORE_TIMEOUT_MS = 60_000;

const shard = z.number().int().nonnegative();
const workItemSchema = z
  .object({
    job: z.enum(JOBS),
    scheduledTime: z.iso.datetime({ offset: true }),
    partitions: z.array(localDate).min(1),
    shards: z.array(shard).min(1),
    resume: z
      .array(
        z.object({ shard, partition: localDate, startKey: z.record(z.string(), z.unknown()).optional() }),
      )
      .optional(),
  })
  .or(
    // A message of the previous version (one shard per work item) still queued during a deploy.
    z
      .object({
        job: z.enum(JOBS),
        scheduledTime: z.iso.datetime({ offset: true }),
        partitions: z.array(localDate).min(1),
        shard,
        startKey: z.record(z.string(), z.unknown()).optional(),
      })
      .transform(({ shard, startKey, partitions, ...rest }) => ({
        ...rest,
        partitions,
        shards: [shard],
        ...(startKey ? { resume: [{ shard, partition: partitions[0] as string, startKey }] } : {}),
      })),
  );

export function makeJobWorker(job: Job) {
  const processor = new BatchProcessor(EventType.SQS);
  return withPowertools(async (event: SQSEvent, context: Context) => {
    const recordHandler = async (record: SQSRecord) => {
      const item: WorkItem = workItemSchema.parse(JSON.parse(record.body));
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
