/**
 * Notifications to the borrower (RULES.md section 6): what a reminders or failed-debits run plans
 * for one installment, the ranking and daily cap across one borrower's candidates, what is recorded
 * as handled, and the next day each of those jobs has something to do with the installment.
 *
 * The installment's `reminders` and `debit` facts are the planning state: a planner never plans an
 * occurrence they record as handled, and `markNotificationHandled` is the only writer of the
 * reminders facts. Pure: `now` / `today` are parameters.
 */
import type { Config } from '../config/schema';
import { addDays, daysBetween, localDateOf, minDate, minuteOfDay, toLocal } from './calendar';
import { channelProblem } from './contacts';
import { dpdOn, outstandingOn, tierFor } from './derive';
import { domainEvent } from './events';
import {
  type Borrower,
  type Channel,
  type DeclineReason,
  type DomainEvent,
  HARD_REASONS,
  type Installment,
  type LocalDate,
  NOTIFICATION_KINDS,
  type NotificationKind,
} from './types';

export { renderMessages } from './messages';

/** One notification a run could send: an (installment, kind, occurrence) and its channels. */
export interface NotificationCandidate {
  loanId: string;
  seq: string;
  borrowerId: string;
  kind: NotificationKind;
  /** The exactly-once key within (installment, kind): see RULES.md section 6. */
  occurrence: string;
  dueDate: LocalDate;
  /** The channels actually used, sorted; empty when the borrower is unreachable for this kind. */
  channels: Channel[];
  /** DEBIT_FAILED: the decline reason the message explains. */
  declineReason?: DeclineReason;
}

/** What a run does with a candidate: send it, or record it skipped (final, except noted). */
export type NotificationOutcome = 'SEND' | 'SKIP_CAP' | 'SKIP_UNREACHABLE';

const CLOSED = new Set(['PAID', 'RESTRUCTURED', 'WRITTEN_OFF']);
const HARD: ReadonlySet<string> = new Set(HARD_REASONS);

/**
 * True when `now` falls in `sendWindow` local time, start included, end excluded (21:00 is out).
 * @example isWithinSendWindow('2026-12-03T01:00:00Z', config) // true (09:00 in Shanghai)
 */
export function isWithinSendWindow(now: string, config: Config): boolean {
  const minute = minuteOfDay(toLocal(now, config.timeZone).time);
  return minute >= minuteOfDay(config.sendWindow.start) && minute < minuteOfDay(config.sendWindow.end);
}

/**
 * At-risk borrower (RULES.md section 6): a tier in `atRisk.tiers`, or a FAILED debit on one of the
 * last `atRisk.lookbackDays` days, today included. A failure dated after `today` (reported after the
 * run's scheduled time) counts too: the borrower did fail a debit, and wider reach is the careful side.
 * @example isAtRisk({ creditScore: 600, … }, '2026-12-03', config) // true (tier C)
 */
export function isAtRisk(borrower: Borrower, today: LocalDate, config: Config): boolean {
  if (config.atRisk.tiers.includes(tierFor(borrower.creditScore, config).tier)) return true;
  const failedOn = borrower.lastFailedDebitOn;
  return failedOn !== null && failedOn >= addDays(today, 1 - config.atRisk.lookbackDays);
}

/**
 * The channels actually used: the kind's channels the borrower consented to (a missing flag is
 * consent) and has an address for that no provider reported unusable, each once, sorted alphabetically.
 * @example usedChannels(['sms', 'push'], { contacts: { push: 'tok', sms: '+86…' }, consents: { sms: false } }) // ['push']
 */
export function usedChannels(kindChannels: Channel[], borrower: Borrower): Channel[] {
  const usable = kindChannels.filter((c) => channelProblem(borrower, c) === null);
  return [...new Set(usable)].sort();
}

/** Unpaid = not paid in full (RULES.md section 1), and not closed. */
function isOpenAndUnpaid(inst: Installment, today: LocalDate): boolean {
  return !CLOSED.has(inst.status) && outstandingOn(inst, today).total > 0;
}

/**
 * The `daysBefore` an UPCOMING reminder would go out for on `day`, or null: before the due date,
 * the nearest (smallest) `daysBefore` already reached, if smaller than the smallest one handled.
 * Shared by the planner and `nextRemindersDate`, so the two never disagree.
 */
