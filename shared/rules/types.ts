/**
 * The domain model of RULES.md, as zod schemas (validated when read from storage) and the types
 * inferred from them. Everything here is plain data: dates are local calendar dates in the
 * business time zone (`YYYY-MM-DD`), money is integer fen.
 */
import { z } from 'zod';

export const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const localDate = z.string().regex(LOCAL_DATE, 'expected YYYY-MM-DD');
/** A local calendar date in the business time zone, `YYYY-MM-DD`. */
export type LocalDate = string;

export const fen = z.number().int().nonnegative();

/** The credit scores a borrower can have (RULES.md section 1); the credit tiers cover exactly this range. */
export const SCORE_MIN = 350;
export const SCORE_MAX = 950;

const STATUSES = ['SCHEDULED', 'IN_GRACE', 'OVERDUE', 'WRITTEN_OFF', 'PAID', 'RESTRUCTURED'] as const;
const statusSchema = z.enum(STATUSES);
export type Status = z.infer<typeof statusSchema>;

export const CHANNELS = ['push', 'sms', 'email'] as const;
export const channelSchema = z.enum(CHANNELS);
export type Channel = z.infer<typeof channelSchema>;

export const LOCALES = ['zh-CN', 'en-US'] as const;
export const localeSchema = z.enum(LOCALES);
export type Locale = z.infer<typeof localeSchema>;

export const SOFT_REASONS = ['INSUFFICIENT_FUNDS', 'BANK_UNAVAILABLE', 'LIMIT_EXCEEDED'] as const;
export const HARD_REASONS = ['CARD_EXPIRED', 'ACCOUNT_CLOSED', 'AUTHORIZATION_REVOKED'] as const;
export const declineReasonSchema = z.enum([...SOFT_REASONS, ...HARD_REASONS]);
export type DeclineReason = z.infer<typeof declineReasonSchema>;

const HARD: ReadonlySet<string> = new Set(HARD_REASONS);
/**
 * A hard decline (RULES.md section 7): never retried, and it ends the retries of its due date. A
 * failure without a reason is soft.
 * @example isHardReason('CARD_EXPIRED') // true
 */
export const isHardReason = (reason: string | null | undefined): boolean =>
  reason !== null && reason !== undefined && HARD.has(reason);

export const NOTIFICATION_KINDS = [
  'CREDIT_REPORT_WARNING',
  'OVERDUE',
  'DEBIT_FAILED',
  'GRACE_LAST_DAY',
  'DUE_TODAY',
  'UPCOMING',
] as const; // in cap priority order, highest first
export const notificationKindSchema = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof notificationKindSchema>;

export const DETAIL_TYPES = [
  'InstallmentEnteredGrace',
  'InstallmentOverdue',
  'DelinquencyBucketChanged',
  'InstallmentPaid',
  'InstallmentWrittenOff',
  'ManualInterventionRequired',
  'CreditBureauReportRequired',
  'BorrowerUnreachable',
  'DebitRetryRequested',
  'DebitResultMissing',
  'RepaymentPlanAdjusted',
  'RepaymentPlanAdjustmentRejected',
] as const;
export type DetailType = (typeof DETAIL_TYPES)[number];

