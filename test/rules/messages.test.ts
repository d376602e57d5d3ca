/** Rendering notifications (RULES.md section 6, messages) and formatting money. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../shared/rules/calendar';
import { formatLocalDate, renderMessages, splitEmail } from '../../shared/rules/messages';
import { formatYuan } from '../../shared/rules/money';
import type { NotificationCandidate } from '../../shared/rules/notifications';
import {
  type Borrower,
  type DeclineReason,
  HARD_REASONS,
  type Installment,
  LOCALES,
  type Locale,
  NOTIFICATION_KINDS,
  type NotificationKind,
  SOFT_REASONS,
} from '../../shared/rules/types';
import {
  ALL_CONTACTS,
  at,
  borrower as borrowerWith,
  candidateFor,
  config,
  DUE,
  inGrace,
  inst,
  overdue,
} from './fixtures';

const { sms: PHONE, email: EMAIL, push: TOKEN } = ALL_CONTACTS;
const borrower = (locale: Locale = 'zh-CN'): Borrower => borrowerWith({ locale });
const candidate = (
  kind: NotificationKind,
  occurrence: string,
  declineReason?: DeclineReason,
): NotificationCandidate =>
  candidateFor(kind, occurrence, {
    channels: ['email', 'push', 'sms'],
    ...(declineReason ? { declineReason } : {}),
  });

/** One realistic rendering situation per kind: the installment and the run instant. */
const SITUATIONS: Record<
  NotificationKind,
  { inst: (o?: Record<string, unknown>) => Installment; now: string; occurrence: string }
> = {
  UPCOMING: { inst, now: at(addDays(DUE, -3)), occurrence: `${DUE}#3` },
  DUE_TODAY: { inst, now: at(DUE), occurrence: DUE },
  DEBIT_FAILED: { inst: inGrace, now: at(DUE, '10:00'), occurrence: `${DUE}#first` },
  GRACE_LAST_DAY: { inst: inGrace, now: at(addDays(DUE, 2)), occurrence: addDays(DUE, 2) },
  OVERDUE: { inst: overdue, now: at(addDays(DUE, 1)), occurrence: `${DUE}#1` },
  CREDIT_REPORT_WARNING: { inst: overdue, now: at(addDays(DUE, 23)), occurrence: DUE },
};
const render = (
  kind: NotificationKind,
  locale: Locale = 'zh-CN',
  over: Record<string, unknown> = {},
  reason?: DeclineReason,
) => {
  const s = SITUATIONS[kind];
  return renderMessages(candidate(kind, s.occurrence, reason), s.inst(over), borrower(locale), s.now, config);
};

describe('formatYuan', () => {
  it.each([
    [0, '¥0.00'],
    [5, '¥0.05'],
    [100, '¥1.00'],
    [101_000, '¥1,010.00'],
    [101_050, '¥1,010.50'],
    [101_100, '¥1,011.00'],
    [999_999_999, '¥9,999,999.99'],
    [123_456_789_012_345, '¥1,234,567,890,123.45'],
    [Number.MAX_SAFE_INTEGER, '¥90,071,992,547,409.91'],
  ])('%i fen is %s', (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
  });

  it('writes the yen/yuan sign U+00A5', () => {
    expect(formatYuan(101_100).codePointAt(0)).toBe(0xa5);
  });

  it('refuses a fractional or unsafe number of fen', () => {
    expect(() => formatYuan(1.5)).toThrow(RangeError);
    expect(() => formatYuan(2 ** 60)).toThrow(RangeError);
  });

  it('round-trips every amount exactly (no float rounding)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (fen) => {
        const text = formatYuan(fen);
        expect(text).toMatch(/^¥\d{1,3}(,\d{3})*\.\d{2}$/);
        expect(BigInt(text.replace(/[¥,.]/g, ''))).toBe(BigInt(fen));
      }),
    );
  });
});

describe('formatLocalDate', () => {
  it.each([
    ['2026-12-10', 'zh-CN', '12月10日'],
    ['2027-01-02', 'zh-CN', '1月2日'],
    ['2026-12-10', 'en-US', 'Dec 10, 2026'],
    ['2027-01-02', 'en-US', 'Jan 2, 2027'],
  ] as const)('%s in %s is %s', (day, locale, text) => {
    expect(formatLocalDate(day, locale)).toBe(text);
  });
});

