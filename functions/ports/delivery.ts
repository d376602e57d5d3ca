/**
 * The ports of delivery to the borrower, in the domain's words: the delivery log (one record per
 * message per channel, the contact history reads it), the borrower's contact book as the delivery
 * side changes it (an address reported unusable, a dead device token), the channel senders (SNS SMS,
 * SNS mobile push, SES) and the redelivery of a message later. DynamoDB, SNS, SES and SQS classes
 * implement them; tests and the simulator may pass others.
 */
import type { DropReason } from '../../shared/rules/delivery';
import type { Channel, NotificationKind, UnusableReason } from '../../shared/rules/types';

/** One message of one notification on one channel: the exactly-once key of delivery. */
export interface DeliveryKey {
  loanId: string;
  seq: string;
  kind: NotificationKind;
  occurrence: string;
  channel: Channel;
}

/**
 * Where a delivery stands. SENDING: claimed, the provider call about to be made or under way.
 * SENT: the provider accepted it (its message id kept). DROPPED: not sent, for a reason. FAILED: the
 * provider refused this message for good (nothing was sent). UNCERTAIN: the provider call may or may
 * not have reached the borrower (a crash or a timeout after the claim); never sent again.
 */
export type DeliveryStatus = 'SENDING' | 'SENT' | 'DROPPED' | 'FAILED' | 'UNCERTAIN';

/** What came back about a sent e-mail (SES bounce and complaint events). */
export type DeliveryFeedback = 'BOUNCED' | 'COMPLAINED';

/** One delivery as recorded: ids, codes and instants only, never an address or a text. */
export interface DeliveryRecord extends DeliveryKey {
  borrowerId: string;
  status: DeliveryStatus;
  /** DROPPED: why. */
  reason?: DropReason;
  /** FAILED or UNCERTAIN: the provider's error code (or `INTERRUPTED` for a claim found abandoned). */
  code?: string;
  providerMessageId?: string;
  /** The claim's attempt id (random per attempt): tells an attempt's own write from another's. */
  attempt?: string;
  /** The SQS message that carried it (traceability). */
  messageId?: string;
  claimedAt?: string;
  /** Instant of the last change. */
  at: string;
  feedback?: DeliveryFeedback;
}

/** The claim written just before the provider call. */
export interface DeliveryClaim {
  borrowerId: string;
  attempt: string;
  messageId: string;
  at: string;
}

/** How a claimed delivery ended. */
export type DeliveryOutcome =
  | { status: 'SENT'; providerMessageId: string }
  | { status: 'DROPPED'; reason: DropReason }
  | { status: 'FAILED'; code: string }
  | { status: 'UNCERTAIN'; code: string };

/**
 * The delivery log: one record per (loanId, seq, kind, occurrence, channel), readable by (loanId,
 * seq). Every write is conditional, so two copies of a message racing each other cannot both send.
 */
export interface DeliveryLog {
  /** The record, read consistently; null when none. */
  get(key: DeliveryKey): Promise<DeliveryRecord | null>;
  /** Writes SENDING if no record exists: the record found instead when one does. */
  claim(
    key: DeliveryKey,
    claim: DeliveryClaim,
  ): Promise<{ claimed: true } | { claimed: false; existing: DeliveryRecord }>;
  /** Ends the claim of `attempt` (only while it is still that attempt's SENDING): false when it was not. */
  settle(key: DeliveryKey, attempt: string, outcome: DeliveryOutcome, at: string): Promise<boolean>;
  /** Deletes the claim of `attempt` when nothing was sent (throttled): the message may claim again later. */
  release(key: DeliveryKey, attempt: string): Promise<void>;
  /**
   * Records a message that was not sent and never claimed (dropped, or refused by the provider before
   * the send), unless a record exists: then returns it.
   */
  recordUnsent(
    key: DeliveryKey,
    unsent: {
      borrowerId: string;
      messageId: string;
      at: string;
      outcome: Extract<DeliveryOutcome, { status: 'DROPPED' | 'FAILED' }>;
    },
  ): Promise<{ recorded: true } | { recorded: false; existing: DeliveryRecord }>;
  /** Notes what the provider reported later about a sent message (an e-mail bounce or complaint). */
  recordFeedback(key: DeliveryKey, feedback: DeliveryFeedback, at: string): Promise<void>;
  /** Every delivery of an installment, for the contact history. */
  history(loanId: string, seq: string): Promise<DeliveryRecord[]>;
}

/** The borrower's addresses as the delivery side changes them. */
export interface ContactBook {
  /** Flags `address` of `channel` unusable (for that address only); no-op without a profile. */
  markUnusable(
    borrowerId: string,
    channel: Channel,
    flag: { reason: UnusableReason; address: string; since: string },
  ): Promise<void>;
  /** Removes the channel's address from the profile if it is still `address` (a dead push token). */
  removeAddress(borrowerId: string, channel: Channel, address: string): Promise<void>;
}

/** The message a sender delivers: text, and for e-mail a subject. */
export interface DeliveryContent {
  subject?: string;
  text: string;
}

/** Ids a sender may attach to a message so provider events can be traced back (never personal data). */
export interface DeliveryReference {
  borrowerId: string;
  key: DeliveryKey;
}

/**
 * One channel's provider. `prepare` runs before the claim (nothing is sent): the provider's own
 * view of the address (SMS opt-out list, push platform endpoint). `send` is the one call that may
 * reach the borrower.
 */
export interface ChannelSender {
  readonly channel: Channel;
  /** The provider target for `address`, or why the address cannot be used (it is then flagged). */
  prepare(address: string): Promise<{ ok: true; target: string } | { ok: false; reason: UnusableReason }>;
  /**
   * Sends; resolves with the provider's message id. Throws {@link NotSentError} when the provider
   * proves nothing was sent, {@link OutcomeUnknownError} when it may have been.
   */
  send(
    target: string,
    content: DeliveryContent,
    reference: DeliveryReference,
  ): Promise<{ messageId: string }>;
}

/** The SNS platform endpoint of each device token, created once and remembered. */
export interface PushEndpoints {
  /** The endpoint ARN remembered for the stored device token; null when none yet. */
  get(deviceToken: string): Promise<string | null>;
  /** Remembers the endpoint of a device token (the first one remembered stays). */
  put(deviceToken: string, endpointArn: string): Promise<void>;
}

/** Puts an SQS message back for later: it becomes visible again after `seconds`. */
export interface Redelivery {
  later(receiptHandle: string, seconds: number): Promise<void>;
}

/**
 * The provider answered so that nothing was sent. `retry`: it may go through later (throttling, a
 * setup problem an operator fixes); otherwise this message is refused for good. `unusable`: the
 * address itself is dead (a disabled push endpoint).
 */
export class NotSentError extends Error {
  override readonly name = 'NotSentError';
  constructor(
    readonly code: string,
    readonly retry: boolean,
    readonly unusable?: 'ENDPOINT_DISABLED' | 'OPTED_OUT',
  ) {
    super(`not sent: ${code}`);
  }
}

/** The provider call may have taken effect (a timeout, a 5xx, a dropped connection): never repeated. */
export class OutcomeUnknownError extends Error {
  override readonly name = 'OutcomeUnknownError';
  constructor(readonly code: string) {
    super(`outcome unknown: ${code}`);
  }
}
