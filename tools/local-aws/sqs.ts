/**
 * SQS as the handlers meet it: a queue that hands its messages out in events of `batchSize` records,
 * takes back the records a consumer reported failed (all of them when the invocation died: a dead
 * Lambda deletes nothing), counts receives, and dead-letters a message at its `maxReceives`th
 * receive. With `recover`, a dead-lettered message is redriven (the runbook's action).
 */
import type { SQSEvent } from 'aws-lambda';
import type { QueueName } from './names';
import { LOCAL_REGION } from './names';
import { type QueueSettings, RUNBOOK_REDRIVES } from './settings';

/** What an invocation answered, or that it died before answering. */
export type Outcome = { crashed: true } | { crashed: false; value: unknown };

/** A consumer's partial batch response (the Powertools batch processor's answer). */
export interface BatchAnswer {
  batchItemFailures: { itemIdentifier: string }[];
}

interface QueueStats {
  /** Records delivered again after a failure or a dead invocation. */
  redelivered: number;
  /** Times a message reached its last receive and went to the dead-letter queue. */
  deadLettered: number;
  /** Dead-lettered messages put back on the queue (`recover` only). */
  dlqRedriven: number;
  /** Dead-lettered messages left there. */
  deadForGood: number;
}

interface Message {
  messageId: string;
  body: string;
  receives: number;
  redrives: number;
}

/** One receive: the SQS event, and how long after the first delivery it comes (the visibility timeouts waited). */
export interface Received {
  event: SQSEvent;
  /** `(receives - 1) × visibility` of the batch's most received message. */
  delayMs: number;
  batch: Message[];
}

let sent = 0;

/**
 * An SQS event of `messages` as Lambda's event source mapping hands them over.
 *
 * @example
 * intake(sqsEvent([{ messageId: 'm0', body }], LOCAL_QUEUES.intake.arn), lambdaContext('req-1'));
 */
export function sqsEvent(
  messages: { messageId: string; body: string; receives?: number }[],
  queueArn: string,
): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.messageId,
      receiptHandle: `${m.messageId}-receipt-${m.receives ?? 1}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receives ?? 1),
        SentTimestamp: '0',
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: LOCAL_REGION,
    })),
  };
}

export class LocalQueue {
  readonly stats: QueueStats = { redelivered: 0, deadLettered: 0, dlqRedriven: 0, deadForGood: 0 };
  private readonly messages: Message[] = [];

  constructor(
    readonly name: QueueName,
    readonly settings: QueueSettings,
    /** Redrive dead-lettered messages (up to {@link RUNBOOK_REDRIVES} times each). */
    private readonly recover: boolean,
  ) {}

  get length(): number {
    return this.messages.length;
  }

  send(bodies: string[]): void {
    for (const body of bodies)
      this.messages.push({ messageId: `msg-${++sent}`, body, receives: 0, redrives: 0 });
  }

  /** Takes every message off the queue, unreceived (a test hands them to a worker itself). */
  purge(): string[] {
    return this.messages.splice(0).map((m) => m.body);
  }

  /** The next batch; its messages' receive counts go up. */
  receive(): Received {
    const batch = this.messages.splice(0, this.settings.batchSize);
    for (const m of batch) m.receives++;
    return {
      event: sqsEvent(batch, this.name.arn),
      delayMs: Math.max(...batch.map((m) => m.receives - 1)) * this.settings.visibilityMs,
      batch,
    };
  }

  /** After the batch's invocation: its failed records come back, or go to the dead-letter queue. */
  settle(received: Received, outcome: Outcome): void {
    const answer = outcome.crashed ? undefined : (outcome.value as Partial<BatchAnswer> | undefined);
    const failed = new Set((answer?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    for (const m of received.batch) {
      if (!outcome.crashed && !failed.has(m.messageId)) continue;
      if (m.receives < this.settings.maxReceives) {
        this.messages.push(m);
        this.stats.redelivered++;
        continue;
      }
      this.stats.deadLettered++;
      if (this.recover && m.redrives < RUNBOOK_REDRIVES) {
        this.messages.push({ ...m, receives: 0, redrives: m.redrives + 1 });
        this.stats.dlqRedriven++;
      } else this.stats.deadForGood++;
    }
  }

  /**
   * Hands the queue to `consume` until it is empty, failed records included: a batch at a time, or
   * (`concurrent`) every batch on the queue at once, as concurrent invocations would take them.
   * Returns what each invocation answered (undefined for one that died).
   */
  async drain(consume: (received: Received) => Promise<Outcome>, concurrent = false): Promise<unknown[]> {
    const answers: unknown[] = [];
    while (this.length > 0) {
      const round: Received[] = [];
      do round.push(this.receive());
      while (concurrent && this.length > 0);
      // Concurrent invocations share the lease clock: a round waits as long as its longest wait.
      const delayMs = Math.max(...round.map((r) => r.delayMs));
      for (const received of round) received.delayMs = delayMs;
      const outcomes = await Promise.all(round.map(consume));
      round.forEach((received, i) => {
        const outcome = outcomes[i] as Outcome;
        this.settle(received, outcome);
        answers.push(outcome.crashed ? undefined : outcome.value);
      });
    }
    return answers;
  }
}