describe('renderMessages', () => {
  it('renders one message per channel of the candidate, and only those', () => {
    const s = SITUATIONS.UPCOMING;
    const pushOnly = { ...candidate('UPCOMING', s.occurrence), channels: ['push' as const] };
    expect(Object.keys(renderMessages(pushOnly, inst(), borrower(), s.now, config))).toEqual(['push']);
    expect(Object.keys(render('UPCOMING')).sort()).toEqual(['email', 'push', 'sms']);
  });

  it.each(NOTIFICATION_KINDS.flatMap((kind) => LOCALES.map((locale) => [kind, locale] as const)))(
    '%s in %s: every channel states the outstanding, e-mail has a subject line and a longer body',
    (kind, locale) => {
      // Act
      const m = render(kind, locale);
      // Assess
      const amount =
        kind === 'OVERDUE' ? '¥1,010.50' : kind === 'CREDIT_REPORT_WARNING' ? '¥1,021.50' : '¥1,010.00';
      for (const text of Object.values(m)) expect(text).toContain(amount);
      const email = splitEmail(m.email ?? '');
      expect(email.subject.length).toBeGreaterThan(0);
      expect(email.subject).not.toContain('\n');
      expect(email.body.length).toBeGreaterThan((m.sms ?? '').length);
    },
  );

  it('the amount is the outstanding at rendering time (after a partial payment, with penalty to date)', () => {
    const partly = overdue({ paidPrincipal: 40_000, paidInterest: 1_000, paidPenalty: 50 });
    const m = renderMessages(
      candidate('OVERDUE', `${DUE}#4`),
      partly,
      borrower(),
      at(addDays(DUE, 4)),
      config,
    );
    // 60 000 principal left, no interest; penalty to date 4 days × 30 fen at today's principal, 50 of it paid.
    expect(m.sms).toContain('¥600.70');
  });

  it.each([
    ['zh-CN', '12月10日'],
    ['en-US', 'Dec 10, 2026'],
  ] as const)('writes local dates in %s (%s)', (locale, date) => {
    const m = render('UPCOMING', locale);
    for (const text of Object.values(m)) expect(text).toContain(date);
  });

  it.each(LOCALES)('says what to do next (%s)', (locale) => {
    const next = locale === 'zh-CN' ? /App内|余额充足/ : /in the app|enough funds/;
    for (const kind of NOTIFICATION_KINDS)
      for (const text of Object.values(render(kind, locale))) expect(text).toMatch(next);
  });

  it.each([
    ['zh-CN', '宽限期至12月12日'],
    ['en-US', 'Dec 12, 2026'],
  ] as const)('gives the grace deadline while IN_GRACE (%s)', (locale, deadline) => {
    for (const text of Object.values(render('DEBIT_FAILED', locale))) expect(text).toContain(deadline);
    for (const text of Object.values(render('GRACE_LAST_DAY', locale)))
      expect(text).toContain(deadline.replace('宽限期至', ''));
  });

  it('gives no grace deadline where there is none (before the due date, overdue)', () => {
    const early = renderMessages(
      candidate('DEBIT_FAILED', `${DUE}#first`, 'INSUFFICIENT_FUNDS'),
      inst(),
      borrower(),
      at(addDays(DUE, -1), '10:00'),
      config,
    );
    expect(early.sms).not.toContain('宽限期');
    expect(early.sms).toContain('还款日12月10日');
    const late = renderMessages(
      candidate('DEBIT_FAILED', `${DUE}#hard`, 'CARD_EXPIRED'),
      overdue(),
      borrower(),
      at(addDays(DUE, 3), '10:00'),
      config,
    );
    expect(late.sms).toContain('已逾期3天');
  });

  describe('hard declines ask to update the repayment card; soft ones do not', () => {
    it.each(HARD_REASONS.flatMap((r) => LOCALES.map((l) => [r, l] as const)))('%s (%s)', (reason, locale) => {
      const m = render('DEBIT_FAILED', locale, {}, reason);
      const update = locale === 'zh-CN' ? '更新还款卡' : 'update your repayment card';
      for (const text of Object.values(m)) expect(text).toContain(update);
    });

    it.each(SOFT_REASONS.flatMap((r) => LOCALES.map((l) => [r, l] as const)))('%s (%s)', (reason, locale) => {
      const m = render('DEBIT_FAILED', locale, {}, reason);
      for (const text of Object.values(m)) expect(text).not.toMatch(/更新还款卡|update your repayment card/);
    });

    it('a #hard notice asks for the card update even when the latest reason on file is soft', () => {
      const m = renderMessages(
        candidate('DEBIT_FAILED', `${DUE}#hard`),
        inGrace(),
        borrower(),
        at(DUE, '10:00'),
        config,
      );
      for (const text of Object.values(m)) expect(text).toContain('更新还款卡');
    });
  });

  it('the credit report warning names the earliest report day (DPD 30, or 7 days after the warning)', () => {
    expect(render('CREDIT_REPORT_WARNING').sms).toContain('1月9日'); // DPD 23 + 7 = DPD 30 = 2027-01-09
    const late = renderMessages(
      candidate('CREDIT_REPORT_WARNING', DUE),
      overdue(),
      borrower('en-US'),
      at(addDays(DUE, 28)),
      config,
    );
    expect(late.sms).toContain('Jan 14, 2027'); // warned at DPD 28: DPD 35
  });

  it('never carries an address or anything like a card or account number', () => {
    for (const kind of NOTIFICATION_KINDS)
      for (const locale of LOCALES)
        for (const text of Object.values(render(kind, locale))) {
          expect(text).not.toContain(PHONE);
          expect(text).not.toContain(EMAIL);
          expect(text).not.toContain(TOKEN);
          expect(text).not.toMatch(/\d{8,}/);
        }
  });

  it('a zh-CN SMS stays within 70 characters for every kind, reason and state, up to ¥9,999,999.99 and DPD 179', () => {
    const reasons: (DeclineReason | undefined)[] = [undefined, ...SOFT_REASONS, ...HARD_REASONS];
    fc.assert(
      fc.property(
        fc.constantFrom(...NOTIFICATION_KINDS),
        fc.constantFrom(...reasons),
        fc.integer({ min: 0, max: 999_999_999 }),
        fc.integer({ min: 1, max: 179 }),
        fc.constantFrom('#first', '#hard'),
        (kind, reason, amount, dpd, which) => {
          // The whole amount is principal, so the outstanding can reach ¥9,999,999.99 exactly.
          const base = { principal: amount, interest: 0, penaltyDailyRatePpm: 0 };
          const s = SITUATIONS[kind];
          const day =
            kind === 'OVERDUE' || kind === 'CREDIT_REPORT_WARNING' ? addDays(DUE, dpd) : s.now.slice(0, 10);
          const occurrence = kind === 'DEBIT_FAILED' ? `${DUE}${which}` : s.occurrence;
          const c = { ...candidate(kind, occurrence, reason), channels: ['sms' as const] };
          const sms = renderMessages(c, s.inst(base), borrower(), at(day), config).sms ?? '';
          expect(sms.length, sms).toBeLessThanOrEqual(70);
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each(NOTIFICATION_KINDS.flatMap((k) => [undefined, ...HARD_REASONS].map((r) => [k, r] as const)))(
    'the longest zh-CN SMS of %s (%s) fits 70 characters',
    (kind, reason) => {
      const s = SITUATIONS[kind];
      const day =
        kind === 'OVERDUE' || kind === 'CREDIT_REPORT_WARNING' ? addDays(DUE, 179) : s.now.slice(0, 10);
      const big = s.inst({ principal: 999_999_999, interest: 0, penaltyDailyRatePpm: 0 });
      const c = {
        ...candidate(kind, kind === 'DEBIT_FAILED' ? `${DUE}#hard` : s.occurrence, reason),
        channels: ['sms' as const],
      };
      const sms = renderMessages(c, big, borrower(), at(day), config).sms ?? '';
      expect(sms).toContain('¥9,999,999.99');
      expect(sms.length, sms).toBeLessThanOrEqual(70);
    },
  );
});
