/**
 * The target of every EventBridge Scheduler schedule: `{ job, scheduledTime }` (the schedule passes
 * `<aws.scheduler.scheduled-time>`, so a retried or late invocation still works on its own day).
 * It fans the job out by shard onto the job's work queue.
 */
import { z } from 'zod';
import { JOBS } from '../shared/table-layout';
import { METRIC } from '../shared/telemetry-names';
import { dispatchJob } from './use-cases/dispatch';
import { withPowertools } from './wiring/middleware';
import { getRuntime } from './wiring/runtime';
import { count, logger } from './wiring/telemetry';

const scheduleInput = z.object({
  job: z.enum(JOBS),
  scheduledTime: z.iso.datetime({ offset: true }),
});

export const handler = withPowertools(async (event: unknown) => {
  const input = scheduleInput.parse(event);
  const { deps, queues, dispatchLog } = getRuntime();
  const summary = await dispatchJob(
    deps,
    { queue: queues[input.job], log: dispatchLog },
    input.job,
    input.scheduledTime,
  );
  count(METRIC.jobRunCompleted, 1, { name: 'job', value: input.job });
  logger.info('dispatched', summary);
  return summary;
});
