/**
 * Notifier on SNS: one message per channel of a notification, published with PublishBatch (10 per
 * call). The channel workers subscribe with filter policies on the `channel`, `kind` and `locale`
 * message attributes; the body is the JSON object documented by {@link NotificationBody}.
 */
import { createHash } from 'node:crypto';
import { PublishBatchCommand, type PublishBatchRequestEntry, type SNSClient } from '@aws-sdk/client-sns';
import type { OutboundMessage } from '../../../shared/rules/types';
import type { Notifier } from '../../ports';
import { batchFailures, type DeliveryOptions, deliverInBatches } from '../batch-delivery';

export const NOTIFICATION_SCHEMA = 'repayment-sentinel.notification/1';

/** The SNS message body: what a channel worker needs to deliver one message. */
export interface NotificationBody {
  schema: typeof NOTIFICATION_SCHEMA;
  borrowerId: string;
  channel: OutboundMessage['channel'];
  /** Phone number (E.164), e-mail address or push device token, per `channel`. */
  address: string;
  locale: OutboundMessage['locale'];
  kind: OutboundMessage['kind'];
  loanId: string;
  seq: string;
  /** With loanId, seq and kind: the exactly-once key; receivers may deduplicate on it. */
  occurrence: string;
  subject?: string;
  text: string;
}

export function notificationBody(m: OutboundMessage): NotificationBody {
  return {
    schema: NOTIFICATION_SCHEMA,
    borrowerId: m.borrowerId,
    channel: m.channel,
    address: m.address,
    locale: m.locale,
    kind: m.kind,
    loanId: m.loanId,
    seq: m.seq,
    occurrence: m.occurrence,
    ...(m.subject !== undefined ? { subject: m.subject } : {}),
    text: m.text,
  };
}

/** The message attributes the channel workers' subscription filter policies match on. */
function notificationAttributes(m: OutboundMessage): PublishBatchRequestEntry['MessageAttributes'] {
  return {
    channel: { DataType: 'String', StringValue: m.channel },
    kind: { DataType: 'String', StringValue: m.kind },
    locale: { DataType: 'String', StringValue: m.locale },
  };
}

/** Names a message by ids only (for errors and logs): never its text or address. */
const refOf = (m: OutboundMessage, index: number) =>
  `#${index} ${m.loanId}/${m.seq} ${m.kind} ${m.occurrence} ${m.channel}`;

export class SnsNotifier implements Notifier {
  private readonly fifo: boolean;

  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
    private readonly options: DeliveryOptions = {},
  ) {
    this.fifo = topicArn.endsWith('.fifo');
  }

  async send(messages: OutboundMessage[]): Promise<void> {
    await deliverInBatches({
      target: 'sns',
      items: messages,
      ref: refOf,
      options: this.options,
      send: async (batch) => {
        const out = await this.sns.send(
          new PublishBatchCommand({
            TopicArn: this.topicArn,
            PublishBatchRequestEntries: batch.map(({ id, item }) => this.entry(id, item)),
          }),
        );
        return batchFailures(out.Failed);
      },
    });
  }

  private entry(id: string, m: OutboundMessage): PublishBatchRequestEntry {
    return {
      Id: id,
      Message: JSON.stringify(notificationBody(m)),
      MessageAttributes: notificationAttributes(m),
      // A FIFO topic deduplicates a republished occurrence (5-minute window) and orders per borrower.
      ...(this.fifo
        ? {
            MessageGroupId: m.borrowerId,
            MessageDeduplicationId: createHash('sha256')
              .update([m.loanId, m.seq, m.kind, m.occurrence, m.channel].join('\n'))
              .digest('hex'),
          }
        : {}),
    };
  }
}
