import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  CronExpressionError,
  fireTimesBetween,
  minutesOfDay,
  nextFireTimes,
  parseCron,
} from '../../shared/config/cron';

/** The local dates (YYYY-MM-DD) of the next `count` fires at midnight UTC. */
const utcDates = (expr: string, after: string, count: number): string[] =>
  nextFireTimes(expr, 'UTC', after, count).map((iso) => iso.slice(0, 10));

const parsed = (expr: string) => {
  const result = parseCron(expr);
  if (!result.ok) throw new Error(result.message);
  return result.cron;
};

describe('parseCron', () => {
  it.each([
    ['cron(30 0 * * ? *)', [30]],
    ['cron(0 10,16 * * ? *)', [600, 960]],
    ['cron(0/20 8-9 * * ? *)', [480, 500, 520, 540, 560, 580]],
    ['cron(5/15 9 * * ? *)', [545, 560, 575, 590]],
    ['cron(*/30 8,20 ? * MON-FRI *)', [480, 510, 1200, 1230]],
    ['cron(0 9-17/4 1 JAN ? 2030)', [540, 780, 1020]],
    ['cron(59 23 L * ? *)', [1439]],
  ])('reads the minutes of day of %s', (expr, minutes) => {
    // Prepare / Act
    const result = minutesOfDay(parsed(expr));
    // Assess
    expect(result).toEqual(minutes);
  });

  it('reads names in any case, ranges, lists and steps in month, day-of-week and year', () => {
    // Prepare / Act
    const cron = parsed('cron(0 9 ? jan,Mar-MAY,11/1 mon-wed,FRI 2030-2040/5)');
    // Assess
    expect(cron.months).toEqual([1, 3, 4, 5, 11, 12]);
    expect(cron.dayOfWeek).toEqual({ kind: 'days', days: [2, 3, 4, 6] });
    expect(cron.dayOfMonth).toBeNull();
    expect(cron.years).toEqual([2030, 2035, 2040]);
  });

  it('reads the special day forms: L, LW, 15W in day-of-month; L, 5L, 3#2 in day-of-week', () => {
    expect(parsed('cron(0 0 L * ? *)').dayOfMonth).toEqual({ kind: 'last' });
    expect(parsed('cron(0 0 LW * ? *)').dayOfMonth).toEqual({ kind: 'lastWeekday' });
    expect(parsed('cron(0 0 15W * ? *)').dayOfMonth).toEqual({ kind: 'nearestWeekday', day: 15 });
    expect(parsed('cron(0 0 ? * L *)').dayOfWeek).toEqual({ kind: 'days', days: [7] });
    expect(parsed('cron(0 0 ? * 5L *)').dayOfWeek).toEqual({ kind: 'lastOfMonth', day: 5 });
    expect(parsed('cron(0 0 ? * 3#2 *)').dayOfWeek).toEqual({ kind: 'nth', day: 3, nth: 2 });
    expect(parsed('cron(0 0 ? * TUE#1 *)').dayOfWeek).toEqual({ kind: 'nth', day: 3, nth: 1 });
  });

  it.each([
    ['rate(5 minutes)', /rate\(\) expressions are not supported/],
    ['at(2026-12-01T09:00:00)', /at\(\) expressions are not supported/],
    ['0 9 * * ? *', /expected cron\(minutes hours/],
    ['cron()', /expected 6 fields/],
    ['cron(0 9 * * ?)', /expected 6 fields.*got 5/],
    ['cron(0 9 * * ? * *)', /got 7/],
    ['cron(0 9 * * * *)', /exactly one of day-of-month and day-of-week must be "\?"/],
    ['cron(0 9 ? * ? *)', /exactly one of day-of-month and day-of-week/],
    ['cron(60 9 * * ? *)', /^minutes: 60 is outside 0-59/],
    ['cron(0 24 * * ? *)', /^hours: 24 is outside 0-23/],
    ['cron(0 9 0 * ? *)', /^day-of-month: 0 is outside 1-31/],
    ['cron(0 9 32 * ? *)', /^day-of-month: 32 is outside/],
    ['cron(0 9 * 13 ? *)', /^month: 13 is outside 1-12/],
    ['cron(0 9 * FOO ? *)', /^month: "FOO" is not a number or JAN-DEC/],
    ['cron(0 9 ? * 8 *)', /^day-of-week: 8 is outside 1-7/],
    ['cron(0 9 * * ? 1969)', /^year: 1969 is outside 1970-2199/],
    ['cron(0 9 * * ? 2200)', /^year: 2200 is outside/],
    ['cron(0 9 ? * FRI-MON *)', /^day-of-week: range "FRI-MON" runs backwards/],
    ['cron(0 9 ? * 1/2 *)', /^day-of-week: "\/" is not allowed here/],
    ['cron(0/0 9 * * ? *)', /^minutes: "0" is not a positive step/],
    ['cron(*/x 9 * * ? *)', /^minutes: "x" is not a positive step/],
    ['cron(0 9 ? * 3#6 *)', /^day-of-week: .*must be 1-5/],
    ['cron(0 9 ? * 3#1,6#3 *)', /^day-of-week: .*# takes one weekday/],
    ['cron(0 9 L,15 * ? *)', /^day-of-month: .*L and W stand alone/],
    ['cron(0 9 15W-20 * ? *)', /^day-of-month: .*L and W stand alone/],
    ['cron(0 9 1,,2 * ? *)', /^day-of-month: empty list item/],
    ['cron(0 9 1-2-3 * ? *)', /is not a range/],
  ])('rejects %s with a clear message', (expr, message) => {
    // Act
    const result = parseCron(expr);
    // Assess
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('makes the evaluators throw a CronExpressionError naming the expression', () => {
    expect(() => nextFireTimes('cron(0 9 * * * *)', 'UTC', '2026-01-01T00:00:00Z', 1)).toThrow(
      CronExpressionError,
    );
    expect(() =>
      fireTimesBetween('rate(1 day)', 'UTC', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'),
    ).toThrow(/rate\(1 day\): rate\(\)/);
    expect(() => nextFireTimes('cron(0 9 * * ? *)', 'UTC', '2026-01-01T00:00', 1)).toThrow(/afterInstant/);
  });
});

describe('nextFireTimes', () => {
  it('returns fire times strictly after the instant, with the local offset', () => {
    // Act
    const result = nextFireTimes('cron(0 9 * * ? *)', 'Asia/Shanghai', '2026-12-01T09:00:00+08:00', 2);
    // Assess
    expect(result).toEqual(['2026-12-02T09:00:00+08:00', '2026-12-03T09:00:00+08:00']);
  });

  it('converts from the instant to the local day first (00:30 local is 16:30 UTC the day before)', () => {
    expect(nextFireTimes('cron(30 0 * * ? *)', 'Asia/Shanghai', '2026-12-01T16:29:00Z', 1)).toEqual([
      '2026-12-02T00:30:00+08:00',
    ]);
  });

  it.each([
    [
      'weekdays by name range',
      'cron(0 0 ? * MON-FRI *)',
      '2026-12-04T00:00:00Z',
      3,
      ['2026-12-07', '2026-12-08', '2026-12-09'],
    ],
    ['day-of-week 1 is Sunday', 'cron(0 0 ? * 1 *)', '2026-12-01T00:00:00Z', 2, ['2026-12-06', '2026-12-13']],
    [
      'L in day-of-week is Saturday',
      'cron(0 0 ? * L *)',
      '2026-12-01T00:00:00Z',
      2,
      ['2026-12-05', '2026-12-12'],
    ],
    ['month names', 'cron(0 0 1 JAN,JUL ? *)', '2026-02-01T00:00:00Z', 2, ['2026-07-01', '2027-01-01']],
    [
      'day 31 skips 30-day months',
      'cron(0 0 31 * ? *)',
      '2026-04-01T00:00:00Z',
      3,
      ['2026-05-31', '2026-07-31', '2026-08-31'],
    ],
    [
      'L: month ends, 29 Feb in a leap year',
      'cron(0 0 L * ? *)',
      '2028-01-31T00:00:00Z',
      3,
      ['2028-02-29', '2028-03-31', '2028-04-30'],
    ],
    [
      'L: 28 Feb in a common year',
      'cron(0 0 L 2 ? *)',
      '2027-01-01T00:00:00Z',
      2,
      ['2027-02-28', '2028-02-29'],
    ],
    [
      '29 Feb only in leap years, 2100 is not one',
      'cron(0 0 29 2 ? *)',
      '2096-03-01T00:00:00Z',
      1,
      ['2104-02-29'],
    ],
    ['L in February 2100', 'cron(0 0 L 2 ? 2100)', '2026-01-01T00:00:00Z', 2, ['2100-02-28']],
    [
      '15W: Sunday the 15th moves to Monday, Saturday to Friday',
      'cron(0 0 15W 2,8 ? 2026)',
      '2026-01-01T00:00:00Z',
      3,
      ['2026-02-16', '2026-08-14'],
    ],
    [
      '1W: Saturday the 1st moves to Monday the 3rd (stays in the month)',
      'cron(0 0 1W 8 ? 2026)',
      '2026-01-01T00:00:00Z',
      1,
      ['2026-08-03'],
    ],
    [
      '31W: Sunday the 31st moves to Friday the 29th',
      'cron(0 0 31W 5 ? 2026)',
      '2026-01-01T00:00:00Z',
      1,
      ['2026-05-29'],
    ],
    [
      '31W does not fire in a month without a 31st',
      'cron(0 0 31W 4,5 ? 2026)',
      '2026-01-01T00:00:00Z',
      2,
      ['2026-05-29'],
    ],
    [
      'LW: last weekday (Sat 31, Sat 28, Tue 31, Sun 31)',
      'cron(0 0 LW 1,2,3,5 ? 2026)',
      '2026-01-01T00:00:00Z',
      4,
      ['2026-01-30', '2026-02-27', '2026-03-31', '2026-05-29'],
    ],
    [
      '3#2: second Tuesday',
      'cron(0 0 ? * 3#2 *)',
      '2026-12-01T00:00:00Z',
      3,
      ['2026-12-08', '2027-01-12', '2027-02-09'],
    ],
    [
      '6#5: fifth Friday, only in months that have one',
      'cron(0 0 ? * 6#5 2027)',
      '2026-12-01T00:00:00Z',
      6,
      ['2027-01-29', '2027-04-30', '2027-07-30', '2027-10-29', '2027-12-31'],
    ],
    [
      '5L: last Thursday',
      'cron(0 0 ? * 5L *)',
      '2026-11-01T00:00:00Z',
      3,
      ['2026-11-26', '2026-12-31', '2027-01-28'],
    ],
    [
      'year range, then no more',
      'cron(0 0 1 1 ? 2030-2031)',
      '2026-06-01T00:00:00Z',
      3,
      ['2030-01-01', '2031-01-01'],
    ],
    [
      'year step',
      'cron(0 0 1 1 ? 2030/10)',
      '2026-06-01T00:00:00Z',
      3,
      ['2030-01-01', '2040-01-01', '2050-01-01'],
    ],
    ['past year: never', 'cron(0 0 * * ? 2020)', '2026-06-01T00:00:00Z', 3, []],
    ['30 February: never', 'cron(0 0 30 2 ? *)', '2026-06-01T00:00:00Z', 1, []],
  ])('%s', (_name, expr, after, count, dates) => {
    // Act
    const result = utcDates(expr, after, count);
    // Assess
    expect(result).toEqual(dates);
  });

  it('skips a local time in the spring-forward gap that day (New York, 8 March 2026)', () => {
    expect(nextFireTimes('cron(30 2 * * ? *)', 'America/New_York', '2026-03-07T12:00:00Z', 2)).toEqual([
      '2026-03-09T02:30:00-04:00',
      '2026-03-10T02:30:00-04:00',
    ]);
  });

  it('fires a repeated local time once, at its first occurrence (New York, 1 November 2026)', () => {
    expect(nextFireTimes('cron(30 1 * * ? *)', 'America/New_York', '2026-10-31T12:00:00Z', 2)).toEqual([
      '2026-11-01T01:30:00-04:00',
      '2026-11-02T01:30:00-05:00',
    ]);
  });

  it('keeps the other times of a DST day (Berlin, 29 March 2026: 02:00-02:59 do not exist)', () => {
    expect(
      fireTimesBetween(
        'cron(0 1-4 * * ? *)',
        'Europe/Berlin',
        '2026-03-29T00:00:00+01:00',
        '2026-03-30T00:00:00+02:00',
      ),
    ).toEqual(['2026-03-29T01:00:00+01:00', '2026-03-29T03:00:00+02:00', '2026-03-29T04:00:00+02:00']);
  });
});

describe('fireTimesBetween', () => {
  it('lists every fire in [from, to): from included, to excluded', () => {
    // Act
    const result = fireTimesBetween(
      'cron(0 10,16 * * ? *)',
      'Asia/Shanghai',
      '2026-12-01T10:00:00+08:00',
      '2026-12-02T16:00:00+08:00',
    );
    // Assess
    expect(result).toEqual([
      '2026-12-01T10:00:00+08:00',
      '2026-12-01T16:00:00+08:00',
      '2026-12-02T10:00:00+08:00',
    ]);
  });

  it('covers a 120-day span quickly, one fire per day for a daily job', () => {
    // Act
    const started = performance.now();
    const result = fireTimesBetween(
      'cron(30 0 * * ? *)',
      'Asia/Shanghai',
      '2026-12-01T00:00:00+08:00',
      '2027-03-31T00:00:00+08:00',
    );
    const ms = performance.now() - started;
    // Assess
    expect(result).toHaveLength(120);
    expect(result[0]).toBe('2026-12-01T00:30:00+08:00');
    expect(result.at(-1)).toBe('2027-03-30T00:30:00+08:00');
    expect(ms).toBeLessThan(500);
  });

  it('is empty when to is not after from', () => {
    expect(
      fireTimesBetween('cron(* * * * ? *)', 'UTC', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z'),
    ).toEqual([]);
  });
});

// ---- properties -------------------------------------------------------------------------------

const ZONES = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe'];
const DOW_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** A cron field with the set of values it means, built independently of the parser. */
interface Field {
  text: string;
  values: Set<number>;
}
const range = (a: number, b: number, step = 1): number[] => {
  const out: number[] = [];
  for (let n = a; n <= b; n += step) out.push(n);
  return out;
};
const listField = (min: number, max: number, maxItems: number): fc.Arbitrary<Field> =>
  fc.oneof(
    fc.constant({ text: '*', values: new Set(range(min, max)) }),
    fc
      .uniqueArray(fc.integer({ min, max }), { minLength: 1, maxLength: maxItems })
      .map((vs) => ({ text: vs.join(','), values: new Set(vs) })),
    fc
      .tuple(fc.integer({ min, max }), fc.integer({ min: 1, max: Math.max(1, Math.floor((max - min) / 2)) }))
      .map(([a, s]) => ({ text: `${a}/${s}`, values: new Set(range(a, max, s)) })),
    fc
      .tuple(fc.integer({ min, max }), fc.integer({ min, max }))
      .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const)
      .map(([a, b]) => ({ text: `${a}-${b}`, values: new Set(range(a, b)) })),
  );

/** The day rule as an independent predicate on a Temporal date. */
type DayRule = { text: string; dom: boolean; matches: (d: Temporal.PlainDate) => boolean };
const cronDow = (d: Temporal.PlainDate) => (d.dayOfWeek % 7) + 1;
const isWeekday = (d: Temporal.PlainDate) => d.dayOfWeek <= 5;
const nearestWeekdayTo = (d: Temporal.PlainDate, n: number): number | undefined => {
  if (n > d.daysInMonth) return undefined;
  const target = d.with({ day: n });
  const days = range(1, d.daysInMonth).filter((k) => isWeekday(d.with({ day: k })));
  return days.sort((a, b) => Math.abs(a - target.day) - Math.abs(b - target.day))[0];
};
const dayRule: fc.Arbitrary<DayRule> = fc.oneof(
  listField(1, 31, 4).map((f): DayRule => ({ text: f.text, dom: true, matches: (d) => f.values.has(d.day) })),
  fc.constant<DayRule>({ text: 'L', dom: true, matches: (d) => d.day === d.daysInMonth }),
  fc.constant<DayRule>({
    text: 'LW',
    dom: true,
    matches: (d) =>
      d.day === Math.max(...range(1, d.daysInMonth).filter((k) => isWeekday(d.with({ day: k })))),
  }),
  fc
    .integer({ min: 1, max: 31 })
    .map((n): DayRule => ({ text: `${n}W`, dom: true, matches: (d) => nearestWeekdayTo(d, n) === d.day })),
  fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 }).map(
    (vs): DayRule => ({
      text: vs.map((v) => DOW_NAMES[v - 1]).join(','),
      dom: false,
      matches: (d) => vs.includes(cronDow(d)),
    }),
  ),
  fc.constant<DayRule>({ text: 'MON-FRI', dom: false, matches: isWeekday }),
  fc.integer({ min: 1, max: 7 }).map(
    (w): DayRule => ({
      text: `${w}L`,
      dom: false,
      matches: (d) => cronDow(d) === w && d.day + 7 > d.daysInMonth,
    }),
  ),
  fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5 })).map(
    ([w, k]): DayRule => ({
      text: `${w}#${k}`,
      dom: false,
      matches: (d) => cronDow(d) === w && Math.ceil(d.day / 7) === k,
    }),
  ),
);

