/** Early warning on the failed-debit rate: a p-chart against the trailing baseline. */
import { describe, expect, it } from 'vitest';
import { addDays } from '../../tools/report/days';
import { flagFailedDebitDays } from '../../tools/report/early-warning';
import type { EarlyWarningSettings } from '../../tools/report/model';

const SETTINGS: EarlyWarningSettings = {
  baselineDays: 28,
  minBaselineDays: 7,
  sigmas: 3,
  minFailedDebits: 3,
};
const days = (rates: [due: number, failed: number][], from = '2027-01-01') =>
  rates.map(([due, failed], i) => ({ day: addDays(from, i), due, failed }));

describe('flagFailedDebitDays', () => {
  it('judges nothing before the baseline has 7 due dates', () => {
    const points = flagFailedDebitDays(days([...Array(7).fill([100, 10]), [100, 90]]), SETTINGS);
    expect(points.slice(0, 7).every((p) => p.baseline === null && !p.flagged)).toBe(true);
    expect(points[7]).toMatchObject({ baseline: 0.1, flagged: true });
  });

  it('flags a day above baseline + 3 standard errors, by hand', () => {
    // Prepare: 10 days at 10 % of 100 due, then 20 of 100 (limit 0.1 + 3 x 0.03 = 0.19), then 19 of 100.
    const points = flagFailedDebitDays(days([...Array(10).fill([100, 10]), [100, 20], [100, 19]]), SETTINGS);
    // Assess
    expect(points[10]).toMatchObject({ rate: 0.2, baseline: 0.1, flagged: true });
    expect(points[10]?.upper).toBeCloseTo(0.19, 10);
    expect(points[10]?.z).toBeCloseTo(10 / 3, 10);
    // The 20 % day is now part of the baseline: 19 of 100 does not stand out against it.
    expect(points[11]?.baseline).toBeCloseTo(120 / 1100, 10);
    expect(points[11]?.flagged).toBe(false);
  });

  it('needs a larger excess on a small day, and at least minFailedDebits failures', () => {
    const base = Array(10).fill([100, 10]);
    // 2 of 5 (40 %) is within the limit for 5 due: 0.1 + 3 x sqrt(0.09 / 5) = 0.50.
    expect(flagFailedDebitDays(days([...base, [5, 2]]), SETTINGS)[10]?.flagged).toBe(false);
    // 3 of 5 (60 %) is above it.
    expect(flagFailedDebitDays(days([...base, [5, 3]]), SETTINGS)[10]?.flagged).toBe(true);
    // 2 of 2 (100 %) is above its limit but below 3 failures.
    expect(flagFailedDebitDays(days([...base, [2, 2]]), SETTINGS)[10]).toMatchObject({
      rate: 1,
      flagged: false,
    });
  });

  it('looks back baselineDays calendar days, skipping days with nothing due', () => {
    // Prepare: 8 due dates at 50 %, a 40-day gap with nothing due, then 8 at 10 % and one at 30 %.
    const old = days(Array(8).fill([100, 50]), '2027-01-01');
    const recent = days([...Array(8).fill([100, 10]), [100, 30]], '2027-03-01');
    const quiet = days(Array(40).fill([0, 0]), '2027-01-09');
    const points = flagFailedDebitDays([...old, ...quiet, ...recent], SETTINGS);
    // Assess: days with nothing due are not points; the 50 % days are out of the 28-day window.
    expect(points).toHaveLength(17);
    expect(points[8]).toMatchObject({ day: '2027-03-01', baseline: null });
    expect(points[16]).toMatchObject({ day: '2027-03-09', baseline: 0.1, flagged: true });
  });

  it('takes half a failure for the spread of a baseline without any', () => {
    const points = flagFailedDebitDays(days([...Array(10).fill([100, 0]), [100, 3]]), SETTINGS);
    expect(points[10]).toMatchObject({ baseline: 0, flagged: true });
  });
});
