/** Local calendar dates (`YYYY-MM-DD`) as the report counts them: plain date arithmetic, no time zone. */

const MS_PER_DAY = 86_400_000;
const toMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const fromMs = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** `day + n` calendar days. @example addDays('2026-12-30', 3) // '2027-01-02' */
export const addDays = (day: string, n: number): string => fromMs(toMs(day) + n * MS_PER_DAY);

/** Calendar days from `from` to `to`. @example daysBetween('2026-12-10', '2026-12-12') // 2 */
export const daysBetween = (from: string, to: string): number =>
  Math.round((toMs(to) - toMs(from)) / MS_PER_DAY);

/** Every day from `from` to `to`, both included (empty when `to` is earlier). */
export function dayRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let ms = toMs(from), end = toMs(to); ms <= end; ms += MS_PER_DAY) out.push(fromMs(ms));
  return out;
}
