/** Notification planning, ranking, the daily cap, handled facts and next dates (RULES.md section 6). */
import { describe, expect, it } from 'vitest';
import { addDays } from '../../shared/rules/calendar';
import { isAtRisk, isWithinSendWindow, usedChannels } from '../../shared/rules/channels';
import { applyDailyCap, rankCandidates } from '../../shared/rules/daily-cap';
import { nextFailedDebitsDate, nextRemindersDate } from '../../shared/rules/next-actions';
import {
  markNotificationHandled,
  type NotificationCandidate,
  planFailedDebitNotices,
  planReminders,
  unreachableEvent,
} from '../../shared/rules/notifications';
import {
  ALL_CONTACTS,
  at,
  borrower,
  candidateFor,
  config,
  DUE,
  inGrace,
  inst,
  overdue,
  withConfig,
} from './fixtures';

const paid = () =>
  inst({
    status: 'PAID',
    paidPrincipal: 100_000,
    paidInterest: 1_000,
    paidOn: DUE,
    closedOn: DUE,
    dpdAtPayment: 0,
  });
const debit = (d: Record<string, unknown>) => ({ failures: 1, resultsRecorded: 1, ...d });
const summary = (cs: NotificationCandidate[]) =>
  cs.map((c) => `${c.kind} ${c.occurrence} ${c.channels.join(',')}`);
const dayBefore = (n: number) => addDays(DUE, -n);

describe('the channels of RULES.md section 6 (default table)', () => {
  it.each([
    ['DUE_TODAY', () => planReminders(inst(), borrower(), at(DUE), config), ['push', 'sms']],
    [
      'DEBIT_FAILED',
      () =>
        planFailedDebitNotices(
          inGrace({ debit: debit({ firstNoticePending: true }) }),
          borrower(),
          at(DUE, '10:00'),
          config,
        ),
      ['email', 'push', 'sms'],
    ],
    [
      'GRACE_LAST_DAY',
      () => planReminders(inGrace(), borrower(), at(addDays(DUE, 2)), config),
      ['push', 'sms'],
    ],
    [
      'OVERDUE',
      () => planReminders(overdue(), borrower(), at(addDays(DUE, 1)), config),
      ['email', 'push', 'sms'],
    ],
    [
      'CREDIT_REPORT_WARNING',
      () =>
        planReminders(
          overdue({ reminders: { lastOverdueNoticeDpd: 23 } }),
          borrower(),
          at(addDays(DUE, 23)),
          config,
        ),
      ['email', 'push', 'sms'],
    ],
  ] as const)('%s goes out by %j, sorted', (kind, plan, channels) => {
    // Act
    const found = plan().filter((c) => c.kind === kind);
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]?.channels).toEqual(channels);
  });

  it.each([
    [7, ['push']],
    [3, ['push', 'sms']],
    [1, ['email', 'push', 'sms']],
  ])('UPCOMING %i days before goes by reminders.upcoming.channels["%i"]: %j', (d, channels) => {
    // Act
    const planned = planReminders(inst(), borrower(), at(dayBefore(d)), config);
    // Assess
    expect(summary(planned)).toEqual([`UPCOMING ${DUE}#${d} ${channels.join(',')}`]);
  });

  it('UPCOMING for any other daysBefore goes by the "default" channels (push, sms)', () => {
    // Prepare
    const fiveDays = withConfig((c) => {
      c.reminders.upcoming.daysBefore = [5, 1];
    });
    // Act
    const planned = planReminders(inst(), borrower(), at(dayBefore(5)), fiveDays);
    // Assess
    expect(summary(planned)).toEqual([`UPCOMING ${DUE}#5 push,sms`]);
  });

  it.each([
    ['tier C', { creditScore: 600 }],
    ['a failed debit today', { lastFailedDebitOn: DUE }],
    ['a failed debit 89 days ago (the 90th day of the lookback)', { lastFailedDebitOn: addDays(DUE, -89) }],
  ])(
    'at-risk borrowers (%s) get atRisk.channels for UPCOMING and DUE_TODAY, not for the other kinds',
    (_, over) => {
      // Prepare
      const b = borrower(over);
      // Act
      const upcoming = planReminders(inst(), b, at(dayBefore(7)), config);
      const dueToday = planReminders(inst(), b, at(DUE), config);
      const grace = planReminders(inGrace(), b, at(addDays(DUE, 2)), config);
      // Assess
      expect(summary(upcoming)).toEqual([`UPCOMING ${DUE}#7 email,push,sms`]);
      expect(summary(dueToday)).toEqual([`DUE_TODAY ${DUE} email,push,sms`]);
      expect(summary(grace)).toEqual([`GRACE_LAST_DAY ${addDays(DUE, 2)} push,sms`]);
    },
  );
});

