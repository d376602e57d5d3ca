/**
 * What a provider's error says about a send (SNS SMS, SNS mobile push, SES): did it prove that
 * nothing was sent, or may the call have reached the borrower? The delivery clients make one attempt
 * per call (`functions/wiring/aws-clients.ts`), so this is decided once, here, per error.
 */
import { NotSentError, OutcomeUnknownError } from '../ports/delivery';

/** Answers that refuse a request for its rate: nothing was sent, the same call may pass later. */
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'LimitExceededException',
  'RequestLimitExceeded',
  'KMSThrottlingException',
]);
/** Connection errors raised before a request could be written: nothing reached the service. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export interface Refusals {
  /** Error names that refuse this one message for good (a malformed number, a rejected e-mail). */
  permanent?: ReadonlySet<string>;
  /** Error names that say the address itself is dead. */
  unusable?: Readonly<Record<string, 'ENDPOINT_DISABLED' | 'OPTED_OUT'>>;
}

/**
 * The delivery error for a failed provider call. Throttling and connection failures: not sent, try
 * later. A refusal named in `refusals`: not sent, for good (or the address is dead). Any other 4xx
 * (permissions, a disabled application, a paused account, clock skew): not sent, may pass once an
 * operator fixes it. Everything else (5xx, timeouts, a connection dropped mid-call, an unknown
 * error): the call may have taken effect.
 * @example providerError(Object.assign(new Error(), { name: 'ThrottledException', $fault: 'client' })) // NotSentError, retry
 */
export function providerError(error: unknown, refusals: Refusals = {}): NotSentError | OutcomeUnknownError {
  const e = (error ?? {}) as {
    name?: string;
    code?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = e.name ?? 'Error';
  if (THROTTLING.has(name) || e.$metadata?.httpStatusCode === 429) return new NotSentError(name, true);
  if (e.code && NOT_CONNECTED.has(e.code)) return new NotSentError(e.code, true);
  const unusable = refusals.unusable?.[name];
  if (unusable) return new NotSentError(name, false, unusable);
  if (refusals.permanent?.has(name)) return new NotSentError(name, false);
  if (e.$fault === 'client') return new NotSentError(name, true);
  return new OutcomeUnknownError(name);
}

/**
 * The error of a call that sends nothing by itself (a lookup, creating an endpoint): whatever
 * happened, nothing reached the borrower, so it may be tried again, except the refusals named.
 */
export function lookupError(error: unknown, permanent: ReadonlySet<string> = new Set()): NotSentError {
  const classified = providerError(error, { permanent });
  if (classified instanceof NotSentError) return classified;
  return new NotSentError(classified.code, true);
}
