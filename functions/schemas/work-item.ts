/**
 * A work item of a scheduled job, as dispatch puts it on the job's SQS queue and the worker reads it
 * back (a continuation included): some shards of one run, validated with zod.
 */
import { z } from 'zod';
import { localDate } from '../../shared/rules/types';
import { JOBS } from '../../shared/table-layout';

const shard = z.number().int().nonnegative();

/** Where to resume a shard a previous invocation handed back: the first partition still to read, the key to go on from. */
const shardResumeSchema = z.object({
  shard,
  partition: localDate,
  startKey: z.record(z.string(), z.unknown()).optional(),
});

export const workItemSchema = z.object({
  job: z.enum(JOBS),
  /** The schedule's scheduled time: business "now" of the whole run. */
  scheduledTime: z.iso.datetime({ offset: true }),
  /** The index partition dates to read, oldest first (earlier days: what a missed run left behind). */
  partitions: z.array(localDate).min(1),
  /** The shards to read (at once, `jobs.concurrency` borrower groups in flight in all), each through every partition. */
  shards: z.array(shard).min(1),
  resume: z.array(shardResumeSchema).optional(),
});

export type WorkItem = z.infer<typeof workItemSchema>;
export type ShardResume = z.infer<typeof shardResumeSchema>;
