/** Aging, debit results and the next aging date (RULES.md sections 2, 3, 5, 7). */
import { describe, expect, it } from 'vitest';
import { ageInstallment } from '../../shared/rules/aging';
import { addDays } from '../../shared/rules/calendar';
import { recordDebitResult } from '../../shared/rules/debit-results';
import { dpdOn } from '../../shared/rules/dpd';
import { newInstallment } from '../../shared/rules/installment';
import { nextAgingDate } from '../../shared/rules/next-actions';
import { outstandingOn } from '../../shared/rules/outstanding';
import { applyPayment } from '../../shared/rules/payments';
import { penaltyToDate } from '../../shared/rules/penalty';
import type { Outcome, RuleContext } from '../../shared/rules/states';
import type { DomainEvent, Installment } from '../../shared/rules/types';
import { config, ctxFor, DUE, fresh, TIER_C, TIER_S } from './fixtures';

const failure = (attemptId: string, attemptedOn: string, reason = 'INSUFFICIENT_FUNDS') => ({
  attemptId,
  outcome: 'FAILED' as const,
  reason: reason as 'INSUFFICIENT_FUNDS',
  attemptedOn,
});
const types = (events: DomainEvent[]) => events.map((e) => e.detailType);

/** Runs the aging of every day from `from` to `to` (inclusive), collecting what happened. */
function ageDaily(inst: Installment, from: string, to: string, ctx: RuleContext) {
  let cur = inst;
  const events: (DomainEvent & { day: string })[] = [];
  const transitions: Outcome['transitions'] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const out = ageInstallment(cur, day, ctx);
    cur = out.installment;
    events.push(...out.events.map((e) => ({ ...e, day })));
    transitions.push(...out.transitions);
  }
  return { inst: cur, events, transitions };
}

