/**
 * An e-mail's bounce or complaint, reported by SES after the send (configuration set -> EventBridge).
 *
 * Primary course:
 * 1. A permanent bounce or a complaint flags each recipient address unusable for the borrower the
 *    e-mail's tags name: later notifications no longer plan e-mail for that address, and a message
 *    already queued for it is dropped at delivery. A new address is usable again.
 * 2. The feedback is noted on the delivery record the tags name (contact history).
 *
 * A transient bounce changes nothing: SES already retried it, and a later e-mail may get through.
 */
import type { ContactBook, DeliveryKey, DeliveryLog } from '../ports/delivery';

export interface EmailFeedback {
  type: 'BOUNCED' | 'COMPLAINED' | 'TRANSIENT_BOUNCE';
  /** The recipients the event names (never logged). */
  addresses: string[];
  /** From the e-mail's tags; null when the event carries none (an e-mail not sent by this system). */
  borrowerId: string | null;
  key: DeliveryKey | null;
}

export interface EmailFeedbackDeps {
  contacts: Pick<ContactBook, 'markUnusable'>;
  deliveries: Pick<DeliveryLog, 'recordFeedback'>;
  clock: () => string;
}

export type EmailFeedbackResult = { result: 'SUPPRESSED' | 'IGNORED' | 'UNATTRIBUTED' };

export async function recordEmailFeedback(
  deps: EmailFeedbackDeps,
  feedback: EmailFeedback,
): Promise<EmailFeedbackResult> {
  if (feedback.type === 'TRANSIENT_BOUNCE') return { result: 'IGNORED' };
  if (!feedback.borrowerId) return { result: 'UNATTRIBUTED' };
  const since = deps.clock();
  for (const address of feedback.addresses) {
    await deps.contacts.markUnusable(feedback.borrowerId, 'email', {
      reason: feedback.type,
      address,
      since,
    });
  }
  if (feedback.key) await deps.deliveries.recordFeedback(feedback.key, feedback.type, since);
  return { result: 'SUPPRESSED' };
}
