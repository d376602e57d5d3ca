/**
 * Rendering a notification into one message per channel (RULES.md section 6): the amount is the
 * outstanding at rendering time, dates are local dates written for the borrower's locale, and the
 * wording comes from the templates of `templates.ts`.
 */
import { Temporal } from 'temporal-polyfill';
import type { Config } from '../config/schema';
import { creditReportDay } from './buckets-escalation';
import { localDateOf } from './calendar';
import { dpdOn } from './dpd';
import { formatYuan } from './money';
import type { NotificationCandidate } from './notifications';
import { outstandingOn } from './outstanding';
import { type MessageFacts, renderTexts } from './templates';
import {
  type Borrower,
  type Channel,
  type Installment,
  isHardReason,
  type LocalDate,
  type Locale,
} from './types';

/** Between an e-mail's subject line and its body. */
const EMAIL_SUBJECT_SEPARATOR = '\n\n';

const DATE_STYLE: Record<Locale, Intl.DateTimeFormatOptions> = {
  'zh-CN': { month: 'long', day: 'numeric' },
  'en-US': { month: 'short', day: 'numeric', year: 'numeric' },
};

/**
 * A local date as the borrower reads it.
 * @example formatLocalDate('2026-12-10', 'zh-CN') // '12月10日'
 * @example formatLocalDate('2026-12-10', 'en-US') // 'Dec 10, 2026'
 */
export function formatLocalDate(day: LocalDate, locale: Locale): string {
  return Temporal.PlainDate.from(day).toLocaleString(locale, DATE_STYLE[locale]);
}

/**
 * The rendered message of each of the candidate's channels, in the borrower's locale, with the
 * amounts and dates of `now` (the run's scheduled time). The e-mail text is its subject line, a
 * blank line, then the body (see `splitEmail`).
 * @example renderMessages(upcoming7, inst, borrower, '2026-12-03T09:00:00+08:00', config).push // '12月10日将自动扣款¥1,010.00，…'
 */
export function renderMessages(
  candidate: NotificationCandidate,
  inst: Installment,
  borrower: Borrower,
  now: string,
  config: Config,
): Partial<Record<Channel, string>> {
  const today = localDateOf(now, config.timeZone);
  const texts = renderTexts(borrower.locale, messageFacts(candidate, inst, borrower.locale, today, config));
  const byChannel: Record<Channel, string> = {
    sms: texts.sms,
    push: texts.push,
    email: `${texts.emailSubject}${EMAIL_SUBJECT_SEPARATOR}${texts.emailBody}`,
  };
  return Object.fromEntries(candidate.channels.map((c) => [c, byChannel[c]]));
}

/**
 * An e-mail text of `renderMessages` split into its subject and body.
 * @example splitEmail('Subject\n\nBody…') // { subject: 'Subject', body: 'Body…' }
 */
export function splitEmail(text: string): { subject: string; body: string } {
  const at = text.indexOf(EMAIL_SUBJECT_SEPARATOR);
  return at < 0
    ? { subject: text, body: '' }
    : { subject: text.slice(0, at), body: text.slice(at + EMAIL_SUBJECT_SEPARATOR.length) };
}

function messageFacts(
  candidate: NotificationCandidate,
  inst: Installment,
  locale: Locale,
  today: LocalDate,
  config: Config,
): MessageFacts {
  const owed = outstandingOn(inst, today);
  const date = (d: LocalDate) => formatLocalDate(d, locale);
  const reason = candidate.declineReason ?? null;
  return {
    kind: candidate.kind,
    status: inst.status,
    loanId: inst.loanId,
    seq: inst.seq,
    amount: formatYuan(owed.total),
    principal: formatYuan(owed.principal),
    interest: formatYuan(owed.interest),
    penalty: formatYuan(owed.penalty),
    dueDate: date(inst.dueDate),
    graceEndsOn: inst.status === 'IN_GRACE' && inst.graceEndsOn !== null ? date(inst.graceEndsOn) : null,
    dpd: dpdOn(inst, today),
    declineReason: reason,
    hardDecline:
      candidate.kind === 'DEBIT_FAILED' && (isHardReason(reason) || candidate.occurrence.endsWith('#hard')),
    // The report waits for both the DPD threshold and the notice period after this warning.
    creditReportOn:
      candidate.kind === 'CREDIT_REPORT_WARNING' ? date(creditReportDay(inst, today, config)) : null,
  };
}
