/**
 * Properties of the notification rules (fast-check): exactly once across any sequence of runs, the
 * daily cap across the runs of a day, nothing outside the send window, and next action dates that
 * agree with the planners.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '../../shared/rules/calendar';
import { isWithinSendWindow } from '../../shared/rules/channels';
import { applyDailyCap } from '../../shared/rules/daily-cap';
import { nextFailedDebitsDate, nextRemindersDate } from '../../shared/rules/next-actions';
import {
  markNotificationHandled,
  type NotificationCandidate,
  planFailedDebitNotices,
  planReminders,
} from '../../shared/rules/notifications';
import { decideRetry, markRetryRequested } from '../../shared/rules/retries';
import {
  type Borrower,
  borrowerSchema,
  CHANNELS,
  type DeclineReason,
  HARD_REASONS,
  type Installment,
  type LocalDate,
  NOTIFICATION_KINDS,
  SOFT_REASONS,
} from '../../shared/rules/types';
import { config, DUE, inst as stored } from './fixtures';

const FIRST_DAY = addDays(DUE, -12);
const DAYS = 60;
const HARD: ReadonlySet<string> = new Set(HARD_REASONS);
const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
const at = (day: LocalDate, minute: number) => `${day}T${hhmm(minute)}:00+08:00`;

const borrowerArb: fc.Arbitrary<Borrower> = fc
  .record({
    creditScore: fc.integer({ min: 350, max: 950 }),
    contacts: fc.subarray([...CHANNELS]),
    consents: fc.record({ sms: fc.boolean(), email: fc.boolean(), push: fc.boolean() }, { requiredKeys: [] }),
    lastFailedDebitOn: fc.option(fc.integer({ min: -100, max: 30 }).map((n) => addDays(DUE, n))),
  })
  .map(({ contacts, ...b }) =>
    borrowerSchema.parse({
      borrowerId: 'b1',
      ...b,
      contacts: Object.fromEntries(
        contacts.map((c) => [c, c === 'sms' ? '+8613800000001' : c === 'email' ? 'b1@example.com' : 'tok']),
      ),
    }),
  );

/** The life of one installment, emulated by date (the lifecycle rules are tested on their own). */
interface Life {
  loanId: string;
  seq: string;
  dueOffset: number;
  graceDays: number;
  paidOnDpd: number | null;
  failures: { dpd: number; reason: DeclineReason }[];
}
const lifeArb = (loanId: string, seq: string): fc.Arbitrary<Life> =>
  fc.record({
    loanId: fc.constant(loanId),
    seq: fc.constant(seq),
    dueOffset: fc.integer({ min: -3, max: 8 }),
    graceDays: fc.integer({ min: 0, max: 3 }),
    paidOnDpd: fc.option(fc.integer({ min: -8, max: 40 }), { freq: 3 }),
    failures: fc.array(
      fc.record({
        dpd: fc.integer({ min: -3, max: 10 }),
        reason: fc.constantFrom<DeclineReason>(...SOFT_REASONS, ...HARD_REASONS),
      }),
      { maxLength: 4 },
    ),
  });

const fresh = (life: Life): Installment =>
  stored({ loanId: life.loanId, seq: life.seq, dueDate: addDays(DUE, life.dueOffset) });