describe('the worked example of RULES.md section 3', () => {
  it('tier C: OVERDUE at the run of 12-11 with DPD 1 and penalty 50, 100 on 12-12, and 101 100 pays it off', () => {
    // Prepare
    const failed = recordDebitResult(fresh(), failure('d1', '2026-12-10'), TIER_C).installment;
    // Act
    const run11 = ageInstallment(failed, '2026-12-11', TIER_C);
    const run12 = ageInstallment(run11.installment, '2026-12-12', TIER_C);
    const paid = applyPayment(
      run12.installment,
      { paymentId: 'p1', amount: 101_100, receivedOn: '2026-12-12' },
      TIER_C,
    );
    // Assess
    expect(failed.status).toBe('IN_GRACE');
    expect(failed.graceEndsOn).toBe('2026-12-10');
    expect(run11.transitions).toEqual([{ loanId: 'L1', seq: '1', from: 'IN_GRACE', to: 'OVERDUE', dpd: 1 }]);
    expect(penaltyToDate(run11.installment, '2026-12-11')).toBe(50);
    expect(penaltyToDate(run12.installment, '2026-12-12')).toBe(100);
    expect(outstandingOn(run12.installment, '2026-12-12').total).toBe(101_100);
    const p = paid.installment;
    expect(p).toMatchObject({
      status: 'PAID',
      paidOn: '2026-12-12',
      dpdAtPayment: 2,
      closedOn: '2026-12-12',
    });
    expect([p.paidPenalty, p.paidInterest, p.paidPrincipal, p.overpaid]).toEqual([100, 1_000, 100_000, 0]);
    expect(paid.events[0]?.detail).toMatchObject({
      dpdAtPayment: 2,
      penaltyPaid: 100,
      paidLate: true,
      paid: 101_100,
    });
  });

  it.each([
    ['on the due date', '2026-12-10'],
    ['on the second day of grace', '2026-12-12'],
    ['on the last day of grace', '2026-12-13'],
  ])('tier S: paying %s costs no penalty and is not late', (_label, payOn) => {
    // Prepare: failed on the due date; the runs up to the payment day have run
    const failed = recordDebitResult(fresh(), failure('d1', '2026-12-10'), TIER_S).installment;
    const aged = ageDaily(failed, '2026-12-11', payOn, TIER_S).inst;
    // Act
    const paid = applyPayment(aged, { paymentId: 'p1', amount: 101_000, receivedOn: payOn }, TIER_S);
    // Assess
    expect(paid.installment).toMatchObject({
      status: 'PAID',
      paidPenalty: 0,
      everOverdue: false,
      overpaid: 0,
    });
    expect(paid.events.map((e) => e.detail.paidLate)).toEqual([false]);
  });

  it('tier S: paying at 23:59 of 12-13 when the run of 12-14 has not been applied yet costs no penalty', () => {
    // Prepare: IN_GRACE until 12-13, no aging run at all since the failure
    const failed = recordDebitResult(fresh(), failure('d1', '2026-12-10'), TIER_S).installment;
    // Act
    const paid = applyPayment(failed, { paymentId: 'p1', amount: 101_000, receivedOn: '2026-12-13' }, TIER_S);
    // Assess
    expect(paid.installment).toMatchObject({
      status: 'PAID',
      paidPenalty: 0,
      dpdAtPayment: 3,
      everOverdue: false,
    });
    expect(paid.transitions.map((t) => t.to)).toEqual(['PAID']);
  });

  it('tier S unpaid: the run of 12-14 makes it OVERDUE at DPD 4 with penalty 200', () => {
    // Prepare
    const failed = recordDebitResult(fresh(), failure('d1', '2026-12-10'), TIER_S).installment;
    // Act
    const aged = ageDaily(failed, '2026-12-11', '2026-12-14', TIER_S);
    // Assess
    expect(aged.transitions).toEqual([{ loanId: 'L1', seq: '1', from: 'IN_GRACE', to: 'OVERDUE', dpd: 4 }]);
    expect(aged.inst.overdueOn).toBe('2026-12-14');
    expect(penaltyToDate(aged.inst, '2026-12-13')).toBe(150);
    expect(penaltyToDate(aged.inst, '2026-12-14')).toBe(200);
  });

  it("decision: a payment on the day after graceEndsOn finds it OVERDUE even before that day's run, and returns the transition", () => {
    // Prepare
    const failed = recordDebitResult(fresh(), failure('d1', '2026-12-10'), TIER_S).installment;
    // Act: 101 000 on 12-14, the 00:30 run not applied
    const out = applyPayment(failed, { paymentId: 'p1', amount: 101_000, receivedOn: '2026-12-14' }, TIER_S);
    // Assess: the same as if the run had happened first: 200 penalty, 200 left
    expect(out.transitions.map((t) => `${t.from}>${t.to}@${t.dpd}`)).toEqual(['IN_GRACE>OVERDUE@4']);
    expect(types(out.events)).toEqual([
      'InstallmentOverdue',
      'DelinquencyBucketChanged',
      'ManualInterventionRequired',
    ]);
    expect(out.installment.status).toBe('OVERDUE');
    expect(out.installment.paidPenalty).toBe(200);
    expect(outstandingOn(out.installment, '2026-12-14').total).toBe(200);
    const viaRun = applyPayment(
      ageInstallment(failed, '2026-12-14', TIER_S).installment,
      { paymentId: 'p1', amount: 101_000, receivedOn: '2026-12-14' },
      TIER_S,
    );
    expect(viaRun.installment).toEqual(out.installment);
  });
});

describe('grace', () => {
  it.each([
    ['S', 800, 3],
    ['A', 720, 2],
    ['B', 670, 1],
    ['C', 600, 0],
  ])(
    'tier %s (score %i) gets %i grace days and becomes OVERDUE the day after grace, owing every DPD day',
    (_tier, score, graceDays) => {
      // Prepare
      const ctx = ctxFor(score);
      // Act
      const aged = ageDaily(fresh(), '2026-12-11', addDays(DUE, graceDays + 1), ctx);
      // Assess
      const overdueOn = addDays(DUE, graceDays + 1);
      expect(aged.inst).toMatchObject({
        status: 'OVERDUE',
        graceDays,
        graceEndsOn: addDays(DUE, graceDays),
        overdueOn,
      });
      expect(aged.events.find((e) => e.detailType === 'InstallmentOverdue')?.day).toBe(overdueOn);
      expect(penaltyToDate(aged.inst, overdueOn)).toBe((graceDays + 1) * 50);
    },
  );

  it('keeps the grace snapshot when the credit score changes later', () => {
    // Prepare
    const inGrace = ageInstallment(fresh(), '2026-12-11', TIER_S).installment;
    // Act: the borrower drops to tier C before the next run
    const next = ageInstallment(inGrace, '2026-12-12', TIER_C);
    // Assess
    expect(next.installment).toMatchObject({ status: 'IN_GRACE', graceDays: 3, graceEndsOn: '2026-12-13' });
    expect(next.transitions).toEqual([]);
  });

  it('has no penalty, bucket or escalation while IN_GRACE', () => {
    // Act
    const aged = ageDaily(fresh(), '2026-12-11', '2026-12-13', TIER_S);
    // Assess
    expect(aged.inst.bucket).toBeNull();
    expect(penaltyToDate(aged.inst, '2026-12-13')).toBe(0);
    expect(types(aged.events)).toEqual(['InstallmentEnteredGrace', 'DebitResultMissing']);
  });
});

