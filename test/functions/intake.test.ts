/** Intake of debit results, payments and adjustment requests through the intake handler. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outstandingOn } from '../../shared/rules/outstanding';
import { borrower, type Harness, inst, startHarness } from './harness';
import { envelope, failedDebit, payment, succeededDebit } from './intake-events';

const failed = (attemptId: string, reason: string) => failedDebit('L1', reason, undefined, attemptId);
const extension = (requestId: string, loanId = 'L1', days = 10) => ({
  requestId,
  loanId,
  seq: '1',
  action: 'EXTEND',
  days,
  requestedAt: '2026-12-09T12:00:00+08:00',
});

describe('intake', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await h.load([borrower('b1', 760)], [inst('L1', 'b1')]);
  });
  afterEach(async () => {
    await h.stop();
  });

  it('puts an installment IN_GRACE at once on a failed debit on its due date, and notifies at the next failed-debits run', async () => {
    // Act
    await h.deliver('DebitAttemptCompleted', failed('d1', 'INSUFFICIENT_FUNDS'));
    await h.runJob('failedDebits', '2026-12-10');
    // Assess
    expect((await h.installment('L1', '1'))?.status).toBe('IN_GRACE');
    expect(h.messages.map((m) => `${m.kind}/${m.occurrence}/${m.channel}`).sort()).toEqual([
      'DEBIT_FAILED/2026-12-10#first/email',
      'DEBIT_FAILED/2026-12-10#first/push',
      'DEBIT_FAILED/2026-12-10#first/sms',
    ]);
    expect(h.events.map((e) => e.detailType)).toEqual(['InstallmentEnteredGrace', 'DebitRetryRequested']);
  });

  it('applies a debit result once however often it is delivered', async () => {
    // Act
    await h.deliver('DebitAttemptCompleted', failed('d1', 'INSUFFICIENT_FUNDS'));
    await h.deliver('DebitAttemptCompleted', failed('d1', 'INSUFFICIENT_FUNDS'));
    await h.deliver('DebitAttemptCompleted', failed('d1', 'CARD_EXPIRED'));
    // Assess: the first wins; the conflicting one is ignored
    const stored = await h.installment('L1', '1');
    expect(stored?.debit.failures).toBe(1);
    expect(stored?.debit.hardDeclined).toBe(false);
    expect(h.events.filter((e) => e.detailType === 'InstallmentEnteredGrace')).toHaveLength(1);
  });

  it('takes a successful debit without an amount as the whole outstanding', async () => {
    // Act
    await h.deliver('DebitAttemptCompleted', succeededDebit('L1'));
    // Assess
    const stored = await h.installment('L1', '1');
    expect(stored?.status).toBe('PAID');
    expect(h.events.map((e) => e.detailType)).toEqual(['InstallmentPaid']);
  });

  it('applies a partial payment without a state change, and a duplicate payment once', async () => {
    // Act
    const partial = payment('L1', 'p1', 40_000, '2026-12-05T12:00:00+08:00');
    await h.deliver('RepaymentReceived', partial);
    await h.deliver('RepaymentReceived', partial);
    // Assess
    const stored = await h.installment('L1', '1');
    expect(stored?.status).toBe('SCHEDULED');
    expect(outstandingOn(stored as never, '2026-12-05').total).toBe(61_000);
  });

  it('converges to the same state when a payment arrives before the failure report it answers', async () => {
    // Act
    await h.deliver('RepaymentReceived', payment('L1', 'p1', 101_000, '2026-12-10T14:00:00+08:00'));
    await h.deliver('DebitAttemptCompleted', failed('d1', 'INSUFFICIENT_FUNDS'));
    await h.runJob('failedDebits', '2026-12-10', '16:00');
    // Assess
    const stored = await h.installment('L1', '1');
    expect(stored?.status).toBe('PAID');
    expect(h.messages).toEqual([]);
  });

  it('extends a due date on request and rejects a second extension with LIMIT_EXCEEDED', async () => {
    // Act
    await h.deliver('RepaymentPlanAdjustmentRequested', extension('r1'));
    await h.deliver('RepaymentPlanAdjustmentRequested', extension('r1'));
    await h.deliver('RepaymentPlanAdjustmentRequested', extension('r2'));
    // Assess
    expect((await h.installment('L1', '1'))?.dueDate).toBe('2026-12-20');
    expect(h.events.map((e) => [e.detailType, e.detail.reason ?? null])).toEqual([
      ['RepaymentPlanAdjusted', null],
      ['RepaymentPlanAdjustmentRejected', 'LIMIT_EXCEEDED'],
    ]);
  });

  it('splits an installment into parts and applies a later payment to them in seq order', async () => {
    // Act
    await h.deliver('RepaymentPlanAdjustmentRequested', {
      requestId: 'r1',
      loanId: 'L1',
      seq: '1',
      action: 'SPLIT',
      parts: 3,
      requestedAt: '2026-12-09T12:00:00+08:00',
    });
    await h.deliver('RepaymentReceived', payment('L1', 'p1', 40_000, '2026-12-12T12:00:00+08:00'));
    // Assess
    expect((await h.installment('L1', '1'))?.status).toBe('RESTRUCTURED');
    const parts = await Promise.all(['1.1', '1.2', '1.3'].map((seq) => h.installment('L1', seq)));
    expect(parts.map((p) => p?.principal)).toEqual([33_334, 33_333, 33_333]);
    expect(parts.map((p) => p?.status)).toEqual(['PAID', 'SCHEDULED', 'SCHEDULED']);
    expect(outstandingOn(parts[1] as never, '2026-12-12').total).toBe(33_333 + 333 - (40_000 - 33_334 - 334));
  });

  it('answers an adjustment for an unknown installment with NOT_FOUND, once', async () => {
    // Act
    await h.deliver('RepaymentPlanAdjustmentRequested', extension('r9', 'NOPE', 5));
    await h.deliver('RepaymentPlanAdjustmentRequested', extension('r9', 'NOPE', 5));
    // Assess
    expect(h.events.map((e) => [e.detailType, e.detail.reason])).toEqual([
      ['RepaymentPlanAdjustmentRejected', 'NOT_FOUND'],
    ]);
  });

  it('rejects malformed events with a reason and leaves the rest of the batch alone', async () => {
    // Act
    const bad = await h.deliverRaw(envelope('RepaymentReceived', { loanId: 'L1', amount: -5 }));
    const unknownType = await h.deliverRaw(envelope('Gossip', {}));
    const notJson = await h.deliverRaw('{');
    const unknownLoan = await h.deliver('RepaymentReceived', payment('NOPE', 'p1', 100));
    // Assess
    for (const result of [bad, unknownType, notJson, unknownLoan])
      expect(result.batchItemFailures).toHaveLength(1);
    const stored = await h.installment('L1', '1');
    expect(stored?.paidPrincipal).toBe(0);
  });
});
