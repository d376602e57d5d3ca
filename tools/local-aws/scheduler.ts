/**
 * EventBridge Scheduler's side: the time a schedule passes its target, and its retries. A fire whose
 * invocation fails or dies is retried up to `DEPLOYED.scheduleRetries` times, then goes to the
 * schedule's dead-letter queue, from which the runbook invokes it again, up to RUNBOOK_REDRIVES times.
 */

import { DEPLOYED, RUNBOOK_REDRIVES } from './settings';
import type { Outcome } from './sqs';

/** An instant as Scheduler passes `<aws.scheduler.scheduled-time>` (and EventBridge an event's `time`): UTC, whole seconds. */
export const awsTime = (instant: string): string => new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface ScheduleStats {
  /** Scheduler retries of a fire whose invocation failed or died. */
  retries: number;
  /** Fires taken from the schedule's dead-letter queue and invoked again by hand. */
  dlqRedriven: number;
}

/**
 * Delivers one schedule fire through `invoke`. Without `recover` (a clean run) an invocation that
 * throws is a bug to see, not a case to re-drive: the error is thrown at once.
 */
export async function fireSchedule(
  invoke: () => Promise<Outcome>,
  recover: boolean,
  stats: ScheduleStats,
  label: string,
): Promise<void> {
  const perRound = DEPLOYED.scheduleRetries + 1;
  const attempts = perRound * (RUNBOOK_REDRIVES + 1);
  for (let attempt = 1; ; attempt++) {
    try {
      if (!(await invoke()).crashed) return;
    } catch (error) {
      if (!recover || attempt >= attempts) throw error;
    }
    if (attempt >= attempts) throw new Error(`${label} died every retry`);
    if (attempt % perRound === 0) stats.dlqRedriven++;
    else stats.retries++;
  }
}
