/**
 * Still right at delivery time (shared/rules/delivery.ts): what a channel worker does with a
 * notification message it reaches late: send, wait for the send window, or drop it with its reason.
 * Table tests from RULES.md section 6 and properties (fast-check) of the send window.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import defaultJson from '../../config/default.json';
import { type Config, configSchema } from '../../shared/config/schema';
import { channelProblem, isWithinSendWindow, sameAddress, usedChannels } from '../../shared/rules/channels';
import { type DeliveryFacts, decideDelivery, sendWindowOpensAt } from '../../shared/rules/delivery';
import { type Borrower, borrowerSchema, type Installment, installmentSchema } from '../../shared/rules/types';

const config = configSchema.parse(defaultJson);
const DUE = '2026-12-10';
const CONTACTS = { sms: '+8613800000001', email: 'b1@example.com', push: 'tok-b1' };
const at = (day: string, time = '09:00') => `${day}T${time}:00+08:00`;
const borrower = (over: Record<string, unknown> = {}): Borrower =>
  borrowerSchema.parse({ borrowerId: 'b1', creditScore: 760, contacts: CONTACTS, ...over });
const inst = (over: Record<string, unknown> = {}): Installment =>
  installmentSchema.parse({
    loanId: 'L1',
    seq: '1',
    borrowerId: 'b1',
    dueDate: DUE,
    principal: 100_000,
    interest: 1_000,
    penaltyDailyRatePpm: 500,
    status: 'SCHEDULED',
    ...over,
  });
const inGrace = { status: 'IN_GRACE', graceDays: 2, graceEndsOn: '2026-12-12' };
const overdue = {
  status: 'OVERDUE',
  graceDays: 0,
  graceEndsOn: DUE,
  overdueOn: '2026-12-11',
  everOverdue: true,
};
const paid = {
  status: 'PAID',
  paidPrincipal: 100_000,
  paidInterest: 1_000,
  paidOn: '2026-12-09',
  closedOn: '2026-12-09',
};
const facts = (over: Partial<DeliveryFacts> = {}): DeliveryFacts => ({
  kind: 'UPCOMING',
  occurrence: `${DUE}#3`,
  channel: 'sms',
  installment: inst(),
  borrower: borrower(),
  paused: false,
  ...over,
});

describe('decideDelivery: send, wait or drop, by kind', () => {
  it.each([
    // [name, facts, now, expected]
    [
      'UPCOMING before its due date, in the window: sent',
      {},
      at('2026-12-07'),
      { action: 'SEND', address: CONTACTS.sms },
    ],
    ['UPCOMING on its due date: dropped', {}, at(DUE), { action: 'DROP', reason: 'DUE_DATE_PASSED' }],
    [
      'UPCOMING after its due date: dropped',
      {},
      at('2026-12-12'),
      { action: 'DROP', reason: 'DUE_DATE_PASSED' },
    ],
    [
      'UPCOMING of a due date moved by EXTEND: dropped',
      { installment: inst({ dueDate: '2026-12-20', extensions: 1 }) },
      at('2026-12-07'),
      { action: 'DROP', reason: 'DUE_DATE_CHANGED' },
    ],
    [
      'DUE_TODAY on the due date: sent',
      { kind: 'DUE_TODAY', occurrence: DUE },
      at(DUE, '20:59'),
      { action: 'SEND', address: CONTACTS.sms },
    ],
    [
      'DUE_TODAY the day after (waited overnight): dropped',
      { kind: 'DUE_TODAY', occurrence: DUE },
      at('2026-12-11', '08:00'),
      { action: 'DROP', reason: 'DAY_PASSED' },
    ],
    [
      'GRACE_LAST_DAY on the grace end, still IN_GRACE: sent',
      { kind: 'GRACE_LAST_DAY', occurrence: '2026-12-12', installment: inst(inGrace) },
      at('2026-12-12'),
      { action: 'SEND', address: CONTACTS.sms },
    ],
    [
      'GRACE_LAST_DAY after the grace end: dropped',
      { kind: 'GRACE_LAST_DAY', occurrence: '2026-12-12', installment: inst(inGrace) },
      at('2026-12-13'),
      { action: 'DROP', reason: 'DAY_PASSED' },
    ],
    [
      'GRACE_LAST_DAY once OVERDUE: dropped',
      {
        kind: 'GRACE_LAST_DAY',
        occurrence: '2026-12-12',
        installment: inst({ ...overdue, graceEndsOn: '2026-12-12' }),
      },
      at('2026-12-12'),
      { action: 'DROP', reason: 'STATE_CHANGED' },
    ],
    [
      'OVERDUE of the day’s DPD: sent',
      { kind: 'OVERDUE', occurrence: `${DUE}#1`, installment: inst(overdue) },
      at('2026-12-11'),
      { action: 'SEND', address: CONTACTS.sms },
    ],
    [
      'OVERDUE of yesterday’s DPD (its text names the days overdue): dropped',
      { kind: 'OVERDUE', occurrence: `${DUE}#1`, installment: inst(overdue) },
      at('2026-12-12'),
      { action: 'DROP', reason: 'DAY_PASSED' },
    ],
    [
      'OVERDUE after an EXTEND (SCHEDULED, new due date): dropped',
      {
        kind: 'OVERDUE',
        occurrence: `${DUE}#1`,
        installment: inst({ dueDate: '2027-01-09', extensions: 1, everOverdue: true }),
      },
      at('2026-12-11'),
      { action: 'DROP', reason: 'DUE_DATE_CHANGED' },
    ],
    [
      'CREDIT_REPORT_WARNING a day late, still OVERDUE: sent (the warning is owed whatever the day)',
      { kind: 'CREDIT_REPORT_WARNING', occurrence: DUE, installment: inst(overdue) },
      at('2027-01-03'),
      { action: 'SEND', address: CONTACTS.sms },
    ],
    [
      'DEBIT_FAILED while IN_GRACE: sent',
      { kind: 'DEBIT_FAILED', occurrence: `${DUE}#first`, installment: inst(inGrace) },
      at('2026-12-11'),
      { action: 'SEND', address: CONTACTS.sms },
    ],
    [
      'DEBIT_FAILED once paid: dropped',
      { kind: 'DEBIT_FAILED', occurrence: `${DUE}#first`, installment: inst(paid) },
      at('2026-12-11'),
      { action: 'DROP', reason: 'PAID' },
    ],
    [
      'any kind once RESTRUCTURED (split): dropped',
      {
        kind: 'DEBIT_FAILED',
        occurrence: `${DUE}#first`,
        installment: inst({ status: 'RESTRUCTURED', closedOn: '2026-12-11' }),
      },
      at('2026-12-11'),
      { action: 'DROP', reason: 'CLOSED' },
    ],
    [
      'an open installment that owes nothing: dropped as paid',
      { installment: inst({ paidPrincipal: 100_000, paidInterest: 1_000 }) },
      at('2026-12-07'),
      { action: 'DROP', reason: 'PAID' },
    ],
  ] as const)('%s', (_name, over, now, expected) => {
    expect(decideDelivery(facts(over as Partial<DeliveryFacts>), now, config)).toEqual(expected);
  });
});

describe('decideDelivery: the borrower at send time', () => {
  it.each([
    ['no installment', { installment: null }, 'INSTALLMENT_NOT_FOUND'],
    ['no borrower', { borrower: null }, 'BORROWER_NOT_FOUND'],
    ['a paused loan (hook for RULES.md section 11)', { paused: true }, 'PAUSED'],
    ['consent withdrawn', { borrower: borrower({ consents: { sms: false } }) }, 'NO_CONSENT'],
    ['address removed', { borrower: borrower({ contacts: { email: CONTACTS.email } }) }, 'NO_ADDRESS'],
    [
      'the address reported unusable (opted out)',
      {
        borrower: borrower({
          unusable: { sms: { reason: 'OPTED_OUT', address: CONTACTS.sms, since: at('2026-12-01') } },
        }),
      },
      'ADDRESS_UNUSABLE',
    ],
  ] as const)('drops it: %s', (_name, over, reason) => {
    expect(decideDelivery(facts(over as Partial<DeliveryFacts>), at('2026-12-07'), config)).toEqual({
      action: 'DROP',
      reason,
    });
  });

  it('sends to a new address when only an older one was reported unusable', () => {
    const b = borrower({
      contacts: { ...CONTACTS, sms: '+8613900000002' },
      unusable: { sms: { reason: 'OPTED_OUT', address: CONTACTS.sms, since: at('2026-12-01') } },
    });
    expect(decideDelivery(facts({ borrower: b }), at('2026-12-07'), config)).toEqual({
      action: 'SEND',
      address: '+8613900000002',
    });
  });

  it('uses the borrower of the installment as stored now, whatever address a message carried', () => {
    const b = borrower({ contacts: { push: 'tok-new' } });
    expect(decideDelivery(facts({ channel: 'push', borrower: b }), at('2026-12-07'), config)).toEqual({
      action: 'SEND',
      address: 'tok-new',
    });
  });
});

describe('decideDelivery: the send window (08:00-21:00 local, end excluded)', () => {
  it.each([
    ['21:00 waits until 08:00 the next day', at('2026-12-07', '21:00'), at('2026-12-08', '08:00')],
    ['23:59 waits until 08:00 the next day', at('2026-12-07', '23:59'), at('2026-12-08', '08:00')],
    ['00:00 waits until 08:00 the same day', at('2026-12-08', '00:00'), at('2026-12-08', '08:00')],
    ['07:59 waits until 08:00 the same day', at('2026-12-08', '07:59'), at('2026-12-08', '08:00')],
  ])('%s', (_name, now, until) => {
    expect(decideDelivery(facts(), now, config)).toEqual({ action: 'WAIT', until });
  });

  it('sends at 08:00 and at 20:59', () => {
    for (const time of ['08:00', '20:59'])
      expect(decideDelivery(facts(), at('2026-12-07', time), config).action).toBe('SEND');
  });

  it('decided: judges staleness before the window, so a stale message is recorded at once rather than after a night', () => {
    expect(decideDelivery(facts({ installment: inst(paid) }), at('2026-12-07', '22:00'), config)).toEqual({
      action: 'DROP',
      reason: 'PAID',
    });
  });

  it('opens the window in local time across a daylight-saving change (America/New_York, spring forward)', () => {
    const ny: Config = { ...config, timeZone: 'America/New_York' };
    // 01:30 EST on 2026-03-08; clocks go 02:00 -> 03:00; 08:00 that day is EDT (UTC-4).
    expect(sendWindowOpensAt('2026-03-08T06:30:00Z', ny)).toBe('2026-03-08T08:00:00-04:00');
  });

  it('property: the window opens within a day, at its start, exactly when it is closed now', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') }),
        (ms) => {
          const now = new Date(ms).toISOString();
          const opens = sendWindowOpensAt(now, config);
          expect(opens === null).toBe(isWithinSendWindow(now, config));
          if (opens !== null) {
            const wait = Date.parse(opens) - ms;
            expect(wait).toBeGreaterThan(0);
            expect(wait).toBeLessThanOrEqual(11 * 3_600_000);
            expect(isWithinSendWindow(opens, config)).toBe(true);
            expect(opens).toMatch(/T08:00:00\+08:00$/);
          }
        },
      ),
    );
  });

  it('property: whatever it decides, a SEND is inside the window and goes to the stored address', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2026-12-01T00:00:00Z'), max: Date.parse('2026-12-20T00:00:00Z') }),
        fc.constantFrom('sms' as const, 'email' as const, 'push' as const),
        (ms, channel) => {
          const now = new Date(ms).toISOString();
          const decision = decideDelivery(facts({ channel }), now, config);
          if (decision.action === 'SEND') {
            expect(isWithinSendWindow(now, config)).toBe(true);
            expect(decision.address).toBe(CONTACTS[channel]);
          }
        },
      ),
    );
  });
});

describe('channel usability (shared/rules/channels.ts)', () => {
  it('compares e-mail addresses regardless of case, phone numbers and tokens exactly', () => {
    expect(sameAddress('email', 'B1@Example.com', 'b1@example.com')).toBe(true);
    expect(sameAddress('push', 'Tok', 'tok')).toBe(false);
  });

  it('takes a bounce reported for the address in another case as the same address', () => {
    const b = borrower({
      unusable: { email: { reason: 'BOUNCED', address: 'B1@EXAMPLE.COM', since: at('2026-12-01') } },
    });
    expect(channelProblem(b, 'email')).toBe('ADDRESS_UNUSABLE');
  });

  it('usedChannels leaves out a channel whose current address was reported unusable, and only that one', () => {
    const flagged = borrower({
      unusable: { sms: { reason: 'OPTED_OUT', address: CONTACTS.sms, since: at('2026-12-01') } },
    });
    expect(usedChannels(['sms', 'push', 'email'], flagged)).toEqual(['email', 'push']);
    const moved = borrower({ ...flagged, contacts: { ...CONTACTS, sms: '+8613900000002' } });
    expect(usedChannels(['sms', 'push', 'email'], moved)).toEqual(['email', 'push', 'sms']);
  });
});
