/** Repayment plan adjustments: EXTEND, SPLIT and every rejection code (RULES.md section 8). */
import { describe, expect, it } from 'vitest';
import {
  type AdjustmentRequest,
  evaluateAdjustment,
  REJECTED_RECEIPT_PREFIX,
} from '../../shared/rules/adjustments';
import { ageInstallment } from '../../shared/rules/aging';
import { addDays } from '../../shared/rules/calendar';
import { recordDebitResult } from '../../shared/rules/debit-results';
import { dpdOn } from '../../shared/rules/dpd';
import { outstandingOn } from '../../shared/rules/outstanding';
import { applyPayment } from '../../shared/rules/payments';
import { penaltyToDate } from '../../shared/rules/penalty';
import type { Installment } from '../../shared/rules/types';
import { DUE, fresh, overdueOn, TIER_C, TIER_S } from './fixtures';

const extend = (days: unknown, requestId = 'r1'): AdjustmentRequest => ({
  requestId,
  loanId: 'L1',
  seq: '1',
  action: 'EXTEND',
  days,
});
const split = (parts: unknown, requestId = 'r1'): AdjustmentRequest => ({
  requestId,
  loanId: 'L1',
  seq: '1',
  action: 'SPLIT',
  parts,
});

function approved(decision: ReturnType<typeof evaluateAdjustment>) {
  if (!decision.approved) throw new Error(`rejected: ${decision.code}`);
  return decision;
}

