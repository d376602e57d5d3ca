/** Properties of the lifecycle rules, over random installments, borrowers and event histories. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateAdjustment } from '../../shared/rules/adjustments';
import { ageInstallment } from '../../shared/rules/aging';
import { addDays, maxDate } from '../../shared/rules/calendar';
import { recordDebitResult } from '../../shared/rules/debit-results';
import { newInstallment } from '../../shared/rules/installment';
import { outstandingOn } from '../../shared/rules/outstanding';
import { allocatePayment, applyPayment, payableOn } from '../../shared/rules/payments';
import { penaltyToDate } from '../../shared/rules/penalty';
import type { RuleContext } from '../../shared/rules/states';
import { DETAIL_TYPES, HARD_REASONS, type Installment, SOFT_REASONS } from '../../shared/rules/types';
import { config, ctxFor, DUE } from './fixtures';

const START = addDays(DUE, -10);

const installmentArb = fc
  .record({
    principal: fc.integer({ min: 0, max: 50_000_000 }),
    interest: fc.integer({ min: 0, max: 1_000_000 }),
    penaltyDailyRatePpm: fc.integer({ min: 0, max: 10_000 }),
  })
  .map((x) => newInstallment({ loanId: 'L1', seq: 1, borrowerId: 'b1', dueDate: DUE, ...x }, config));
const ctxArb = fc.integer({ min: 350, max: 950 }).map(ctxFor);

type Op =
  | { kind: 'age' }
  | { kind: 'pay'; amount: number; fraction: number }
  | { kind: 'fail'; reason: string }
  | { kind: 'succeed'; amount: number | undefined }
  | { kind: 'extend'; days: number }
  | { kind: 'split'; parts: number }
  | { kind: 'warn' };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ kind: 'age' }),
  fc.record({
    kind: fc.constant('pay' as const),
    amount: fc.integer({ min: 1, max: 200_000 }),
    fraction: fc.double({ min: 0, max: 1.2, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('fail' as const),
    reason: fc.constantFrom(...SOFT_REASONS, ...HARD_REASONS),
  }),
  fc.record({
    kind: fc.constant('succeed' as const),
    amount: fc.option(fc.integer({ min: 1, max: 200_000 }), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('extend' as const), days: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('split' as const), parts: fc.integer({ min: 2, max: 13 }) }),
  fc.constant<Op>({ kind: 'warn' }),
);
/** A history: on each day offset from START, some operations, the day's aging first. */
const historyArb = fc
  .array(fc.record({ day: fc.integer({ min: 0, max: 220 }), op: opArb }), { maxLength: 25 })
  .map((steps) => steps.sort((a, b) => a.day - b.day).map((s) => ({ day: addDays(START, s.day), op: s.op })));

let counter = 0;
/** Applies one operation on `day`; a payment's amount is a fraction of what is payable, or fixed. */
function apply(inst: Installment, op: Op, day: string, ctx: RuleContext) {
  const id = `x${++counter}`;
  switch (op.kind) {
    case 'age':
      return ageInstallment(inst, day, ctx);
    case 'pay': {
      // Fraction 1 pays exactly in full; above it overpays.
      const payable = payableOn(inst, day);
      const amount = payable > 0 ? Math.max(1, Math.floor(payable * op.fraction)) : op.amount;
      return applyPayment(inst, { paymentId: id, amount, receivedOn: day }, ctx);
    }
    case 'fail':
      return recordDebitResult(
        inst,
        { attemptId: id, outcome: 'FAILED', reason: op.reason as 'CARD_EXPIRED', attemptedOn: day },
        ctx,
      );
    case 'succeed':
      return recordDebitResult(
        inst,
        { attemptId: id, outcome: 'SUCCEEDED', amount: op.amount, attemptedOn: day },
        ctx,
      );
    case 'extend':
    case 'split': {
      const request = {
        requestId: id,
        loanId: inst.loanId,
        seq: inst.seq,
        action: op.kind.toUpperCase(),
        days: (op as { days?: number }).days,
        parts: (op as { parts?: number }).parts,
      };
      const d = evaluateAdjustment(inst, request, day, ctx);
      return d.approved
        ? { installment: d.installment, transitions: d.transitions, events: d.events }
        : { installment: inst, transitions: [], events: d.events };
    }
    case 'warn':
      return inst.status === 'OVERDUE' && inst.reminders.creditWarnedOn === null
        ? {
            installment: { ...inst, reminders: { ...inst.reminders, creditWarnedOn: day } },
            transitions: [],
            events: [],
          }
        : { installment: inst, transitions: [], events: [] };
  }
}

