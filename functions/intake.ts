/**
 * Intake of debit results, payments and adjustment requests: EventBridge rule -> SQS -> here.
 * A malformed event is rejected with a reason (metric + log line naming the field, never its value)
 * and reported as a batch item failure, so SQS dead-letters it after its retries: nothing is lost,
 * nothing is applied partially, and the rest of the batch goes on.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { METRIC } from '../shared/telemetry-names';
import { CorruptItemError } from './ports';
import { parseIntakeBody } from './schemas/intake-events';
import { takeIn } from './use-cases/intake';
import { withPowertools } from './wiring/middleware';
import { getRuntime } from './wiring/runtime';
import { count, logger } from './wiring/telemetry';

class IntakeRejectedError extends Error {
  override name = 'IntakeRejectedError';
}

const processor = new BatchProcessor(EventType.SQS);

const recordHandler = async (record: SQSRecord) => {
  const parsed = parseIntakeBody(record.body);
  if (!parsed.ok) {
    count(METRIC.intakeRejected, 1, { name: 'reason', value: 'MALFORMED' });
    logger.warn('rejected a malformed intake event', { messageId: record.messageId, reason: parsed.reason });
    throw new IntakeRejectedError(parsed.reason);
  }
  const result = await takeIn(getRuntime().deps, parsed.event).catch((error: unknown) => {
    if (!(error instanceof CorruptItemError)) {
      // An AWS error the SDK's retries did not absorb (or a bug): SQS delivers the event again. The
      // error's name and status only: SDK errors may carry request parameters, even personal data.
      const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      logger.error('intake event failed; SQS delivers it again', {
        messageId: record.messageId,
        type: parsed.event.type,
        error: e.name,
        status: e.$metadata?.httpStatusCode,
      });
      throw error;
    }
    // A stored item that fails validation: nothing was applied; retries will not help (DLQ, alarm).
    count(METRIC.corruptItems);
    count(METRIC.intakeRejected, 1, { name: 'reason', value: 'CORRUPT_ITEM' });
    logger.error('intake event for a stored item that fails validation', {
      messageId: record.messageId,
      type: parsed.event.type,
      key: error.key,
    });
    throw new IntakeRejectedError('corrupt stored item');
  });
  if (result.result === 'NOT_FOUND') {
    count(METRIC.intakeRejected, 1, { name: 'reason', value: 'NOT_FOUND' });
    logger.warn('intake event for an unknown installment', {
      messageId: record.messageId,
      type: parsed.event.type,
    });
    throw new IntakeRejectedError('unknown installment');
  }
  logger.info('intake event applied', { messageId: record.messageId, type: parsed.event.type, ...result });
  return result;
};

export const handler = withPowertools(async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, {
    context,
    processInParallel: false,
    throwOnFullBatchFailure: false,
  }),
);
