/**
 * SMS through SNS direct publish to the phone number: transactional, from the configured sender ID
 * or origination number. Before the claim, the number is checked against the account's opt-out list
 * (CheckIfPhoneNumberIsOptedOut): SNS would accept a publish to an opted-out number and drop it
 * silently, so the check is what lets a delivery be recorded for what it is and the number flagged.
 */
import {
  CheckIfPhoneNumberIsOptedOutCommand,
  type MessageAttributeValue,
  PublishCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import type { Config } from '../../../shared/config/schema';
import type { ChannelSender, DeliveryContent } from '../../ports/delivery';
import { lookupError, providerError } from '../provider-errors';

/** A malformed number or message: refused for this message only. */
const REFUSED = new Set(['InvalidParameterException', 'InvalidParameterValueException']);

export class SnsSmsSender implements ChannelSender {
  readonly channel = 'sms' as const;

  constructor(
    private readonly sns: SNSClient,
    private readonly settings: Config['delivery']['sms'],
  ) {}

  async prepare(phoneNumber: string) {
    try {
      const out = await this.sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber }));
      return out.isOptedOut
        ? { ok: false as const, reason: 'OPTED_OUT' as const }
        : { ok: true as const, target: phoneNumber };
    } catch (error) {
      throw lookupError(error, REFUSED);
    }
  }

  async send(phoneNumber: string, content: DeliveryContent) {
    try {
      const out = await this.sns.send(
        new PublishCommand({
          PhoneNumber: phoneNumber,
          Message: content.text,
          MessageAttributes: this.attributes(),
        }),
      );
      return { messageId: out.MessageId ?? '' };
    } catch (error) {
      throw providerError(error, { permanent: REFUSED, unusable: { OptedOutException: 'OPTED_OUT' } });
    }
  }

  private attributes(): Record<string, MessageAttributeValue> {
    const { senderId, originationNumber } = this.settings;
    const text = (StringValue: string): MessageAttributeValue => ({ DataType: 'String', StringValue });
    return {
      // Reminders and notices of a debt are transactional: SNS routes them for reliability, not cost.
      'AWS.SNS.SMS.SMSType': text('Transactional'),
      ...(senderId ? { 'AWS.SNS.SMS.SenderID': text(senderId) } : {}),
      ...(originationNumber ? { 'AWS.MM.SMS.OriginationNumber': text(originationNumber) } : {}),
    };
  }
}
