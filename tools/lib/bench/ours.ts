/**
 * Our side: the benchmark day's aging, reminders and failed-debits runs through the deployed
 * handlers, driven by the local AWS kit on the benchmark's store, every call counted.
 *
 * Primary course, per job at its hour (its first schedule fire of the day):
 * 0. Record the job as dispatched yesterday (not measured): the steady state, in which a run reads
 *    yesterday's and today's partitions, not the `jobs.catchUpDays` a never-dispatched job looks back.
 * 1. The schedule fires dispatch with `{ job, scheduledTime }`; its SQS work items (as
 *    `jobs.shardsPerWorkItem` groups the shards) land on the job's local queue.
 * 2. The queue is drained to the job's worker, one work item per invocation (the event source's batch
 *    size), continuations included: all at once, as concurrent invocations would run, or one at a
 *    time (`sequential`, with `jobs.concurrency` 1 as well: the comparison run; `oneWorkItemAtATime`,
 *    with the configured concurrency: each invocation alone).
 * 3. Read the counters: DynamoDB reads, writes and units; SNS and EventBridge calls.
 */
import { type Config, configSchema } from '../../../shared/config/schema';
import { addDays } from '../../../shared/rules/calendar';
import type { Job } from '../../../shared/table-layout';
import { LocalAws } from '../../local-aws';
import { countingDynamo, countingSinks } from './aws-counting';
import { type JobRun, jobRunOn, type RunSpec, SideMeters, type SideResult } from './measure';

export async function runOurs(spec: RunSpec): Promise<SideResult> {
  const parsed: Config = configSchema.parse(spec.config);
  const mode = spec.mode ?? 'concurrent';
  const config: Config =
    mode === 'sequential' ? { ...parsed, jobs: { ...parsed.jobs, concurrency: 1 } } : parsed;
  const meters = new SideMeters(spec);
  const { usage, floor } = meters;
  const sinks = meters.sinks(true);
  const dynamo = countingDynamo({
    endpoint: spec.endpoint,
    usage,
    latencyMs: spec.latencyMs,
    // The item a put replaces is known from the reads before it: O(work) memory, off for RSS probes.
    trackIndexes: spec.trackFloor ?? true,
    sinks,
  });
  const workers = { ms: 0, invocations: 0 };
  let clock = '';
  const aws = await LocalAws.start({
    config,
    table: { ...dynamo, tableName: spec.tableName },
    observe: countingSinks(usage, sinks),
    latencyMs: spec.latencyMs,
    audit: { record: (entry) => floor.add(entry.loanId, entry.seq) },
    clock: () => clock,
    requestIds: 'bench',
    onInvocation: (kind, ms) => {
      if (kind === 'dispatch') return;
      workers.ms += ms;
      workers.invocations++;
    },
  });

  const runJob = async (job: Job): Promise<JobRun> => {
    Object.assign(workers, { ms: 0, invocations: 0 });
    await aws.dispatch(job, clock);
    const answers = await aws.drain(job, { concurrent: mode === 'concurrent' });
    // A failed work item would be redelivered by SQS; here it is a broken benchmark, not a figure.
    if (answers.some((a) => (a?.batchItemFailures ?? []).length > 0))
      throw new Error(`a ${job} work item failed`);
    return { invocationMs: workers.ms, workItems: workers.invocations };
  };
  try {
    return await meters.day(mode, runJob, async (job) => {
      clock = new Date(jobRunOn(config, job, spec.day)).toISOString();
      await aws.runtime.dispatchLog.markDispatched(job, addDays(spec.day, -1));
    });
  } finally {
    await aws.stop();
    dynamo.client.destroy();
  }
}
