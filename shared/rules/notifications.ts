/**
 * Notifications to the borrower (RULES.md section 6): what a reminders or failed-debits run plans
 * for one installment (each kind's condition, its occurrence, the catch-up of UPCOMING), what is
 * recorded as handled, and `BorrowerUnreachable`. Channels, at-risk and the send window are in
 * `channels.ts`; ranking and the daily cap in `daily-cap.ts`; rendering in `messages.ts`.
 *
 * The installment's `reminders` and `debit` facts are the planning state: a planner never plans an
 * occurrence they record as handled, and `markNotificationHandled` is the only writer of the
 * reminders facts. Pure: `now` / `today` are parameters.
 */
import type { Config } from '../config/schema';
import { daysBetween, localDateOf } from './calendar';
import { isAtRisk, isWithinSendWindow, usedChannels } from './channels';
import type { NotificationOutcome } from './daily-cap';
import { dpdOn } from './dpd';
import { domainEvent } from './events';
import { isOpenAndUnpaid } from './outstanding';
import {
  type Borrower,
  type Channel,
  type DeclineReason,
  type DomainEvent,
  type Installment,
  isHardReason,
  type LocalDate,
  type NotificationKind,
} from './types';

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

/** The candidates one job's run plans for one installment at `now` (the run's scheduled time). */
export type NotificationPlanner = (
  inst: Installment,
  borrower: Borrower,
  now: string,
  config: Config,
) => NotificationCandidate[];

/**
 * A planner that plans nothing outside the send window, nor for a paid or closed installment; inside
 * it, `plan` works on the run's local day.
 */
const onPlanningDay =
  (
    plan: (
      inst: Installment,
      borrower: Borrower,
      today: LocalDate,
      config: Config,
    ) => NotificationCandidate[],
  ): NotificationPlanner =>
  (inst, borrower, now, config) => {
    if (!isWithinSendWindow(now, config)) return [];
    const today = localDateOf(now, config.timeZone);
    if (!isOpenAndUnpaid(inst, today)) return [];
    return plan(inst, borrower, today, config);
  };

/**
 * The `daysBefore` an UPCOMING reminder would go out for on `day`, or null: before the due date,
 * the nearest (smallest) `daysBefore` already reached, if smaller than the smallest one handled
 * (the catch-up). Shared by the planner and `nextRemindersDate`, so the two never disagree.
 */
export function upcomingDaysBeforeOn(inst: Installment, day: LocalDate, config: Config): number | null {
  if (inst.status !== 'SCHEDULED' || day >= inst.dueDate) return null;
  const left = daysBetween(day, inst.dueDate);
  const reached = config.reminders.upcoming.daysBefore.filter((d) => d >= left);
  if (reached.length === 0) return null;
  const nearest = Math.min(...reached);
  const handled = inst.reminders.upcomingHandledDaysBefore;
  return handled === null || nearest < handled ? nearest : null;
}

/** GRACE_LAST_DAY is due on `graceEndsOn` while IN_GRACE with at least one grace day, until handled. */
export const isGraceLastDayPending = (inst: Installment): boolean =>
  inst.status === 'IN_GRACE' &&
  (inst.graceDays ?? 0) >= 1 &&
  inst.graceEndsOn !== null &&
  !inst.reminders.graceLastDayHandled;

/** OVERDUE notices go out on `overdueOn` and every `repeatEveryDays` after, until write-off. */
export function isOverdueNoticeDay(inst: Installment, day: LocalDate, config: Config): boolean {
  if (inst.status !== 'OVERDUE' || inst.overdueOn === null || day < inst.overdueOn) return false;
  if (daysBetween(inst.overdueOn, day) % config.overdue.repeatEveryDays !== 0) return false;
  const dpd = dpdOn(inst, day);
  // A run before the day's aging may still see OVERDUE at the write-off DPD: notifications stop there.
  if (dpd >= config.writeOffAtDpd) return false;
  const last = inst.reminders.lastOverdueNoticeDpd;
  return last === null || dpd > last;
}

