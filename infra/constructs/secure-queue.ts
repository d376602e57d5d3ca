/**
 * SQS queues as this app makes them: SSE-SQS encryption, TLS-only access, a dead-letter queue kept
 * for the longest retention SQS allows.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/*
 * SSE-SQS rather than a customer-managed key: the messages hold ids and dates only (no personal
 * data), and EventBridge and Scheduler can write to SSE-SQS queues without a key policy.
 */
const SECURE = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true } as const;
const DLQ_RETENTION = Duration.days(14);

/** A dead-letter queue for a non-SQS source (a schedule, a rule target): acknowledged for SQS3. */
export function deadLetterQueue(scope: Construct, id: string, source: string): Queue {
  const dlq = new Queue(scope, id, { ...SECURE, retentionPeriod: DLQ_RETENTION });
  Validations.of(dlq).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself the dead-letter queue of ${source}; a DLQ of a DLQ would only move the problem. Its depth is alarmed.`,
  });
  return dlq;
}

export interface QueueWithDlqProps {
  readonly visibilityTimeout: Duration;
  /** Deliveries before a message is dead-lettered. */
  readonly maxReceiveCount: number;
}

/** A queue and its dead-letter queue. */
export class QueueWithDlq extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', { ...SECURE, retentionPeriod: DLQ_RETENTION });
    this.queue = new Queue(this, 'Queue', {
      ...SECURE,
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
  }
}
