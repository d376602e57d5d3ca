/**
 * Races, made to happen exactly where they hurt: a second writer lands between a run's read of an
 * installment and its conditional write. Each converges to the state the rules give, with nothing
 * sent twice. (Checked by breaking the guarantee: without the version condition of
 * `saveInstallment`, these tests fail.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { penaltyToDate } from '../../shared/rules/penalty';
import { finalRecord } from '../../tools/lib/sim/timeline';
import { borrower, type Harness, inst, portfolio, startHarness } from '../functions/harness';
import { envelope, failedDebit, payment } from '../functions/intake-events';

type Input = { Item?: Record<string, unknown>; ConditionExpression?: string };

/**
 * The first conditional write of an installment item (`loanId`) waits while `during` runs to its end
 * (its own writes pass), then goes on: `during` lands between the writer's read and its write.
 */
function interleaveOnce(
  h: Harness,
  loanId: string,
  during: () => Promise<unknown>,
): { fired: () => boolean } {
  let fired = false;
  h.db.client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Input;
      const pk = input.Item?.PK;
      const isSave =
        !fired &&
        String(context.commandName).startsWith('Put') &&
        (pk === `LOAN#${loanId}` || (pk as { S?: string } | undefined)?.S === `LOAN#${loanId}`) &&
        input.ConditionExpression?.includes('version') === true;
      if (isSave) {
        fired = true;
        await during();
      }
      return next(args);
    },
    { step: 'initialize', name: `interleave-${loanId}` },
  );
  return { fired: () => fired };
}

const eventKeys = (h: Harness) =>
  h.events.map((e) => `${e.detailType}|${e.detail.loanId}|${e.detail.seq}|${e.detail.occurrence}`);
const messageKeys = (h: Harness) =>
  h.messages.map((m) => `${m.loanId}|${m.seq}|${m.kind}|${m.occurrence}|${m.channel}`);
const repeated = (keys: string[]) => keys.filter((k, i) => keys.indexOf(k) !== i);
const transitions = (h: Harness, loanId: string) =>
  h.audit.flatMap((a) => (a.type === 'transition' && a.loanId === loanId ? [a.to] : []));

