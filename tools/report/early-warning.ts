/**
 * Early warning on the failed-debit rate (docs/report.md#early-warning): a p-chart (Shewhart's
 * control chart for a proportion) against a trailing baseline.
 *
 * For each due date D with installments due, the rate is failed / due. Its baseline is the pooled
 * rate of the due dates in the `baselineDays` calendar days before D (D itself excluded): p =
 * sum(failed) / sum(due). With at least `minBaselineDays` such dates, the upper control limit is
 * p + sigmas x sqrt(p (1 - p) / due(D)) (at most 1): the binomial spread of a day of that size, so a small day
 * needs a larger excess to stand out. D is flagged when its rate is above the limit and it had at
 * least `minFailedDebits` failures. A baseline without any failure takes p = 0.5 / sum(due) (half a
 * failure) for the spread, so one failure on a large day can still flag.
 */
import { daysBetween } from './days';
import type { EarlyWarningSettings, WarningPoint } from './model';

/**
 * Judges each due date against its trailing baseline.
 *
 * @param days due dates in increasing order, each with its installments due and failed debits
 * @example flagFailedDebitDays([{ day: '2027-01-01', due: 100, failed: 30 }, ...], settings)
 */
export function flagFailedDebitDays(
  days: readonly { day: string; due: number; failed: number }[],
  settings: EarlyWarningSettings,
): WarningPoint[] {
  const withDue = days.filter((d) => d.due > 0);
  return withDue.map((d, i) => {
    let due = 0;
    let failed = 0;
    let count = 0;
    for (let j = i - 1; j >= 0; j--) {
      const prev = withDue[j] as (typeof withDue)[number];
      if (daysBetween(prev.day, d.day) > settings.baselineDays) break;
      due += prev.due;
      failed += prev.failed;
      count++;
    }
    const rate = d.failed / d.due;
    if (count < settings.minBaselineDays || due === 0)
      return { ...d, rate, baseline: null, upper: null, z: null, flagged: false };
    const baseline = failed / due;
    const p = baseline > 0 ? baseline : 0.5 / due;
    const se = Math.sqrt((p * (1 - p)) / d.due);
    const upper = Math.min(1, baseline + settings.sigmas * se);
    const z = se > 0 ? (rate - baseline) / se : null;
    return { ...d, rate, baseline, upper, z, flagged: rate > upper && d.failed >= settings.minFailedDebits };
  });
}