function upcomingDaysBeforeOn(inst: Installment, day: LocalDate, config: Config): number | null {
  if (inst.status !== 'SCHEDULED' || day >= inst.dueDate) return null;
  const left = daysBetween(day, inst.dueDate);
  const reached = config.reminders.upcoming.daysBefore.filter((d) => d >= left);
  if (reached.length === 0) return null;
  const nearest = Math.min(...reached);
  const handled = inst.reminders.upcomingHandledDaysBefore;
  return handled === null || nearest < handled ? nearest : null;
}

/** OVERDUE notices go out on `overdueOn` and every `repeatEveryDays` after, until write-off. */
function isOverdueNoticeDay(inst: Installment, day: LocalDate, config: Config): boolean {
  if (inst.status !== 'OVERDUE' || inst.overdueOn === null || day < inst.overdueOn) return false;
  if (daysBetween(inst.overdueOn, day) % config.overdue.repeatEveryDays !== 0) return false;
  const dpd = dpdOn(inst, day);
  // A run before the day's aging may still see OVERDUE at the write-off DPD: notifications stop there.
  if (dpd >= config.writeOffAtDpd) return false;
  const last = inst.reminders.lastOverdueNoticeDpd;
  return last === null || dpd > last;
}

/** The DPD from which CREDIT_REPORT_WARNING is due: creditReportAtDpd − creditReportNoticeDays. */
const creditWarningDpd = (config: Config) =>
  config.escalation.creditReportAtDpd - config.escalation.creditReportNoticeDays;

function isCreditWarningDay(inst: Installment, day: LocalDate, config: Config): boolean {
  if (inst.status !== 'OVERDUE' || inst.reminders.creditWarnedOn !== null) return false;
  const dpd = dpdOn(inst, day);
  return dpd >= creditWarningDpd(config) && dpd < config.writeOffAtDpd;
}

function candidate(
  inst: Installment,
  kind: NotificationKind,
  occurrence: string,
  channels: Channel[],
  borrower: Borrower,
  declineReason?: DeclineReason,
): NotificationCandidate {
  return {
    loanId: inst.loanId,
    seq: inst.seq,
    borrowerId: inst.borrowerId,
    kind,
    occurrence,
    dueDate: inst.dueDate,
    channels: usedChannels(channels, borrower),
    ...(declineReason ? { declineReason } : {}),
  };
}

/**
 * The reminders run's candidates for one installment at `now` (RULES.md section 6): UPCOMING (one
 * per run, with catch-up), DUE_TODAY, GRACE_LAST_DAY, OVERDUE (cadence days only: a missed repeat is
 * not caught up) and CREDIT_REPORT_WARNING, each only if not handled yet. Nothing outside the send
 * window, nothing for a paid or closed installment. Channels are those actually used.
 * @example planReminders(dueIn7Days, borrower, '2026-12-03T09:00:00+08:00', config) // [{ kind: 'UPCOMING', occurrence: '2026-12-10#7', … }]
 */
export function planReminders(
  inst: Installment,
  borrower: Borrower,
  now: string,
  config: Config,
): NotificationCandidate[] {
  if (!isWithinSendWindow(now, config)) return [];
  const today = localDateOf(now, config.timeZone);
  if (!isOpenAndUnpaid(inst, today)) return [];
  const { reminders, notificationChannels } = config;
  const atRisk = isAtRisk(borrower, today, config);
  const out: NotificationCandidate[] = [];

  const d = upcomingDaysBeforeOn(inst, today, config);
  if (d !== null) {
    const channels = atRisk
      ? config.atRisk.channels
      : (reminders.upcoming.channels[String(d)] ?? reminders.upcoming.channels.default ?? []);
    out.push(candidate(inst, 'UPCOMING', `${inst.dueDate}#${d}`, channels, borrower));
  }
  if (inst.status === 'SCHEDULED' && today === inst.dueDate && !inst.reminders.dueTodayHandled) {
    const channels = atRisk ? config.atRisk.channels : notificationChannels.DUE_TODAY;
    out.push(candidate(inst, 'DUE_TODAY', inst.dueDate, channels, borrower));
  }
  if (
    inst.status === 'IN_GRACE' &&
    (inst.graceDays ?? 0) >= 1 &&
    inst.graceEndsOn === today &&
    !inst.reminders.graceLastDayHandled
  ) {
    out.push(candidate(inst, 'GRACE_LAST_DAY', today, notificationChannels.GRACE_LAST_DAY, borrower));
  }
  if (isOverdueNoticeDay(inst, today, config)) {
    const occurrence = `${inst.dueDate}#${dpdOn(inst, today)}`;
    out.push(candidate(inst, 'OVERDUE', occurrence, notificationChannels.OVERDUE, borrower));
  }
  if (isCreditWarningDay(inst, today, config)) {
    out.push(
      candidate(
        inst,
        'CREDIT_REPORT_WARNING',
        inst.dueDate,
        notificationChannels.CREDIT_REPORT_WARNING,
        borrower,
      ),
    );
  }
  return out;
}

