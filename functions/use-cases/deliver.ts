/**
 * Delivering one notification message on one channel, exactly once to the borrower.
 *
 * Primary course:
 * 1. Read the delivery record: a message already recorded is a repeat (an outbox republish, a second
 *    SNS delivery, an SQS redelivery) and is settled without sending.
 * 2. Read the installment and the borrower as stored now and decide (`decideDelivery`): drop it with
 *    its reason, wait for the send window, or send it to the address the profile holds now.
 * 3. Ask the provider about that address (SMS opt-out list, push platform endpoint): nothing is sent.
 * 4. Wait for the channel's next send slot (its configured rate).
 * 5. Claim: a conditional write of SENDING, the last step before the provider call.
 * 6. Call the provider once; record SENT with its message id, or what else happened.
 *
 * SMS, e-mail and push have no idempotency key, so the claim comes before the call and the careful
 * side is taken: a message whose call may have reached the provider (a crash after the claim, a
 * timeout, a 5xx) is recorded UNCERTAIN and never sent again. Only an answer proving that nothing was
 * sent (throttling, a refused setup) releases the claim for a later try.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../../shared/config/schema';
import { type DropReason, decideDelivery } from '../../shared/rules/delivery';
import type { BorrowerStore, InstallmentStore } from '../ports';
import {
  type ChannelSender,
  type ContactBook,
  type DeliveryKey,
  type DeliveryLog,
  type DeliveryOutcome,
  type DeliveryRecord,
  type DeliveryStatus,
  NotSentError,
  OutcomeUnknownError,
} from '../ports/delivery';
import type { NotificationMessage } from '../schemas/delivery-messages';

/**
 * How long a SENDING claim may belong to an attempt still running: well past the delivery
 * functions' timeout (30 s, `infra/constructs/delivery.ts`). An older one was abandoned by a crash.
 */
export const CLAIM_IN_FLIGHT_SECONDS = 120;
/** SQS allows a message to stay invisible up to 12 hours after it was received. */
export const MAX_DELAY_SECONDS = 43_000;
/** Backoff of a retry that sent nothing, by receive count: 30 s, 1, 2, 4, 8 min, then 15 min. */
export const retryDelaySeconds = (receiveCount: number): number =>
  Math.min(900, 30 * 2 ** Math.max(0, receiveCount - 1));

export interface DeliverDeps {
  config: Config;
  installments: Pick<InstallmentStore, 'getInstallment'>;
  borrowers: Pick<BorrowerStore, 'getBorrower'>;
  deliveries: DeliveryLog;
  contacts: ContactBook;
  sender: ChannelSender;
  /** Wall clock (the simulator passes its simulated time): the send window and staleness read it. */
  clock: () => string;
  /** Resolves at the channel's next send slot. */
  pace: () => Promise<void>;
  newAttemptId?: () => string;
}

/** A message as its SQS record brought it. */
export interface IncomingMessage {
  notification: NotificationMessage;
  /** The SQS message id: the same for every redelivery of this copy. */
  messageId: string;
  /** SQS ApproximateReceiveCount, 1 on the first delivery. */
  receiveCount: number;
}

export type DeliveryResult =
  | { outcome: 'SENT'; providerMessageId: string }
  | { outcome: 'DROPPED'; reason: DropReason }
  | { outcome: 'FAILED'; code: string }
  | { outcome: 'UNCERTAIN'; code: string }
  /** Already recorded (this message or another copy of it): nothing done. */
  | { outcome: 'DUPLICATE'; status: DeliveryStatus }
  /** Outside the send window: deliver again when it opens. */
  | { outcome: 'WAIT'; until: string; retryInSeconds: number }
  /** Nothing sent, try again later (throttled, a claim still in flight elsewhere). */
  | { outcome: 'RETRY'; code: string; retryInSeconds: number };

export const deliveryKeyOf = (n: NotificationMessage): DeliveryKey => ({
  loanId: n.loanId,
  seq: n.seq,
  kind: n.kind,
  occurrence: n.occurrence,
  channel: n.channel,
});

const secondsBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;

