/**
 * Our side: the benchmark day's aging, reminders and failed-debits runs through the real code.
 *
 * Primary course, per job at its hour:
 * 1. Dispatch the job (the use case the dispatch handler calls, with the runtime's SQS queue and
 *    DynamoDB dispatch log) for the schedule's time; its SQS work items (one per shard) are captured
 *    by the counting SQS client.
 * 2. Run every work item through `runWorkItem` (what the job worker calls for each SQS record): all
 *    shards at once as concurrent Lambda invocations would, or one at a time (`sequential`, with
 *    `jobs.concurrency` 1 as well: the comparison run; `oneShardAtATime`, with the configured
 *    concurrency: each work item timed alone, as one invocation). Continuations run until none is left.
 * 3. Read the counters of the SDK middlewares: DynamoDB reads, writes and units; SNS, EventBridge calls.
 */
import { shardOf } from '../../../functions/lib/keys';
import { configureRuntime, getRuntime } from '../../../functions/lib/runtime';
import { dispatchJob } from '../../../functions/lib/use-cases/dispatch';
import { runWorkItem, type WorkItem } from '../../../functions/lib/use-cases/scheduled-job';
import { type Config, configSchema } from '../../../shared/config/schema';
import { toInstant } from '../../../shared/rules/calendar';
import { JOBS, type Job } from '../../../shared/table-layout';
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

export async function runOurs(spec: RunSpec): Promise<SideResult> {
  const parsed: Config = configSchema.parse(spec.config);
  const mode = spec.mode ?? 'concurrent';
  const config: Config =
    mode === 'sequential' ? { ...parsed, jobs: { ...parsed.jobs, concurrency: 1 } } : parsed;
  const floor = new FloorTracker(spec.trackFloor ?? true);
  const written: WrittenKey[] = [];
  const queued: Record<string, string[]> = {};
  // Messages and events per shard (of their borrower), for the per-shard floor of calls.
  const perShard = { messages: new Map<number, number>(), events: new Map<number, number>() };
  const addTo = (map: Map<number, number>, borrowerId: string) => {
    const shard = shardOf(borrowerId, config.jobs.shards);
    map.set(shard, (map.get(shard) ?? 0) + 1);
  };
  const callsFloor = (map: Map<number, number>) =>
    [...map.values()].reduce((sum, n) => sum + Math.ceil(n / 10), 0);
  const counting = countingClients({
    endpoint: spec.endpoint,
    latencyMs: spec.latencyMs,
    // The item a put replaces is known from the reads before it: O(work) memory, off for RSS probes.
    trackIndexes: spec.trackFloor ?? true,
    sinks: {
      message: (m) => {
        floor.add(m.loanId, m.seq);
        addTo(perShard.messages, m.borrowerId);
      },
      event: (e) => {
        floor.add(e.loanId, e.seq);
        addTo(perShard.events, e.borrowerId);
      },
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
  const { deps, queues, dispatchLog } = getRuntime();

  let invocationMs = 0;
  const runToEnd = async (item: WorkItem) => {
    const started = performance.now();
    let summary = await runWorkItem(deps, item);
    while (summary.continuation) summary = await runWorkItem(deps, summary.continuation);
    invocationMs += performance.now() - started;
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
      const before = { ...counting.usage };
      floor.start();
      perShard.messages.clear();
      perShard.events.clear();
      sampler.reset();
      const started = performance.now();
      const cpu = process.cpuUsage();
      await dispatchJob(deps, { queue: queues[job], log: dispatchLog }, job, scheduledTime);
      const items = (queued[QUEUES[job]] ?? []).map((body) => JSON.parse(body) as WorkItem);
      queued[QUEUES[job]] = [];
      invocationMs = 0;
      if (mode === 'concurrent') await Promise.all(items.map(runToEnd));
      else for (const item of items) await runToEnd(item);
      jobs.push({
        job,
        usage: diffUsage(counting.usage, before),
        actedOn: floor.size(),
        wallMs: performance.now() - started,
        peakRssBytes: sampler.peakBytes,
        cpuMs: cpuMsSince(cpu),
        invocationMs: Math.round(invocationMs),
        snsCallsPerShardFloor: callsFloor(perShard.messages),
        putEventsCallsPerShardFloor: callsFloor(perShard.events),
        workItems: items.length,
      });
    }
  } finally {
    sampler.stop();
    counting.destroy();
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
