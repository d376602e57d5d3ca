/**
 * EventBridge Scheduler cron expressions, `cron(minutes hours day-of-month month day-of-week year)`,
 * parsed and evaluated in a local time zone.
 *
 * Syntax (as the Scheduler documents it): `,` `-` `*` everywhere; `/` in minutes, hours,
 * day-of-month, month and year; `?` in exactly one of day-of-month / day-of-week; `L`, `nW`, `LW` in
 * day-of-month; `L` (Saturday), `nL` (last weekday n of the month) and `n#k` (k-th weekday n) in
 * day-of-week. Names JAN-DEC and SUN-SAT (any case); day-of-week 1-7 = SUN-SAT; year 1970-2199.
 * `L`, `W` and `#` stand alone in their field (no lists or ranges around them).
 *
 * Daylight-saving time, as EventBridge Scheduler does it: a local time that does not exist (the
 * spring-forward gap) is skipped that day; a local time that exists twice (fall back) fires once,
 * at its first occurrence.
 */
import { Temporal } from 'temporal-polyfill';

export const MIN_YEAR = 1970;
export const MAX_YEAR = 2199;

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Which days of a month the day-of-month field selects. */
export type DayOfMonthRule =
  | { kind: 'days'; days: readonly number[] }
  | { kind: 'last' }
  | { kind: 'lastWeekday' }
  | { kind: 'nearestWeekday'; day: number };

/** Which days the day-of-week field selects (`day` is 1-7 = SUN-SAT). */
export type DayOfWeekRule =
  | { kind: 'days'; days: readonly number[] }
  | { kind: 'lastOfMonth'; day: number }
  | { kind: 'nth'; day: number; nth: number };

/** A parsed cron expression: each field expanded to sorted values; `null` day rule = `?`. */
export interface ParsedCron {
  expression: string;
  minutes: readonly number[];
  hours: readonly number[];
  dayOfMonth: DayOfMonthRule | null;
  months: readonly number[];
  dayOfWeek: DayOfWeekRule | null;
  years: readonly number[];
}

export type CronParseResult = { ok: true; cron: ParsedCron } | { ok: false; message: string };

/** Thrown by the evaluators when given an expression `parseCron` rejects. */
export class CronExpressionError extends Error {
  override name = 'CronExpressionError';
}

class FieldError extends Error {}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  step: boolean;
}

const FIELDS = {
  minutes: { name: 'minutes', min: 0, max: 59, step: true },
  hours: { name: 'hours', min: 0, max: 23, step: true },
  dayOfMonth: { name: 'day-of-month', min: 1, max: 31, step: true },
  month: { name: 'month', min: 1, max: 12, names: MONTH_NAMES, step: true },
  dayOfWeek: { name: 'day-of-week', min: 1, max: 7, names: DAY_NAMES, step: false },
  year: { name: 'year', min: MIN_YEAR, max: MAX_YEAR, step: true },
} satisfies Record<string, FieldSpec>;

function fieldValue(text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^\d+$/.test(text)) {
    const names = spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : '';
    throw new FieldError(`"${text}" is not a number${names}`);
  }
  const n = Number(text);
  if (n < spec.min || n > spec.max) throw new FieldError(`${n} is outside ${spec.min}-${spec.max}`);
  return n;
}