describe('isAtRisk', () => {
  it.each([
    [800, null, false],
    [649, null, true],
    [650, null, false],
    [800, DUE, true],
    [800, addDays(DUE, -89), true],
    [800, addDays(DUE, -90), false],
    [800, addDays(DUE, 1), true],
  ])('score %i, last failed debit %s, on %s: %s', (creditScore, lastFailedDebitOn, expected) => {
    expect(isAtRisk(borrower({ creditScore, lastFailedDebitOn }), DUE, config)).toBe(expected);
  });

  it('decided: a failure dated after the run day (reported late for that run) counts as at-risk', () => {
    expect(isAtRisk(borrower({ lastFailedDebitOn: addDays(DUE, 2) }), DUE, config)).toBe(true);
  });
});

describe('usedChannels: the kind’s channels ∩ consent ∩ address, sorted', () => {
  it.each([
    ['all consented, all addresses', {}, ALL_CONTACTS, ['email', 'push', 'sms']],
    ['a missing consent flag is consent', { sms: true }, ALL_CONTACTS, ['email', 'push', 'sms']],
    ['no sms consent', { sms: false }, ALL_CONTACTS, ['email', 'push']],
    ['no e-mail address', {}, { sms: '+8613800000001', push: 'tok' }, ['push', 'sms']],
    ['no consent left', { sms: false, email: false, push: false }, ALL_CONTACTS, []],
    ['no address at all', {}, {}, []],
  ])('%s', (_, consents, contacts, expected) => {
    expect(usedChannels(['sms', 'push', 'email'], borrower({ consents, contacts }))).toEqual(expected);
  });

  it('keeps to the kind’s channels', () => {
    expect(usedChannels(['push'], borrower())).toEqual(['push']);
  });
});

describe('the send window (08:00-21:00 local, end excluded)', () => {
  it.each([
    ['2026-12-03T07:59:59+08:00', false],
    ['2026-12-03T08:00:00+08:00', true],
    ['2026-12-03T20:59:59+08:00', true],
    ['2026-12-03T21:00:00+08:00', false],
    ['2026-12-03T00:00:00Z', true], // 08:00 in Shanghai
    ['2026-12-02T23:59:00Z', false], // 07:59 in Shanghai
    ['2026-12-03T13:00:00Z', false], // 21:00 in Shanghai
  ])('%s inside: %s', (now, inside) => {
    expect(isWithinSendWindow(now, config)).toBe(inside);
  });

  it('plans nothing outside the window, in either job', () => {
    // Prepare
    const failed = inGrace({ debit: debit({ firstNoticePending: true }) });
    // Act / Assess
    expect(planReminders(inst(), borrower(), at(dayBefore(7), '21:00'), config)).toEqual([]);
    expect(planReminders(inst(), borrower(), at(dayBefore(7), '07:59'), config)).toEqual([]);
    expect(planFailedDebitNotices(failed, borrower(), at(DUE, '21:30'), config)).toEqual([]);
    expect(planFailedDebitNotices(failed, borrower(), at(DUE, '20:59'), config)).toHaveLength(1);
  });
});

