/**
 * How long a job may stay silent between two scheduled runs, from its EventBridge Scheduler cron
 * expressions (read by the one cron evaluator, `shared/config/cron.ts`): the "job did not run" alarm
 * watches a window slightly longer than that.
 */
import { MAX_YEAR, MIN_YEAR, minutesOfDay, type ParsedCron, parseCron } from '../shared/config/cron';

const MINUTES_PER_DAY = 24 * 60;
/** CloudWatch evaluates alarms with hourly periods over at most 7 days. */
export const MAX_SILENCE_MINUTES = 7 * MINUTES_PER_DAY;

/** True when the cron fires on every day: no day-of-month, month, day-of-week or year restriction. */
function firesEveryDay(cron: ParsedCron): boolean {
  const { dayOfMonth, dayOfWeek } = cron;
  const everyDay =
    (dayOfMonth?.kind === 'days' && dayOfMonth.days.length === 31 && dayOfWeek === null) ||
    (dayOfWeek?.kind === 'days' && dayOfWeek.days.length === 7 && dayOfMonth === null);
  return everyDay && cron.months.length === 12 && cron.years.length === MAX_YEAR - MIN_YEAR + 1;
}

/**
 * Minutes after midnight at which a daily cron fires, ascending, or null when the expression is not
 * daily (a day-of-month, month, weekday or year restriction) or not a valid cron.
 * @example dailyFireMinutes('cron(0 10,16 * * ? *)') // [600, 960]
 */
export function dailyFireMinutes(expression: string): number[] | null {
  const parsed = parseCron(expression);
  if (!parsed.ok || !firesEveryDay(parsed.cron)) return null;
  return minutesOfDay(parsed.cron);
}

/**
 * The longest gap, in minutes, between consecutive fire times of all `expressions` together.
 * Daily schedules give their exact longest gap; anything else is bounded by a week.
 * @example longestSilenceMinutes(['cron(0 10 * * ? *)', 'cron(0 16 * * ? *)']) // 1080
 */
export function longestSilenceMinutes(expressions: readonly string[]): number {
  const times: number[] = [];
  for (const expression of expressions) {
    const daily = dailyFireMinutes(expression);
    if (!daily) return MAX_SILENCE_MINUTES;
    times.push(...daily);
  }
  const sorted = [...new Set(times)].sort((a, b) => a - b);
  if (sorted.length === 0) return MAX_SILENCE_MINUTES;
  let longest = 0;
  for (let i = 0; i < sorted.length; i++) {
    const next = i + 1 < sorted.length ? (sorted[i + 1] as number) : (sorted[0] as number) + MINUTES_PER_DAY;
    longest = Math.max(longest, next - (sorted[i] as number));
  }
  return longest;
}