describe('aging', () => {
  it('emits DebitResultMissing when no debit result at all was recorded for the due date', () => {
    // Act
    const out = ageInstallment(fresh(), '2026-12-11', TIER_S);
    // Assess
    expect(out.transitions).toEqual([{ loanId: 'L1', seq: '1', from: 'SCHEDULED', to: 'IN_GRACE', dpd: 1 }]);
    expect(out.events.map((e) => [e.detailType, e.occurrence])).toEqual([
      ['InstallmentEnteredGrace', DUE],
      ['DebitResultMissing', DUE],
    ]);
    expect(out.events[0]?.detail).toMatchObject({
      loanId: 'L1',
      seq: '1',
      borrowerId: 'b1',
      dueDate: DUE,
      tier: 'S',
      graceDays: 3,
      graceEndsOn: '2026-12-13',
    });
  });

  it('keeps a failure reported before the due date SCHEDULED, then enters grace without DebitResultMissing', () => {
    // Prepare
    const early = recordDebitResult(fresh(), failure('d1', '2026-12-08'), TIER_S);
    // Act
    const out = ageInstallment(early.installment, '2026-12-11', TIER_S);
    // Assess
    expect(early.installment.status).toBe('SCHEDULED');
    expect(early.transitions).toEqual([]);
    expect(early.installment.debit).toMatchObject({
      failures: 1,
      firstNoticePending: true,
      retryWanted: true,
    });
    expect(types(out.events)).toEqual(['InstallmentEnteredGrace']);
  });

  it('makes both transitions in one run for tier C with no debit result', () => {
    // Act
    const out = ageInstallment(fresh(), '2026-12-11', TIER_C);
    // Assess
    expect(out.transitions.map((t) => `${t.from}>${t.to}@${t.dpd}`)).toEqual([
      'SCHEDULED>IN_GRACE@1',
      'IN_GRACE>OVERDUE@1',
    ]);
    expect(types(out.events)).toEqual([
      'InstallmentEnteredGrace',
      'DebitResultMissing',
      'InstallmentOverdue',
      'DelinquencyBucketChanged',
    ]);
    expect(out.events[3]).toMatchObject({
      occurrence: `${DUE}#M1`,
      detail: { from: null, to: 'M1', dpd: 1 },
    });
    expect(out.events[2]?.detail).toMatchObject({ dpd: 1, outstanding: 101_050, penaltyToDate: 50 });
  });

  it("catches up missed runs in one call, transitions carrying today's DPD", () => {
    // Act: no run between the due date and DPD 10
    const out = ageInstallment(fresh(), '2026-12-20', TIER_S);
    // Assess
    expect(out.transitions.map((t) => `${t.to}@${t.dpd}`)).toEqual(['IN_GRACE@10', 'OVERDUE@10']);
    expect(out.installment.overdueOn).toBe('2026-12-20');
    expect(penaltyToDate(out.installment, '2026-12-20')).toBe(500);
    expect(types(out.events)).toContain('ManualInterventionRequired');
  });

  it('is idempotent: a second call for the same day adds nothing', () => {
    // Prepare
    const first = ageInstallment(fresh(), '2026-12-11', TIER_C);
    // Act
    const second = ageInstallment(first.installment, '2026-12-11', TIER_C);
    // Assess
    expect(second.transitions).toEqual([]);
    expect(second.events).toEqual([]);
    expect(second.installment).toEqual(first.installment);
  });

  it('moves through the buckets M1, M2, M3, M3+ with one event each, and escalates to manual intervention at DPD 3', () => {
    // Act
    const aged = ageDaily(fresh(), '2026-12-11', addDays(DUE, 100), TIER_C);
    // Assess
    const dpdOf = (e: { day: string }) => dpdOn({ dueDate: DUE, status: 'OVERDUE', closedOn: null }, e.day);
    const buckets = aged.events.filter((e) => e.detailType === 'DelinquencyBucketChanged');
    expect(buckets.map((e) => [e.detail.from, e.detail.to, dpdOf(e)])).toEqual([
      [null, 'M1', 1],
      ['M1', 'M2', 31],
      ['M2', 'M3', 61],
      ['M3', 'M3+', 91],
    ]);
    const manual = aged.events.filter((e) => e.detailType === 'ManualInterventionRequired');
    expect(manual.map(dpdOf)).toEqual([3]);
    expect(manual[0]?.occurrence).toBe(DUE);
    expect(aged.events.filter((e) => e.detailType === 'CreditBureauReportRequired')).toEqual([]);
    expect(aged.inst.bucket).toBe('M3+');
  });

  it('escalates an installment that becomes OVERDUE past the manual-intervention threshold on that run', () => {
    // Act: tier S becomes OVERDUE at DPD 4 > 3
    const aged = ageDaily(fresh(), '2026-12-11', '2026-12-14', TIER_S);
    // Assess
    expect(aged.events.filter((e) => e.day === '2026-12-14').map((e) => e.detailType)).toEqual([
      'InstallmentOverdue',
      'DelinquencyBucketChanged',
      'ManualInterventionRequired',
    ]);
  });

  it.each([
    ['warned at DPD 23: reported at DPD 30', 23, 30],
    ['warned at DPD 35: the report waits 7 days, to DPD 42', 35, 42],
    ['warned at DPD 24: the report waits to DPD 31', 24, 31],
  ])('asks for a credit report only after the warning: %s', (_label, warnedAtDpd, reportAtDpd) => {
    // Prepare: overdue up to the warning day, which the reminders side records
    const before = ageDaily(fresh(), '2026-12-11', addDays(DUE, warnedAtDpd), TIER_C).inst;
    const warned = {
      ...before,
      reminders: { ...before.reminders, creditWarnedOn: addDays(DUE, warnedAtDpd) },
    };
    // Act
    const after = ageDaily(warned, addDays(DUE, warnedAtDpd + 1), addDays(DUE, 60), TIER_C);
    // Assess
    const reports = after.events.filter((e) => e.detailType === 'CreditBureauReportRequired');
    expect(reports.map((e) => e.day)).toEqual([addDays(DUE, reportAtDpd)]);
    expect(reports[0]?.detail).toMatchObject({ dpd: reportAtDpd, creditWarnedOn: addDays(DUE, warnedAtDpd) });
  });

  it('never asks for a credit report without a warning', () => {
    // Act
    const aged = ageDaily(fresh(), '2026-12-11', addDays(DUE, 179), TIER_C);
    // Assess
    expect(aged.events.some((e) => e.detailType === 'CreditBureauReportRequired')).toBe(false);
  });

  it("writes off at DPD 180 after that day's penalty; a later payment reports dpdAtPayment 180", () => {
    // Prepare
    const writeOffDay = addDays(DUE, 180);
    // Act
    const aged = ageDaily(fresh(), '2026-12-11', addDays(DUE, 200), TIER_C);
    const paid = applyPayment(
      aged.inst,
      { paymentId: 'p1', amount: 110_000, receivedOn: addDays(DUE, 210) },
      TIER_C,
    );
    // Assess
    expect(aged.transitions.at(-1)).toEqual({
      loanId: 'L1',
      seq: '1',
      from: 'OVERDUE',
      to: 'WRITTEN_OFF',
      dpd: 180,
    });
    expect(aged.inst).toMatchObject({ status: 'WRITTEN_OFF', closedOn: writeOffDay, bucket: null });
    const writtenOff = aged.events.filter((e) => e.detailType === 'InstallmentWrittenOff');
    expect(writtenOff.map((e) => e.day)).toEqual([writeOffDay]);
    expect(writtenOff[0]?.detail).toMatchObject({ dpd: 180, penaltyToDate: 9_000, outstanding: 110_000 });
    expect(penaltyToDate(aged.inst, addDays(DUE, 200))).toBe(9_000);
    expect(paid.installment).toMatchObject({
      status: 'PAID',
      dpdAtPayment: 180,
      closedOn: writeOffDay,
      overpaid: 0,
    });
    expect(paid.transitions).toEqual([{ loanId: 'L1', seq: '1', from: 'WRITTEN_OFF', to: 'PAID', dpd: 180 }]);
    expect(paid.events[0]?.detail).toMatchObject({ dpdAtPayment: 180, penaltyPaid: 9_000, paidLate: true });
  });

  it('decision: a run that catches up past the write-off day freezes DPD and penalty on the day DPD reached 180', () => {
    // Prepare
    const overdue = ageInstallment(fresh(), '2026-12-11', TIER_C).installment;
    // Act: the next run only at DPD 185
    const out = ageInstallment(overdue, addDays(DUE, 185), TIER_C);
    // Assess
    expect(out.installment).toMatchObject({ status: 'WRITTEN_OFF', closedOn: addDays(DUE, 180) });
    expect(out.transitions.at(-1)?.dpd).toBe(180);
    expect(penaltyToDate(out.installment, addDays(DUE, 185))).toBe(9_000);
    expect(types(out.events)).toEqual([
      'DelinquencyBucketChanged',
      'ManualInterventionRequired',
      'InstallmentWrittenOff',
    ]);
  });

  it.each(['PAID', 'RESTRUCTURED', 'WRITTEN_OFF'] as const)('does nothing to %s', (status) => {
    // Prepare
    const closed = { ...fresh(), status, closedOn: DUE };
    // Act
    const out = ageInstallment(closed, '2027-12-01', TIER_C);
    // Assess
    expect(out).toEqual({ installment: closed, transitions: [], events: [] });
  });

  it('decision: an installment that owes nothing is settled PAID by the aging, on its due date, not late', () => {
    // Prepare
    const zero = newInstallment(
      { loanId: 'L1', seq: 2, borrowerId: 'b1', dueDate: DUE, principal: 0, interest: 0 },
      config,
    );
    // Act
    const out = ageInstallment(zero, '2026-12-11', TIER_C);
    // Assess
    expect(out.installment).toMatchObject({
      status: 'PAID',
      paidOn: DUE,
      dpdAtPayment: 0,
      everOverdue: false,
    });
    expect(types(out.events)).toEqual(['InstallmentPaid']);
  });
});