describe('UPCOMING catch-up', () => {
  it('a missed T-3 goes out on T-2', () => {
    // Prepare: T-7 was handled, the run of T-3 was missed
    const sent7 = inst({ reminders: { upcomingHandledDaysBefore: 7 } });
    // Act
    const planned = planReminders(sent7, borrower(), at(dayBefore(2)), config);
    // Assess
    expect(summary(planned)).toEqual([`UPCOMING ${DUE}#3 push,sms`]);
  });

  it.each([3, 2, 1])('T-7 is never sent once T-3 is reached (first run at T-%i)', (n) => {
    // Act
    const planned = planReminders(inst(), borrower(), at(dayBefore(n)), config);
    // Assess
    expect(planned.map((c) => c.occurrence)).toEqual([`${DUE}#${n === 1 ? 1 : 3}`]);
  });

  it('an installment loaded late at T-5 gets the 7 occurrence, then T-3 and T-1 on their days', () => {
    // Prepare
    let cur = inst();
    const occurrences: string[] = [];
    // Act: one run a day from T-5 to the due date
    for (let day = dayBefore(5); day < DUE; day = addDays(day, 1)) {
      for (const c of planReminders(cur, borrower(), at(day), config)) {
        occurrences.push(`${day} ${c.occurrence}`);
        cur = markNotificationHandled(cur, c, 'SEND', day);
      }
    }
    // Assess
    expect(occurrences).toEqual([
      `${dayBefore(5)} ${DUE}#7`,
      `${dayBefore(3)} ${DUE}#3`,
      `${dayBefore(1)} ${DUE}#1`,
    ]);
  });

  it('sends at most one UPCOMING per run, and none once the smaller daysBefore was handled', () => {
    expect(planReminders(inst(), borrower(), at(dayBefore(1)), config)).toHaveLength(1);
    const handled3 = inst({ reminders: { upcomingHandledDaysBefore: 3 } });
    expect(planReminders(handled3, borrower(), at(dayBefore(2)), config)).toEqual([]);
  });

  it('an UPCOMING skipped for CAP counts as handled for catch-up', () => {
    // Prepare
    const [c] = planReminders(inst(), borrower(), at(dayBefore(3)), config);
    // Act
    const after = markNotificationHandled(inst(), c as NotificationCandidate, 'SKIP_CAP', dayBefore(3));
    // Assess
    expect(planReminders(after, borrower(), at(dayBefore(2)), config)).toEqual([]);
    expect(planReminders(after, borrower(), at(dayBefore(1)), config).map((x) => x.occurrence)).toEqual([
      `${DUE}#1`,
    ]);
  });

  it('never on or after the due date, never when paid', () => {
    expect(planReminders(inst(), borrower(), at(DUE), config).map((c) => c.kind)).toEqual(['DUE_TODAY']);
    const paidEarly = inst({ paidPrincipal: 100_000, paidInterest: 1_000 });
    expect(planReminders(paidEarly, borrower(), at(dayBefore(3)), config)).toEqual([]);
    expect(planReminders(paid(), borrower(), at(dayBefore(3)), config)).toEqual([]);
  });
});