/** What the aging run, payments and debit results of `day` do to the facts the planners read. */
function live(inst: Installment, life: Life, day: LocalDate): Installment {
  if (['PAID', 'WRITTEN_OFF'].includes(inst.status)) return inst;
  let cur = inst;
  const dpd = daysBetween(cur.dueDate, day);
  if (cur.status === 'SCHEDULED' && day > cur.dueDate)
    cur = {
      ...cur,
      status: 'IN_GRACE',
      graceDays: life.graceDays,
      graceEndsOn: addDays(cur.dueDate, life.graceDays),
    };
  if (cur.status === 'IN_GRACE' && day > (cur.graceEndsOn ?? cur.dueDate))
    cur = { ...cur, status: 'OVERDUE', overdueOn: day, everOverdue: true };
  if (cur.status === 'OVERDUE' && dpd >= config.writeOffAtDpd)
    cur = { ...cur, status: 'WRITTEN_OFF', closedOn: day };
  for (const f of life.failures.filter((x) => x.dpd === dpd)) {
    const d = cur.debit;
    const hard = HARD.has(f.reason);
    const first = d.failures === 0;
    const hardDeclined = d.hardDeclined || hard;
    cur = {
      ...cur,
      debit: {
        ...d,
        failures: d.failures + 1,
        lastFailureReason: f.reason,
        lastFailureOn: day,
        hardDeclined,
        firstNoticePending: d.firstNoticePending || (first && !d.firstNoticeHandled),
        hardNoticePending: d.hardNoticePending || (hard && !first && !d.hardDeclined && !d.hardNoticeHandled),
        retryWanted: !hardDeclined && (!hard || d.retryWanted),
      },
    };
    if (cur.status === 'SCHEDULED' && day >= cur.dueDate)
      cur = {
        ...cur,
        status: 'IN_GRACE',
        graceDays: life.graceDays,
        graceEndsOn: addDays(cur.dueDate, life.graceDays),
      };
  }
  if (life.paidOnDpd === dpd)
    cur = { ...cur, status: 'PAID', paidPrincipal: 100_000, paidInterest: 1_000, paidOn: day, closedOn: day };
  return cur;
}

interface Run {
  job: 'reminders' | 'failedDebits';
  minute: number;
}
const runArb: fc.Arbitrary<Run> = fc.record({
  job: fc.constantFrom('reminders' as const, 'failedDebits' as const),
  // Mostly the scheduled times, sometimes anywhere in the day (outside the window included).
  minute: fc.oneof(fc.constantFrom(9 * 60, 10 * 60, 16 * 60), fc.integer({ min: 0, max: 1439 })),
});

const keyOf = (c: NotificationCandidate) => `${c.loanId}/${c.seq}/${c.kind}/${c.occurrence}`;
/** Every outcome is final for its occurrence, except CREDIT_REPORT_WARNING skipped for CAP. */
const isFinal = (c: NotificationCandidate, outcome: string) =>
  !(c.kind === 'CREDIT_REPORT_WARNING' && outcome === 'SKIP_CAP');

