/**
 * Dispatch: a schedule fired; fan the job's work out by shard.
 *
 * Primary course:
 * 1. Take business "now" from the schedule's scheduled time, never the wall clock.
 * 2. Work out the index partitions to read: today's, and every earlier day back to the last
 *    dispatched one (a missed run), at least yesterday (items written after yesterday's run), at most
 *    `jobs.catchUpDays` back.
 * 3. Enqueue the shards in work items of `jobs.shardsPerWorkItem` (each with every partition), then
 *    record the dispatch. Fewer work items mean fuller publish batches; more mean more parallel workers.
 */
import { addDays, localDateOf, maxDate, minDate } from '../../shared/rules/calendar';
import type { Job } from '../../shared/table-layout';
import type { DispatchLog, WorkQueue } from '../ports';
import type { WorkItem } from '../schemas/work-item';
import type { Deps } from './deps';

export async function dispatchJob(
  deps: Pick<Deps, 'config'>,
  ports: { queue: WorkQueue<WorkItem>; log: DispatchLog },
  job: Job,
  scheduledTime: string,
): Promise<{ job: Job; partitions: string[]; workItems: number }> {
  const today = localDateOf(scheduledTime, deps.config.timeZone);
  const last = await ports.log.lastDispatched(job);
  const earliest = addDays(today, -deps.config.jobs.catchUpDays);
  // Never dispatched (a first deploy, a new environment): look back as far as catch-up allows.
  const from = maxDate(earliest, minDate(last ?? earliest, addDays(today, -1)));
  const partitions: string[] = [];
  for (let day = from; day <= today; day = addDays(day, 1)) partitions.push(day);
  const { shards, shardsPerWorkItem } = deps.config.jobs;
  const items: WorkItem[] = [];
  for (let first = 0; first < shards; first += shardsPerWorkItem) {
    const count = Math.min(shardsPerWorkItem, shards - first);
    items.push({
      job,
      scheduledTime,
      partitions,
      shards: Array.from({ length: count }, (_, k) => first + k),
    });
  }
  await ports.queue.enqueue(items);
  await ports.log.markDispatched(job, today);
  return { job, partitions, workItems: items.length };
}