describe('EXTEND', () => {
  it('moves the due date of a SCHEDULED installment, with no transition', () => {
    // Act
    const out = approved(evaluateAdjustment(fresh(), extend(10), '2026-12-09', TIER_S));
    // Assess
    expect(out.installment).toMatchObject({ status: 'SCHEDULED', dueDate: '2026-12-20', extensions: 1 });
    expect(out.installment.receipts.r1).toBeDefined();
    expect(out.transitions).toEqual([]);
    expect(out.parts).toEqual([]);
    expect(out.events).toEqual([
      {
        detailType: 'RepaymentPlanAdjusted',
        loanId: 'L1',
        seq: '1',
        occurrence: 'r1',
        detail: {
          loanId: 'L1',
          seq: '1',
          borrowerId: 'b1',
          dueDate: DUE,
          requestId: 'r1',
          action: 'EXTEND',
          days: 10,
          previousDueDate: DUE,
          newDueDate: '2026-12-20',
          penaltyCarried: 0,
          outstanding: 101_000,
        },
      },
    ]);
  });

  it("brings an OVERDUE installment back to SCHEDULED: penalty carried, the old due date's facts cleared, paidLate kept", () => {
    // Prepare: tier C, DPD 5 on 12-15, warned and escalated, a soft failure recorded
    const failed = recordDebitResult(
      fresh(),
      { attemptId: 'd1', outcome: 'FAILED', reason: 'INSUFFICIENT_FUNDS', attemptedOn: DUE },
      TIER_C,
    ).installment;
    const overdue = overdueOn('2026-12-15', failed);
    // Act
    const out = approved(evaluateAdjustment(overdue, extend(30), '2026-12-15', TIER_C));
    // Assess
    const i = out.installment;
    expect(out.transitions).toEqual([{ loanId: 'L1', seq: '1', from: 'OVERDUE', to: 'SCHEDULED', dpd: 0 }]);
    expect(i).toMatchObject({
      status: 'SCHEDULED',
      dueDate: '2027-01-09',
      penaltyCarried: 250,
      penaltyCheckpoint: null,
      graceDays: null,
      graceEndsOn: null,
      overdueOn: null,
      bucket: null,
      everOverdue: true,
    });
    expect(i.debit).toEqual(fresh().debit);
    expect(i.reminders).toEqual(fresh().reminders);
    expect(i.escalations).toEqual({ manualInterventionRequested: false, creditReportRequested: false });
    expect(dpdOn(i, '2026-12-20')).toBe(0);
    expect(penaltyToDate(i, '2027-01-09')).toBe(250);
    expect(outstandingOn(i, '2026-12-20').total).toBe(101_250);
  });

  it('the new due date can go through grace and OVERDUE again, with new events and penalty on top of the carried one', () => {
    // Prepare
    const extended = approved(
      evaluateAdjustment(overdueOn('2026-12-15'), extend(30), '2026-12-15', TIER_C),
    ).installment;
    // Act
    const aged = ageInstallment(extended, '2027-01-10', TIER_C);
    const paid = applyPayment(
      aged.installment,
      { paymentId: 'p1', amount: 101_300, receivedOn: '2027-01-10' },
      TIER_C,
    );
    // Assess
    expect(aged.events.map((e) => `${e.detailType}/${e.occurrence}`)).toEqual([
      'InstallmentEnteredGrace/2027-01-09',
      'DebitResultMissing/2027-01-09',
      'InstallmentOverdue/2027-01-09',
      'DelinquencyBucketChanged/2027-01-09#M1',
    ]);
    expect(penaltyToDate(aged.installment, '2027-01-10')).toBe(300);
    expect(paid.installment).toMatchObject({ status: 'PAID', paidPenalty: 300, dpdAtPayment: 1 });
    expect(paid.events[0]?.detail.paidLate).toBe(true);
  });

  it("waives the grace days' potential penalty of an IN_GRACE installment", () => {
    // Prepare: tier S, in grace on 12-12
    const inGrace = ageInstallment(fresh(), '2026-12-11', TIER_S).installment;
    // Act
    const out = approved(evaluateAdjustment(inGrace, extend(5), '2026-12-12', TIER_S));
    // Assess
    expect(out.transitions).toEqual([{ loanId: 'L1', seq: '1', from: 'IN_GRACE', to: 'SCHEDULED', dpd: 0 }]);
    expect(out.installment).toMatchObject({ dueDate: '2026-12-15', penaltyCarried: 0 });
    expect(ageInstallment(out.installment, '2026-12-15', TIER_S).transitions).toEqual([]);
  });

  it("applies the aging due today first, so a grace that ended before today's run still carries its penalty", () => {
    // Prepare: tier C failed on the due date: IN_GRACE until 12-10; the run of 12-11 has not happened
    const failed = recordDebitResult(
      fresh(),
      { attemptId: 'd1', outcome: 'FAILED', reason: 'INSUFFICIENT_FUNDS', attemptedOn: DUE },
      TIER_C,
    ).installment;
    // Act
    const out = approved(evaluateAdjustment(failed, extend(10), '2026-12-11', TIER_C));
    // Assess
    expect(out.transitions.map((t) => `${t.from}>${t.to}`)).toEqual([
      'IN_GRACE>OVERDUE',
      'OVERDUE>SCHEDULED',
    ]);
    expect(out.events.map((e) => e.detailType)).toEqual([
      'InstallmentOverdue',
      'DelinquencyBucketChanged',
      'RepaymentPlanAdjusted',
    ]);
    expect(out.installment.penaltyCarried).toBe(50);
  });
});