export const REJECTION_CODES = [
  'NOT_FOUND',
  'INVALID_REQUEST',
  'NOT_ELIGIBLE_STATUS',
  'LIMIT_EXCEEDED',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

/** Why a provider reported an address unusable: SMS opt-out list, e-mail hard bounce or complaint. */
export const UNUSABLE_REASONS = ['OPTED_OUT', 'BOUNCED', 'COMPLAINED'] as const;
export type UnusableReason = (typeof UNUSABLE_REASONS)[number];

/**
 * An address a provider reported unusable. It holds for that address only: a new address for the
 * channel (a changed phone number) is usable again.
 */
export const unusableAddressSchema = z.object({
  reason: z.enum(UNUSABLE_REASONS),
  address: z.string(),
  /** When it was reported (ISO instant). */
  since: z.string(),
});
export type UnusableAddress = z.infer<typeof unusableAddressSchema>;

/** A borrower as the rules see it. */
export const borrowerSchema = z.object({
  borrowerId: z.string().min(1),
  creditScore: z.number().int().min(SCORE_MIN).max(SCORE_MAX),
  locale: localeSchema.default('zh-CN'),
  contacts: z
    .object({
      sms: z
        .string()
        .regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 phone number')
        .optional(),
      email: z.email().optional(),
      push: z.string().min(1).optional(),
    })
    .default({}),
  consents: z
    .object({ sms: z.boolean().optional(), email: z.boolean().optional(), push: z.boolean().optional() })
    .default({}),
  /** Local date of the latest FAILED debit result on any of the borrower's installments (at-risk). */
  lastFailedDebitOn: localDate.nullable().default(null),
  /** Addresses the delivery side found unusable, by channel (written by the delivery functions only). */
  unusable: z
    .object({
      sms: unusableAddressSchema.optional(),
      email: unusableAddressSchema.optional(),
      push: unusableAddressSchema.optional(),
    })
    .optional(),
});
export type Borrower = z.infer<typeof borrowerSchema>;

/**
 * Debit facts of the current due date. Cleared by EXTEND (they belong to the old due date).
 */
export const debitFactsSchema = z.object({
  /** Number of debit results (any outcome) recorded for this due date. */
  resultsRecorded: z.number().int().nonnegative().default(0),
  /** Failures recorded so far for this due date. */
  failures: z.number().int().nonnegative().default(0),
  lastFailureReason: declineReasonSchema.nullable().default(null),
  /** Local date of the latest failure (its attempt time). */
  lastFailureOn: localDate.nullable().default(null),
  /** A hard decline was recorded: retries of this due date are over. */
  hardDeclined: z.boolean().default(false),
  /** DEBIT_FAILED `dueDate#first` is waiting for a failed-debits run. */
  firstNoticePending: z.boolean().default(false),
  /** DEBIT_FAILED `dueDate#hard` is waiting for a failed-debits run. */
  hardNoticePending: z.boolean().default(false),
  /** `#first` has been handled (sent, skipped or superseded by `#hard`). */
  firstNoticeHandled: z.boolean().default(false),
  hardNoticeHandled: z.boolean().default(false),
  /** A soft failure was recorded after the latest retry request: a retry may answer it. */
  retryWanted: z.boolean().default(false),
  retriesRequested: z.number().int().nonnegative().default(0),
  lastRetryOn: localDate.nullable().default(null),
});

/** What the reminders run has already handled for the current due date. */
export const reminderFactsSchema = z.object({
  /** Smallest `daysBefore` handled (sent or skipped); larger ones are obsolete. Null: none yet. */
  upcomingHandledDaysBefore: z.number().int().positive().nullable().default(null),
  dueTodayHandled: z.boolean().default(false),
  graceLastDayHandled: z.boolean().default(false),
  /** DPD of the latest OVERDUE notice handled. */
  lastOverdueNoticeDpd: z.number().int().nonnegative().nullable().default(null),
  /** Day a CREDIT_REPORT_WARNING was sent or recorded unreachable. */
  creditWarnedOn: localDate.nullable().default(null),
});

export const escalationFactsSchema = z.object({
  manualInterventionRequested: z.boolean().default(false),
  creditReportRequested: z.boolean().default(false),
});

/**
 * Potential penalty of the current due date, materialised at a checkpoint: the penalty for DPD days
 * 1..dpd(`on`) as if the installment were OVERDUE, computed with the principal outstanding at the
 * start of each day. It only becomes owed if the installment becomes OVERDUE (grace days retroactive).
 * Later days accrue at floor(principalOutstanding × ppm / 1e6) each, so it is derived, not stored daily.
 */
const penaltyCheckpointSchema = z.object({ on: localDate, amount: fen });

/** A domain event for the bus (RULES.md section 5), before it is published. */
const domainEventSchema = z.object({
  detailType: z.enum(DETAIL_TYPES),
  loanId: z.string(),
  seq: z.string(),
  /** Unique per installment and detail type: the exactly-once key (e.g. `2026-12-10#M2`). */
  occurrence: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type DomainEvent = z.infer<typeof domainEventSchema>;

/** One rendered message for one channel of a notification, as published to SNS. */
const outboundMessageSchema = z.object({
  borrowerId: z.string(),
  channel: channelSchema,
  address: z.string(),
  locale: localeSchema,
  kind: notificationKindSchema,
  loanId: z.string(),
  seq: z.string(),
  occurrence: z.string(),
  subject: z.string().optional(),
  text: z.string(),
});
export type OutboundMessage = z.infer<typeof outboundMessageSchema>;

/**
 * Events and messages a state change caused, saved in the same conditional write as the change:
 * that write is the occurrences' claim. The lease says which run publishes them until when; an
 * expired lease may be taken over by a later run.
 */
const outboxEntrySchema = z.object({
  id: z.string(),
  leaseOwner: z.string(),
  leaseUntil: z.string(),
  events: z.array(domainEventSchema).default([]),
  messages: z.array(outboundMessageSchema).default([]),
});
export type OutboxEntry = z.infer<typeof outboxEntrySchema>;
const outboxSchema = z.array(outboxEntrySchema);
export type Outbox = z.infer<typeof outboxSchema>;

/** The stored state of one installment: facts from which every derived value is computed. */
export const installmentSchema = z.object({
  loanId: z.string().min(1),
  /** `"3"`, or `"3.2"` for part 2 of a split of installment 3. */
  seq: z.string().regex(/^[1-9]\d*(\.[1-9]\d*)*$/, 'expected a positive integer or "<seq>.<k>"'),
  borrowerId: z.string().min(1),
  dueDate: localDate,
  /** Principal and interest owed by this installment (for a split part: its share). */
  principal: fen,
  interest: fen,
  penaltyDailyRatePpm: z.number().int().nonnegative(),
  status: statusSchema,
  /** Cumulative amounts applied. */
  paidPrincipal: fen.default(0),
  paidInterest: fen.default(0),
  paidPenalty: fen.default(0),
  overpaid: fen.default(0),
  /** Penalty owed from before the current due date (an EXTEND of an OVERDUE one, a split share). */
  penaltyCarried: fen.default(0),
  penaltyCheckpoint: penaltyCheckpointSchema.nullable().default(null),
  /** Grace snapshot, set when entering IN_GRACE for the current due date. */
  graceDays: z.number().int().nonnegative().nullable().default(null),
  graceEndsOn: localDate.nullable().default(null),
  /** Day it became OVERDUE for the current due date (OVERDUE notice cadence, penalty owed). */
  overdueOn: localDate.nullable().default(null),
  /** Ever OVERDUE, whatever the due date (`paidLate`). */
  everOverdue: z.boolean().default(false),
  /** The last bucket announced by DelinquencyBucketChanged (null outside OVERDUE). */
  bucket: z.string().nullable().default(null),
  /** Day of the transition to PAID, WRITTEN_OFF or RESTRUCTURED: DPD and penalty freeze here. */
  closedOn: localDate.nullable().default(null),
  paidOn: localDate.nullable().default(null),
  dpdAtPayment: z.number().int().nonnegative().nullable().default(null),
  debit: debitFactsSchema.default(debitFactsSchema.parse({})),
  reminders: reminderFactsSchema.default(reminderFactsSchema.parse({})),
  escalations: escalationFactsSchema.default(escalationFactsSchema.parse({})),
  extensions: z.number().int().nonnegative().default(0),
  /**
   * Ids of the debit results, payments and adjustment requests already applied, with a fingerprint
   * of their content: the same id twice has effect once (RULES.md section 4).
   */
  receipts: z.record(z.string(), z.string()).default({}),
  /** Events and messages saved with the change that caused them, not yet published. */
  outbox: outboxSchema.default([]),
  /** For RESTRUCTURED: the seqs of its parts, in order. */
  parts: z.array(z.string()).default([]),
  /** Optimistic-concurrency version, incremented by every write. */
  version: z.number().int().nonnegative().default(0),
});
export type Installment = z.infer<typeof installmentSchema>;

/** A state change, as the timeline shows it. */
export interface Transition {
  loanId: string;
  seq: string;
  from: Status;
  to: Status;
  dpd: number;
}