describe('DUE_TODAY, GRACE_LAST_DAY, OVERDUE, CREDIT_REPORT_WARNING', () => {
  it('DUE_TODAY only while SCHEDULED on the due date, once', () => {
    expect(planReminders(inst(), borrower(), at(DUE), config).map((c) => c.occurrence)).toEqual([DUE]);
    expect(
      planReminders(inst({ reminders: { dueTodayHandled: true } }), borrower(), at(DUE), config),
    ).toEqual([]);
    // A debit failed at 06:00 on the due date: IN_GRACE at once, no DUE_TODAY.
    expect(planReminders(inGrace(), borrower(), at(DUE), config)).toEqual([]);
  });

  it('GRACE_LAST_DAY on graceEndsOn while IN_GRACE with graceDays >= 1, once', () => {
    const last = addDays(DUE, 2);
    expect(planReminders(inGrace(), borrower(), at(addDays(DUE, 1)), config)).toEqual([]);
    expect(summary(planReminders(inGrace(), borrower(), at(last), config))).toEqual([
      `GRACE_LAST_DAY ${last} push,sms`,
    ]);
    expect(
      planReminders(inGrace({ reminders: { graceLastDayHandled: true } }), borrower(), at(last), config),
    ).toEqual([]);
    const graceZero = inst({ status: 'IN_GRACE', graceDays: 0, graceEndsOn: DUE });
    expect(planReminders(graceZero, borrower(), at(DUE), config)).toEqual([]);
  });

  it('OVERDUE on the day it became OVERDUE, then every 3 days; a missed repeat is not caught up (decided)', () => {
    // Prepare
    let cur = overdue();
    const sent: string[] = [];
    // Act: runs on every day from DPD 1 to DPD 10 except DPD 4 (missed)
    for (let dpd = 1; dpd <= 10; dpd++) {
      if (dpd === 4) continue;
      const day = addDays(DUE, dpd);
      for (const c of planReminders(cur, borrower(), at(day), config).filter((x) => x.kind === 'OVERDUE')) {
        sent.push(c.occurrence);
        cur = markNotificationHandled(cur, c, 'SEND', day);
      }
    }
    // Assess
    expect(sent).toEqual([`${DUE}#1`, `${DUE}#7`, `${DUE}#10`]);
  });

  it('OVERDUE cadence counts from overdueOn (tier S: OVERDUE at DPD 4, then DPD 7)', () => {
    const tierS = overdue({ graceDays: 3, graceEndsOn: addDays(DUE, 3), overdueOn: addDays(DUE, 4) });
    expect(planReminders(tierS, borrower(), at(addDays(DUE, 4)), config).map((c) => c.occurrence)).toEqual([
      `${DUE}#4`,
    ]);
    expect(planReminders(tierS, borrower(), at(addDays(DUE, 6)), config)).toEqual([]);
  });

  it('CREDIT_REPORT_WARNING from DPD 23 (30 − 7) while OVERDUE, until handled', () => {
    const o = overdue({ reminders: { lastOverdueNoticeDpd: 28 } });
    expect(planReminders(o, borrower(), at(addDays(DUE, 22)), config)).toEqual([]);
    expect(summary(planReminders(o, borrower(), at(addDays(DUE, 23)), config))).toEqual([
      `CREDIT_REPORT_WARNING ${DUE} email,push,sms`,
    ]);
    expect(planReminders(o, borrower(), at(addDays(DUE, 27)), config).map((c) => c.kind)).toEqual([
      'CREDIT_REPORT_WARNING',
    ]);
    const warned = overdue({ reminders: { lastOverdueNoticeDpd: 28, creditWarnedOn: addDays(DUE, 23) } });
    expect(planReminders(warned, borrower(), at(addDays(DUE, 24)), config)).toEqual([]);
  });

  it('CREDIT_REPORT_WARNING skipped for CAP is planned again on the next run', () => {
    // Prepare
    const o = overdue({ reminders: { lastOverdueNoticeDpd: 28 } });
    const day = addDays(DUE, 23);
    const [c] = planReminders(o, borrower(), at(day), config);
    // Act
    const skipped = markNotificationHandled(o, c as NotificationCandidate, 'SKIP_CAP', day);
    // Assess
    expect(skipped.reminders.creditWarnedOn).toBeNull();
    expect(planReminders(skipped, borrower(), at(addDays(day, 1)), config).map((x) => x.kind)).toEqual([
      'CREDIT_REPORT_WARNING',
    ]);
  });

  it('CREDIT_REPORT_WARNING sent, or recorded UNREACHABLE, sets creditWarnedOn to the run day', () => {
    const o = overdue();
    const day = addDays(DUE, 23);
    const c = { ...(planReminders(o, borrower(), at(day), config).at(-1) as NotificationCandidate) };
    expect(c.kind).toBe('CREDIT_REPORT_WARNING');
    expect(markNotificationHandled(o, c, 'SEND', day).reminders.creditWarnedOn).toBe(day);
    expect(
      markNotificationHandled(o, { ...c, channels: [] }, 'SKIP_UNREACHABLE', day).reminders.creditWarnedOn,
    ).toBe(day);
  });

  it('nothing for WRITTEN_OFF, PAID or RESTRUCTURED', () => {
    const day = addDays(DUE, 181);
    const writtenOff = overdue({ status: 'WRITTEN_OFF', closedOn: addDays(DUE, 180) });
    expect(planReminders(writtenOff, borrower(), at(day), config)).toEqual([]);
    expect(planReminders(paid(), borrower(), at(DUE), config)).toEqual([]);
    expect(
      planReminders(inst({ status: 'RESTRUCTURED', closedOn: DUE }), borrower(), at(DUE), config),
    ).toEqual([]);
  });

  it('decided: no OVERDUE notice at the write-off DPD, should a run precede that day’s aging', () => {
    const o = overdue({ overdueOn: addDays(DUE, 3), reminders: { creditWarnedOn: addDays(DUE, 23) } });
    expect(planReminders(o, borrower(), at(addDays(DUE, 180)), config)).toEqual([]);
    expect(planReminders(o, borrower(), at(addDays(DUE, 177)), config).map((c) => c.occurrence)).toEqual([
      `${DUE}#177`,
    ]);
  });
});

