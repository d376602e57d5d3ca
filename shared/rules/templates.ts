/**
 * Message templates per locale and kind (RULES.md section 6). Each kind has a short SMS, a short
 * push text and an e-mail (subject and a longer body). Templates receive facts already formatted
 * for the locale (`MessageFacts`), so they hold wording only.
 *
 * Constraints every template keeps: the amount is the outstanding; it says what to do next; the
 * grace deadline appears where there is one; a hard decline asks to update the repayment card; no
 * card or account number ever (the facts carry none); a zh-CN SMS stays within 70 characters (one
 * UCS-2 segment) even at ¥9,999,999.99 and a three-digit DPD.
 */
import type { DeclineReason, Locale, NotificationKind, Status } from './types';

/** What a template may say, formatted for its locale. */
export interface MessageFacts {
  kind: NotificationKind;
  status: Status;
  loanId: string;
  seq: string;
  /** Outstanding total and its parts, formatted (`¥1,011.00`). */
  amount: string;
  principal: string;
  interest: string;
  penalty: string;
  /** Local dates, formatted for the locale. */
  dueDate: string;
  /** While IN_GRACE: the last day of grace. */
  graceEndsOn: string | null;
  dpd: number;
  /** DEBIT_FAILED: the decline to explain, and whether it is hard (update the card). */
  declineReason: DeclineReason | null;
  hardDecline: boolean;
  /** CREDIT_REPORT_WARNING: the earliest day the credit report may be filed. */
  creditReportOn: string | null;
}

/** The texts of one notification in one locale. */
export interface RenderedTexts {
  sms: string;
  push: string;
  emailSubject: string;
  emailBody: string;
}

interface KindTemplate {
  sms(f: MessageFacts): string;
  push(f: MessageFacts): string;
  subject(f: MessageFacts): string;
  /** The e-mail's opening paragraph and its "what to do next" paragraph. */
  lead(f: MessageFacts): string;
  next(f: MessageFacts): string;
}

interface LocaleTemplates {
  kinds: Record<NotificationKind, KindTemplate>;
  greeting: string;
  details(f: MessageFacts): string[];
  footer: string;
}

// ---------- zh-CN ----------

const zhHardCause: Record<string, string> = {
  CARD_EXPIRED: '还款卡已过期',
  ACCOUNT_CLOSED: '还款账户已注销',
  AUTHORIZATION_REVOKED: '扣款授权已取消',
};
const zhSoftCause: Record<string, string> = {
  INSUFFICIENT_FUNDS: '余额不足',
  BANK_UNAVAILABLE: '银行系统繁忙',
  LIMIT_EXCEEDED: '超出扣款限额',
};
/** The deadline a DEBIT_FAILED message gives, by the state at rendering time. */
const zhDeadline = (f: MessageFacts): string =>
  f.graceEndsOn !== null
    ? `宽限期至${f.graceEndsOn}`
    : f.status === 'OVERDUE'
      ? `已逾期${f.dpd}天`
      : `还款日${f.dueDate}`;
const zhDebitFailedAction = (f: MessageFacts): string =>
  f.hardDecline ? '请在App内更新还款卡并还款' : '请确保还款卡余额充足或在App内主动还款';
const zhDebitFailedCause = (f: MessageFacts): string =>
  f.hardDecline
    ? (zhHardCause[f.declineReason ?? ''] ?? '还款卡无法扣款')
    : (zhSoftCause[f.declineReason ?? ''] ?? '');

