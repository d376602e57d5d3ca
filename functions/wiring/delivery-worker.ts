/**
 * The SQS worker shared by the three delivery functions: each record is one notification message of
 * the function's channel (raw SNS delivery). Records are handled one after another (the channel's
 * pace holds across them); a record that must wait (send window, throttling) is made invisible for
 * the delay and reported failed, so SQS hands it over again then; a malformed one is reported
 * failed and dead-lettered after its retries.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Channel } from '../../shared/rules/types';
import { METRIC } from '../../shared/telemetry-names';
import { parseNotificationMessage } from '../schemas/delivery-messages';
import { type DeliveryResult, deliverNotification } from '../use-cases/deliver';
import { getDelivery } from './delivery-runtime';
import { withPowertools } from './middleware';
import { count, countWith, logger } from './telemetry';

/** A record reported failed on purpose: SQS delivers it again after the delay set on it. */
export class DeliveryDeferredError extends Error {
  override name = 'DeliveryDeferredError';
}
export class DeliveryRejectedError extends Error {
  override name = 'DeliveryRejectedError';
}

export function makeDeliveryWorker(channel: Channel) {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = async (record: SQSRecord) => {
    const parsed = parseNotificationMessage(record.body);
    const reason = !parsed.ok
      ? parsed.reason
      : parsed.value.channel !== channel
        ? 'channel: another channel'
        : null;
    if (!parsed.ok || reason) {
      count(METRIC.deliveryMessagesRejected, 1, { name: 'channel', value: channel });
      logger.warn('rejected a notification message', { messageId: record.messageId, channel, reason });
      throw new DeliveryRejectedError(reason ?? 'malformed');
    }
    const n = parsed.value;
    const ids = {
      messageId: record.messageId,
      loanId: n.loanId,
      seq: n.seq,
      kind: n.kind,
      occurrence: n.occurrence,
      channel,
    };
    const { deps, redelivery } = getDelivery(channel);
    const result = await deliverNotification(deps, {
      notification: n,
      messageId: record.messageId,
      receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
    }).catch((error: unknown) => {
      // Names and status only: SDK errors may carry request parameters, an address among them.
      const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      logger.error('delivery failed; SQS delivers the message again', {
        ...ids,
        error: e.name,
        status: e.$metadata?.httpStatusCode,
      });
      throw error;
    });
    report(channel, ids, result);
    if (result.outcome === 'WAIT' || result.outcome === 'RETRY') {
      await redelivery.later(record.receiptHandle, result.retryInSeconds);
      throw new DeliveryDeferredError(`${result.outcome} in ${result.retryInSeconds} s`);
    }
    return result;
  };
  return withPowertools(async (event: SQSEvent, context: Context) =>
    processPartialResponse(event, recordHandler, processor, {
      context,
      processInParallel: false,
      throwOnFullBatchFailure: false,
    }),
  );
}

/** A metric by channel and outcome, and one log line of ids and codes (never an address or a text). */
function report(channel: Channel, ids: Record<string, string>, result: DeliveryResult): void {
  countWith(METRIC.deliveries, { channel, outcome: result.outcome });
  if (result.outcome === 'DROPPED') countWith(METRIC.deliveriesDropped, { channel, reason: result.reason });
  if (result.outcome === 'UNCERTAIN')
    logger.error('delivery outcome unknown: recorded UNCERTAIN, not sent again', { ...ids, ...result });
  else logger.info('delivery', { ...ids, ...result });
}