describe('DEBIT_FAILED', () => {
  const run = at(DUE, '10:00');

  it('once for the first failure of a due date, with its reason', () => {
    const failed = inGrace({
      debit: debit({ firstNoticePending: true, lastFailureReason: 'INSUFFICIENT_FUNDS' }),
    });
    const planned = planFailedDebitNotices(failed, borrower(), run, config);
    expect(planned).toEqual([
      {
        loanId: 'L1',
        seq: '1',
        borrowerId: 'b1',
        kind: 'DEBIT_FAILED',
        occurrence: `${DUE}#first`,
        dueDate: DUE,
        channels: ['email', 'push', 'sms'],
        declineReason: 'INSUFFICIENT_FUNDS',
      },
    ]);
    const handled = markNotificationHandled(failed, planned[0] as NotificationCandidate, 'SEND', DUE);
    expect(handled.debit).toMatchObject({ firstNoticePending: false, firstNoticeHandled: true });
    expect(planFailedDebitNotices(handled, borrower(), at(DUE, '16:00'), config)).toEqual([]);
  });

  it('when #first and #hard are both pending, only #hard is planned and #first counts as handled', () => {
    const both = inGrace({
      debit: debit({
        failures: 2,
        firstNoticePending: true,
        hardNoticePending: true,
        lastFailureReason: 'CARD_EXPIRED',
      }),
    });
    const planned = planFailedDebitNotices(both, borrower(), run, config);
    expect(planned.map((c) => `${c.occurrence} ${c.declineReason}`)).toEqual([`${DUE}#hard CARD_EXPIRED`]);
    const handled = markNotificationHandled(both, planned[0] as NotificationCandidate, 'SEND', DUE);
    expect(handled.debit).toMatchObject({
      firstNoticePending: false,
      firstNoticeHandled: true,
      hardNoticePending: false,
      hardNoticeHandled: true,
    });
    expect(planFailedDebitNotices(handled, borrower(), at(DUE, '16:00'), config)).toEqual([]);
  });

  it('#hard after a #first handled; its reason is the hard one even if a soft failure came after', () => {
    const later = inGrace({
      debit: debit({
        failures: 3,
        firstNoticeHandled: true,
        hardNoticePending: true,
        lastFailureReason: 'BANK_UNAVAILABLE',
      }),
    });
    const [c] = planFailedDebitNotices(later, borrower(), run, config);
    expect(c?.occurrence).toBe(`${DUE}#hard`);
    expect(c?.declineReason).toBeUndefined();
  });

  it('a failure before the due date is notified while SCHEDULED', () => {
    const early = inst({ debit: debit({ firstNoticePending: true, lastFailureReason: 'LIMIT_EXCEEDED' }) });
    expect(planFailedDebitNotices(early, borrower(), at(dayBefore(1), '10:00'), config)).toHaveLength(1);
  });

  it('nothing when paid in the meantime, PAID, WRITTEN_OFF or RESTRUCTURED', () => {
    const pending = { debit: debit({ firstNoticePending: true }) };
    const paidInFull = inGrace({ ...pending, paidPrincipal: 100_000, paidInterest: 1_000 });
    expect(planFailedDebitNotices(paidInFull, borrower(), run, config)).toEqual([]);
    for (const status of ['PAID', 'WRITTEN_OFF', 'RESTRUCTURED'])
      expect(
        planFailedDebitNotices(inGrace({ ...pending, status, closedOn: DUE }), borrower(), run, config),
      ).toEqual([]);
  });
});

