/** Debit retries (RULES.md section 7). */
import { describe, expect, it } from 'vitest';
import defaultJson from '../../config/default.json';
import { configSchema } from '../../shared/config/schema';
import { addDays } from '../../shared/rules/calendar';
import { decideRetry, markRetryRequested, retryRequestedEvent } from '../../shared/rules/retries';
import { HARD_REASONS, type Installment, SOFT_REASONS } from '../../shared/rules/types';
import { config, DUE, inst as stored } from './fixtures';

const softFailure = (reason: string = 'INSUFFICIENT_FUNDS') => ({
  resultsRecorded: 1,
  failures: 1,
  lastFailureReason: reason,
  lastFailureOn: DUE,
  firstNoticePending: true,
  retryWanted: true,
});
/** IN_GRACE (3 grace days) after a soft failure, unless told otherwise. */
const inst = (over: Record<string, unknown> = {}, debit: Record<string, unknown> = {}): Installment =>
  stored({
    status: 'IN_GRACE',
    graceDays: 3,
    graceEndsOn: addDays(DUE, 3),
    debit: { ...softFailure(), ...debit },
    ...over,
  });
const overdue = (dpdOverdueOn = 1, debit: Record<string, unknown> = {}) =>
  inst(
    {
      status: 'OVERDUE',
      graceDays: 0,
      graceEndsOn: DUE,
      overdueOn: addDays(DUE, dpdOverdueOn),
      everOverdue: true,
    },
    debit,
  );

describe('decideRetry', () => {
  it.each(SOFT_REASONS)(
    'a soft decline (%s) is retried at the first run that allows it: attempt 1',
    (reason) => {
      expect(decideRetry(inst({}, softFailure(reason)), DUE, config)).toEqual({ request: true, attempt: 1 });
    },
  );

  it.each(HARD_REASONS)('a hard decline (%s) is never retried', (reason) => {
    // Prepare: as lifecycle records a hard failure
    const hard = inst({}, { lastFailureReason: reason, hardDeclined: true, retryWanted: false });
    // Act / Assess
    expect(decideRetry(hard, DUE, config)).toMatchObject({ request: false });
  });

  it('a hard decline ends the retries of that due date, even with a soft failure after it', () => {
    const after = inst(
      {},
      { failures: 3, hardDeclined: true, lastFailureReason: 'BANK_UNAVAILABLE', retryWanted: true },
    );
    expect(decideRetry(after, addDays(DUE, 1), config)).toEqual({
      request: false,
      why: 'hard decline: retries of this due date are over',
    });
  });

  it('at most one per installment per day', () => {
    const retriedToday = markRetryRequested(inst(), DUE);
    const failedAgain = { ...retriedToday, debit: { ...retriedToday.debit, retryWanted: true } };
    expect(decideRetry(failedAgain, DUE, config)).toMatchObject({
      request: false,
      why: 'a retry was already requested today',
    });
    expect(decideRetry(failedAgain, addDays(DUE, 1), config)).toEqual({ request: true, attempt: 2 });
  });

  it('at most retry.maxRetries per due date, not counting the original debit', () => {
    expect(
      decideRetry(inst({}, { retriesRequested: 2, lastRetryOn: addDays(DUE, 1) }), addDays(DUE, 2), config),
    ).toEqual({
      request: true,
      attempt: 3,
    });
    expect(
      decideRetry(inst({}, { retriesRequested: 3, lastRetryOn: addDays(DUE, 2) }), addDays(DUE, 3), config),
    ).toMatchObject({ request: false, why: 'retry.maxRetries (3) reached' });
  });

  it('OVERDUE only while DPD <= retry.untilDpd (7)', () => {
    expect(decideRetry(overdue(), addDays(DUE, 7), config)).toEqual({ request: true, attempt: 1 });
    expect(decideRetry(overdue(), addDays(DUE, 8), config)).toMatchObject({
      request: false,
      why: 'DPD 8 is past retry.untilDpd (7)',
    });
  });

  it('IN_GRACE whatever the DPD (a long grace outlasts retry.untilDpd)', () => {
    const longGrace = inst({ graceDays: 10, graceEndsOn: addDays(DUE, 10) });
    expect(decideRetry(longGrace, addDays(DUE, 9), config)).toEqual({ request: true, attempt: 1 });
  });

  it('not while SCHEDULED: a failure before the due date waits for IN_GRACE', () => {
    const early = inst({ status: 'SCHEDULED', graceDays: null, graceEndsOn: null });
    expect(decideRetry(early, addDays(DUE, -2), config)).toMatchObject({ request: false });
  });

  it.each(['PAID', 'WRITTEN_OFF', 'RESTRUCTURED'])('not when %s', (status) => {
    expect(decideRetry(inst({ status, closedOn: DUE }), DUE, config)).toMatchObject({ request: false });
  });

  it('not when paid in full (not yet closed)', () => {
    expect(decideRetry(inst({ paidPrincipal: 100_000, paidInterest: 1_000 }), DUE, config)).toEqual({
      request: false,
      why: 'paid in full',
    });
  });

  it('decided: only to answer a soft failure recorded since the previous retry request', () => {
    const requested = markRetryRequested(inst(), DUE);
    expect(decideRetry(requested, addDays(DUE, 1), config)).toEqual({
      request: false,
      why: 'no soft failure since the last retry request',
    });
  });

  it('follows retry.maxRetries and retry.untilDpd from the configuration', () => {
    const strict = configSchema.parse({
      ...structuredClone(defaultJson),
      retry: { maxRetries: 0, untilDpd: 0 },
    });
    expect(decideRetry(inst(), DUE, strict)).toMatchObject({ request: false });
    const loose = configSchema.parse({
      ...structuredClone(defaultJson),
      retry: { maxRetries: 5, untilDpd: 20 },
    });
    expect(decideRetry(overdue(1, { retriesRequested: 4 }), addDays(DUE, 20), loose)).toEqual({
      request: true,
      attempt: 5,
    });
  });
});

describe('markRetryRequested', () => {
  it('counts the retry, remembers the day, and waits for the next soft failure', () => {
    expect(markRetryRequested(inst(), DUE).debit).toMatchObject({
      retriesRequested: 1,
      lastRetryOn: DUE,
      retryWanted: false,
      // Notices are the failed-debits run's other business: untouched.
      firstNoticePending: true,
    });
  });
});

describe('retryRequestedEvent', () => {
  it('DebitRetryRequested, occurrence <dueDate>#<attempt>, with the soft reason and the outstanding', () => {
    expect(retryRequestedEvent(inst({}, softFailure('LIMIT_EXCEEDED')), 1, DUE)).toEqual({
      detailType: 'DebitRetryRequested',
      loanId: 'L1',
      seq: '1',
      occurrence: `${DUE}#1`,
      detail: {
        loanId: 'L1',
        seq: '1',
        borrowerId: 'b1',
        dueDate: DUE,
        attempt: 1,
        reason: 'LIMIT_EXCEEDED',
        amount: 101_000,
      },
    });
  });

  it('asks for the outstanding on the day, penalty included once OVERDUE', () => {
    // DPD 2, OVERDUE since DPD 1: two days of 50 fen.
    expect(retryRequestedEvent(overdue(), 2, addDays(DUE, 2)).detail).toMatchObject({
      attempt: 2,
      amount: 101_100,
    });
  });
});