/** Runs a history with the aging run of every day in between, as the scheduled job would. */
function run(
  inst: Installment,
  history: { day: string; op: Op }[],
  ctx: RuleContext,
  onStep?: (before: Installment, after: Installment, op: Op, day: string) => void,
) {
  let cur = inst;
  let agedUpTo = START;
  for (const { day, op } of history) {
    for (let d = addDays(agedUpTo, 1); d <= day; d = addDays(d, 1))
      cur = ageInstallment(cur, d, ctx).installment;
    agedUpTo = maxDate(day, agedUpTo);
    const next = apply(cur, op, day, ctx).installment;
    onStep?.(cur, next, op, day);
    cur = next;
  }
  return { inst: cur, lastDay: agedUpTo };
}

const paidTotal = (i: Installment) => i.paidPenalty + i.paidInterest + i.paidPrincipal;

describe('lifecycle properties', () => {
  it('allocation conserves money: paid = penalty + interest + principal applied; received = paid + overpaid', () => {
    fc.assert(
      fc.property(
        installmentArb,
        ctxArb,
        historyArb,
        fc.integer({ min: 0, max: 300_000 }),
        (inst, ctx, history, amount) => {
          // Prepare
          const { inst: cur, lastDay } = run(inst, history, ctx);
          // Act
          const { installment: after, allocation } = allocatePayment(cur, amount, lastDay);
          const viaRule = applyPayment(
            cur,
            { paymentId: 'final', amount, receivedOn: lastDay },
            ctx,
          ).installment;
          // Assess
          expect(allocation.paid).toBe(allocation.penalty + allocation.interest + allocation.principal);
          expect(allocation.paid + allocation.overpaid).toBe(amount);
          expect(paidTotal(after) - paidTotal(cur)).toBe(allocation.paid);
          expect(after.overpaid - cur.overpaid).toBe(allocation.overpaid);
          expect(paidTotal(viaRule) + viaRule.overpaid - paidTotal(cur) - cur.overpaid).toBe(amount);
          // Never more applied than was owed
          expect(viaRule.paidPrincipal).toBeLessThanOrEqual(viaRule.principal);
          expect(viaRule.paidInterest).toBeLessThanOrEqual(viaRule.interest);
          for (const v of [
            viaRule.paidPenalty,
            viaRule.paidInterest,
            viaRule.paidPrincipal,
            viaRule.overpaid,
          ]) {
            expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('every payment along a history is conserved, and paid in full means PAID', () => {
    fc.assert(
      fc.property(installmentArb, ctxArb, historyArb, (inst, ctx, history) => {
        run(inst, history, ctx, (before, after, op, day) => {
          if (op.kind !== 'pay') return;
          const received = paidTotal(after) + after.overpaid - paidTotal(before) - before.overpaid;
          expect(received).toBeGreaterThan(0);
          if (before.status !== 'RESTRUCTURED' && after.status !== 'PAID') {
            expect(outstandingOn(after, day).total).toBeGreaterThan(0);
          }
          if (after.status === 'PAID') expect(outstandingOn(after, addDays(day, 400)).total).toBe(0);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('penalty to date never decreases over the days for an unpaid installment', () => {
    fc.assert(
      fc.property(
        installmentArb,
        ctxArb,
        fc.array(
          fc.record({
            day: fc.integer({ min: 0, max: 200 }),
            fraction: fc.double({ min: 0, max: 0.9, noNaN: true }),
          }),
          { maxLength: 6 },
        ),
        (inst, ctx, payments) => {
          let cur = inst;
          let previous = 0;
          for (let k = 0; k <= 200; k++) {
            const day = addDays(DUE, k);
            cur = ageInstallment(cur, day, ctx).installment;
            for (const p of payments.filter((x) => x.day === k)) {
              const amount = Math.floor(payableOn(cur, day) * p.fraction);
              if (amount > 0)
                cur = applyPayment(
                  cur,
                  { paymentId: `p${k}-${p.fraction}`, amount, receivedOn: day },
                  ctx,
                ).installment;
            }
            if (cur.status === 'PAID') return;
            const penalty = penaltyToDate(cur, day);
            expect(penalty).toBeGreaterThanOrEqual(previous);
            previous = penalty;
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('paying in full by the end of graceEndsOn costs no penalty and is not late, whether or not the runs happened', () => {
    fc.assert(
      fc.property(
        installmentArb,
        ctxArb,
        fc.integer({ min: -5, max: 30 }),
        fc.boolean(),
        fc.boolean(),
        (inst, ctx, offset, agedDaily, failedOnDue) => {
          // Prepare
          let cur = failedOnDue
            ? recordDebitResult(
                inst,
                { attemptId: 'd1', outcome: 'FAILED', reason: 'INSUFFICIENT_FUNDS', attemptedOn: DUE },
                ctx,
              ).installment
            : inst;
          const graceDays =
            config.creditTiers.find(
              (t) => ctx.borrower.creditScore >= t.minScore && ctx.borrower.creditScore <= t.maxScore,
            )?.graceDays ?? 0;
          const payOn = addDays(DUE, Math.min(offset, graceDays));
          if (agedDaily)
            for (let d = addDays(DUE, 1); d <= payOn; d = addDays(d, 1))
              cur = ageInstallment(cur, d, ctx).installment;
          // Act
          const paid = applyPayment(
            cur,
            { paymentId: 'p1', amount: payableOn(cur, payOn), receivedOn: payOn },
            ctx,
          ).installment;
          // Assess
          expect(paid.status).toBe('PAID');
          expect(paid.paidPenalty).toBe(0);
          expect(paid.everOverdue).toBe(false);
          expect(penaltyToDate(paid, addDays(payOn, 100))).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('PAID and RESTRUCTURED are final: no aging, debit result, payment or adjustment moves them out', () => {
    fc.assert(
      fc.property(
        installmentArb,
        ctxArb,
        historyArb,
        fc.boolean(),
        fc.integer({ min: 0, max: 20 }),
        (inst, ctx, history, viaSplit, at) => {
          // Prepare
          const day = addDays(DUE, at);
          const closed = viaSplit
            ? (() => {
                const d = evaluateAdjustment(
                  inst,
                  { requestId: 'r0', loanId: 'L1', seq: '1', action: 'SPLIT', parts: 2 },
                  day,
                  ctx,
                );
                return d.approved ? d.installment : null;
              })()
            : (() => {
                const aged = ageInstallment(inst, day, ctx).installment;
                return applyPayment(
                  aged,
                  { paymentId: 'p0', amount: payableOn(aged, day) + 1, receivedOn: day },
                  ctx,
                ).installment;
              })();
          if (!closed) return;
          const status = closed.status;
          expect(['PAID', 'RESTRUCTURED']).toContain(status);
          // Act
          const later = history.map((s) => ({ ...s, day: maxDate(s.day, day) }));
          const { inst: end } = run(closed, later, ctx, (before, after) => {
            expect(after.status).toBe(status);
            expect(after.closedOn).toBe(before.closedOn);
          });
          // Assess
          expect(end.status).toBe(status);
          expect(outstandingOn(end, addDays(day, 300)).total).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('aging twice on the same day adds nothing', () => {
    fc.assert(
      fc.property(
        installmentArb,
        ctxArb,
        historyArb,
        fc.integer({ min: 0, max: 240 }),
        (inst, ctx, history, at) => {
          // Prepare
          const { inst: cur } = run(inst, history, ctx);
          const day = addDays(START, at);
          // Act
          const first = ageInstallment(cur, day, ctx);
          const second = ageInstallment(first.installment, day, ctx);
          // Assess
          expect(second.transitions).toEqual([]);
          expect(second.events).toEqual([]);
          expect(second.installment).toEqual(first.installment);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('each event occurs at most once per installment, detail type and occurrence', () => {
    fc.assert(
      fc.property(installmentArb, ctxArb, historyArb, (inst, ctx, history) => {
        const keys: string[] = [];
        let cur = inst;
        let agedUpTo = START;
        for (const { day, op } of history) {
          for (let d = addDays(agedUpTo, 1); d <= day; d = addDays(d, 1)) {
            const out = ageInstallment(cur, d, ctx);
            keys.push(...out.events.map((e) => `${e.detailType}/${e.occurrence}`));
            cur = out.installment;
          }
          agedUpTo = maxDate(day, agedUpTo);
          const out = apply(cur, op, day, ctx);
          keys.push(...out.events.map((e) => `${e.detailType}/${e.occurrence}`));
          cur = out.installment;
        }
        // Rejections are keyed by their own request ids; every key names a known detail type.
        expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
        for (const k of keys) expect(DETAIL_TYPES).toContain(k.split('/')[0]);
      }),
      { numRuns: 200 },
    );
  });
});