/** Delivers `incoming` at most once to the borrower; see the primary course above. */
export async function deliverNotification(
  deps: DeliverDeps,
  incoming: IncomingMessage,
): Promise<DeliveryResult> {
  const n = incoming.notification;
  const key = deliveryKeyOf(n);
  const existing = await deps.deliveries.get(key);
  if (existing) return settleExisting(deps, key, existing);

  const installment = await deps.installments.getInstallment(n.loanId, n.seq);
  const borrowerId = installment?.borrowerId ?? n.borrowerId;
  const borrower = await deps.borrowers.getBorrower(borrowerId);
  const now = deps.clock();
  const decision = decideDelivery(
    // No collection pause exists yet (RULES.md section 11 is its own feature): never paused.
    { kind: n.kind, occurrence: n.occurrence, channel: n.channel, installment, borrower, paused: false },
    now,
    deps.config,
  );
  const unsent = (outcome: Extract<DeliveryOutcome, { status: 'DROPPED' | 'FAILED' }>) =>
    recordUnsent(deps, key, { borrowerId, messageId: incoming.messageId, at: deps.clock(), outcome });
  if (decision.action === 'WAIT') {
    const seconds = Math.ceil(secondsBetween(now, decision.until));
    return { outcome: 'WAIT', until: decision.until, retryInSeconds: clamp(seconds, 1, MAX_DELAY_SECONDS) };
  }
  if (decision.action === 'DROP') return unsent({ status: 'DROPPED', reason: decision.reason });

  let prepared: Awaited<ReturnType<ChannelSender['prepare']>>;
  try {
    prepared = await deps.sender.prepare(decision.address);
  } catch (error) {
    if (!(error instanceof NotSentError)) throw error;
    return error.retry ? retry(error.code, incoming) : unsent({ status: 'FAILED', code: error.code });
  }
  if (!prepared.ok) {
    await deps.contacts.markUnusable(borrowerId, n.channel, {
      reason: prepared.reason,
      address: decision.address,
      since: now,
    });
    return unsent({
      status: 'DROPPED',
      reason: prepared.reason === 'OPTED_OUT' ? 'OPTED_OUT' : 'ADDRESS_UNUSABLE',
    });
  }

  await deps.pace();
  const attempt = (deps.newAttemptId ?? randomUUID)();
  const claim = await deps.deliveries.claim(key, {
    borrowerId,
    attempt,
    messageId: incoming.messageId,
    at: deps.clock(),
  });
  if (!claim.claimed) return settleExisting(deps, key, claim.existing);
  // From here to the outcome nothing but the provider call: the smaller this window, the rarer an
  // UNCERTAIN delivery.
  let sent: { messageId: string };
  try {
    sent = await deps.sender.send(prepared.target, { subject: n.subject, text: n.text }, { borrowerId, key });
  } catch (error) {
    return afterFailedSend(deps, incoming, key, attempt, error, { borrowerId, address: decision.address });
  }
  await deps.deliveries.settle(
    key,
    attempt,
    { status: 'SENT', providerMessageId: sent.messageId },
    deps.clock(),
  );
  return { outcome: 'SENT', providerMessageId: sent.messageId };
}

/**
 * A message already recorded. Settled (SENT, DROPPED, FAILED, UNCERTAIN): a repeat, nothing to do.
 * SENDING: if the claim is recent its attempt may still be running (another copy, right now): look
 * again once it must be over. If older, its attempt died between the claim and the outcome: whether
 * the provider got the call is unknown, so it is recorded UNCERTAIN (visible, alarmed), never resent.
 */
async function settleExisting(
  deps: DeliverDeps,
  key: DeliveryKey,
  existing: DeliveryRecord,
): Promise<DeliveryResult> {
  if (existing.status !== 'SENDING') return { outcome: 'DUPLICATE', status: existing.status };
  const now = deps.clock();
  const age = secondsBetween(existing.claimedAt ?? existing.at, now);
  if (age < CLAIM_IN_FLIGHT_SECONDS) {
    return { outcome: 'RETRY', code: 'IN_FLIGHT', retryInSeconds: Math.ceil(CLAIM_IN_FLIGHT_SECONDS - age) };
  }
  const marked = await deps.deliveries.settle(
    key,
    existing.attempt ?? '',
    { status: 'UNCERTAIN', code: 'INTERRUPTED' },
    now,
  );
  if (marked) return { outcome: 'UNCERTAIN', code: 'INTERRUPTED' };
  // Settled meanwhile by its own attempt.
  const again = await deps.deliveries.get(key);
  return { outcome: 'DUPLICATE', status: again?.status ?? 'SENDING' };
}

async function afterFailedSend(
  deps: DeliverDeps,
  incoming: IncomingMessage,
  key: DeliveryKey,
  attempt: string,
  error: unknown,
  to: { borrowerId: string; address: string },
): Promise<DeliveryResult> {
  const settle = (outcome: DeliveryOutcome) => deps.deliveries.settle(key, attempt, outcome, deps.clock());
  if (error instanceof NotSentError) {
    if (error.retry) {
      await deps.deliveries.release(key, attempt);
      return retry(error.code, incoming);
    }
    if (error.unusable) {
      await settle({ status: 'DROPPED', reason: error.unusable });
      // A disabled endpoint is a dead token (the app registers a new one); an opt-out holds for the number.
      if (error.unusable === 'ENDPOINT_DISABLED')
        await deps.contacts.removeAddress(to.borrowerId, key.channel, to.address);
      else
        await deps.contacts.markUnusable(to.borrowerId, key.channel, {
          reason: 'OPTED_OUT',
          address: to.address,
          since: deps.clock(),
        });
      return { outcome: 'DROPPED', reason: error.unusable };
    }
    await settle({ status: 'FAILED', code: error.code });
    return { outcome: 'FAILED', code: error.code };
  }
  // Anything else may have reached the provider: the careful side is never to send it again.
  const code =
    error instanceof OutcomeUnknownError ? error.code : ((error as { name?: string }).name ?? 'Error');
  await settle({ status: 'UNCERTAIN', code });
  return { outcome: 'UNCERTAIN', code };
}

async function recordUnsent(
  deps: DeliverDeps,
  key: DeliveryKey,
  unsent: Parameters<DeliveryLog['recordUnsent']>[1],
): Promise<DeliveryResult> {
  const recorded = await deps.deliveries.recordUnsent(key, unsent);
  if (!recorded.recorded) return settleExisting(deps, key, recorded.existing);
  const { outcome } = unsent;
  return outcome.status === 'DROPPED'
    ? { outcome: 'DROPPED', reason: outcome.reason }
    : { outcome: 'FAILED', code: outcome.code };
}

const retry = (code: string, incoming: IncomingMessage): DeliveryResult => ({
  outcome: 'RETRY',
  code,
  retryInSeconds: retryDelaySeconds(incoming.receiveCount),
});

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));
