/**
 * Roll and cure rates of delinquency buckets, by entry cohort (docs/report.md#roll-and-cure-rates).
 *
 * Every `DelinquencyBucketChanged` to bucket B is an entry into B on its day D. Its window is the
 * records of the same installment after it, up to the end of day D + window (30). The first of
 * these decides the entry's outcome:
 * - **rolled**: a `DelinquencyBucketChanged` out of B (always to a later bucket: DPD only grows),
 *   or a transition to WRITTEN_OFF (the stage after the last bucket);
 * - **cured, paid**: a transition to PAID; **cured, current**: a transition to SCHEDULED (an
 *   approved extension makes it current again);
 * - **restructured**: a transition to RESTRUCTURED (split);
 * - **stayed**: none of these in the window (still in B, perhaps paid in part).
 * Only entries whose window ends on or before the timeline's last day count (the cohort); later ones
 * are `immature`. roll rate = rolled / entries, cure rate = (cured paid + cured current) / entries;
 * rolled + cured + restructured + stayed = entries.
 */
import { addDays } from './days';
import type { BucketRates } from './model';

/** A change of one installment: its state (transition) or its bucket (DelinquencyBucketChanged). */
export interface Change {
  /** Epoch ms of `at`, and the record's position in the timeline (ties keep the timeline's order). */
  t: number;
  idx: number;
  day: string;
  kind: 'state' | 'bucket';
  from: string | null;
  to: string | null;
  /** Bucket changes: the outstanding (fen) and DPD the event carries. */
  outstanding?: number;
  dpd?: number;
}

export const byTime = (a: Change, b: Change) => a.t - b.t || a.idx - b.idx;

type Outcome = 'rolled' | 'curedPaid' | 'curedCurrent' | 'restructured' | 'stayed';

/** The outcome of the entry at `changes[i]` into bucket `changes[i].to`, judged up to `until` (a day). */
function outcomeOf(changes: readonly Change[], i: number, until: string): Outcome {
  const entry = changes[i] as Change;
  for (let j = i + 1; j < changes.length; j++) {
    const c = changes[j] as Change;
    if (c.day > until) break;
    if (c.kind === 'bucket') {
      if (c.from === entry.to && c.to !== null && c.to !== entry.to) return 'rolled';
      continue;
    }
    switch (c.to) {
      case 'WRITTEN_OFF':
        return 'rolled';
      case 'PAID':
        return 'curedPaid';
      case 'SCHEDULED':
        return 'curedCurrent';
      case 'RESTRUCTURED':
        return 'restructured';
    }
  }
  return 'stayed';
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/**
 * Roll and cure rates by bucket, buckets in the order of the lowest DPD seen at entry.
 *
 * @param histories each installment's changes, sorted by {@link byTime}
 * @param lastDay the timeline's last day (null for an empty timeline)
 * @example rollAndCureRates([[entryM1, paid]], '2027-03-31', 30) // [{ bucket: 'M1', entries: 1, curedPaid: 1, cureRate: 1, ... }]
 */
export function rollAndCureRates(
  histories: Iterable<readonly Change[]>,
  lastDay: string | null,
  windowDays: number,
): BucketRates[] {
  const rows = new Map<string, BucketRates & { minDpd: number }>();
  for (const changes of histories) {
    changes.forEach((c, i) => {
      if (c.kind !== 'bucket' || c.to === null || c.to === c.from) return;
      let row = rows.get(c.to);
      if (!row) {
        row = {
          bucket: c.to,
          minDpd: Number.POSITIVE_INFINITY,
          entries: 0,
          immature: 0,
          rolled: 0,
          curedPaid: 0,
          curedCurrent: 0,
          restructured: 0,
          stayed: 0,
          rollRate: null,
          cureRate: null,
          balance: { entries: 0, rolled: 0, cured: 0, rollRate: null, cureRate: null },
        };
        rows.set(c.to, row);
      }
      if (c.dpd !== undefined) row.minDpd = Math.min(row.minDpd, c.dpd);
      const until = addDays(c.day, windowDays);
      if (lastDay === null || until > lastDay) {
        row.immature++;
        return;
      }
      const outcome = outcomeOf(changes, i, until);
      const weight = c.outstanding ?? 0;
      row.entries++;
      row[outcome]++;
      row.balance.entries += weight;
      if (outcome === 'rolled') row.balance.rolled += weight;
      if (outcome === 'curedPaid' || outcome === 'curedCurrent') row.balance.cured += weight;
    });
  }
  return [...rows.values()]
    .sort((a, b) => a.minDpd - b.minDpd || (a.bucket < b.bucket ? -1 : 1))
    .map(({ minDpd: _minDpd, ...row }) => ({
      ...row,
      rollRate: share(row.rolled, row.entries),
      cureRate: share(row.curedPaid + row.curedCurrent, row.entries),
      balance: {
        ...row.balance,
        rollRate: share(row.balance.rolled, row.balance.entries),
        cureRate: share(row.balance.cured, row.balance.entries),
      },
    }));
}
