/**
 * EventBridge Scheduler cron evaluation, for the simulator's job fire times.
 *
 * Same signature as `fireTimesBetween` of `shared/config/cron.ts`; implemented here until that
 * module lands. Supports `*`, `?`, numbers, names (JAN-DEC, SUN-SAT), ranges, steps and lists;
 * not `L`, `W` or `#` (they throw).
 */
import { Temporal } from 'temporal-polyfill';
import { addDays, localDateOf, toInstant } from '../../../shared/rules/calendar';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export class CronExpressionError extends Error {
  override name = 'CronExpressionError';
}

function parseField(
  text: string,
  min: number,
  max: number,
  names: string[] = [],
  nameBase = 1,
): Set<number> | null {
  if (text === '*' || text === '?') return null;
  const value = (s: string): number => {
    const named = names.indexOf(s.toUpperCase());
    const n = named >= 0 ? named + nameBase : Number(s);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new CronExpressionError(`"${s}" is not in ${min}..${max}`);
    return n;
  };
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new CronExpressionError(`bad step in "${part}"`);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [min, max];
    else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      [from, to] = [value(a), value(b)];
    } else {
      from = value(range);
      to = stepText === undefined ? from : max;
    }
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
}

/**
 * Every instant in `[fromInstant, toInstant)` at which `cron(min hour dom month dow year)` fires in
 * `timeZone`, oldest first, as ISO-8601 with the local offset.
 */
export function fireTimesBetween(
  expr: string,
  timeZone: string,
  fromInstant: string,
  toInstant_: string,
): string[] {
  const match = /^cron\((.*)\)$/.exec(expr.trim());
  const fields = match?.[1]?.trim().split(/\s+/) ?? [];
  if (fields.length !== 6)
    throw new CronExpressionError(`${expr}: expected cron(min hour dom month dow year)`);
  if (fields.some((f) => /[LW#]/.test(f)))
    throw new CronExpressionError(`${expr}: L, W and # are not supported`);
  const [mi = '', ho = '', dom = '', mon = '', dow = '', yr = ''] = fields;
  const minutes = parseField(mi, 0, 59) ?? new Set(Array.from({ length: 60 }, (_, i) => i));
  const hours = parseField(ho, 0, 23) ?? new Set(Array.from({ length: 24 }, (_, i) => i));
  const daysOfMonth = parseField(dom, 1, 31);
  const months = parseField(mon, 1, 12, MONTHS);
  const daysOfWeek = parseField(dow, 1, 7, DAYS);
  const years = parseField(yr, 1970, 2199);
  const fromMs = Date.parse(fromInstant);
  const toMs = Date.parse(toInstant_);
  const out: string[] = [];
  const lastDay = localDateOf(toInstant_, timeZone);
  for (let day = localDateOf(fromInstant, timeZone); day <= lastDay; day = addDays(day, 1)) {
    const d = Temporal.PlainDate.from(day);
    if (years && !years.has(d.year)) continue;
    if (months && !months.has(d.month)) continue;
    if (daysOfMonth && !daysOfMonth.has(d.day)) continue;
    if (daysOfWeek && !daysOfWeek.has((d.dayOfWeek % 7) + 1)) continue; // Temporal: Mon=1..Sun=7; cron: SUN=1
    for (const h of [...hours].sort((a, b) => a - b)) {
      for (const m of [...minutes].sort((a, b) => a - b)) {
        const hhmm = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
        const instant = toInstant(`${day}T${hhmm}`, timeZone);
        const ms = Date.parse(instant);
        if (ms >= fromMs && ms < toMs) out.push(instant);
      }
    }
  }
  return out;
}
