/** Payments: allocation, penalty checkpoint, overpayment, duplicates, split parts (RULES.md section 4). */
import { describe, expect, it } from 'vitest';
import { ageInstallment } from '../../shared/rules/aging';
import { addDays } from '../../shared/rules/calendar';
import { compareSeq, newInstallment } from '../../shared/rules/installment';
import { outstandingOn } from '../../shared/rules/outstanding';
import { allocatePayment, applyPayment, splitPaymentAcrossParts } from '../../shared/rules/payments';
import { penaltyToDate } from '../../shared/rules/penalty';
import type { Installment } from '../../shared/rules/types';
import { config, DUE, fresh, overdueOn, TIER_C, TIER_S } from './fixtures';

const pay = (
  inst: Installment,
  amount: number,
  receivedOn: string,
  ctx = TIER_C,
  paymentId = `p-${receivedOn}-${amount}`,
) => applyPayment(inst, { paymentId, amount, receivedOn }, ctx);

describe('allocation: penalty, then interest, then principal', () => {
  it.each<[string, number, [number, number, number], number, string]>([
    ['less than the penalty', 60, [60, 0, 0], 0, 'OVERDUE'],
    ['penalty and part of the interest', 600, [100, 500, 0], 0, 'OVERDUE'],
    ['penalty, interest and part of the principal', 51_100, [100, 1_000, 50_000], 0, 'OVERDUE'],
    ['exactly the outstanding', 101_100, [100, 1_000, 100_000], 0, 'PAID'],
    ['more than the outstanding', 150_000, [100, 1_000, 100_000], 48_900, 'PAID'],
  ])(
    'a payment of %s (%i fen) on 12-12 at DPD 2',
    (_label, amount, [penalty, interest, principal], overpaid, status) => {
      // Prepare
      const inst = overdueOn('2026-12-12');
      // Act
      const out = pay(inst, amount, '2026-12-12');
      // Assess
      const i = out.installment;
      expect([i.paidPenalty, i.paidInterest, i.paidPrincipal, i.overpaid]).toEqual([
        penalty,
        interest,
        principal,
        overpaid,
      ]);
      expect(i.status).toBe(status);
      expect(out.transitions.length).toBe(status === 'PAID' ? 1 : 0);
    },
  );

  it('reports what one payment did', () => {
    // Act
    const { allocation } = allocatePayment(overdueOn('2026-12-12'), 101_200, '2026-12-12');
    // Assess
    expect(allocation).toEqual({
      penalty: 100,
      interest: 1_000,
      principal: 100_000,
      paid: 101_100,
      overpaid: 100,
    });
  });

  it('a partial payment lowers the outstanding, changes no state and emits nothing', () => {
    // Act
    const out = pay(fresh(), 40_000, '2026-12-05', TIER_S);
    // Assess
    expect(out.installment.status).toBe('SCHEDULED');
    expect(out.transitions).toEqual([]);
    expect(out.events).toEqual([]);
    expect(outstandingOn(out.installment, '2026-12-05').total).toBe(61_000);
  });

  it('a partial payment while OVERDUE lowers the penalty of the days after it, not of its own day', () => {
    // Prepare
    const inst = overdueOn('2026-12-12');
    // Act: 100 penalty + 1 000 interest + 50 000 principal
    const paid = pay(inst, 51_100, '2026-12-12').installment;
    const later = ageInstallment(paid, '2026-12-13', TIER_C).installment;
    // Assess: 50 + 50 + 25
    expect(penaltyToDate(later, '2026-12-13')).toBe(125);
    expect(outstandingOn(later, '2026-12-13').total).toBe(50_025);
  });

  it('a partial payment in grace counts for the grace days owed retroactively at the principal of each day', () => {
    // Prepare: tier S, IN_GRACE from 12-11
    const inGrace = ageInstallment(fresh(), '2026-12-11', TIER_S).installment;
    // Act: 1 000 interest + 50 000 principal on 12-12, still in grace; OVERDUE on 12-14
    const partial = pay(inGrace, 51_000, '2026-12-12', TIER_S).installment;
    const overdue = ageInstallment(partial, '2026-12-14', TIER_S).installment;
    // Assess: days 11, 12 at 100 000 (50 each), days 13, 14 at 50 000 (25 each)
    expect(partial.paidPenalty).toBe(0);
    expect(penaltyToDate(overdue, '2026-12-14')).toBe(150);
  });

  it('decision: a payment received before a later one already processed is valued on the later day (the checkpoint never moves back)', () => {
    // Prepare: a payment of 12-14 processed first
    const inst = overdueOn('2026-12-14');
    const later = pay(inst, 1_000, '2026-12-14').installment;
    // Act: a payment received on 12-12, delivered late
    const earlier = pay(later, 200, '2026-12-12').installment;
    // Assess: the penalty of 12-14 (200) was settled by the two payments, nothing moved back
    expect(earlier.penaltyCheckpoint).toEqual({ on: '2026-12-14', amount: 200 });
    expect(earlier.paidPenalty).toBe(200);
    expect(earlier.paidInterest).toBe(1_000);
  });

  it('paid in full: PAID with paidOn, dpdAtPayment, paidLate, bucket null and InstallmentPaid', () => {
    // Act
    const out = pay(overdueOn('2026-12-15'), 101_250, '2026-12-15');
    // Assess
    expect(out.installment).toMatchObject({
      status: 'PAID',
      paidOn: '2026-12-15',
      dpdAtPayment: 5,
      closedOn: '2026-12-15',
      bucket: null,
      everOverdue: true,
    });
    expect(out.events).toEqual([
      {
        detailType: 'InstallmentPaid',
        loanId: 'L1',
        seq: '1',
        occurrence: 'paid',
        detail: {
          loanId: 'L1',
          seq: '1',
          borrowerId: 'b1',
          dueDate: DUE,
          paidOn: '2026-12-15',
          dpdAtPayment: 5,
          penaltyPaid: 250,
          paidLate: true,
          paid: 101_250,
          overpaid: 0,
        },
      },
    ]);
  });

  it('a paid-off installment accrues no penalty afterwards', () => {
    // Act
    const paid = pay(overdueOn('2026-12-12'), 101_100, '2026-12-12').installment;
    const aged = ageInstallment(paid, '2027-01-30', TIER_C);
    // Assess
    expect(aged.events).toEqual([]);
    expect(penaltyToDate(aged.installment, '2027-01-30')).toBe(100);
    expect(outstandingOn(aged.installment, '2027-01-30').total).toBe(0);
  });

  it('a payment to a PAID installment goes wholly to overpaid', () => {
    // Prepare
    const paid = pay(fresh(), 101_000, DUE).installment;
    // Act
    const out = pay(paid, 500, '2026-12-20');
    // Assess
    expect(out.installment).toMatchObject({
      status: 'PAID',
      overpaid: 500,
      paidPrincipal: 100_000,
      paidOn: DUE,
    });
    expect(out.events).toEqual([]);
  });

  it('decision: a payment handed to a RESTRUCTURED installment itself is recorded as overpaid, and it stays RESTRUCTURED', () => {
    // Prepare
    const restructured: Installment = { ...fresh(), status: 'RESTRUCTURED', closedOn: DUE };
    // Act
    const out = pay(restructured, 500, '2026-12-20');
    // Assess
    expect(out.installment).toMatchObject({ status: 'RESTRUCTURED', overpaid: 500, paidPrincipal: 0 });
  });

  it('a partial payment to a WRITTEN_OFF installment keeps it WRITTEN_OFF with its penalty frozen', () => {
    // Prepare
    const writtenOff = overdueOn(addDays(DUE, 181));
    // Act
    const out = pay(writtenOff, 10_000, addDays(DUE, 190));
    // Assess
    expect(writtenOff.status).toBe('WRITTEN_OFF');
    expect(out.installment.status).toBe('WRITTEN_OFF');
    expect(out.installment.paidPenalty).toBe(9_000);
    expect(outstandingOn(out.installment, addDays(DUE, 250)).total).toBe(110_000 - 10_000);
  });

  it('applies the same payment id once; different content under that id is a conflicting duplicate', () => {
    // Prepare
    const first = applyPayment(
      fresh(),
      { paymentId: 'p1', amount: 40_000, receivedOn: '2026-12-05' },
      TIER_S,
    ).installment;
    // Act
    const same = applyPayment(first, { paymentId: 'p1', amount: 40_000, receivedOn: '2026-12-05' }, TIER_S);
    const other = applyPayment(first, { paymentId: 'p1', amount: 50_000, receivedOn: '2026-12-05' }, TIER_S);
    // Assess
    expect(same).toEqual({ installment: first, transitions: [], events: [], duplicate: 'same' });
    expect(other).toEqual({ installment: first, transitions: [], events: [], duplicate: 'conflicting' });
    expect(outstandingOn(first, '2026-12-05').total).toBe(61_000);
  });

  it('rejects an amount that is not integer fen', () => {
    // Act / Assess
    expect(() => pay(fresh(), 10.5, DUE)).toThrow(RangeError);
    expect(() => pay(fresh(), -1, DUE)).toThrow(RangeError);
  });
});

