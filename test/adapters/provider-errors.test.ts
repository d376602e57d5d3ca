/**
 * What a provider's error says about a send: proven not sent (retry later, or refused for good, or a
 * dead address) or possibly sent (never repeated). SDK errors as the SNS and SES clients raise them.
 */
import { AccountSuspendedException, MessageRejected, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import {
  AuthorizationErrorException,
  EndpointDisabledException,
  InternalErrorException,
  InvalidParameterException,
  KMSThrottlingException,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { lookupError, providerError } from '../../functions/adapters/provider-errors';
import { NotSentError, OutcomeUnknownError } from '../../functions/ports/delivery';

const meta = { message: 'x', $metadata: {} };
const refusals = {
  permanent: new Set(['InvalidParameterException', 'MessageRejected']),
  unusable: { EndpointDisabledException: 'ENDPOINT_DISABLED' as const },
};
const named = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error('x'), { name, ...extra });
const verdict = (error: unknown) => {
  const e = providerError(error, refusals);
  return e instanceof NotSentError
    ? `not sent (${e.unusable ?? (e.retry ? 'retry' : 'refused')})`
    : e instanceof OutcomeUnknownError
      ? 'unknown'
      : 'other';
};

describe('providerError', () => {
  it.each([
    ['SNS throttling', new ThrottledException(meta), 'not sent (retry)'],
    ['SES rate exceeded', new TooManyRequestsException(meta), 'not sent (retry)'],
    ['KMS throttling behind SNS', new KMSThrottlingException(meta), 'not sent (retry)'],
    [
      'a throttle answered with a 5xx',
      named('Throttling', { $fault: 'server', $metadata: { httpStatusCode: 503 } }),
      'not sent (retry)',
    ],
    [
      'an HTTP 429 of any name',
      named('SomethingElse', { $fault: 'server', $metadata: { httpStatusCode: 429 } }),
      'not sent (retry)',
    ],
    ['no connection was made', named('Error', { code: 'ECONNREFUSED' }), 'not sent (retry)'],
    ['permissions (fixed by an operator)', new AuthorizationErrorException(meta), 'not sent (retry)'],
    ['a suspended SES account', new AccountSuspendedException(meta), 'not sent (retry)'],
    ['a malformed number', new InvalidParameterException(meta), 'not sent (refused)'],
    ['a rejected e-mail', new MessageRejected(meta), 'not sent (refused)'],
    ['a disabled endpoint', new EndpointDisabledException(meta), 'not sent (ENDPOINT_DISABLED)'],
    ['an internal error (may have taken effect)', new InternalErrorException(meta), 'unknown'],
    ['a timeout after the request was written', named('TimeoutError'), 'unknown'],
    ['a connection reset mid-call', named('Error', { code: 'ECONNRESET' }), 'unknown'],
    ['anything else', new Error('bug'), 'unknown'],
  ])('%s: %s', (_name, error, expected) => {
    expect(verdict(error)).toBe(expected);
  });

  it('takes every failure of a call that sends nothing (a lookup) as retryable, except the refusals named', () => {
    expect(lookupError(new InternalErrorException(meta))).toMatchObject({
      retry: true,
      code: 'InternalErrorException',
    });
    expect(lookupError(named('TimeoutError'))).toMatchObject({ retry: true });
    expect(
      lookupError(new InvalidParameterException(meta), new Set(['InvalidParameterException'])),
    ).toMatchObject({
      retry: false,
    });
  });
});