describe('debit results', () => {
  it('a soft failure on the due date: IN_GRACE at once, first notice pending, retry wanted', () => {
    // Act
    const out = recordDebitResult(fresh(), failure('d1', DUE), TIER_S);
    // Assess
    expect(out.transitions).toEqual([{ loanId: 'L1', seq: '1', from: 'SCHEDULED', to: 'IN_GRACE', dpd: 0 }]);
    expect(types(out.events)).toEqual(['InstallmentEnteredGrace']);
    expect(out.installment.debit).toMatchObject({
      resultsRecorded: 1,
      failures: 1,
      lastFailureReason: 'INSUFFICIENT_FUNDS',
      lastFailureOn: DUE,
      hardDeclined: false,
      firstNoticePending: true,
      hardNoticePending: false,
      retryWanted: true,
    });
    expect(out.installment.receipts.d1).toBeDefined();
  });

  it('a hard failure after only soft ones: hard notice pending, retries over', () => {
    // Prepare
    const soft = recordDebitResult(fresh(), failure('d1', DUE), TIER_S).installment;
    const soft2 = recordDebitResult(
      soft,
      failure('d2', '2026-12-11', 'BANK_UNAVAILABLE'),
      TIER_S,
    ).installment;
    // Act
    const hard = recordDebitResult(soft2, failure('d3', '2026-12-12', 'CARD_EXPIRED'), TIER_S).installment;
    // Assess
    expect(soft2.debit).toMatchObject({ failures: 2, hardNoticePending: false, retryWanted: true });
    expect(hard.debit).toMatchObject({
      failures: 3,
      resultsRecorded: 3,
      hardDeclined: true,
      hardNoticePending: true,
      retryWanted: false,
      lastFailureReason: 'CARD_EXPIRED',
    });
    expect(hard.status).toBe('IN_GRACE');
  });

  it.each(['CARD_EXPIRED', 'ACCOUNT_CLOSED', 'AUTHORIZATION_REVOKED'])(
    'a first failure with hard reason %s: first notice only, hard-declined, no retry',
    (reason) => {
      // Act
      const out = recordDebitResult(fresh(), failure('d1', DUE, reason), TIER_S).installment;
      // Assess
      expect(out.debit).toMatchObject({
        hardDeclined: true,
        firstNoticePending: true,
        hardNoticePending: false,
        retryWanted: false,
      });
    },
  );

  it('a soft failure after a hard decline wants no retry', () => {
    // Prepare
    const hard = recordDebitResult(fresh(), failure('d1', DUE, 'ACCOUNT_CLOSED'), TIER_S).installment;
    // Act
    const soft = recordDebitResult(hard, failure('d2', '2026-12-11'), TIER_S).installment;
    // Assess
    expect(soft.debit).toMatchObject({
      failures: 2,
      hardDeclined: true,
      retryWanted: false,
      hardNoticePending: false,
    });
  });

  it.each(['PAID', 'WRITTEN_OFF'] as const)(
    'a failure for a %s installment changes nothing but the receipt',
    (status) => {
      // Prepare
      const closed = { ...fresh(), status, closedOn: DUE };
      // Act
      const out = recordDebitResult(closed, failure('d1', '2026-12-11'), TIER_S);
      // Assess
      expect(out.transitions).toEqual([]);
      expect(out.events).toEqual([]);
      expect({ ...out.installment, receipts: {} }).toEqual(closed);
      expect(Object.keys(out.installment.receipts)).toEqual(['d1']);
    },
  );

  it('a success without an amount takes the whole outstanding', () => {
    // Act
    const out = recordDebitResult(
      fresh(),
      { attemptId: 'd1', outcome: 'SUCCEEDED', attemptedOn: DUE },
      TIER_S,
    );
    // Assess
    expect(out.installment).toMatchObject({
      status: 'PAID',
      paidPrincipal: 100_000,
      paidInterest: 1_000,
      overpaid: 0,
      dpdAtPayment: 0,
    });
    expect(out.installment.debit.resultsRecorded).toBe(1);
    expect(types(out.events)).toEqual(['InstallmentPaid']);
  });

  it('a success with a smaller amount is a partial payment: no state change', () => {
    // Act
    const out = recordDebitResult(
      fresh(),
      { attemptId: 'd1', outcome: 'SUCCEEDED', amount: 30_000, attemptedOn: DUE },
      TIER_S,
    );
    // Assess
    expect(out.installment.status).toBe('SCHEDULED');
    expect(out.transitions).toEqual([]);
    expect(outstandingOn(out.installment, DUE).total).toBe(71_000);
  });

  it('a success reported on the day after grace pays the penalty the catch-up aging made owed', () => {
    // Prepare: tier C failed on the due date; the 12-11 run has not run
    const failed = recordDebitResult(fresh(), failure('d1', DUE), TIER_C).installment;
    // Act
    const out = recordDebitResult(
      failed,
      { attemptId: 'd2', outcome: 'SUCCEEDED', attemptedOn: '2026-12-11' },
      TIER_C,
    );
    // Assess
    expect(out.transitions.map((t) => t.to)).toEqual(['OVERDUE', 'PAID']);
    expect(out.installment).toMatchObject({ paidPenalty: 50, dpdAtPayment: 1, everOverdue: true });
  });

  it('applies the same attempt id once; a different content under that id is a conflicting duplicate (the first wins)', () => {
    // Prepare
    const first = recordDebitResult(fresh(), failure('d1', DUE), TIER_S).installment;
    // Act
    const same = recordDebitResult(first, failure('d1', DUE), TIER_S);
    const conflicting = recordDebitResult(first, failure('d1', DUE, 'CARD_EXPIRED'), TIER_S);
    // Assess
    expect(same).toEqual({ installment: first, transitions: [], events: [], duplicate: 'same' });
    expect(conflicting).toEqual({
      installment: first,
      transitions: [],
      events: [],
      duplicate: 'conflicting',
    });
  });

  it('counts any recorded result, so the next run reports no missing debit', () => {
    // Prepare
    const succeededPartly = recordDebitResult(
      fresh(),
      { attemptId: 'd1', outcome: 'SUCCEEDED', amount: 100, attemptedOn: DUE },
      TIER_S,
    ).installment;
    // Act
    const out = ageInstallment(succeededPartly, '2026-12-11', TIER_S);
    // Assess
    expect(types(out.events)).toEqual(['InstallmentEnteredGrace']);
  });
});

