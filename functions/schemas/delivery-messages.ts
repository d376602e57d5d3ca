/**
 * What the delivery functions take in: a notification message from the topic (raw delivery, the body
 * of `functions/adapters/sns/notifier.ts`) and an SES bounce or complaint event (configuration set
 * -> EventBridge default bus -> rule -> queue). Parsed with zod; a problem is described by field
 * paths only, never a value (it may be an address or a message text).
 */
import { z } from 'zod';
import { channelSchema, localeSchema, notificationKindSchema } from '../../shared/rules/types';
import { NOTIFICATION_SCHEMA } from '../adapters/sns/notifier';

/**
 * A notification message as a channel worker reads it. The `address` the topic message still carries
 * is not read: the worker resolves the address from the borrower's profile at send time.
 */
export const notificationMessageSchema = z.object({
  schema: z.literal(NOTIFICATION_SCHEMA),
  borrowerId: z.string().min(1),
  channel: channelSchema,
  locale: localeSchema,
  kind: notificationKindSchema,
  loanId: z.string().min(1),
  seq: z.string().min(1),
  occurrence: z.string().min(1),
  subject: z.string().optional(),
  text: z.string().min(1),
});
export type NotificationMessage = z.infer<typeof notificationMessageSchema>;

/** The part of an SES event (EventBridge `detail`) the feedback handler uses. */
const recipients = z.array(z.object({ emailAddress: z.string().min(1) })).min(1);
export const sesFeedbackDetailSchema = z.discriminatedUnion('eventType', [
  z.object({
    eventType: z.literal('Bounce'),
    bounce: z.object({ bounceType: z.string(), bouncedRecipients: recipients }),
    mail: z.object({ messageId: z.string(), tags: z.record(z.string(), z.array(z.string())).default({}) }),
  }),
  z.object({
    eventType: z.literal('Complaint'),
    complaint: z.object({ complainedRecipients: recipients }),
    mail: z.object({ messageId: z.string(), tags: z.record(z.string(), z.array(z.string())).default({}) }),
  }),
]);
export type SesFeedbackDetail = z.infer<typeof sesFeedbackDetailSchema>;

const sesEventSchema = z.object({ source: z.literal('aws.ses'), detail: sesFeedbackDetailSchema });

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Parses an SQS record body holding a notification message. Never throws. */
export function parseNotificationMessage(body: string): Parsed<NotificationMessage> {
  return parseJson(body, notificationMessageSchema);
}

/** Parses an SQS record body holding an SES event from EventBridge. Never throws. */
export function parseSesFeedback(body: string): Parsed<SesFeedbackDetail> {
  const parsed = parseJson(body, sesEventSchema);
  return parsed.ok ? { ok: true, value: parsed.value.detail } : parsed;
}

function parseJson<T>(body: string, schema: z.ZodType<T>): Parsed<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body: not valid JSON' };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    reason: parsed.error.issues
      .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.code}`)
      .join('; '),
  };
}