/** Expands a list field (`*`, `a`, `a-b`, `a/s`, `a-b/s`, `*\/s`, comma-joined) to sorted values. */
function expandList(text: string, spec: FieldSpec): number[] {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    if (part === '') throw new FieldError('empty list item');
    const [range = '', stepText, extra] = part.split('/');
    if (extra !== undefined) throw new FieldError(`"${part}" has more than one "/"`);
    let step = 1;
    if (stepText !== undefined) {
      if (!spec.step) throw new FieldError('"/" is not allowed here');
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1)
        throw new FieldError(`"${stepText}" is not a positive step`);
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [spec.min, spec.max];
    else if (range.includes('-')) {
      const [a = '', b = '', more] = range.split('-');
      if (more !== undefined) throw new FieldError(`"${range}" is not a range`);
      [from, to] = [fieldValue(a, spec), fieldValue(b, spec)];
      // Wrap-around ranges (FRI-MON) are not documented for the Scheduler: refuse rather than guess.
      if (from > to) throw new FieldError(`range "${range}" runs backwards`);
    } else {
      from = fieldValue(range, spec);
      to = stepText === undefined ? from : spec.max; // `5/15` = from 5 every 15 to the end
    }
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

function parseDayOfMonth(text: string): DayOfMonthRule | null {
  if (text === '?') return null;
  const upper = text.toUpperCase();
  if (upper === 'L') return { kind: 'last' };
  if (upper === 'LW') return { kind: 'lastWeekday' };
  const weekday = /^(\d+)W$/.exec(upper);
  if (weekday) return { kind: 'nearestWeekday', day: fieldValue(weekday[1] ?? '', FIELDS.dayOfMonth) };
  if (/[LW#]/.test(upper)) throw new FieldError(`"${text}": L and W stand alone (L, LW, 15W)`);
  return { kind: 'days', days: expandList(text, FIELDS.dayOfMonth) };
}

function parseDayOfWeek(text: string): DayOfWeekRule | null {
  if (text === '?') return null;
  const upper = text.toUpperCase();
  if (upper === 'L') return { kind: 'days', days: [7] }; // the last day of the week: Saturday
  const last = /^(\w+?)L$/.exec(upper);
  if (last) return { kind: 'lastOfMonth', day: fieldValue(last[1] ?? '', FIELDS.dayOfWeek) };
  const nth = /^(\w+)#(\d+)$/.exec(upper);
  if (nth) {
    const k = Number(nth[2]);
    if (k < 1 || k > 5) throw new FieldError(`"${text}": the week number after # must be 1-5`);
    return { kind: 'nth', day: fieldValue(nth[1] ?? '', FIELDS.dayOfWeek), nth: k };
  }
  if (upper.includes('#')) throw new FieldError(`"${text}": # takes one weekday and one week number (3#2)`);
  return { kind: 'days', days: expandList(text, FIELDS.dayOfWeek) };
}

/**
 * Parses an EventBridge Scheduler cron expression.
 *
 * @example parseCron('cron(0 10,16 * * ? *)') // { ok: true, cron: { minutes: [0], hours: [10, 16], ... } }
 * @example parseCron('rate(1 day)') // { ok: false, message: 'rate() expressions are not supported: ...' }
 */
export function parseCron(expr: string): CronParseResult {
  const trimmed = expr.trim();
  const kind = /^(rate|at)\(/i.exec(trimmed)?.[1];
  if (kind)
    return {
      ok: false,
      message: `${kind.toLowerCase()}() expressions are not supported: expected cron(minutes hours day-of-month month day-of-week year)`,
    };
  const inner = /^cron\((.*)\)$/.exec(trimmed)?.[1];
  if (inner === undefined)
    return { ok: false, message: 'expected cron(minutes hours day-of-month month day-of-week year)' };
  const fields = inner.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 6)
    return {
      ok: false,
      message: `expected 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`,
    };
  const [mi = '', ho = '', dom = '', mon = '', dow = '', yr = ''] = fields;
  if ((dom === '?') === (dow === '?'))
    return { ok: false, message: 'exactly one of day-of-month and day-of-week must be "?"' };
  const field = <T>(spec: FieldSpec, parse: () => T): T => {
    try {
      return parse();
    } catch (error) {
      throw error instanceof FieldError ? new FieldError(`${spec.name}: ${error.message}`) : error;
    }
  };
  try {
    const cron: ParsedCron = {
      expression: trimmed,
      minutes: field(FIELDS.minutes, () => expandList(mi, FIELDS.minutes)),
      hours: field(FIELDS.hours, () => expandList(ho, FIELDS.hours)),
      dayOfMonth: field(FIELDS.dayOfMonth, () => parseDayOfMonth(dom)),
      months: field(FIELDS.month, () => expandList(mon, FIELDS.month)),
      dayOfWeek: field(FIELDS.dayOfWeek, () => parseDayOfWeek(dow)),
      years: field(FIELDS.year, () => expandList(yr, FIELDS.year)),
    };
    return { ok: true, cron };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, message: error.message };
    throw error;
  }
}

function parseOrThrow(expr: string | ParsedCron): ParsedCron {
  if (typeof expr !== 'string') return expr;
  const parsed = parseCron(expr);
  if (!parsed.ok) throw new CronExpressionError(`${expr}: ${parsed.message}`);
  return parsed.cron;
}

/** The local minutes-of-day (0..1439) at which `cron` can fire, ascending. */
export function minutesOfDay(cron: ParsedCron): number[] {
  return cron.hours.flatMap((h) => cron.minutes.map((m) => h * 60 + m));
}

// Plain-number calendar arithmetic: evaluating day by day must stay cheap over long spans.
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeap(y) ? 29 : (DAYS_IN_MONTH[m - 1] ?? 31);
}
/** Day of week, 1-7 = SUN-SAT (cron numbering). */
function cronWeekday(y: number, m: number, d: number): number {
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() % 7) + 1;
}