describe('SPLIT', () => {
  it('restructures into parts due every 30 days after approval, remainder fen on part 1', () => {
    // Act
    const out = approved(evaluateAdjustment(fresh(), split(3), '2026-12-09', TIER_S));
    // Assess
    expect(out.installment).toMatchObject({
      status: 'RESTRUCTURED',
      closedOn: '2026-12-09',
      parts: ['1.1', '1.2', '1.3'],
    });
    expect(outstandingOn(out.installment, '2026-12-09').total).toBe(0);
    expect(out.transitions).toEqual([
      { loanId: 'L1', seq: '1', from: 'SCHEDULED', to: 'RESTRUCTURED', dpd: 0 },
    ]);
    expect(
      out.parts.map((p) => [p.seq, p.dueDate, p.principal, p.interest, p.penaltyCarried, p.status]),
    ).toEqual([
      ['1.1', '2027-01-08', 33_334, 334, 0, 'SCHEDULED'],
      ['1.2', '2027-02-07', 33_333, 333, 0, 'SCHEDULED'],
      ['1.3', '2027-03-09', 33_333, 333, 0, 'SCHEDULED'],
    ]);
    expect(out.events).toHaveLength(1);
    expect(out.events[0]).toMatchObject({
      detailType: 'RepaymentPlanAdjusted',
      occurrence: 'r1',
      detail: {
        requestId: 'r1',
        action: 'SPLIT',
        parts: 3,
        schedule: [
          { seq: '1.1', dueDate: '2027-01-08', principal: 33_334, interest: 334, penalty: 0 },
          { seq: '1.2', dueDate: '2027-02-07', principal: 33_333, interest: 333, penalty: 0 },
          { seq: '1.3', dueDate: '2027-03-09', principal: 33_333, interest: 333, penalty: 0 },
        ],
      },
    });
  });

  it('freezes the penalty to date of an OVERDUE installment and shares it, with the original rate, over the parts', () => {
    // Prepare: ppm 1 000 (100 fen a day), tier C; on 12-13 (DPD 3) 300 penalty + 1 000 interest + 10 000 principal paid
    let inst = overdueOn('2026-12-13', fresh({ penaltyDailyRatePpm: 1_000 }));
    inst = applyPayment(
      inst,
      { paymentId: 'p1', amount: 11_300, receivedOn: '2026-12-13' },
      TIER_C,
    ).installment;
    inst = overdueOn('2026-12-15', inst);
    const penalty = penaltyToDate(inst, '2026-12-15'); // 300 + 2 × 90
    // Act
    const out = approved(evaluateAdjustment(inst, split(2), '2026-12-15', TIER_C));
    // Assess
    expect(penalty).toBe(480);
    expect(out.installment).toMatchObject({
      status: 'RESTRUCTURED',
      penaltyCarried: 480,
      overdueOn: null,
      bucket: null,
    });
    expect(penaltyToDate(out.installment, '2027-06-01')).toBe(480);
    expect(dpdOn(out.installment, '2027-06-01')).toBe(5);
    // Outstanding on 12-15: principal 90 000, interest 0, penalty 480 − 300 paid = 180
    expect(out.parts.map((p) => [p.principal, p.interest, p.penaltyCarried, p.penaltyDailyRatePpm])).toEqual([
      [45_000, 0, 90, 1_000],
      [45_000, 0, 90, 1_000],
    ]);
    expect(out.parts.reduce((s, p) => s + outstandingOn(p, '2026-12-15').total, 0)).toBe(90_180);
  });

  it.each([
    [100, 12, [12, 8]],
    [11, 2, [6, 5]],
    [7, 7, [1, 1]],
  ])('shares %i fen over %i parts with the remainder on part 1', (principal, n, [first, rest]) => {
    // Act
    const out = approved(
      evaluateAdjustment(fresh({ principal, interest: 0 }), split(n), '2026-12-09', TIER_S),
    );
    // Assess
    expect(out.parts.map((p) => p.principal)).toEqual([first, ...Array(n - 1).fill(rest)]);
    expect(out.parts.reduce((s, p) => s + p.principal, 0)).toBe(principal);
  });

  it('parts follow the rules on their own, and may be split again', () => {
    // Prepare
    const [part1] = approved(evaluateAdjustment(fresh(), split(2), '2026-12-09', TIER_S)).parts;
    // Act
    const again = approved(
      evaluateAdjustment(part1 as Installment, { ...split(2, 'r2'), seq: '1.1' }, '2026-12-20', TIER_S),
    );
    // Assess
    expect(again.parts.map((p) => p.seq)).toEqual(['1.1.1', '1.1.2']);
  });
});

