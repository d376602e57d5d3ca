/**
 * Redelivery later on SQS: the message's visibility timeout is set to the delay, and the handler
 * reports the record as failed so Lambda leaves it in the queue; SQS hands it over again when the
 * delay is over (at most 12 hours after it was received).
 */
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Redelivery } from '../../ports/delivery';

export class SqsRedelivery implements Redelivery {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async later(receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.round(seconds),
      }),
    );
  }
}
