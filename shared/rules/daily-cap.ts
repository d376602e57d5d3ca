/**
 * The daily cap (RULES.md section 6): at most `maxNotificationsPerBorrowerPerDay` notifications sent
 * per borrower per day. Within one run candidates are ranked CREDIT_REPORT_WARNING > OVERDUE >
 * DEBIT_FAILED > GRACE_LAST_DAY > DUE_TODAY > UPCOMING, then earliest `dueDate`, `loanId`, `seq`.
 */
import type { Config } from '../config/schema';
import { compareSeq } from './installment';
import type { NotificationCandidate } from './notifications';
import { NOTIFICATION_KINDS, type NotificationKind } from './types';

/** What a run does with a candidate: send it, or record it skipped (final, except noted). */
export type NotificationOutcome = 'SEND' | 'SKIP_CAP' | 'SKIP_UNREACHABLE';

const KIND_RANK = new Map<NotificationKind, number>(NOTIFICATION_KINDS.map((k, i) => [k, i]));

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The cap order: kind, then earliest `dueDate`, `loanId`, `seq` (numeric part by part), then
 * occurrence so the order is total. Returns a new array.
 * @example rankCandidates([upcomingL1, overdueL2]).map((c) => c.kind) // ['OVERDUE', 'UPCOMING']
 */
export function rankCandidates(c: NotificationCandidate[]): NotificationCandidate[] {
  return [...c].sort(
    (a, b) =>
      (KIND_RANK.get(a.kind) ?? 0) - (KIND_RANK.get(b.kind) ?? 0) ||
      compareText(a.dueDate, b.dueDate) ||
      compareText(a.loanId, b.loanId) ||
      compareSeq(a.seq, b.seq) ||
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