describe('rejections, first that applies', () => {
  it('NOT_FOUND when there is no installment, with loanId and seq from the request', () => {
    // Act
    const out = evaluateAdjustment(null, { ...extend(5), loanId: 'NOPE' }, '2026-12-09', TIER_S);
    // Assess
    expect(out).toEqual({
      approved: false,
      code: 'NOT_FOUND',
      events: [
        {
          detailType: 'RepaymentPlanAdjustmentRejected',
          loanId: 'NOPE',
          seq: '1',
          occurrence: 'r1',
          detail: {
            loanId: 'NOPE',
            seq: '1',
            borrowerId: null,
            dueDate: null,
            requestId: 'r1',
            action: 'EXTEND',
            reason: 'NOT_FOUND',
          },
        },
      ],
    });
  });

  it.each<[string, AdjustmentRequest]>([
    ['an unknown action', { ...extend(5), action: 'DEFER' }],
    ['no action', { ...extend(5), action: undefined }],
    ['days < 1', extend(0)],
    ['negative days', extend(-3)],
    ['days not an integer', extend(1.5)],
    ['days as a string', extend('10')],
    ['no days', extend(undefined)],
    ['parts < 2', split(1)],
    ['parts not an integer', split(2.5)],
    ['no parts', split(undefined)],
    ['a new due date on the day of approval', extend(5)],
  ])('INVALID_REQUEST for %s', (_label, request) => {
    // Act
    const out = evaluateAdjustment(fresh(), request, '2026-12-15', TIER_S);
    // Assess
    expect(out).toMatchObject({ approved: false, code: 'INVALID_REQUEST' });
    expect(out.events[0]?.detail).toMatchObject({
      requestId: 'r1',
      reason: 'INVALID_REQUEST',
      borrowerId: 'b1',
      dueDate: DUE,
    });
  });

  it('echoes only a short string action', () => {
    // Act
    const out = evaluateAdjustment(
      fresh(),
      { ...extend(5), action: { evil: 'x'.repeat(1000) } },
      '2026-12-09',
      TIER_S,
    );
    // Assess
    expect(out.events[0]?.detail.action).toBeNull();
  });

  it.each<[string, () => Installment, string]>([
    [
      'PAID',
      () => applyPayment(fresh(), { paymentId: 'p', amount: 101_000, receivedOn: DUE }, TIER_S).installment,
      '2026-12-09',
    ],
    [
      'RESTRUCTURED',
      () => approved(evaluateAdjustment(fresh(), split(2, 'r0'), '2026-12-09', TIER_S)).installment,
      '2026-12-09',
    ],
    ['WRITTEN_OFF', () => overdueOn(addDays(DUE, 180)), addDays(DUE, 181)],
    ['OVERDUE at DPD 31', () => overdueOn(addDays(DUE, 31)), addDays(DUE, 31)],
    ['OVERDUE at DPD 31 before the run of the day', () => overdueOn(addDays(DUE, 30)), addDays(DUE, 31)],
  ])('NOT_ELIGIBLE_STATUS for %s', (_label, build, today) => {
    // Act
    const extendOut = evaluateAdjustment(build(), extend(30), today, TIER_C);
    const splitOut = evaluateAdjustment(build(), split(2), today, TIER_C);
    // Assess
    expect(extendOut).toMatchObject({ approved: false, code: 'NOT_ELIGIBLE_STATUS' });
    expect(splitOut).toMatchObject({ approved: false, code: 'NOT_ELIGIBLE_STATUS' });
  });

  it('accepts an OVERDUE installment at DPD 30', () => {
    // Act
    const out = evaluateAdjustment(overdueOn(addDays(DUE, 30)), split(2), addDays(DUE, 30), TIER_C);
    // Assess
    expect(out.approved).toBe(true);
  });

  it.each<[string, () => Installment, AdjustmentRequest]>([
    ['more days than maxExtensionDays', () => fresh(), extend(31)],
    ['a huge number of days', () => fresh(), extend(Number.MAX_SAFE_INTEGER)],
    [
      'a second extension',
      () => approved(evaluateAdjustment(fresh(), extend(5, 'r0'), '2026-12-09', TIER_S)).installment,
      extend(5),
    ],
    ['more parts than maxSplitParts', () => fresh(), split(13)],
  ])('LIMIT_EXCEEDED for %s', (_label, build, request) => {
    // Act
    const out = evaluateAdjustment(build(), request, '2026-12-09', TIER_S);
    // Assess
    expect(out).toMatchObject({ approved: false, code: 'LIMIT_EXCEEDED' });
  });

  it('accepts exactly maxExtensionDays and maxSplitParts', () => {
    expect(evaluateAdjustment(fresh(), extend(30), '2026-12-09', TIER_S).approved).toBe(true);
    expect(evaluateAdjustment(fresh(), split(12), '2026-12-09', TIER_S).approved).toBe(true);
  });

  it('checks a malformed request before the status, and the status before the limits', () => {
    // Prepare
    const paid = applyPayment(
      fresh(),
      { paymentId: 'p', amount: 101_000, receivedOn: DUE },
      TIER_S,
    ).installment;
    // Act / Assess
    expect(evaluateAdjustment(paid, extend(0), '2026-12-09', TIER_S)).toMatchObject({
      code: 'INVALID_REQUEST',
    });
    expect(evaluateAdjustment(paid, extend(99), '2026-12-09', TIER_S)).toMatchObject({
      code: 'NOT_ELIGIBLE_STATUS',
    });
  });

  it('decision: the new due date is checked after the status (NOT_ELIGIBLE_STATUS first) and before the limits', () => {
    // Prepare
    const dpd31 = overdueOn(addDays(DUE, 31));
    const extended = approved(evaluateAdjustment(fresh(), extend(5, 'r0'), '2026-12-09', TIER_S)).installment;
    // Act / Assess
    expect(evaluateAdjustment(dpd31, extend(5), addDays(DUE, 31), TIER_C)).toMatchObject({
      code: 'NOT_ELIGIBLE_STATUS',
    });
    expect(evaluateAdjustment(extended, extend(5), '2026-12-25', TIER_S)).toMatchObject({
      code: 'INVALID_REQUEST',
    });
    expect(evaluateAdjustment(extended, extend(5), '2026-12-12', TIER_S)).toMatchObject({
      code: 'LIMIT_EXCEEDED',
    });
  });
});