const firstNoticeDue = (inst: Installment) => inst.debit.firstNoticePending && !inst.debit.firstNoticeHandled;
const hardNoticeDue = (inst: Installment) => inst.debit.hardNoticePending && !inst.debit.hardNoticeHandled;

/**
 * The failed-debits run's DEBIT_FAILED candidate for one installment at `now`: `#hard` when a hard
 * notice is pending (it supersedes a pending `#first`), else `#first` when pending; only inside the
 * send window and while the installment is unpaid and neither PAID, WRITTEN_OFF nor RESTRUCTURED.
 * @example planFailedDebitNotices(failedSoft, borrower, '2026-12-10T10:00:00+08:00', config) // [{ occurrence: '2026-12-10#first', declineReason: 'INSUFFICIENT_FUNDS', … }]
 */
export function planFailedDebitNotices(
  inst: Installment,
  borrower: Borrower,
  now: string,
  config: Config,
): NotificationCandidate[] {
  if (!isWithinSendWindow(now, config)) return [];
  const today = localDateOf(now, config.timeZone);
  if (!isOpenAndUnpaid(inst, today)) return [];
  const channels = config.notificationChannels.DEBIT_FAILED;
  const reason = inst.debit.lastFailureReason ?? undefined;
  if (hardNoticeDue(inst)) {
    // The latest failure may be a soft one after the hard decline: the notice is about the hard one.
    const hard = reason !== undefined && HARD.has(reason) ? reason : undefined;
    return [candidate(inst, 'DEBIT_FAILED', `${inst.dueDate}#hard`, channels, borrower, hard)];
  }
  if (firstNoticeDue(inst)) {
    return [candidate(inst, 'DEBIT_FAILED', `${inst.dueDate}#first`, channels, borrower, reason)];
  }
  return [];
}

const KIND_RANK = new Map<NotificationKind, number>(NOTIFICATION_KINDS.map((k, i) => [k, i]));