const zhCN: LocaleTemplates = {
  greeting: '您好：',
  footer: '本邮件由系统自动发送，请勿回复。我们不会以任何方式向您索要银行卡号、密码或验证码。',
  details: (f) =>
    [
      `借款编号：${f.loanId}（第${f.seq}期）`,
      `还款日：${f.dueDate}`,
      f.graceEndsOn !== null ? `宽限期至：${f.graceEndsOn}（含当日）` : null,
      f.status === 'OVERDUE' ? `逾期天数：${f.dpd}天` : null,
      `应还金额：${f.amount}（本金${f.principal}，利息${f.interest}，罚息${f.penalty}）`,
    ].filter((l): l is string => l !== null),
  kinds: {
    UPCOMING: {
      sms: (f) => `【还款提醒】您本期应还${f.amount}，将于${f.dueDate}自动扣款，请确保还款卡余额充足。`,
      push: (f) => `${f.dueDate}将自动扣款${f.amount}，请确保还款卡余额充足。`,
      subject: (f) => `还款提醒：${f.dueDate}将自动扣款${f.amount}`,
      lead: (f) => `您本期应还${f.amount}，将于${f.dueDate}从您的还款卡自动扣款。`,
      next: () => '请在还款日前确保还款卡余额充足；您也可以随时在App内主动还款。',
    },
    DUE_TODAY: {
      sms: (f) =>
        `【还款提醒】今天（${f.dueDate}）是还款日，应还${f.amount}，将自动扣款，请确保还款卡余额充足。`,
      push: (f) => `今天是还款日，应还${f.amount}，请确保还款卡余额充足。`,
      subject: (f) => `还款提醒：今天（${f.dueDate}）应还${f.amount}`,
      lead: (f) => `今天（${f.dueDate}）是您的还款日，应还${f.amount}，我们将从您的还款卡自动扣款。`,
      next: () => '请确保还款卡余额充足；您也可以在App内主动还款。',
    },
    DEBIT_FAILED: {
      sms: (f) =>
        `【扣款失败】应还${f.amount}扣款未成功${f.hardDecline ? `，${zhDebitFailedCause(f)}` : ''}，${zhDebitFailedAction(f)}，${zhDeadline(f)}。`,
      push: (f) => `应还${f.amount}扣款未成功，${zhDebitFailedAction(f)}，${zhDeadline(f)}。`,
      subject: (f) => (f.hardDecline ? '扣款失败：请更新还款卡' : `扣款失败：应还${f.amount}`),
      lead: (f) => {
        const cause = zhDebitFailedCause(f);
        return `您本期应还${f.amount}，自动扣款未成功${cause ? `（${cause}）` : ''}。`;
      },
      next: (f) =>
        f.hardDecline
          ? `您的还款卡已无法扣款，请在App内更新还款卡并完成还款（${zhDeadline(f)}）。`
          : `${zhDebitFailedAction(f)}（${zhDeadline(f)}），以免逾期产生罚息。`,
    },
    GRACE_LAST_DAY: {
      sms: (f) =>
        `【还款提醒】今天（${f.graceEndsOn ?? ''}）是宽限期最后一天，应还${f.amount}，请今日内在App内还款，以免逾期。`,
      push: (f) =>
        `宽限期今天（${f.graceEndsOn ?? ''}）结束，应还${f.amount}，请今日内在App内还款，以免逾期。`,
      subject: (f) => `宽限期今天（${f.graceEndsOn ?? ''}）结束：应还${f.amount}`,
      lead: (f) => `您本期应还${f.amount}，宽限期将于今天（${f.graceEndsOn ?? ''}）结束。`,
      next: () => '请今日内在App内完成还款；宽限期结束后仍未还清将转为逾期，并自还款日次日起计收罚息。',
    },
    OVERDUE: {
      sms: (f) => `【逾期提醒】您的借款已逾期${f.dpd}天，应还${f.amount}（含罚息），请尽快在App内还款。`,
      push: (f) => `您的借款已逾期${f.dpd}天，应还${f.amount}，请尽快在App内还款。`,
      subject: (f) => `逾期提醒：已逾期${f.dpd}天，应还${f.amount}`,
      lead: (f) => `您的借款已逾期${f.dpd}天，截至今日应还${f.amount}（含罚息）。`,
      next: () => '罚息按日计收，请尽快在App内还款；如有困难，可在App内申请延期或分期。',
    },
    CREDIT_REPORT_WARNING: {
      sms: (f) =>
        `【征信提醒】您的借款已逾期${f.dpd}天，应还${f.amount}，未还清将于${f.creditReportOn ?? ''}起报送征信，请尽快在App内还款。`,
      push: (f) => `应还${f.amount}，逾期未还将于${f.creditReportOn ?? ''}起报送征信，请尽快在App内还款。`,
      subject: (f) => `征信提醒：逾期未还将于${f.creditReportOn ?? ''}起报送征信`,
      lead: (f) =>
        `您的借款已逾期${f.dpd}天，应还${f.amount}（含罚息）。如仍未还清，我们将依法于${f.creditReportOn ?? ''}起向征信机构报送逾期信息。`,
      next: () => '请尽快在App内还清欠款；如有困难，可在App内申请延期或分期。',
    },
  },
};