const cronCase = fc.record({
  minutes: listField(0, 59, 3),
  hours: listField(0, 23, 3),
  day: dayRule,
  months: fc.oneof(fc.constant({ text: '*', values: new Set(range(1, 12)) }), listField(1, 12, 4)),
  years: fc.oneof(
    fc.constant({ text: '*', values: new Set(range(1970, 2199)) }),
    fc.constant({ text: '2024-2032', values: new Set(range(2024, 2032)) }),
  ),
  zone: fc.constantFrom(...ZONES),
});
type CronCase = typeof cronCase extends fc.Arbitrary<infer T> ? T : never;

const expressionOf = (c: CronCase): string =>
  `cron(${c.minutes.text} ${c.hours.text} ${c.day.dom ? c.day.text : '?'} ${c.months.text} ${c.day.dom ? '?' : c.day.text} ${c.years.text})`;

/** Does the local wall time of `iso` in the case's zone match every field? */
function matchesCase(c: CronCase, iso: string): boolean {
  const z = Temporal.Instant.from(iso).toZonedDateTimeISO(c.zone);
  return (
    c.minutes.values.has(z.minute) &&
    c.hours.values.has(z.hour) &&
    c.months.values.has(z.month) &&
    c.years.values.has(z.year) &&
    c.day.matches(z.toPlainDate()) &&
    z.second === 0
  );
}

