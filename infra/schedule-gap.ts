/**
 * How long a job may stay silent between two scheduled runs, from its EventBridge Scheduler cron
 * expressions: the "job did not run" alarm watches a window slightly longer than that.
 */

const MINUTES_PER_DAY = 24 * 60;
/** CloudWatch evaluates alarms with hourly periods over at most 7 days. */
export const MAX_SILENCE_MINUTES = 7 * MINUTES_PER_DAY;

/** Expands one cron field (`*`, `n`, `a-b`, lists, `/step`) over `min..max`; null if not understood. */
function expandField(field: string, min: number, max: number): number[] | null {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
    if (!match) return null;
    const [, start, end, step] = match;
    const from = start === '*' ? min : Number(start);
    const to = end !== undefined ? Number(end) : start === '*' || step !== undefined ? max : from;
    const by = step !== undefined ? Number(step) : 1;
    if (from < min || to > max || from > to || by < 1) return null;
    for (let v = from; v <= to; v += by) values.add(v);
  }
  return [...values];
}

const EVERY = new Set(['*', '?']);

/**
 * Minutes after midnight at which a daily cron fires, or null when the expression is not daily
 * (a day-of-month, month, weekday or year restriction, or a syntax this helper does not read).
 */
export function dailyFireMinutes(expression: string): number[] | null {
  const inner = /^cron\((.+)\)$/.exec(expression.trim())?.[1];
  const fields = inner?.trim().split(/\s+/);
  if (fields?.length !== 6) return null;
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (![dayOfMonth, month, dayOfWeek, year].every((f) => EVERY.has(f))) return null;
  const minutes = expandField(minute, 0, 59);
  const hours = expandField(hour, 0, 23);
  if (!minutes || !hours) return null;
  return hours.flatMap((h) => minutes.map((m) => h * 60 + m));
}

/**
 * The longest gap, in minutes, between consecutive fire times of all `expressions` together.
 * Daily schedules give their exact longest gap; anything else is bounded by a week.
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