/** The days of month `m` of year `y` the day fields select, ascending. */
function matchingDaysOfMonth(cron: ParsedCron, y: number, m: number): number[] {
  const dim = daysInMonth(y, m);
  const dom = cron.dayOfMonth;
  if (dom) {
    switch (dom.kind) {
      case 'days':
        return dom.days.filter((d) => d <= dim);
      case 'last':
        return [dim];
      case 'lastWeekday': {
        const wd = cronWeekday(y, m, dim);
        return [wd === 7 ? dim - 1 : wd === 1 ? dim - 2 : dim];
      }
      case 'nearestWeekday': {
        // Quartz semantics: the weekday nearest to the day, never leaving the month; no such day, no fire.
        if (dom.day > dim) return [];
        const wd = cronWeekday(y, m, dom.day);
        if (wd === 7) return [dom.day === 1 ? 3 : dom.day - 1];
        if (wd === 1) return [dom.day === dim ? dom.day - 2 : dom.day + 1];
        return [dom.day];
      }
    }
  }
  const dow = cron.dayOfWeek;
  if (!dow) return []; // unreachable: parseCron requires one of the two
  const out: number[] = [];
  const first = cronWeekday(y, m, 1);
  for (let d = 1; d <= dim; d++) {
    const wd = ((first - 1 + d - 1) % 7) + 1;
    if (dow.kind === 'days' ? !dow.days.includes(wd) : wd !== dow.day) continue;
    if (dow.kind === 'lastOfMonth' && d + 7 <= dim) continue;
    if (dow.kind === 'nth' && Math.ceil(d / 7) !== dow.nth) continue;
    out.push(d);
  }
  return out;
}

interface Ymd {
  y: number;
  m: number;
  d: number;
}

