/**
 * E-mail through Amazon SES (API v2): SendEmail from the configured address, through the
 * configuration set whose event destination brings bounces and complaints back (EventBridge ->
 * `functions/email-feedback.ts`), tagged with the ids those events need (`feedback-tags.ts`).
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Config } from '../../../shared/config/schema';
import {
  type ChannelSender,
  type DeliveryContent,
  type DeliveryReference,
  NotSentError,
} from '../../ports/delivery';
import { providerError } from '../provider-errors';
import { feedbackTags } from './feedback';

/** Refused for this message only: its content or its recipient. */
const REFUSED = new Set(['MessageRejected', 'BadRequestException']);

export class SesEmailSender implements ChannelSender {
  readonly channel = 'email' as const;

  constructor(
    private readonly ses: SESv2Client,
    private readonly settings: Config['delivery']['email'],
    private readonly configurationSetName: string,
  ) {}

  /** Nothing to ask SES before sending: suppression comes back as bounce and complaint events. */
  async prepare(address: string) {
    // Not configured: nothing can be sent until an operator sets delivery.email.fromAddress.
    if (!this.settings.fromAddress) throw new NotSentError('NO_FROM_ADDRESS', true);
    return { ok: true as const, target: address };
  }

  async send(address: string, content: DeliveryContent, reference: DeliveryReference) {
    const utf8 = (Data: string) => ({ Data, Charset: 'UTF-8' });
    try {
      const out = await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: this.settings.fromAddress ?? undefined,
          Destination: { ToAddresses: [address] },
          Content: { Simple: { Subject: utf8(content.subject ?? ''), Body: { Text: utf8(content.text) } } },
          ConfigurationSetName: this.configurationSetName,
          EmailTags: feedbackTags(reference),
        }),
      );
      return { messageId: out.MessageId ?? '' };
    } catch (error) {
      throw providerError(error, { permanent: REFUSED });
    }
  }
}
