/**
 * Our side: the benchmark day's aging, reminders and failed-debits runs through the deployed handlers.
 *
 * Primary course, per job at its hour:
 * 0. Record the job as dispatched yesterday (not measured): the steady state, in which a run reads
 *    yesterday's and today's partitions, not the `jobs.catchUpDays` a never-dispatched job looks back.
 * 1. Invoke the dispatch handler with the schedule's input (`{ job, scheduledTime }`), as EventBridge
 *    Scheduler does; its SQS work items (as `jobs.shardsPerWorkItem` groups the shards) are captured
 *    by the counting SQS client.
 * 2. Deliver each work item to the job's worker handler in an SQS event of one record (the event
 *    source's batch size), until the queue is empty (continuations included): all at once, as
 *    concurrent invocations would run, or one at a time (`sequential`, with `jobs.concurrency` 1 as
 *    well: the comparison run; `oneWorkItemAtATime`, with the configured concurrency: each invocation alone).
 * 3. Read the counters of the SDK middlewares: DynamoDB reads, writes and units; SNS, EventBridge calls.
 */
import type { Context, SQSEvent } from 'aws-lambda';
import { configureRuntime, getRuntime } from '../../../functions/wiring/runtime';
import { type Config, configSchema } from '../../../shared/config/schema';
import { addDays, toInstant } from '../../../shared/rules/calendar';
import { JOBS, type Job } from '../../../shared/table-layout';
import { lambdaContext, sqsEvent } from '../sim/run';
import { countingClients, diffUsage, type WrittenKey } from './aws-counting';
import {
  cpuMsSince,
  FloorTracker,
  JOB_TIMES,
  type JobMeasure,
  processPeakRss,
  RssSampler,
  type RunSpec,
  type SideResult,
} from './measure';

const QUEUES: Record<Job, string> = {
  aging: 'https://sqs.bench.local/000000000000/aging',
  reminders: 'https://sqs.bench.local/000000000000/reminders',
  failedDebits: 'https://sqs.bench.local/000000000000/failed-debits',
};

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The deployed handlers, imported when first run: their Powertools instances read the environment at load. */
async function loadHandlers(): Promise<Record<Job | 'dispatch', Handler>> {
  const [dispatch, aging, reminders, failedDebits] = await Promise.all([
    import('../../../functions/dispatch'),
    import('../../../functions/aging'),
    import('../../../functions/reminders'),
    import('../../../functions/failed-debits'),
  ]);
  return {
    dispatch: dispatch.handler as unknown as Handler,
    aging: aging.handler as unknown as Handler,
    reminders: reminders.handler as unknown as Handler,
    failedDebits: failedDebits.handler as unknown as Handler,
  };
}

export async function runOurs(spec: RunSpec): Promise<SideResult> {
  const parsed: Config = configSchema.parse(spec.config);
  const mode = spec.mode ?? 'concurrent';
  const config: Config =
    mode === 'sequential' ? { ...parsed, jobs: { ...parsed.jobs, concurrency: 1 } } : parsed;
  const floor = new FloorTracker(spec.trackFloor ?? true);
  const written: WrittenKey[] = [];
  const queued: Record<string, string[]> = {};
  const counting = countingClients({
    endpoint: spec.endpoint,
    latencyMs: spec.latencyMs,
    // The item a put replaces is known from the reads before it: O(work) memory, off for RSS probes.
    trackIndexes: spec.trackFloor ?? true,
    sinks: {
      message: (m) => floor.add(m.loanId, m.seq),
      event: (e) => floor.add(e.loanId, e.seq),
      sqs: (url, bodies) => {
        queued[url] ??= [];
        queued[url].push(...bodies);
      },
      ...(spec.recordWrites ? { written: (key: WrittenKey) => written.push(key) } : {}),
    },
  });
  let clock = toInstant(`${spec.day}T00:00`, config.timeZone);
  configureRuntime({
    config,
    audit: { record: (entry) => floor.add(entry.loanId, entry.seq) },
    clock: () => clock,
    clientFactory: () => counting.clients,
    env: {
      TABLE_NAME: spec.tableName,
      EVENT_BUS_NAME: 'repayment-sentinel-bench',
      NOTIFICATIONS_TOPIC_ARN: 'arn:aws:sns:ap-east-1:000000000000:repayment-sentinel-notifications',
      AGING_QUEUE_URL: QUEUES.aging,
      REMINDERS_QUEUE_URL: QUEUES.reminders,
      FAILED_DEBITS_QUEUE_URL: QUEUES.failedDebits,
      SENTINEL_CONFIG: JSON.stringify(config),
    },
  });
  const handlers = await loadHandlers();

  let invocations = 0;
  let invocationMs = 0;
  const invoke = async (job: Job, body: string) => {
    const id = `bench-${++invocations}`;
    const event: SQSEvent = sqsEvent([{ body, receives: 1 }], [id]);
    const started = performance.now();
    const result = (await handlers[job](event, lambdaContext(id))) as {
      batchItemFailures?: unknown[];
    };
    invocationMs += performance.now() - started;
    // A failed record would be retried by SQS; here it is a broken benchmark, not a figure.
    if ((result?.batchItemFailures ?? []).length > 0) throw new Error(`a ${job} work item failed`);
  };
  /** Delivers the job's queue to its worker until it is empty (a worker may hand work back). */
  const drain = async (job: Job) => {
    let workItems = 0;
    for (;;) {
      const bodies = queued[QUEUES[job]] ?? [];
      queued[QUEUES[job]] = [];
      if (bodies.length === 0) return workItems;
      workItems += bodies.length;
      if (mode === 'concurrent') await Promise.all(bodies.map((body) => invoke(job, body)));
      else for (const body of bodies) await invoke(job, body);
    }
  };

  const sampler = new RssSampler();
  const startRssBytes = sampler.sample();
  const jobs: JobMeasure[] = [];
  try {
    for (const job of JOBS) {
      const scheduledTime = new Date(
        toInstant(`${spec.day}T${JOB_TIMES[job]}`, config.timeZone),
      ).toISOString();
      clock = scheduledTime;
      await getRuntime().dispatchLog.markDispatched(job, addDays(spec.day, -1));
      const before = { ...counting.usage };
      floor.start();
      sampler.reset();
      const started = performance.now();
      const cpu = process.cpuUsage();
      invocationMs = 0;
      await handlers.dispatch({ job, scheduledTime }, lambdaContext(`bench-dispatch-${job}`));
      const workItems = await drain(job);
      jobs.push({
        job,
        usage: diffUsage(counting.usage, before),
        actedOn: floor.size(),
        wallMs: performance.now() - started,
        peakRssBytes: sampler.peakBytes,
        cpuMs: cpuMsSince(cpu),
        invocationMs: Math.round(invocationMs),
        workItems,
      });
    }
  } finally {
    sampler.stop();
    counting.destroy();
    configureRuntime({});
  }
  return {
    side: 'ours',
    mode,
    latencyMs: spec.latencyMs,
    jobs,
    peakRssBytes: processPeakRss(),
    startRssBytes,
    ...(spec.recordWrites ? { written } : {}),
  };
}