/** Matching local dates from `start` on (inclusive), ascending; skips whole months and years. */
function* matchingDates(cron: ParsedCron, start: Ymd): Generator<Ymd> {
  const years = new Set(cron.years);
  const months = new Set(cron.months);
  let { y, m, d } = start;
  while (y <= MAX_YEAR) {
    if (!years.has(y)) {
      [y, m, d] = [y + 1, 1, 1];
      continue;
    }
    if (months.has(m)) {
      for (const day of matchingDaysOfMonth(cron, y, m)) if (day >= d) yield { y, m, d: day };
    }
    [m, d] = [m + 1, 1];
    if (m > 12) [y, m] = [y + 1, 1];
  }
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

interface Fire {
  epochMs: number;
  iso: string;
}

/**
 * The instants at which the local times `minutes` happen on local date `day` in `timeZone`,
 * ascending. Times in a DST gap are skipped; a repeated time fires once, at its first occurrence.
 */
function firesOnDay(day: Ymd, minutes: readonly number[], timeZone: string): Fire[] {
  const date = `${day.y}-${pad(day.m)}-${pad(day.d)}`;
  const start = Temporal.PlainDate.from(date).toZonedDateTime({ timeZone });
  const next = start.add({ days: 1 });
  const out: Fire[] = [];
  if (start.hour === 0 && start.minute === 0 && start.hoursInDay === 24 && start.offset === next.offset) {
    // No offset change this day: plain arithmetic from local midnight.
    const base = start.epochMilliseconds;
    for (const m of minutes)
      out.push({
        epochMs: base + m * 60_000,
        iso: `${date}T${pad(Math.floor(m / 60))}:${pad(m % 60)}:00${start.offset}`,
      });
    return out;
  }
  for (const m of minutes) {
    const wall = Temporal.PlainDateTime.from(`${date}T${pad(Math.floor(m / 60))}:${pad(m % 60)}`);
    const zoned = wall.toZonedDateTime(timeZone, { disambiguation: 'earlier' });
    if (zoned.hour * 60 + zoned.minute !== m) continue; // in the spring-forward gap: skipped
    out.push({
      epochMs: zoned.epochMilliseconds,
      iso: zoned.toString({ timeZoneName: 'never', smallestUnit: 'second' }),
    });
  }
  return out.sort((a, b) => a.epochMs - b.epochMs);
}

function localYmd(instant: Temporal.Instant, timeZone: string): Ymd {
  const z = instant.toZonedDateTimeISO(timeZone);
  return { y: z.year, m: z.month, d: z.day };
}

function instantOf(text: string, what: string): Temporal.Instant {
  try {
    return Temporal.Instant.from(text);
  } catch {
    throw new CronExpressionError(`${what} "${text}" is not an ISO-8601 instant with an offset`);
  }
}

/**
 * The next `count` fire times of `expr` in `timeZone` strictly after `afterInstant`, as ISO-8601
 * instants with the local offset; fewer when the expression stops firing (year 2199 at the latest).
 *
 * @example nextFireTimes('cron(0 9 * * ? *)', 'Asia/Shanghai', '2026-12-01T09:00:00+08:00', 2)
 * // ['2026-12-02T09:00:00+08:00', '2026-12-03T09:00:00+08:00']
 * @throws CronExpressionError when the expression or the instant is malformed
 */
export function nextFireTimes(
  expr: string | ParsedCron,
  timeZone: string,
  afterInstant: string,
  count: number,
): string[] {
  const cron = parseOrThrow(expr);
  const after = instantOf(afterInstant, 'afterInstant').epochMilliseconds;
  const minutes = minutesOfDay(cron);
  const out: string[] = [];
  if (count <= 0) return out;
  for (const day of matchingDates(cron, localYmd(Temporal.Instant.fromEpochMilliseconds(after), timeZone))) {
    for (const fire of firesOnDay(day, minutes, timeZone)) {
      if (fire.epochMs <= after) continue;
      out.push(fire.iso);
      if (out.length === count) return out;
    }
  }
  return out;
}

/**
 * Every fire time of `expr` in `timeZone` within `[fromInstant, toInstant)`, oldest first, as
 * ISO-8601 instants with the local offset. Walks matching days, not minutes.
 *
 * @example fireTimesBetween('cron(0 10,16 * * ? *)', 'Asia/Shanghai', '2026-12-01T00:00:00+08:00', '2026-12-02T00:00:00+08:00')
 * // ['2026-12-01T10:00:00+08:00', '2026-12-01T16:00:00+08:00']
 * @throws CronExpressionError when the expression or an instant is malformed
 */
export function fireTimesBetween(
  expr: string | ParsedCron,
  timeZone: string,
  fromInstant: string,
  toInstant: string,
): string[] {
  const cron = parseOrThrow(expr);
  const from = instantOf(fromInstant, 'fromInstant');
  const to = instantOf(toInstant, 'toInstant');
  const fromMs = from.epochMilliseconds;
  const toMs = to.epochMilliseconds;
  const out: string[] = [];
  if (toMs <= fromMs) return out;
  const last = localYmd(to, timeZone);
  const lastKey = last.y * 10_000 + last.m * 100 + last.d;
  const minutes = minutesOfDay(cron);
  for (const day of matchingDates(cron, localYmd(from, timeZone))) {
    if (day.y * 10_000 + day.m * 100 + day.d > lastKey) break;
    for (const fire of firesOnDay(day, minutes, timeZone))
      if (fire.epochMs >= fromMs && fire.epochMs < toMs) out.push(fire.iso);
  }
  return out;
}