// ---------- en-US ----------

const enPlural = new Intl.PluralRules('en-US');
const enDays = (n: number) => `${n} ${enPlural.select(n) === 'one' ? 'day' : 'days'}`;
const enHardCause: Record<string, string> = {
  CARD_EXPIRED: 'your repayment card has expired',
  ACCOUNT_CLOSED: 'the account behind your repayment card is closed',
  AUTHORIZATION_REVOKED: 'the debit authorization was revoked',
};
const enSoftCause: Record<string, string> = {
  INSUFFICIENT_FUNDS: 'insufficient funds',
  BANK_UNAVAILABLE: 'the bank was unavailable',
  LIMIT_EXCEEDED: 'a card limit was exceeded',
};
const enDeadline = (f: MessageFacts): string =>
  f.graceEndsOn !== null
    ? `Your grace period ends on ${f.graceEndsOn}.`
    : f.status === 'OVERDUE'
      ? `It is ${enDays(f.dpd)} overdue.`
      : `It is due on ${f.dueDate}.`;
const enDebitFailedAction = (f: MessageFacts): string =>
  f.hardDecline
    ? 'Please update your repayment card in the app and pay.'
    : 'Please make sure your repayment card has enough funds, or pay in the app.';
const enDebitFailedCause = (f: MessageFacts): string =>
  f.hardDecline
    ? (enHardCause[f.declineReason ?? ''] ?? 'your repayment card can no longer be debited')
    : (enSoftCause[f.declineReason ?? ''] ?? '');

