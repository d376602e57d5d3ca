/** Every intake parser answers every input: accepted as valid, or rejected with a reason; never a throw. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIntakeBody, parseIntakeEnvelope } from '../../functions/schemas/intake-events';

const DETAIL_TYPES = [
  'DebitAttemptCompleted',
  'RepaymentReceived',
  'RepaymentPlanAdjustmentRequested',
  'Other',
];

describe('intake parsers', () => {
  it('accept or reject arbitrary JSON envelopes with a reason, never throwing', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DETAIL_TYPES),
        fc.jsonValue(),
        fc.dictionary(
          fc.constantFrom('loanId', 'seq', 'amount', 'paymentId', 'receivedAt', 'outcome'),
          fc.jsonValue(),
        ),
        (type, raw, detail) => {
          for (const input of [raw, { 'detail-type': type, detail: raw }, { 'detail-type': type, detail }]) {
            const result = parseIntakeEnvelope(input);
            if (!result.ok) expect(result.reason).toMatch(/\S/);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('accept or reject arbitrary message bodies, never throwing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.anything()), (body) => {
        const result = parseIntakeBody(body);
        if (!result.ok) expect(result.reason).toMatch(/\S/);
      }),
      { numRuns: 500 },
    );
  });

  it('reject negative, fractional and oversized amounts, naming the field and not echoing it', () => {
    for (const amount of [-5, 0.5, 1e15, '100']) {
      const result = parseIntakeEnvelope({
        'detail-type': 'RepaymentReceived',
        detail: { loanId: 'L1', seq: '1', paymentId: 'p1', amount, receivedAt: '2026-12-10T10:00:00+08:00' },
      });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.reason).toContain('detail.amount');
        expect(result.reason).not.toContain(String(amount));
      }
    }
  });

  it('accepts a well-formed payment', () => {
    const result = parseIntakeEnvelope({
      'detail-type': 'RepaymentReceived',
      detail: {
        loanId: 'L1',
        seq: 1,
        paymentId: 'p1',
        amount: 101_100,
        receivedAt: '2026-12-12T14:00:00+08:00',
      },
    });
    expect(result).toMatchObject({
      ok: true,
      event: { type: 'RepaymentReceived', detail: { seq: '1', amount: 101_100 } },
    });
  });
});
