/**
 * App push through SNS mobile push: one platform endpoint per device token, created once in the
 * platform application of the token's platform (FCM or APNs, ARNs from the configuration) and
 * remembered, then a publish to that endpoint. An endpoint SNS reports disabled (the platform told
 * it the token is dead) is reported as an unusable address: the delivery drops the token.
 */
import { CreatePlatformEndpointCommand, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Config } from '../../../shared/config/schema';
import {
  type ChannelSender,
  type DeliveryContent,
  NotSentError,
  type PushEndpoints,
} from '../../ports/delivery';
import { lookupError, providerError } from '../provider-errors';

export type PushPlatform = 'fcm' | 'apns';

/**
 * The platform and the bare token of a stored device token: `fcm:<token>` or `apns:<token>` say it,
 * a token without either prefix is of `defaultPlatform`.
 * @example pushTokenOf('apns:a1b2…', 'fcm') // { platform: 'apns', token: 'a1b2…' }
 */
export function pushTokenOf(
  stored: string,
  defaultPlatform: PushPlatform,
): { platform: PushPlatform; token: string } {
  const match = /^(fcm|apns):(.+)$/.exec(stored);
  return match
    ? { platform: match[1] as PushPlatform, token: match[2] as string }
    : { platform: defaultPlatform, token: stored };
}

/**
 * The JSON message of a mobile push: a notification for FCM (HTTP v1) and APNs, the text as the
 * default for any other platform.
 */
export function pushPayload(content: DeliveryContent): string {
  const apns = JSON.stringify({ aps: { alert: content.text } });
  return JSON.stringify({
    default: content.text,
    GCM: JSON.stringify({ fcmV1Message: { message: { notification: { body: content.text } } } }),
    APNS: apns,
    APNS_SANDBOX: apns,
  });
}

/** A malformed token or message: refused for this message only. */
const REFUSED = new Set(['InvalidParameterException', 'InvalidParameterValueException']);

export class SnsPushSender implements ChannelSender {
  readonly channel = 'push' as const;

  constructor(
    private readonly sns: SNSClient,
    private readonly endpoints: PushEndpoints,
    private readonly settings: Config['delivery']['push'],
  ) {}

  /** The endpoint of the device token: the remembered one, or a new one (created once, remembered). */
  async prepare(stored: string) {
    const known = await this.endpoints.get(stored);
    if (known) return { ok: true as const, target: known };
    const { platform, token } = pushTokenOf(stored, this.settings.defaultPlatform);
    const application = this.settings.platformApplications[platform];
    // Not configured: nothing can be sent until an operator sets delivery.push.platformApplications.
    if (!application) throw new NotSentError(`NO_${platform.toUpperCase()}_APPLICATION`, true);
    let endpointArn: string | undefined;
    try {
      // Idempotent in SNS: the same token in the same application gives back the same endpoint.
      ({ EndpointArn: endpointArn } = await this.sns.send(
        new CreatePlatformEndpointCommand({ PlatformApplicationArn: application, Token: token }),
      ));
    } catch (error) {
      throw lookupError(error, REFUSED);
    }
    if (!endpointArn) throw new NotSentError('NO_ENDPOINT_ARN', true);
    await this.endpoints.put(stored, endpointArn);
    return { ok: true as const, target: endpointArn };
  }

  async send(endpointArn: string, content: DeliveryContent) {
    try {
      const out = await this.sns.send(
        new PublishCommand({
          TargetArn: endpointArn,
          MessageStructure: 'json',
          Message: pushPayload(content),
        }),
      );
      return { messageId: out.MessageId ?? '' };
    } catch (error) {
      throw providerError(error, {
        permanent: REFUSED,
        unusable: { EndpointDisabledException: 'ENDPOINT_DISABLED' },
      });
    }
  }
}