describe('out of order', () => {
  it.each([
    ['on the due date', DUE, 101_000],
    ['after it became OVERDUE', '2026-12-12', 101_100],
  ])(
    'a payment before the failure report it answers ends with the same status and amounts (%s)',
    (_label, payOn, amount) => {
      // Prepare
      const payment = { paymentId: 'p1', amount, receivedOn: payOn };
      const fail = failure('d1', DUE);
      const run = (inst: Installment) => ageDaily(inst, '2026-12-11', payOn, TIER_C).inst;
      // Act
      const inOrder = applyPayment(
        run(recordDebitResult(fresh(), fail, TIER_C).installment),
        payment,
        TIER_C,
      ).installment;
      const reversed = recordDebitResult(
        applyPayment(run(fresh()), payment, TIER_C).installment,
        fail,
        TIER_C,
      ).installment;
      // Assess
      const summary = (i: Installment) => [
        i.status,
        i.paidPrincipal,
        i.paidInterest,
        i.paidPenalty,
        i.overpaid,
        i.dpdAtPayment,
        i.paidOn,
      ];
      expect(summary(reversed)).toEqual(summary(inOrder));
      expect(inOrder.status).toBe('PAID');
    },
  );
});

describe('nextAgingDate', () => {
  const overdueOn = (dpd: number, patch: Partial<Installment> = {}): Installment => ({
    ...ageDaily(fresh(), '2026-12-11', addDays(DUE, dpd), TIER_C).inst,
    ...patch,
  });

  it.each<[string, () => Installment, string, string | null]>([
    ['SCHEDULED: the day after the due date', () => fresh(), '2026-12-01', '2026-12-11'],
    ['SCHEDULED, its day missed: today', () => fresh(), '2026-12-15', '2026-12-15'],
    [
      'IN_GRACE: the day after graceEndsOn',
      () => ageInstallment(fresh(), '2026-12-11', TIER_S).installment,
      '2026-12-11',
      '2026-12-14',
    ],
    ['OVERDUE at DPD 1: the manual-intervention day', () => overdueOn(1), '2026-12-11', addDays(DUE, 3)],
    [
      'OVERDUE at DPD 3: the next bucket boundary (M2 at 31)',
      () => overdueOn(3),
      addDays(DUE, 3),
      addDays(DUE, 31),
    ],
    ['OVERDUE at DPD 91: the write-off day', () => overdueOn(91), addDays(DUE, 91), addDays(DUE, 180)],
    [
      'OVERDUE, warned at DPD 23: the credit-report day',
      () => overdueOn(23, { reminders: { ...fresh().reminders, creditWarnedOn: addDays(DUE, 23) } }),
      addDays(DUE, 23),
      addDays(DUE, 30),
    ],
    [
      'OVERDUE, warned at DPD 32: 7 days after the warning',
      () => overdueOn(32, { reminders: { ...fresh().reminders, creditWarnedOn: addDays(DUE, 32) } }),
      addDays(DUE, 32),
      addDays(DUE, 39),
    ],
    [
      'OVERDUE with a bucket change not yet announced: today',
      () => overdueOn(30),
      addDays(DUE, 31),
      addDays(DUE, 31),
    ],
    ['PAID: none', () => ({ ...fresh(), status: 'PAID' as const }), DUE, null],
    ['WRITTEN_OFF: none', () => overdueOn(180), addDays(DUE, 180), null],
  ])('%s', (_label, build, today, expected) => {
    // Act / Assess
    expect(nextAgingDate(build(), today, config)).toBe(expected);
  });

  it("points at every day the aging has something to do: runs on those days alone produce the daily runs' events", () => {
    // Prepare: OVERDUE since DPD 1, warned at DPD 25
    const start = ageInstallment(fresh(), '2026-12-11', TIER_C).installment;
    const warned: Installment = {
      ...start,
      reminders: { ...start.reminders, creditWarnedOn: addDays(DUE, 25) },
    };
    const last = addDays(DUE, 200);
    // Act
    const daily = ageDaily(warned, '2026-12-12', last, TIER_C).events;
    const sparse: typeof daily = [];
    let inst = warned;
    let day: string | null = nextAgingDate(inst, '2026-12-11', config);
    while (day !== null && day <= last) {
      const out = ageInstallment(inst, day, TIER_C);
      sparse.push(...out.events.map((e) => ({ ...e, day: day as string })));
      inst = out.installment;
      const next: string | null = nextAgingDate(inst, day, config);
      day = next !== null && next <= day ? addDays(day, 1) : next;
    }
    // Assess
    expect(sparse).toEqual(daily);
    const dpdOf = (d: string) => dpdOn({ dueDate: DUE, status: 'OVERDUE', closedOn: null }, d);
    expect([...new Set(daily.map((e) => dpdOf(e.day)))]).toEqual([3, 31, 32, 61, 91, 180]);
  });
});