// Around DST changes, month ends and leap days, plus anywhere in 2024-2031.
const INTERESTING = [
  '2026-03-08T05:00:00Z',
  '2026-11-01T04:00:00Z',
  '2026-03-29T00:00:00Z',
  '2026-10-25T00:00:00Z',
  '2026-04-04T14:00:00Z',
  '2026-10-03T15:00:00Z',
  '2028-02-28T12:00:00Z',
  '2026-12-31T12:00:00Z',
].map((s) => Date.parse(s));
const instant = fc
  .oneof(
    fc.constantFrom(...INTERESTING).chain((ms) => fc.integer({ min: ms - 86_400_000, max: ms + 86_400_000 })),
    fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2031-12-31T00:00:00Z') }),
  )
  .map((ms) => new Date(ms).toISOString());

describe('cron properties', () => {
  it('nextFireTimes is strictly increasing, after the instant, and every result matches the expression', () => {
    fc.assert(
      fc.property(cronCase, instant, fc.integer({ min: 1, max: 12 }), (c, after, count) => {
        // Act
        const fires = nextFireTimes(expressionOf(c), c.zone, after, count);
        // Assess
        const ms = fires.map((f) => Date.parse(f));
        expect(fires.length).toBeLessThanOrEqual(count);
        expect(ms.every((t, i) => t > (i === 0 ? Date.parse(after) : (ms[i - 1] as number)))).toBe(true);
        for (const fire of fires)
          expect(matchesCase(c, fire), `${expressionOf(c)} ${c.zone} ${fire}`).toBe(true);
        // The same fires, read as a window, agree: nothing skipped between them.
        if (fires.length > 0) {
          const to = new Date((ms.at(-1) as number) + 1).toISOString();
          expect(
            fireTimesBetween(expressionOf(c), c.zone, new Date(Date.parse(after) + 1).toISOString(), to),
          ).toEqual(fires);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('fireTimesBetween finds exactly the minutes a brute-force scan finds (DST: gap skipped, repeat once)', () => {
    fc.assert(
      fc.property(cronCase, instant, (c, from) => {
        // Prepare: every minute of a 30-hour window, first occurrence of each local wall time only.
        const start = Math.ceil(Date.parse(from) / 60_000) * 60_000;
        const end = start + 30 * 3_600_000;
        const wallAt = (t: number) =>
          Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(c.zone).toPlainDateTime().toString();
        // A wall time seen up to two hours earlier is the repeat of a fall-back hour.
        const isRepeat = (t: number) => [30, 60, 90, 120].some((k) => wallAt(t - k * 60_000) === wallAt(t));
        const expected: number[] = [];
        for (let t = start; t < end; t += 60_000)
          if (matchesCase(c, new Date(t).toISOString()) && !isRepeat(t)) expected.push(t);
        // Act
        const fires = fireTimesBetween(
          expressionOf(c),
          c.zone,
          new Date(start).toISOString(),
          new Date(end).toISOString(),
        );
        // Assess
        expect(
          fires.map((f) => Date.parse(f)),
          `${expressionOf(c)} ${c.zone} from ${from}`,
        ).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});