describe('notification properties', () => {
  it('each (installment, kind, occurrence) is planned at most once once handled, sent at most once, and the cap holds every day', () => {
    fc.assert(
      fc.property(
        borrowerArb,
        fc.tuple(lifeArb('L1', '1'), lifeArb('L1', '2'), lifeArb('L2', '1.2')),
        fc.array(fc.array(runArb, { maxLength: 5 }), { minLength: DAYS, maxLength: DAYS }),
        (borrower, lives, runsByDay) => {
          let insts = lives.map(fresh);
          const handled = new Set<string>();
          const sent = new Set<string>();
          for (let i = 0; i < DAYS; i++) {
            const day = addDays(FIRST_DAY, i);
            insts = insts.map((inst, k) => live(inst, lives[k] as Life, day));
            let sentToday = 0;
            for (const run of runsByDay[i] ?? []) {
              const now = at(day, run.minute);
              const plan = run.job === 'reminders' ? planReminders : planFailedDebitNotices;
              const candidates = insts.flatMap((inst) => plan(inst, borrower, now, config));
              if (!isWithinSendWindow(now, config)) expect(candidates).toEqual([]);
              for (const { candidate, outcome } of applyDailyCap(candidates, sentToday, config)) {
                const key = keyOf(candidate);
                expect(handled.has(key), `${key} planned again on ${now}`).toBe(false);
                if (outcome === 'SEND') {
                  expect(sent.has(key), `${key} sent twice`).toBe(false);
                  sent.add(key);
                  sentToday += 1;
                }
                if (isFinal(candidate, outcome)) handled.add(key);
                insts = insts.map((inst) => markNotificationHandled(inst, candidate, outcome, day));
              }
              expect(sentToday).toBeLessThanOrEqual(config.maxNotificationsPerBorrowerPerDay);
              if (run.job === 'failedDebits')
                insts = insts.map((inst) =>
                  decideRetry(inst, day, config).request ? markRetryRequested(inst, day) : inst,
                );
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the cap is never exceeded across several runs of one day, and is used up before anything is skipped', () => {
    const candidateArb = fc.record({
      loanId: fc.constantFrom('L1', 'L2', 'L3'),
      seq: fc.constantFrom('1', '2', '1.2', '1.10'),
      kind: fc.constantFrom(...NOTIFICATION_KINDS),
      dueDate: fc.integer({ min: 0, max: 30 }).map((n) => addDays(DUE, n)),
      channels: fc.subarray([...CHANNELS]),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(candidateArb, { maxLength: 6 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 5 }),
        (runs, cap) => {
          const capped = { ...config, maxNotificationsPerBorrowerPerDay: cap };
          let sentToday = 0;
          for (const run of runs) {
            const candidates = run.map((c) => ({ ...c, borrowerId: 'b1', occurrence: c.dueDate }));
            const decided = applyDailyCap(candidates, sentToday, capped);
            expect(decided).toHaveLength(candidates.length);
            for (const { candidate, outcome } of decided) {
              if (candidate.channels.length === 0) expect(outcome).toBe('SKIP_UNREACHABLE');
              else if (sentToday < cap) expect(outcome).toBe('SEND');
              else expect(outcome).toBe('SKIP_CAP');
              if (outcome === 'SEND') sentToday += 1;
            }
            expect(sentToday).toBeLessThanOrEqual(cap);
          }
        },
      ),
    );
  });
});

/** An installment state as any job may find it on `today`, with facts consistent with that day. */
const stateArb = fc
  .record({
    todayOffset: fc.integer({ min: -12, max: 40 }),
    status: fc.constantFrom('SCHEDULED', 'IN_GRACE', 'OVERDUE', 'PAID', 'WRITTEN_OFF', 'RESTRUCTURED'),
    graceDays: fc.integer({ min: 0, max: 3 }),
    overdueAfter: fc.integer({ min: 0, max: 5 }),
    upcomingHandledDaysBefore: fc.constantFrom(null, 7, 3, 1),
    dueTodayHandled: fc.boolean(),
    graceLastDayHandled: fc.boolean(),
    overdueNoticesBack: fc.option(fc.integer({ min: 0, max: 10 })),
    warnedBack: fc.option(fc.integer({ min: 0, max: 10 })),
    debit: fc.record({
      firstNoticePending: fc.boolean(),
      hardNoticePending: fc.boolean(),
      firstNoticeHandled: fc.boolean(),
      hardNoticeHandled: fc.boolean(),
      retryWanted: fc.boolean(),
      hardDeclined: fc.boolean(),
      retriesRequested: fc.integer({ min: 0, max: 4 }),
      retriedBack: fc.option(fc.integer({ min: 0, max: 3 })),
      lastFailureReason: fc.option(fc.constantFrom<DeclineReason>(...SOFT_REASONS, ...HARD_REASONS)),
    }),
    paidPart: fc.constantFrom(0, 50_000, 101_000),
  })
  .filter((s) => s.status !== 'OVERDUE' || s.todayOffset >= s.graceDays + 1 + s.overdueAfter)
  .filter((s) => s.status !== 'IN_GRACE' || (s.todayOffset >= 0 && s.todayOffset <= s.graceDays))
  .filter((s) => s.status !== 'SCHEDULED' || s.todayOffset <= 0)
  .map((s) => {
    const today = addDays(DUE, s.todayOffset);
    const graceEndsOn = addDays(DUE, s.graceDays);
    const overdueOn = addDays(graceEndsOn, 1 + s.overdueAfter);
    const dpd = Math.max(0, s.todayOffset);
    const { retriedBack, ...debit } = s.debit;
    const inst = stored({
      status: s.status,
      paidPrincipal: Math.min(100_000, s.paidPart),
      paidInterest: s.paidPart > 100_000 ? 1_000 : 0,
      graceDays: s.status === 'SCHEDULED' ? null : s.graceDays,
      graceEndsOn: s.status === 'SCHEDULED' ? null : graceEndsOn,
      overdueOn: s.status === 'OVERDUE' ? overdueOn : null,
      closedOn: ['PAID', 'WRITTEN_OFF', 'RESTRUCTURED'].includes(s.status) ? today : null,
      reminders: {
        upcomingHandledDaysBefore: s.upcomingHandledDaysBefore,
        dueTodayHandled: s.dueTodayHandled,
        graceLastDayHandled: s.graceLastDayHandled,
        lastOverdueNoticeDpd:
          s.status === 'OVERDUE' && s.overdueNoticesBack !== null
            ? Math.max(0, dpd - s.overdueNoticesBack)
            : null,
        creditWarnedOn: s.warnedBack === null ? null : addDays(today, -s.warnedBack),
      },
      debit: {
        ...debit,
        failures: 1,
        resultsRecorded: 1,
        lastRetryOn: retriedBack === null ? null : addDays(today, -retriedBack),
      },
    });
    return { inst, today };
  });

/** Days on which the installment could still be in the state it is in (its facts unchanged). */
const stillValid = (inst: Installment, day: LocalDate) =>
  inst.status === 'SCHEDULED'
    ? day <= inst.dueDate
    : inst.status === 'IN_GRACE'
      ? day <= (inst.graceEndsOn ?? inst.dueDate)
      : true;

describe('send window and next action dates', () => {
  it('no candidate is planned for a `now` outside the send window', () => {
    fc.assert(
      fc.property(
        stateArb,
        borrowerArb,
        fc.integer({ min: 0, max: 24 * 3600 - 1 }),
        ({ inst, today }, borrower, second) => {
          const now = new Date(Date.parse(`${today}T00:00:00+08:00`) + second * 1000).toISOString();
          if (isWithinSendWindow(now, config)) return;
          expect(planReminders(inst, borrower, now, config)).toEqual([]);
          expect(planFailedDebitNotices(inst, borrower, now, config)).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('nextRemindersDate is the first day the reminders planner plans something (facts unchanged)', () => {
    fc.assert(
      fc.property(stateArb, borrowerArb, ({ inst, today }, borrower) => {
        const next = nextRemindersDate(inst, today, config);
        if (next !== null) {
          expect(next >= today).toBe(true);
          expect(
            planReminders(inst, borrower, at(next, 9 * 60), config).length,
            `on ${next}`,
          ).toBeGreaterThan(0);
        }
        for (let day = today; stillValid(inst, day) && day <= addDays(today, 40); day = addDays(day, 1)) {
          if (next !== null && day >= next) break;
          expect(planReminders(inst, borrower, at(day, 9 * 60), config), `on ${day}, next ${next}`).toEqual(
            [],
          );
        }
      }),
      { numRuns: 500 },
    );
  });

  it('nextFailedDebitsDate is never later than a day with a notice or a retry to request (facts unchanged)', () => {
    fc.assert(
      fc.property(stateArb, borrowerArb, ({ inst, today }, borrower) => {
        const next = nextFailedDebitsDate(inst, today, config);
        if (next !== null) expect(next >= today).toBe(true);
        for (let day = today; stillValid(inst, day) && day <= addDays(today, 20); day = addDays(day, 1)) {
          const busy =
            planFailedDebitNotices(inst, borrower, at(day, 10 * 60), config).length > 0 ||
            decideRetry(inst, day, config).request;
          if (busy) {
            expect(next, `busy on ${day}`).not.toBeNull();
            expect((next as string) <= day, `busy on ${day}, next ${next}`).toBe(true);
            break;
          }
        }
        if (next !== null && inst.status !== 'SCHEDULED') {
          const busy =
            planFailedDebitNotices(inst, borrower, at(next, 10 * 60), config).length > 0 ||
            decideRetry(inst, next, config).request;
          // IN_GRACE facts may turn OVERDUE by then; the date is right when it is still in grace.
          if (stillValid(inst, next)) expect(busy, `idle on ${next}`).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