describe('a request answered before', () => {
  it('an approved EXTEND gives the same answer with no new events', () => {
    // Prepare
    const first = approved(evaluateAdjustment(fresh(), extend(10), '2026-12-09', TIER_S));
    // Act
    const again = evaluateAdjustment(first.installment, extend(10), '2026-12-09', TIER_S);
    // Assess
    expect(again).toEqual({
      approved: true,
      installment: first.installment,
      parts: [],
      transitions: [],
      events: [],
    });
  });

  it('an approved SPLIT returns the same parts again, so a creation a crash missed can finish', () => {
    // Prepare
    const first = approved(evaluateAdjustment(overdueOn('2026-12-15'), split(3), '2026-12-15', TIER_C));
    // Act
    const again = approved(evaluateAdjustment(first.installment, split(3), '2026-12-16', TIER_C));
    // Assess
    expect(again.installment).toBe(first.installment);
    expect(again.parts).toEqual(first.parts);
    expect(again.events).toEqual([]);
    expect(again.transitions).toEqual([]);
  });

  it('a rejected one gives the same code with no new events', () => {
    // Prepare: the intake use case records the rejection
    const inst = { ...fresh(), receipts: { r1: `${REJECTED_RECEIPT_PREFIX}LIMIT_EXCEEDED` } };
    // Act
    const again = evaluateAdjustment(inst, extend(5), '2026-12-09', TIER_S);
    // Assess
    expect(again).toEqual({ approved: false, code: 'LIMIT_EXCEEDED', events: [] });
  });
});
