/**
 * The intake events (EventBridge detail-types and their details), validated with zod. Each parse
 * either accepts the input or rejects it with a reason naming the field: it never throws.
 */
import { z } from 'zod';
import { declineReasonSchema } from '../../shared/rules/types';

const MAX_AMOUNT_FEN = 100_000_000_000; // ¥1,000,000,000.00: anything larger is a malformed message
const id = z.string().min(1).max(128);
const instant = z.iso.datetime({ offset: true, local: false });
const seq = z
  .union([z.string().regex(/^[1-9]\d*(\.[1-9]\d*)*$/), z.number().int().positive()])
  .transform(String);
const amount = z.number().int().positive().max(MAX_AMOUNT_FEN);

const debitAttemptCompletedSchema = z
  .object({
    loanId: id,
    seq,
    attemptId: id,
    outcome: z.enum(['SUCCEEDED', 'FAILED']),
    reason: declineReasonSchema.optional(),
    amount: amount.optional(),
    attemptedAt: instant,
  })
  .refine((d) => d.outcome === 'SUCCEEDED' || d.reason !== undefined, {
    message: 'a FAILED debit needs a reason',
    path: ['reason'],
  });

const repaymentReceivedSchema = z.object({
  loanId: id,
  seq,
  paymentId: id,
  amount,
  receivedAt: instant,
});

/** `action`, `days` and `parts` are checked by the adjustment rules, which answer INVALID_REQUEST. */
const repaymentPlanAdjustmentRequestedSchema = z.object({
  requestId: id,
  loanId: id,
  seq,
  action: z.unknown(),
  days: z.unknown().optional(),
  parts: z.unknown().optional(),
  requestedAt: instant,
});

export type DebitAttemptCompleted = z.infer<typeof debitAttemptCompletedSchema>;
export type RepaymentReceived = z.infer<typeof repaymentReceivedSchema>;
export type RepaymentPlanAdjustmentRequested = z.infer<typeof repaymentPlanAdjustmentRequestedSchema>;

export type IntakeEvent =
  | { type: 'DebitAttemptCompleted'; detail: DebitAttemptCompleted }
  | { type: 'RepaymentReceived'; detail: RepaymentReceived }
  | { type: 'RepaymentPlanAdjustmentRequested'; detail: RepaymentPlanAdjustmentRequested };

const SCHEMAS = {
  DebitAttemptCompleted: debitAttemptCompletedSchema,
  RepaymentReceived: repaymentReceivedSchema,
  RepaymentPlanAdjustmentRequested: repaymentPlanAdjustmentRequestedSchema,
} as const;

const envelopeSchema = z.object({
  id: z.string().optional(),
  'detail-type': z.string(),
  detail: z.unknown(),
});

/** The largest envelope we accept; EventBridge itself caps entries at 256 KB. */
const MAX_INTAKE_BYTES = 16 * 1024;

export type ParseResult = { ok: true; event: IntakeEvent; id?: string } | { ok: false; reason: string };

/** Parses an SQS record body holding an EventBridge event. Never throws. */
export function parseIntakeBody(body: unknown): ParseResult {
  if (typeof body !== 'string') return { ok: false, reason: 'body: expected a JSON string' };
  if (Buffer.byteLength(body, 'utf8') > MAX_INTAKE_BYTES) {
    return { ok: false, reason: `body: larger than ${MAX_INTAKE_BYTES} bytes` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body: not valid JSON' };
  }
  return parseIntakeEnvelope(raw);
}

/** Parses an EventBridge envelope (`detail-type`, `detail`). Never throws. */
export function parseIntakeEnvelope(raw: unknown): ParseResult {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) return { ok: false, reason: describe(envelope.error) };
  const type = envelope.data['detail-type'];
  if (!Object.hasOwn(SCHEMAS, type)) return { ok: false, reason: `detail-type: unknown event type` };
  const schema = SCHEMAS[type as keyof typeof SCHEMAS];
  const detail = schema.safeParse(envelope.data.detail);
  if (!detail.success) return { ok: false, reason: describe(detail.error, 'detail') };
  return { ok: true, id: envelope.data.id, event: { type, detail: detail.data } as IntakeEvent };
}

/** Field paths and expectations only: a rejected value is never echoed (it may be personal data). */
function describe(error: z.ZodError, prefix?: string): string {
  return error.issues
    .map((i) => {
      const path = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
      return `${path || '(root)'}: ${i.code === 'invalid_type' ? `expected ${i.expected}` : i.code}`;
    })
    .join('; ');
}