const enUS: LocaleTemplates = {
  greeting: 'Hello,',
  footer:
    'This is an automated message; please do not reply. We will never ask for your card number, password or verification code.',
  details: (f) =>
    [
      `Loan: ${f.loanId}, installment ${f.seq}`,
      `Due date: ${f.dueDate}`,
      f.graceEndsOn !== null ? `Grace period ends: ${f.graceEndsOn} (inclusive)` : null,
      f.status === 'OVERDUE' ? `Days overdue: ${f.dpd}` : null,
      `Amount due: ${f.amount} (principal ${f.principal}, interest ${f.interest}, late fees ${f.penalty})`,
    ].filter((l): l is string => l !== null),
  kinds: {
    UPCOMING: {
      sms: (f) =>
        `Reminder: ${f.amount} will be debited automatically on ${f.dueDate}. Please keep enough funds on your repayment card.`,
      push: (f) => `${f.amount} will be debited on ${f.dueDate}. Please keep enough funds on your card.`,
      subject: (f) => `Reminder: ${f.amount} will be debited on ${f.dueDate}`,
      lead: (f) =>
        `Your installment of ${f.amount} will be debited from your repayment card on ${f.dueDate}.`,
      next: () =>
        'Please make sure your repayment card has enough funds by then. You can also pay in the app at any time.',
    },
    DUE_TODAY: {
      sms: (f) =>
        `Today (${f.dueDate}) is your due date: ${f.amount} will be debited automatically. Please keep enough funds on your repayment card.`,
      push: (f) => `${f.amount} is due today. Please keep enough funds on your card.`,
      subject: (f) => `${f.amount} is due today (${f.dueDate})`,
      lead: (f) =>
        `Today (${f.dueDate}) is your due date: ${f.amount} will be debited from your repayment card.`,
      next: () => 'Please make sure your repayment card has enough funds. You can also pay in the app.',
    },
    DEBIT_FAILED: {
      sms: (f) =>
        `We could not collect your payment of ${f.amount}${f.hardDecline ? `: ${enDebitFailedCause(f)}` : ''}. ${enDebitFailedAction(f)} ${enDeadline(f)}`,
      push: (f) => `We could not collect ${f.amount}. ${enDebitFailedAction(f)} ${enDeadline(f)}`,
      subject: (f) =>
        f.hardDecline ? 'Payment failed: please update your repayment card' : `Payment of ${f.amount} failed`,
      lead: (f) => {
        const cause = enDebitFailedCause(f);
        return `We could not collect your payment of ${f.amount}${cause ? ` (${cause})` : ''}.`;
      },
      next: (f) =>
        f.hardDecline
          ? `Your repayment card can no longer be debited: please update it in the app and complete the payment. ${enDeadline(f)}`
          : `${enDebitFailedAction(f)} ${enDeadline(f)} Paying in time avoids late fees.`,
    },
    GRACE_LAST_DAY: {
      sms: (f) =>
        `Today (${f.graceEndsOn ?? ''}) is the last day of your grace period. Please pay ${f.amount} in the app today to avoid late fees.`,
      push: (f) =>
        `Your grace period ends today (${f.graceEndsOn ?? ''}). Please pay ${f.amount} in the app today to avoid late fees.`,
      subject: (f) => `Your grace period ends today (${f.graceEndsOn ?? ''})`,
      lead: (f) =>
        `Your installment of ${f.amount} is still unpaid, and your grace period ends today (${f.graceEndsOn ?? ''}).`,
      next: () =>
        'Please pay in the app today. If it is still unpaid after today it becomes overdue, and late fees apply from the day after the due date.',
    },
    OVERDUE: {
      sms: (f) =>
        `Your payment is ${enDays(f.dpd)} overdue: ${f.amount} is due, late fees included. Please pay in the app as soon as possible.`,
      push: (f) =>
        `Your payment is ${enDays(f.dpd)} overdue: ${f.amount} is due. Please pay in the app as soon as possible.`,
      subject: (f) => `Overdue ${enDays(f.dpd)}: ${f.amount} is due`,
      lead: (f) =>
        `Your payment is ${enDays(f.dpd)} overdue. As of today ${f.amount} is due, late fees included.`,
      next: () =>
        'Late fees accrue daily: please pay in the app as soon as possible. If you are in difficulty, you can ask for an extension or an installment plan in the app.',
    },
    CREDIT_REPORT_WARNING: {
      sms: (f) =>
        `Your payment is ${enDays(f.dpd)} overdue (${f.amount}). If unpaid, it will be reported to the credit bureau from ${f.creditReportOn ?? ''}. Please pay in the app now.`,
      push: (f) =>
        `Please pay ${f.amount} in the app: if unpaid, it will be reported to the credit bureau from ${f.creditReportOn ?? ''}.`,
      subject: (f) => `Credit report warning: an unpaid balance is reported from ${f.creditReportOn ?? ''}`,
      lead: (f) =>
        `Your payment is ${enDays(f.dpd)} overdue and ${f.amount} is due, late fees included. If it is still unpaid, we are required to report it to the credit bureau from ${f.creditReportOn ?? ''}.`,
      next: () =>
        'Please pay in the app as soon as possible. If you are in difficulty, you can ask for an extension or an installment plan in the app.',
    },
  },
};

const TEMPLATES: Record<Locale, LocaleTemplates> = { 'zh-CN': zhCN, 'en-US': enUS };

/**
 * The texts of one notification in `locale`. Facts must already be formatted for that locale.
 * @example renderTexts('zh-CN', facts).sms // '【还款提醒】您本期应还¥1,010.00，将于12月10日自动扣款，…'
 */
export function renderTexts(locale: Locale, f: MessageFacts): RenderedTexts {
  const t = TEMPLATES[locale];
  const k = t.kinds[f.kind];
  const body = [t.greeting, k.lead(f), t.details(f).join('\n'), k.next(f), t.footer].join('\n\n');
  return { sms: k.sms(f), push: k.push(f), emailSubject: k.subject(f), emailBody: body };
}
