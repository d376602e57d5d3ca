/**
 * Bounces and complaints of sent e-mails: SES configuration set -> EventBridge (default bus) -> rule
 * -> queue -> here. A permanent bounce or a complaint suppresses the address for its borrower.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { METRIC } from '../shared/telemetry-names';
import { emailFeedbackOf } from './adapters/ses/feedback';
import { parseSesFeedback } from './schemas/delivery-messages';
import { recordEmailFeedback } from './use-cases/email-feedback';
import { getEmailFeedback } from './wiring/delivery-runtime';
import { withPowertools } from './wiring/middleware';
import { count, logger } from './wiring/telemetry';

export class FeedbackRejectedError extends Error {
  override name = 'FeedbackRejectedError';
}

const processor = new BatchProcessor(EventType.SQS);

const recordHandler = async (record: SQSRecord) => {
  const parsed = parseSesFeedback(record.body);
  if (!parsed.ok) {
    logger.warn('rejected an SES event', { messageId: record.messageId, reason: parsed.reason });
    throw new FeedbackRejectedError(parsed.reason);
  }
  const feedback = emailFeedbackOf(parsed.value);
  const { result } = await recordEmailFeedback(getEmailFeedback(), feedback);
  count(METRIC.emailFeedback, 1, { name: 'type', value: feedback.type });
  // Ids only: the recipients' addresses stay out of the log.
  logger.info('e-mail feedback', {
    messageId: record.messageId,
    sesMessageId: parsed.value.mail.messageId,
    type: feedback.type,
    result,
    borrowerId: feedback.borrowerId,
    ...(feedback.key ?? {}),
  });
  return result;
};

export const handler = withPowertools(async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, {
    context,
    processInParallel: false,
    throwOnFullBatchFailure: false,
  }),
);