/** Orders seqs numerically part by part (`"1.2"` before `"1.10"`), without Number overflow. */
function compareSeqParts(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (x.length !== y.length) return x.length - y.length; // seqs have no leading zeros
    if (x !== y) return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The cap order of RULES.md section 6: CREDIT_REPORT_WARNING > OVERDUE > DEBIT_FAILED >
 * GRACE_LAST_DAY > DUE_TODAY > UPCOMING, then earliest `dueDate`, `loanId`, `seq` (numeric part by
 * part), then occurrence so the order is total. Returns a new array.
 * @example rankCandidates([upcomingL1, overdueL2]).map((c) => c.kind) // ['OVERDUE', 'UPCOMING']
 */
export function rankCandidates(c: NotificationCandidate[]): NotificationCandidate[] {
  return [...c].sort(
    (a, b) =>
      (KIND_RANK.get(a.kind) ?? 0) - (KIND_RANK.get(b.kind) ?? 0) ||
      compareText(a.dueDate, b.dueDate) ||
      compareText(a.loanId, b.loanId) ||
      compareSeqParts(a.seq, b.seq) ||
      compareText(a.occurrence, b.occurrence),
  );
}

/**
 * The daily cap for one borrower's candidates of one run, in rank order. Unreachable candidates (no
 * channel) are decided first and take no slot; the others are sent while fewer than
 * `maxNotificationsPerBorrowerPerDay` were sent today (`alreadySentToday` counts earlier runs), the
 * rest skipped for CAP.
 * @example applyDailyCap([a, b, c, d], 1, config).map((x) => x.outcome) // ['SEND', 'SEND', 'SKIP_CAP', 'SKIP_CAP']
 */
export function applyDailyCap(
  candidates: NotificationCandidate[],
  alreadySentToday: number,
  config: Config,
): { candidate: NotificationCandidate; outcome: NotificationOutcome }[] {
  let left = Math.max(0, config.maxNotificationsPerBorrowerPerDay - alreadySentToday);
  return rankCandidates(candidates).map((candidate) => {
    if (candidate.channels.length === 0) return { candidate, outcome: 'SKIP_UNREACHABLE' as const };
    if (left === 0) return { candidate, outcome: 'SKIP_CAP' as const };
    left -= 1;
    return { candidate, outcome: 'SEND' as const };
  });
}

/**
 * The installment with `candidate` recorded as handled by `outcome` on `today`. Every outcome is
 * final except CREDIT_REPORT_WARNING skipped for CAP, which stays due for the next run; a
 * CREDIT_REPORT_WARNING sent or unreachable sets `creditWarnedOn` (the escalation's notice date).
 * An UPCOMING handled makes every larger `daysBefore` obsolete; DEBIT_FAILED `#hard` also settles
 * `#first`. A candidate of another installment or due date changes nothing.
 * @example markNotificationHandled(inst, upcoming7, 'SKIP_CAP', '2026-12-03').reminders.upcomingHandledDaysBefore // 7
 */
export function markNotificationHandled(
  inst: Installment,
  candidate: NotificationCandidate,
  outcome: NotificationOutcome,
  today: LocalDate,
): Installment {
  if (candidate.loanId !== inst.loanId || candidate.seq !== inst.seq || candidate.dueDate !== inst.dueDate)
    return inst;
  const r = inst.reminders;
  const tail = candidate.occurrence.slice(candidate.occurrence.lastIndexOf('#') + 1);
  switch (candidate.kind) {
    case 'UPCOMING': {
      const d = Number(tail);
      const handled = r.upcomingHandledDaysBefore === null ? d : Math.min(r.upcomingHandledDaysBefore, d);
      return { ...inst, reminders: { ...r, upcomingHandledDaysBefore: handled } };
    }
    case 'DUE_TODAY':
      return { ...inst, reminders: { ...r, dueTodayHandled: true } };
    case 'GRACE_LAST_DAY':
      return { ...inst, reminders: { ...r, graceLastDayHandled: true } };
    case 'OVERDUE': {
      const dpd = Number(tail);
      const last = r.lastOverdueNoticeDpd === null ? dpd : Math.max(r.lastOverdueNoticeDpd, dpd);
      return { ...inst, reminders: { ...r, lastOverdueNoticeDpd: last } };
    }
    case 'CREDIT_REPORT_WARNING':
      // Skipped for CAP it is retried: the borrower must be warned before any credit report.
      if (outcome === 'SKIP_CAP' || r.creditWarnedOn !== null) return inst;
      return { ...inst, reminders: { ...r, creditWarnedOn: today } };
    case 'DEBIT_FAILED': {
      const d = inst.debit;
      const first = { firstNoticePending: false, firstNoticeHandled: true };
      const debit =
        tail === 'hard'
          ? { ...d, ...first, hardNoticePending: false, hardNoticeHandled: true }
          : { ...d, ...first };
      return { ...inst, debit };
    }
  }
}

/**
 * `BorrowerUnreachable` for a candidate with no usable channel, occurrence `<kind>#<occurrence>`.
 * @example unreachableEvent(upcoming7).occurrence // 'UPCOMING#2026-12-10#7'
 */
export function unreachableEvent(candidate: NotificationCandidate): DomainEvent {
  return domainEvent(candidate, 'BorrowerUnreachable', `${candidate.kind}#${candidate.occurrence}`, {
    kind: candidate.kind,
    occurrence: candidate.occurrence,
  });
}

/**
 * The next local date (>= `today`) on which a reminders run could plan something for this
 * installment given its facts, or null when nothing more can happen for that job (closed, paid, or
 * waiting for a state change that will recompute the date): the next UPCOMING day (catch-up
 * included), the due date (DUE_TODAY), `graceEndsOn` (GRACE_LAST_DAY), the next OVERDUE cadence
 * day, the credit-report-warning day (and every day after until handled).
 * @example nextRemindersDate(scheduledDue1210, '2026-12-01', config) // '2026-12-03'
 */
export function nextRemindersDate(inst: Installment, today: LocalDate, config: Config): LocalDate | null {
  if (!isOpenAndUnpaid(inst, today)) return null;
  const dates: LocalDate[] = [];
  if (inst.status === 'SCHEDULED') {
    // The planner's condition is checked on today and on each later reminder day: no duplicate logic.
    const days = [today, ...config.reminders.upcoming.daysBefore.map((d) => addDays(inst.dueDate, -d))];
    const upcoming = days.filter((day) => day >= today && upcomingDaysBeforeOn(inst, day, config) !== null);
    dates.push(...upcoming);
    if (!inst.reminders.dueTodayHandled && inst.dueDate >= today) dates.push(inst.dueDate);
  }
  if (
    inst.status === 'IN_GRACE' &&
    (inst.graceDays ?? 0) >= 1 &&
    inst.graceEndsOn !== null &&
    inst.graceEndsOn >= today &&
    !inst.reminders.graceLastDayHandled
  ) {
    dates.push(inst.graceEndsOn);
  }
  if (inst.status === 'OVERDUE') {
    const overdue = nextOverdueNoticeDay(inst, today, config);
    if (overdue !== null) dates.push(overdue);
    if (inst.reminders.creditWarnedOn === null) {
      const warnFrom = addDays(inst.dueDate, creditWarningDpd(config));
      const day = warnFrom > today ? warnFrom : today;
      if (isCreditWarningDay(inst, day, config)) dates.push(day);
    }
  }
  return dates.length === 0 ? null : dates.reduce(minDate);
}

/** The first OVERDUE cadence day >= `today` whose DPD is beyond the last notice handled. */
function nextOverdueNoticeDay(inst: Installment, today: LocalDate, config: Config): LocalDate | null {
  if (inst.overdueOn === null) return null;
  const every = config.overdue.repeatEveryDays;
  const from = today > inst.overdueOn ? today : inst.overdueOn;
  let day = addDays(inst.overdueOn, Math.ceil(daysBetween(inst.overdueOn, from) / every) * every);
  const last = inst.reminders.lastOverdueNoticeDpd;
  if (last !== null && dpdOn(inst, day) <= last) {
    // Jump to the first cadence day past the last notice's DPD.
    const lastDay = addDays(inst.dueDate, last);
    day = addDays(inst.overdueOn, (Math.floor(daysBetween(inst.overdueOn, lastDay) / every) + 1) * every);
  }
  return isOverdueNoticeDay(inst, day, config) ? day : null;
}

/**
 * The next local date (>= `today`) on which a failed-debits run has something to do with this
 * installment, or null: today while a DEBIT_FAILED notice is pending; for retries (RULES.md
 * section 7, see `decideRetry`), the first day a retry is allowed while a soft failure awaits one:
 * today, the day after today's retry, or `dueDate + 1` for a failure before the due date.
 * @example nextFailedDebitsDate(failedSoftRetriedToday, '2026-12-10', config) // '2026-12-11'
 */
export function nextFailedDebitsDate(inst: Installment, today: LocalDate, config: Config): LocalDate | null {
  if (!isOpenAndUnpaid(inst, today)) return null;
  if (firstNoticeDue(inst) || hardNoticeDue(inst)) return today;
  const d = inst.debit;
  if (!d.retryWanted || d.hardDeclined || d.retriesRequested >= config.retry.maxRetries) return null;
  let day = d.lastRetryOn !== null && d.lastRetryOn >= today ? addDays(d.lastRetryOn, 1) : today;
  // Retries start once IN_GRACE: from the day after the due date at the latest.
  if (inst.status === 'SCHEDULED') day = day > inst.dueDate ? day : addDays(inst.dueDate, 1);
  // From then on it is IN_GRACE or OVERDUE; past `retry.untilDpd` only within grace.
  const inGraceThen =
    inst.status !== 'OVERDUE' && (inst.graceEndsOn === null ? day <= inst.dueDate : day <= inst.graceEndsOn);
  if (!inGraceThen && daysBetween(inst.dueDate, day) > config.retry.untilDpd) return null;
  return day;
}
