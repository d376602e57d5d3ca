/**
 * WorkQueue on SQS: each message as JSON, SendMessageBatch 10 per call, failed entries retried.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { WorkQueue } from '../../ports';
import { batchFailures, type DeliveryOptions, deliverInBatches } from '../batch-delivery';

export class SqsWorkQueue<T> implements WorkQueue<T> {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly options: DeliveryOptions = {},
  ) {}

  async enqueue(messages: T[]): Promise<void> {
    await deliverInBatches({
      target: 'sqs',
      items: messages,
      ref: (_message, index) => `#${index}`,
      options: this.options,
      send: async (batch) => {
        const out = await this.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: batch.map(({ id, item }) => ({ Id: id, MessageBody: JSON.stringify(item) })),
          }),
        );
        return batchFailures(out.Failed);
      },
    });
  }
}