describe('rankCandidates', () => {
  const c = (kind: NotificationCandidate['kind'], over: Partial<NotificationCandidate> = {}) =>
    candidateFor(kind, DUE, over);
  const key = (x: NotificationCandidate) => `${x.kind}/${x.dueDate}/${x.loanId}/${x.seq}`;

  it('CREDIT_REPORT_WARNING > OVERDUE > DEBIT_FAILED > GRACE_LAST_DAY > DUE_TODAY > UPCOMING', () => {
    const kinds = [
      'UPCOMING',
      'DUE_TODAY',
      'GRACE_LAST_DAY',
      'DEBIT_FAILED',
      'OVERDUE',
      'CREDIT_REPORT_WARNING',
    ] as const;
    expect(rankCandidates(kinds.map((k) => c(k))).map((x) => x.kind)).toEqual([...kinds].reverse());
  });

  it('then earliest dueDate, loanId, seq numerically part by part ("1.2" before "1.10")', () => {
    const input = [
      c('OVERDUE', { loanId: 'L2', seq: '1.10' }),
      c('OVERDUE', { loanId: 'L2', seq: '1.2' }),
      c('OVERDUE', { loanId: 'L2', seq: '10' }),
      c('OVERDUE', { loanId: 'L2', seq: '9' }),
      c('OVERDUE', { loanId: 'L1', seq: '3', dueDate: '2026-12-20' }),
      c('OVERDUE', { loanId: 'L3', seq: '1', dueDate: '2026-12-01' }),
    ];
    expect(rankCandidates(input).map(key)).toEqual([
      'OVERDUE/2026-12-01/L3/1',
      'OVERDUE/2026-12-10/L2/1.2',
      'OVERDUE/2026-12-10/L2/1.10',
      'OVERDUE/2026-12-10/L2/9',
      'OVERDUE/2026-12-10/L2/10',
      'OVERDUE/2026-12-20/L1/3',
    ]);
  });

  it('does not modify its input', () => {
    const input = [c('UPCOMING'), c('OVERDUE')];
    rankCandidates(input);
    expect(input.map((x) => x.kind)).toEqual(['UPCOMING', 'OVERDUE']);
  });

  describe('applyDailyCap', () => {
    it('sends the 3 best, skips the rest for CAP; unreachable decided first and not counted', () => {
      // Prepare
      const input = [
        c('UPCOMING', { loanId: 'L5' }),
        c('DUE_TODAY', { loanId: 'L4' }),
        c('CREDIT_REPORT_WARNING', { loanId: 'L0', channels: [] }),
        c('OVERDUE', { loanId: 'L1' }),
        c('DEBIT_FAILED', { loanId: 'L2' }),
        c('GRACE_LAST_DAY', { loanId: 'L3' }),
      ];
      // Act
      const decided = applyDailyCap(input, 0, config);
      // Assess
      expect(decided.map((d) => `${d.candidate.kind} ${d.outcome}`)).toEqual([
        'CREDIT_REPORT_WARNING SKIP_UNREACHABLE',
        'OVERDUE SEND',
        'DEBIT_FAILED SEND',
        'GRACE_LAST_DAY SEND',
        'DUE_TODAY SKIP_CAP',
        'UPCOMING SKIP_CAP',
      ]);
    });

    it('later runs of the day use what is left', () => {
      const input = [c('UPCOMING', { loanId: 'L1' }), c('UPCOMING', { loanId: 'L2' })];
      expect(applyDailyCap(input, 2, config).map((d) => d.outcome)).toEqual(['SEND', 'SKIP_CAP']);
      expect(applyDailyCap(input, 3, config).map((d) => d.outcome)).toEqual(['SKIP_CAP', 'SKIP_CAP']);
      expect(applyDailyCap(input, 7, config).map((d) => d.outcome)).toEqual(['SKIP_CAP', 'SKIP_CAP']);
    });

    it('one kind for one installment counts once, whatever the channels', () => {
      const input = [1, 2, 3].map((i) =>
        c('OVERDUE', { loanId: `L${i}`, channels: ['email', 'push', 'sms'] }),
      );
      expect(applyDailyCap(input, 0, config).map((d) => d.outcome)).toEqual(['SEND', 'SEND', 'SEND']);
    });
  });
});