/** The DPD from which CREDIT_REPORT_WARNING is due: creditReportAtDpd − creditReportNoticeDays. */
export const creditWarningDpd = (config: Config): number =>
  config.escalation.creditReportAtDpd - config.escalation.creditReportNoticeDays;

/** CREDIT_REPORT_WARNING is due while OVERDUE from `creditWarningDpd` until sent, before write-off. */
export function isCreditWarningDay(inst: Installment, day: LocalDate, config: Config): boolean {
  if (inst.status !== 'OVERDUE' || inst.reminders.creditWarnedOn !== null) return false;
  const dpd = dpdOn(inst, day);
  return dpd >= creditWarningDpd(config) && dpd < config.writeOffAtDpd;
}

/** DEBIT_FAILED `#first` / `#hard` waits for a failed-debits run. */
export const firstNoticeDue = (inst: Installment): boolean =>
  inst.debit.firstNoticePending && !inst.debit.firstNoticeHandled;
export const hardNoticeDue = (inst: Installment): boolean =>
  inst.debit.hardNoticePending && !inst.debit.hardNoticeHandled;

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
 * The reminders run's candidates for one installment at `now`: UPCOMING (one per run, with
 * catch-up), DUE_TODAY, GRACE_LAST_DAY, OVERDUE (cadence days only: a missed repeat is not caught
 * up) and CREDIT_REPORT_WARNING, each only if not handled yet. Nothing outside the send window,
 * nothing for a paid or closed installment. Channels are those actually used.
 * @example planReminders(dueIn7Days, borrower, '2026-12-03T09:00:00+08:00', config) // [{ kind: 'UPCOMING', occurrence: '2026-12-10#7', … }]
 */
export const planReminders: NotificationPlanner = onPlanningDay((inst, borrower, today, config) => {
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
  if (isGraceLastDayPending(inst) && inst.graceEndsOn === today) {
    out.push(candidate(inst, 'GRACE_LAST_DAY', today, notificationChannels.GRACE_LAST_DAY, borrower));
  }
  if (isOverdueNoticeDay(inst, today, config)) {
    const occurrence = `${inst.dueDate}#${dpdOn(inst, today)}`;
    out.push(candidate(inst, 'OVERDUE', occurrence, notificationChannels.OVERDUE, borrower));
  }
  if (isCreditWarningDay(inst, today, config)) {
    const channels = notificationChannels.CREDIT_REPORT_WARNING;
    out.push(candidate(inst, 'CREDIT_REPORT_WARNING', inst.dueDate, channels, borrower));
  }
  return out;
});

/**
 * The failed-debits run's DEBIT_FAILED candidate for one installment at `now`: `#hard` when a hard
 * notice is pending (it supersedes a pending `#first`), else `#first` when pending; only inside the
 * send window and while the installment is unpaid and neither PAID, WRITTEN_OFF nor RESTRUCTURED.
 * @example planFailedDebitNotices(failedSoft, borrower, '2026-12-10T10:00:00+08:00', config) // [{ occurrence: '2026-12-10#first', declineReason: 'INSUFFICIENT_FUNDS', … }]
 */
export const planFailedDebitNotices: NotificationPlanner = onPlanningDay((inst, borrower, _today, config) => {
  const channels = config.notificationChannels.DEBIT_FAILED;
  const reason = inst.debit.lastFailureReason ?? undefined;
  if (hardNoticeDue(inst)) {
    // The latest failure may be a soft one after the hard decline: the notice is about the hard one.
    const hard = isHardReason(reason) ? reason : undefined;
    return [candidate(inst, 'DEBIT_FAILED', `${inst.dueDate}#hard`, channels, borrower, hard)];
  }
  if (firstNoticeDue(inst)) {
    return [candidate(inst, 'DEBIT_FAILED', `${inst.dueDate}#first`, channels, borrower, reason)];
  }
  return [];
});

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
