/**
 * Calendar arithmetic in the business time zone, on Temporal (polyfill). Every "day" of RULES.md is
 * a local calendar date (`YYYY-MM-DD`); every instant is an ISO-8601 string with an offset or `Z`.
 */
import { Temporal } from 'temporal-polyfill';
import type { LocalDate } from './types';

/**
 * Remembers the answers of a pure function of two arguments: the rules ask the same few thousand
 * dates and instants over and over, and Temporal (time zone offsets above all) is slow. Bounded:
 * the memory is dropped when full. A call that throws is not remembered.
 */
function memoize<A extends string, B extends string | number, R>(
  fn: (a: A, b: B) => R,
  limit = 20_000,
): (a: A, b: B) => R {
  const memory = new Map<A, Map<B, R>>();
  let size = 0;
  return (a, b) => {
    let inner = memory.get(a);
    const known = inner?.get(b);
    if (known !== undefined) return known;
    const result = fn(a, b);
    if (size >= limit) {
      memory.clear();
      size = 0;
      inner = undefined;
    }
    if (!inner) {
      inner = new Map();
      memory.set(a, inner);
    }
    inner.set(b, result);
    size++;
    return result;
  };
}

/** `day + n` local calendar days. @example addDays('2026-12-30', 3) // '2027-01-02' */
export function addDays(day: LocalDate, n: number): LocalDate {
  return addDaysMemo(day, n);
}
const addDaysMemo = memoize((day: LocalDate, n: number) =>
  Temporal.PlainDate.from(day).add({ days: n }).toString(),
);

/** Calendar days from `from` to `to` (negative when `to` is earlier). @example daysBetween('2026-12-10', '2026-12-12') // 2 */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return daysBetweenMemo(from, to);
}
const daysBetweenMemo = memoize(
  (from: LocalDate, to: LocalDate) =>
    Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to), { largestUnit: 'days' }).days,
);

/** The earlier / later of two local dates (ISO dates compare as strings). */
export const minDate = (a: LocalDate, b: LocalDate): LocalDate => (a <= b ? a : b);
export const maxDate = (a: LocalDate, b: LocalDate): LocalDate => (a >= b ? a : b);

/** The local date and wall-clock time (`HH:mm`) of an instant in `timeZone`. */
export function toLocal(instant: string, timeZone: string): { date: LocalDate; time: string } {
  return { ...toLocalMemo(instant, timeZone) };
}
const toLocalMemo = memoize((instant: string, timeZone: string) => {
  const zoned = Temporal.Instant.from(instant).toZonedDateTimeISO(timeZone);
  return {
    date: zoned.toPlainDate().toString(),
    time: zoned.toPlainTime().toString({ smallestUnit: 'minute' }),
  };
});

/** The local date of an instant in `timeZone`. @example localDateOf('2026-12-10T17:00:00Z', 'Asia/Shanghai') // '2026-12-11' */
export function localDateOf(instant: string, timeZone: string): LocalDate {
  return toLocal(instant, timeZone).date;
}

/**
 * The instant of a local date and time in `timeZone`, as ISO-8601 with the local offset
 * (`2026-12-03T09:00:00+08:00`). Accepts `YYYY-MM-DDTHH:mm` (local) or a string with an offset.
 */
export function toInstant(localDateTime: string, timeZone: string): string {
  return toInstantMemo(localDateTime, timeZone);
}
const toInstantMemo = memoize((localDateTime: string, timeZone: string) => {
  const hasOffset = /([+-]\d{2}:?\d{2}|Z)$/.test(localDateTime);
  const zoned = hasOffset
    ? Temporal.Instant.from(localDateTime).toZonedDateTimeISO(timeZone)
    : Temporal.PlainDateTime.from(localDateTime).toZonedDateTime(timeZone, { disambiguation: 'compatible' });
  return formatZoned(zoned);
});

/** An instant re-expressed with the local offset of `timeZone`, seconds included. */
export function formatInstant(instant: string, timeZone: string): string {
  return formatInstantMemo(instant, timeZone);
}
const formatInstantMemo = memoize((instant: string, timeZone: string) =>
  formatZoned(Temporal.Instant.from(instant).toZonedDateTimeISO(timeZone)),
);

function formatZoned(zoned: Temporal.ZonedDateTime): string {
  return zoned.toString({ timeZoneName: 'never', smallestUnit: 'second' });
}

/** Minutes since local midnight of an `HH:mm` string. */
export function minuteOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