describe('splitPaymentAcrossParts', () => {
  const part = (
    seq: string,
    principal: number,
    interest: number,
    patch: Partial<Installment> = {},
  ): Installment => ({
    ...newInstallment(
      { loanId: 'L1', seq, borrowerId: 'b1', dueDate: '2027-01-08', principal, interest },
      config,
    ),
    ...patch,
  });

  it('pays parts in seq order, numeric part by part, each up to its outstanding', () => {
    // Prepare: handed over out of order
    const parts = [part('1.10', 100, 0), part('1.2', 1_000, 10), part('1.1', 1_000, 10)];
    // Act
    const plan = splitPaymentAcrossParts(parts, 1_500, '2026-12-12');
    // Assess
    expect(plan).toEqual([
      { seq: '1.1', amount: 1_010 },
      { seq: '1.2', amount: 490 },
      { seq: '1.10', amount: 0 },
    ]);
  });

  it('puts the remainder on the last part, which records it as overpaid', () => {
    // Prepare
    const parts = [part('1.1', 1_000, 10), part('1.2', 1_000, 10)];
    // Act
    const plan = splitPaymentAcrossParts(parts, 3_000, '2026-12-12');
    const last = applyPayment(
      parts[1] as Installment,
      { paymentId: 'p', amount: 1_990, receivedOn: '2026-12-12' },
      TIER_S,
    );
    // Assess
    expect(plan).toEqual([
      { seq: '1.1', amount: 1_010 },
      { seq: '1.2', amount: 1_990 },
    ]);
    expect(last.installment).toMatchObject({ status: 'PAID', overpaid: 980 });
  });

  it("skips parts already paid and counts a part's carried penalty", () => {
    // Prepare
    const parts = [
      part('1.1', 1_000, 10, { status: 'PAID', paidPrincipal: 1_000, paidInterest: 10 }),
      part('1.2', 1_000, 10, { penaltyCarried: 7 }),
    ];
    // Act
    const plan = splitPaymentAcrossParts(parts, 1_017, '2026-12-12');
    // Assess
    expect(plan).toEqual([
      { seq: '1.1', amount: 0 },
      { seq: '1.2', amount: 1_017 },
    ]);
  });

  it("counts the grace days' penalty of a part whose grace ended before today's aging run", () => {
    // Prepare: IN_GRACE until 2027-01-08 (tier C), paid on 01-09 before the run
    const inGrace = part('1.1', 100_000, 0, { status: 'IN_GRACE', graceDays: 0, graceEndsOn: '2027-01-08' });
    // Act
    const plan = splitPaymentAcrossParts([inGrace, part('1.2', 100, 0)], 100_050, '2027-01-09');
    // Assess
    expect(plan[0]).toEqual({ seq: '1.1', amount: 100_050 });
  });

  it('returns nothing for no parts', () => {
    expect(splitPaymentAcrossParts([], 100, DUE)).toEqual([]);
  });
});

describe('compareSeq', () => {
  it.each([
    ['1', '2', -1],
    ['2', '10', -1],
    ['1.2', '1.10', -1],
    ['1', '1.1', -1],
    ['1.1', '2', -1],
    ['3.1.2', '3.1.10', -1],
    ['12345678901234567890', '12345678901234567891', -1],
    ['1.1', '1.1', 0],
  ])('%s before %s', (a, b, sign) => {
    // Act / Assess
    expect(Math.sign(compareSeq(a, b))).toBe(sign);
    expect(Math.sign(compareSeq(b, a))).toBe(-sign || 0);
  });

  it('sorts split parts numerically', () => {
    expect(['1.10', '1.2', '1', '1.1', '10', '2'].sort(compareSeq)).toEqual([
      '1',
      '1.1',
      '1.2',
      '1.10',
      '2',
      '10',
    ]);
  });
});