describe('markNotificationHandled', () => {
  const base = inst();
  const cand = (kind: NotificationCandidate['kind'], occurrence: string) => candidateFor(kind, occurrence);

  it.each([
    ['UPCOMING', `${DUE}#3`, { reminders: { upcomingHandledDaysBefore: 3 } }],
    ['DUE_TODAY', DUE, { reminders: { dueTodayHandled: true } }],
    ['GRACE_LAST_DAY', addDays(DUE, 2), { reminders: { graceLastDayHandled: true } }],
    ['OVERDUE', `${DUE}#4`, { reminders: { lastOverdueNoticeDpd: 4 } }],
    ['CREDIT_REPORT_WARNING', DUE, { reminders: { creditWarnedOn: '2027-01-02' } }],
    ['DEBIT_FAILED', `${DUE}#first`, { debit: { firstNoticeHandled: true, hardNoticeHandled: false } }],
    ['DEBIT_FAILED', `${DUE}#hard`, { debit: { firstNoticeHandled: true, hardNoticeHandled: true } }],
  ] as const)('%s %s records %j', (kind, occurrence, expected) => {
    expect(markNotificationHandled(base, cand(kind, occurrence), 'SEND', '2027-01-02')).toMatchObject(
      expected,
    );
  });

  it('keeps the smallest daysBefore handled', () => {
    const handled1 = inst({ reminders: { upcomingHandledDaysBefore: 1 } });
    expect(
      markNotificationHandled(handled1, cand('UPCOMING', `${DUE}#7`), 'SEND', DUE).reminders
        .upcomingHandledDaysBefore,
    ).toBe(1);
  });

  it('leaves the installment alone for a candidate of another due date (an EXTEND in between)', () => {
    const other = { ...cand('DUE_TODAY', '2026-11-10'), dueDate: '2026-11-10' };
    expect(markNotificationHandled(base, other, 'SEND', DUE)).toBe(base);
  });
});

describe('unreachableEvent', () => {
  it('BorrowerUnreachable with occurrence <kind>#<occurrence>', () => {
    const c: NotificationCandidate = {
      loanId: 'L3',
      seq: '1.2',
      borrowerId: 'b3',
      kind: 'UPCOMING',
      occurrence: `${DUE}#7`,
      dueDate: DUE,
      channels: [],
    };
    expect(unreachableEvent(c)).toEqual({
      detailType: 'BorrowerUnreachable',
      loanId: 'L3',
      seq: '1.2',
      occurrence: `UPCOMING#${DUE}#7`,
      detail: {
        loanId: 'L3',
        seq: '1.2',
        borrowerId: 'b3',
        dueDate: DUE,
        kind: 'UPCOMING',
        occurrence: `${DUE}#7`,
      },
    });
  });

  it('a borrower with no usable channel gets a SKIP_UNREACHABLE candidate, planned like any other', () => {
    const b = borrower({ contacts: {} });
    const planned = planReminders(inst(), b, at(dayBefore(7)), config);
    expect(planned.map((c) => c.channels)).toEqual([[]]);
    expect(applyDailyCap(planned, 3, config).map((d) => d.outcome)).toEqual(['SKIP_UNREACHABLE']);
  });
});

describe('nextRemindersDate (docs/design.md, next action dates)', () => {
  it.each([
    ['fresh, 9 days before: the T-7 day', inst(), dayBefore(9), dayBefore(7)],
    ['fresh, loaded at T-5: today (catch-up of 7)', inst(), dayBefore(5), dayBefore(5)],
    [
      'T-7 handled, at T-5: T-3',
      inst({ reminders: { upcomingHandledDaysBefore: 7 } }),
      dayBefore(5),
      dayBefore(3),
    ],
    [
      'T-7 handled, T-3 missed, at T-2: today',
      inst({ reminders: { upcomingHandledDaysBefore: 7 } }),
      dayBefore(2),
      dayBefore(2),
    ],
    ['T-1 handled: the due date', inst({ reminders: { upcomingHandledDaysBefore: 1 } }), dayBefore(1), DUE],
    [
      'all handled before the due date: null',
      inst({ reminders: { upcomingHandledDaysBefore: 1, dueTodayHandled: true } }),
      dayBefore(1),
      null,
    ],
    ['SCHEDULED after the due date (aging not run yet): null', inst(), addDays(DUE, 1), null],
    ['IN_GRACE: graceEndsOn', inGrace(), addDays(DUE, 1), addDays(DUE, 2)],
    [
      'IN_GRACE, last day handled: null',
      inGrace({ reminders: { graceLastDayHandled: true } }),
      addDays(DUE, 2),
      null,
    ],
    [
      'IN_GRACE with 0 grace days: null',
      inst({ status: 'IN_GRACE', graceDays: 0, graceEndsOn: DUE }),
      DUE,
      null,
    ],
    ['OVERDUE on overdueOn: today', overdue(), addDays(DUE, 1), addDays(DUE, 1)],
    [
      'OVERDUE, first notice handled: 3 days later',
      overdue({ reminders: { lastOverdueNoticeDpd: 1 } }),
      addDays(DUE, 1),
      addDays(DUE, 4),
    ],
    [
      'OVERDUE between cadence days: the next one',
      overdue({ reminders: { lastOverdueNoticeDpd: 1 } }),
      addDays(DUE, 5),
      addDays(DUE, 7),
    ],
    [
      'OVERDUE at DPD 20, notices up to date: the DPD 22 repeat',
      overdue({ reminders: { lastOverdueNoticeDpd: 19 } }),
      addDays(DUE, 20),
      addDays(DUE, 22),
    ],
    [
      'OVERDUE at DPD 23, DPD 22 handled: today (credit report warning)',
      overdue({ reminders: { lastOverdueNoticeDpd: 22 } }),
      addDays(DUE, 23),
      addDays(DUE, 23),
    ],
    [
      'OVERDUE, warned: the cadence only',
      overdue({ reminders: { lastOverdueNoticeDpd: 22, creditWarnedOn: addDays(DUE, 23) } }),
      addDays(DUE, 23),
      addDays(DUE, 25),
    ],
    ['PAID: null', paid(), DUE, null],
    ['RESTRUCTURED: null', inst({ status: 'RESTRUCTURED', closedOn: DUE }), DUE, null],
    [
      'WRITTEN_OFF: null',
      overdue({ status: 'WRITTEN_OFF', closedOn: addDays(DUE, 180) }),
      addDays(DUE, 181),
      null,
    ],
  ])('%s', (_, i, today, expected) => {
    expect(nextRemindersDate(i, today, config)).toBe(expected);
  });

  it('stops before the write-off DPD', () => {
    const lastRepeat = overdue({
      reminders: { lastOverdueNoticeDpd: 178, creditWarnedOn: addDays(DUE, 23) },
    });
    expect(nextRemindersDate(lastRepeat, addDays(DUE, 178), config)).toBeNull();
  });
});

