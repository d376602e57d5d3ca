/**
 * Calendar arithmetic in the business time zone, on Temporal (polyfill). Every "day" of RULES.md is
 * a local calendar date (`YYYY-MM-DD`); every instant is an ISO-8601 string with an offset or `Z`.
 */
import { Temporal } from 'temporal-polyfill';
import type { LocalDate } from './types';

/** `day + n` local calendar days. @example addDays('2026-12-30', 3) // '2027-01-02' */
export function addDays(day: LocalDate, n: number): LocalDate {
  return Temporal.PlainDate.from(day).add({ days: n }).toString();
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). @example daysBetween('2026-12-10', '2026-12-12') // 2 */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to), { largestUnit: 'days' }).days;
}

/** The earlier / later of two local dates (ISO dates compare as strings). */
export const minDate = (a: LocalDate, b: LocalDate): LocalDate => (a <= b ? a : b);
export const maxDate = (a: LocalDate, b: LocalDate): LocalDate => (a >= b ? a : b);

/** The local date and wall-clock time (`HH:mm`) of an instant in `timeZone`. */
export function toLocal(instant: string, timeZone: string): { date: LocalDate; time: string } {
  const zoned = Temporal.Instant.from(instant).toZonedDateTimeISO(timeZone);
  return {
    date: zoned.toPlainDate().toString(),
    time: zoned.toPlainTime().toString({ smallestUnit: 'minute' }),
  };
}

/** The local date of an instant in `timeZone`. @example localDateOf('2026-12-10T17:00:00Z', 'Asia/Shanghai') // '2026-12-11' */
export function localDateOf(instant: string, timeZone: string): LocalDate {
  return toLocal(instant, timeZone).date;
}

/**
 * The instant of a local date and time in `timeZone`, as ISO-8601 with the local offset
 * (`2026-12-03T09:00:00+08:00`). Accepts `YYYY-MM-DDTHH:mm` (local) or a string with an offset.
 */
export function toInstant(localDateTime: string, timeZone: string): string {
  const hasOffset = /([+-]\d{2}:?\d{2}|Z)$/.test(localDateTime);
  const zoned = hasOffset
    ? Temporal.Instant.from(localDateTime).toZonedDateTimeISO(timeZone)
    : Temporal.PlainDateTime.from(localDateTime).toZonedDateTime(timeZone, { disambiguation: 'compatible' });
  return formatZoned(zoned);
}

/** An instant re-expressed with the local offset of `timeZone`, seconds included. */
export function formatInstant(instant: string, timeZone: string): string {
  return formatZoned(Temporal.Instant.from(instant).toZonedDateTimeISO(timeZone));
}

function formatZoned(zoned: Temporal.ZonedDateTime): string {
  return zoned.toString({ timeZoneName: 'never', smallestUnit: 'second' });
}

/** Minutes since local midnight of an `HH:mm` string. */
export function minuteOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
