/**
 * How the deployed queues and schedules re-drive what fails (infra/constructs: jobs.ts, intake.ts,
 * schedules.ts), for the local kit to do the same. Asserted against the synthesised stacks in
 * test/local-aws/settings.test.ts, so a change in infra/ that is not made here fails there.
 */

export interface QueueSettings {
  /** Receives of one message before SQS moves it to the dead-letter queue (`maxReceiveCount`). */
  maxReceives: number;
  /** How long a received message stays invisible: a redelivery comes this much later. */
  visibilityMs: number;
  /** Records per event (the event source mapping's `batchSize`). */
  batchSize: number;
}

export const DEPLOYED = {
  /** A job's work queue: 30 minutes (6 times the worker's 5-minute timeout), 3 receives, one item per invocation. */
  workQueue: { maxReceives: 3, visibilityMs: 30 * 60_000, batchSize: 1 } satisfies QueueSettings,
  /** The intake queue: 6 minutes (longer than the outbox's 5-minute lease), 5 receives, 10 records per invocation. */
  intakeQueue: { maxReceives: 5, visibilityMs: 6 * 60_000, batchSize: 10 } satisfies QueueSettings,
  /** Scheduler's retry policy of every schedule (`retryAttempts`); then its dead-letter queue. */
  scheduleRetries: 5,
} as const;

/**
 * Redrives of one dead-lettered message or dispatch: the runbook's action (redrive the DLQ once the
 * cause is gone), repeated here at once while the cause is transient (injected faults).
 */
export const RUNBOOK_REDRIVES = 5;