describe('nextFailedDebitsDate (docs/design.md, next action dates)', () => {
  const soft = { lastFailureReason: 'INSUFFICIENT_FUNDS', retryWanted: true, lastFailureOn: DUE };
  it.each([
    ['a notice pending: today', inGrace({ debit: debit({ firstNoticePending: true }) }), DUE, DUE],
    [
      'a retry allowed today: today',
      inGrace({ debit: debit({ ...soft, firstNoticeHandled: true }) }),
      DUE,
      DUE,
    ],
    [
      'retried today, failed again: tomorrow',
      inGrace({ debit: debit({ ...soft, firstNoticeHandled: true, retriesRequested: 1, lastRetryOn: DUE }) }),
      DUE,
      addDays(DUE, 1),
    ],
    [
      'a soft failure before the due date: the day after the due date',
      inst({ debit: debit({ ...soft, firstNoticeHandled: true, lastFailureOn: dayBefore(2) }) }),
      dayBefore(2),
      addDays(DUE, 1),
    ],
    [
      'retry requested, not answered yet: null (its answer recomputes)',
      inGrace({
        debit: debit({
          ...soft,
          retryWanted: false,
          firstNoticeHandled: true,
          retriesRequested: 1,
          lastRetryOn: DUE,
        }),
      }),
      DUE,
      null,
    ],
    [
      'maxRetries reached: null',
      inGrace({ debit: debit({ ...soft, firstNoticeHandled: true, retriesRequested: 3, lastRetryOn: DUE }) }),
      addDays(DUE, 1),
      null,
    ],
    [
      'hard declined: null',
      inGrace({
        debit: debit({ ...soft, hardDeclined: true, retryWanted: false, firstNoticeHandled: true }),
      }),
      DUE,
      null,
    ],
    [
      'OVERDUE at DPD 7, retried today: null (DPD 8 is past retry.untilDpd)',
      overdue({
        debit: debit({
          ...soft,
          firstNoticeHandled: true,
          retriesRequested: 2,
          lastRetryOn: addDays(DUE, 7),
        }),
      }),
      addDays(DUE, 7),
      null,
    ],
    [
      'OVERDUE at DPD 6, retried today: DPD 7',
      overdue({
        debit: debit({
          ...soft,
          firstNoticeHandled: true,
          retriesRequested: 2,
          lastRetryOn: addDays(DUE, 6),
        }),
      }),
      addDays(DUE, 6),
      addDays(DUE, 7),
    ],
    ['paid: null', paid(), DUE, null],
  ])('%s', (_, i, today, expected) => {
    expect(nextFailedDebitsDate(i, today, config)).toBe(expected);
  });
});
