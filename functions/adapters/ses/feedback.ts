/**
 * SES feedback: the message tags an e-mail carries so that its bounce or complaint, arriving later
 * as an SES event, finds its borrower and its delivery record, and the reading of that event. SES
 * tag values allow letters, digits, `_` and `-` only: ids travel base64url-encoded (no padding),
 * never an address.
 */
import type { DeliveryKey, DeliveryReference } from '../../ports/delivery';
import type { SesFeedbackDetail } from '../../schemas/delivery-messages';
import type { EmailFeedback } from '../../use-cases/email-feedback';

const BORROWER_TAG = 'borrower';
const DELIVERY_TAG = 'delivery';
/** SES caps a tag value at 256 characters. */
const MAX_TAG_VALUE = 256;

const encode = (value: string) => Buffer.from(value, 'utf8').toString('base64url');
const decode = (value: string) => Buffer.from(value, 'base64url').toString('utf8');

/** The tags of an e-mail (the delivery key is left out if it would not fit a tag). */
export function feedbackTags(reference: DeliveryReference): { Name: string; Value: string }[] {
  const { loanId, seq, kind, occurrence, channel } = reference.key;
  const delivery = encode(JSON.stringify([loanId, seq, kind, occurrence, channel]));
  return [
    { Name: BORROWER_TAG, Value: encode(reference.borrowerId) },
    ...(delivery.length <= MAX_TAG_VALUE ? [{ Name: DELIVERY_TAG, Value: delivery }] : []),
  ];
}

/** The borrower and delivery key read back from an SES event's `mail.tags`; null when absent or malformed. */
export function referenceFromTags(tags: Record<string, string[]>): {
  borrowerId: string | null;
  key: DeliveryKey | null;
} {
  const borrower = tags[BORROWER_TAG]?.[0];
  const delivery = tags[DELIVERY_TAG]?.[0];
  let key: DeliveryKey | null = null;
  if (delivery) {
    try {
      const parts: unknown = JSON.parse(decode(delivery));
      if (Array.isArray(parts) && parts.length === 5 && parts.every((p) => typeof p === 'string')) {
        const [loanId, seq, kind, occurrence, channel] = parts as string[];
        key = { loanId, seq, kind, occurrence, channel } as DeliveryKey;
      }
    } catch {
      key = null;
    }
  }
  return { borrowerId: borrower ? decode(borrower) : null, key };
}

/**
 * What an SES bounce or complaint event says, in the use case's words: a permanent bounce is
 * BOUNCED; a transient or undetermined one is not a verdict on the address (SES already retried).
 */
export function emailFeedbackOf(detail: SesFeedbackDetail): EmailFeedback {
  const reference = referenceFromTags(detail.mail.tags);
  if (detail.eventType === 'Complaint') {
    return {
      type: 'COMPLAINED',
      addresses: detail.complaint.complainedRecipients.map((r) => r.emailAddress),
      ...reference,
    };
  }
  return {
    type: detail.bounce.bounceType === 'Permanent' ? 'BOUNCED' : 'TRANSIENT_BOUNCE',
    addresses: detail.bounce.bouncedRecipients.map((r) => r.emailAddress),
    ...reference,
  };
}