describe('races', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('a payment landing between an aging run read and its write ends PAID: no OVERDUE, no penalty, after it', async () => {
    // Prepare: tier C (no grace), IN_GRACE since the failed debit; the 12-11 run would make it OVERDUE
    await h.load([borrower('b1', 600)], [inst('L1', 'b1')]);
    await h.deliver('DebitAttemptCompleted', failedDebit('L1'));
    const race = interleaveOnce(h, 'L1', () =>
      h.deliver('RepaymentReceived', payment('L1', 'p1', 101_000, '2026-12-10T23:50:00+08:00')),
    );
    // Act
    await h.runJob('aging', '2026-12-11');
    await h.runJob('aging', '2026-12-12');
    // Assess
    const stored = await h.installment('L1', '1');
    expect(race.fired()).toBe(true);
    expect(stored).toMatchObject({ status: 'PAID', everOverdue: false, overdueOn: null });
    expect(penaltyToDate(stored as never, '2026-12-20')).toBe(0);
    expect(transitions(h, 'L1')).toEqual(['IN_GRACE', 'PAID']);
    expect(h.events.map((e) => e.detailType)).not.toContain('InstallmentOverdue');
    expect(h.events.filter((e) => e.detailType === 'InstallmentPaid')).toHaveLength(1);
    expect(repeated(eventKeys(h))).toEqual([]);
  });

  it('an extension landing between an aging run read and its write wins: SCHEDULED on the new due date, never OVERDUE', async () => {
    // Prepare
    await h.load([borrower('b1', 600)], [inst('L1', 'b1')]);
    await h.deliver('DebitAttemptCompleted', failedDebit('L1'));
    const race = interleaveOnce(h, 'L1', () =>
      h.deliver('RepaymentPlanAdjustmentRequested', {
        requestId: 'r1',
        loanId: 'L1',
        seq: '1',
        action: 'EXTEND',
        days: 10,
        requestedAt: '2026-12-10T23:50:00+08:00',
      }),
    );
    // Act
    await h.runJob('aging', '2026-12-11');
    // Assess
    const stored = await h.installment('L1', '1');
    expect(race.fired()).toBe(true);
    expect(stored).toMatchObject({ status: 'SCHEDULED', dueDate: '2026-12-20' });
    expect(penaltyToDate(stored as never, '2026-12-15')).toBe(0);
    expect(transitions(h, 'L1')).toEqual(['IN_GRACE', 'SCHEDULED']);
    expect(h.events.map((e) => e.detailType)).not.toContain('InstallmentOverdue');
    expect(h.events.filter((e) => e.detailType === 'RepaymentPlanAdjusted')).toHaveLength(1);
    expect(repeated(eventKeys(h))).toEqual([]);
  });

  it('two workers on the same aging work item, one running whole between the other read and write, age each installment once', async () => {
    // Prepare
    const { borrowers, installments } = portfolio(6, 600);
    await h.load(borrowers, installments);
    for (const b of borrowers)
      await h.deliver('DebitAttemptCompleted', failedDebit(b.borrowerId.replace('b', 'L')));
    const scheduledTime = h.scheduledTime('aging', '2026-12-11');
    h.setClock(scheduledTime);
    await h.dispatch('aging', scheduledTime);
    const bodies = h.takeQueued('aging');
    const race = interleaveOnce(h, 'L0', () => h.runWorker('aging', bodies));
    // Act
    const first = await h.runWorker('aging', bodies);
    // Assess
    expect(race.fired()).toBe(true);
    expect(first.batchItemFailures).toEqual([]);
    for (const [i] of borrowers.entries()) {
      const stored = await h.installment(`L${i}`, '1');
      expect(stored?.status).toBe('OVERDUE');
      expect(penaltyToDate(stored as never, '2026-12-11')).toBe(50);
      expect(transitions(h, `L${i}`)).toEqual(['IN_GRACE', 'OVERDUE']);
    }
    expect(h.events.filter((e) => e.detailType === 'InstallmentOverdue')).toHaveLength(6);
    expect(repeated(eventKeys(h))).toEqual([]);
  });

  it('two workers on the same reminders work item, one running whole between the other read and write, send each reminder once', async () => {
    // Prepare
    const { borrowers, installments } = portfolio(6, 760);
    await h.load(borrowers, installments);
    const scheduledTime = h.scheduledTime('reminders', '2026-12-09');
    h.setClock(scheduledTime);
    await h.dispatch('reminders', scheduledTime);
    const bodies = h.takeQueued('reminders');
    const race = interleaveOnce(h, 'L0', () => h.runWorker('reminders', bodies));
    // Act
    await h.runWorker('reminders', bodies);
    // Assess: T-1 by push, sms and e-mail, once each
    expect(race.fired()).toBe(true);
    expect(repeated(messageKeys(h))).toEqual([]);
    expect(h.messages).toHaveLength(6 * 3);
  });

  it('the same payment delivered twice, the second landing between the first read and write, is applied once', async () => {
    // Prepare
    await h.load([borrower('b1', 760)], [inst('L1', 'b1')]);
    const paid = payment('L1', 'p1', 60_000);
    const race = interleaveOnce(h, 'L1', () => h.deliver('RepaymentReceived', paid));
    // Act
    const first = await h.deliver('RepaymentReceived', paid);
    const third = await h.deliver('RepaymentReceived', paid);
    // Assess
    const stored = await h.installment('L1', '1');
    expect(race.fired()).toBe(true);
    expect([first, third].flatMap((r) => r.batchItemFailures)).toEqual([]);
    expect((stored?.paidInterest ?? 0) + (stored?.paidPrincipal ?? 0)).toBe(60_000);
    expect(stored?.status).toBe('SCHEDULED');
  });

  it('the same event twice in one SQS batch is applied once', async () => {
    // Prepare
    await h.load([borrower('b1', 760)], [inst('L1', 'b1')]);
    const body = envelope('RepaymentReceived', payment('L1', 'p1', 101_000));
    // Act
    const result = await h.deliverRaw(body, body);
    // Assess
    const stored = await h.installment('L1', '1');
    expect(result.batchItemFailures).toEqual([]);
    expect(stored).toMatchObject({ status: 'PAID', overpaid: 0 });
    expect(h.events.filter((e) => e.detailType === 'InstallmentPaid')).toHaveLength(1);
  });

  it('events in any order end in the state they give in order, and nothing is emitted twice', async () => {
    // Prepare: a soft failure, a hard failure and the payment that settles it, in all six orders
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    const borrowers = orders.map((_, i) => borrower(`b${i}`, 800));
    await h.load(
      borrowers,
      orders.map((_, i) => inst(`L${i}`, `b${i}`)),
    );
    const events = (loanId: string): [string, Record<string, unknown>][] => [
      ['DebitAttemptCompleted', failedDebit(loanId)],
      [
        'DebitAttemptCompleted',
        failedDebit(loanId, 'CARD_EXPIRED', '2026-12-11T08:00:00+08:00', `d2-${loanId}`),
      ],
      ['RepaymentReceived', payment(loanId, `p-${loanId}`, 101_000, '2026-12-12T12:00:00+08:00')],
    ];
    // Act
    for (const [i, order] of orders.entries()) {
      const all = events(`L${i}`);
      for (const k of order) await h.deliver(...(all[k] as [string, Record<string, unknown>]));
    }
    // Assess
    const config = h.config;
    const finals = [];
    for (const [i] of orders.entries()) {
      const { loanId: _, ...rest } = finalRecord(
        (await h.installment(`L${i}`, '1')) as never,
        '2026-12-31',
        config,
      );
      finals.push(rest);
    }
    expect(finals[0]).toMatchObject({ status: 'PAID', penaltyAccrued: 0, outstanding: 0, overpaid: 0 });
    for (const f of finals) expect(f).toEqual(finals[0]);
    expect(repeated(eventKeys(h))).toEqual([]);
  });
});
