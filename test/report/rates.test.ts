/**
 * Roll and cure rates (docs/report.md#roll-and-cure-rates): a small timeline computed by hand, then
 * properties over generated delinquency histories checked against an independent oracle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReportBuilder } from '../../tools/report/build';
import { addDays } from '../../tools/report/days';
import type { BucketRates } from '../../tools/report/model';
import { bucketChanged, event, transition } from './records';

const SPAN = { from: '2027-01-01', to: '2027-02-28' };

/** Becoming OVERDUE and entering M1 on `day`, at `dpd`. */
const overdue = (day: string, loan: string, dpd: number, outstanding: number) => [
  transition(day, loan, '1', 'IN_GRACE', 'OVERDUE', dpd),
  bucketChanged(day, loan, '1', null, 'M1', dpd, outstanding),
];

/**
 * The hand-computed timeline (window 30 days, last day 2027-02-28):
 * - L1 enters M1 on 01-01, paid on 01-10: cured (paid).
 * - L2 enters M1 on 01-01, M2 on 01-31 (day +30, the window's last day): rolled; its M2 entry is too recent.
 * - L3 (tier S, grace 3) enters M1 on 01-04 at DPD 4, extended on 01-15 (OVERDUE -> SCHEDULED): cured (current).
 * - L4 enters M1 on 01-02, split on 01-20: restructured.
 * - L5 enters M1 on 01-05, pays part on 01-20 (no transition), M2 on 02-04 (day +30): rolled; M2 too recent.
 * - L6 is already OVERDUE in M3 when the timeline starts; enters M3+ on 01-02 and stays: stayed (M3+).
 * - L7 enters M3+ on 01-10, written off on 01-25: rolled (M3+ -> write-off).
 * - L8 enters M1 on 02-10: too recent (02-10 + 30 > 02-28).
 * - L9 enters M1 on 01-01, its loan is paused a day (seq null events), M2 on 02-01 (day +31): stayed; M2 too recent.
 */
const HAND_COMPUTED = [
  ...overdue('2027-01-01', 'L1', 1, 100_000),
  ...overdue('2027-01-01', 'L2', 1, 200_000),
  ...overdue('2027-01-01', 'L9', 1, 100_000),
  ...overdue('2027-01-02', 'L4', 1, 80_000),
  bucketChanged('2027-01-02', 'L6', '1', 'M3', 'M3+', 91, 300_000),
  ...overdue('2027-01-04', 'L3', 4, 50_000),
  ...overdue('2027-01-05', 'L5', 1, 70_000),
  event('2027-01-06', 'CollectionPaused', 'L9', null, {
    from: '2027-01-06',
    until: '2027-01-07',
    reason: 'HARDSHIP',
  }),
  event('2027-01-08', 'CollectionResumed', 'L9', null),
  transition('2027-01-10', 'L1', '1', 'OVERDUE', 'PAID', 10, '14:00'),
  bucketChanged('2027-01-10', 'L7', '1', 'M3', 'M3+', 91, 400_000),
  event('2027-01-15', 'RepaymentPlanAdjusted', 'L3', '1', { action: 'EXTEND', days: 20 }, '12:00'),
  transition('2027-01-15', 'L3', '1', 'OVERDUE', 'SCHEDULED', 15, '12:00'),
  transition('2027-01-20', 'L4', '1', 'OVERDUE', 'RESTRUCTURED', 19, '12:00'),
  event('2027-01-20', 'InstallmentPaid', 'L5', '1', { partial: true }, '13:00'),
  transition('2027-01-25', 'L7', '1', 'OVERDUE', 'WRITTEN_OFF', 180),
  bucketChanged('2027-01-31', 'L2', '1', 'M1', 'M2', 31, 200_000),
  bucketChanged('2027-02-01', 'L9', '1', 'M1', 'M2', 31, 100_000),
  bucketChanged('2027-02-04', 'L5', '1', 'M1', 'M2', 31, 60_000),
  ...overdue('2027-02-10', 'L8', 1, 100_000),
];

const build = (records: unknown[], span = SPAN) => {
  const builder = new ReportBuilder({}, span);
  for (const r of records) builder.add(r);
  return builder.build();
};

describe('roll and cure rates, by hand', () => {
  const rates = build(HAND_COMPUTED).rates;
  const row = (bucket: string) => rates.buckets.find((r) => r.bucket === bucket) as BucketRates;

  it('orders buckets by the DPD they are entered at', () => {
    expect(rates.windowDays).toBe(30);
    expect(rates.buckets.map((r) => r.bucket)).toEqual(['M1', 'M2', 'M3+']);
  });

  it.each<[string, Partial<BucketRates>]>([
    [
      'M1',
      {
        entries: 6,
        immature: 1,
        rolled: 2,
        curedPaid: 1,
        curedCurrent: 1,
        restructured: 1,
        stayed: 1,
        rollRate: 2 / 6,
        cureRate: 2 / 6,
      },
    ],
    ['M2', { entries: 0, immature: 3, rolled: 0, rollRate: null, cureRate: null }],
    [
      'M3+',
      {
        entries: 2,
        immature: 0,
        rolled: 1,
        curedPaid: 0,
        curedCurrent: 0,
        stayed: 1,
        rollRate: 0.5,
        cureRate: 0,
      },
    ],
  ])('%s', (bucket, expected) => {
    expect(row(bucket)).toMatchObject(expected);
  });

  it('weights by the outstanding at entry: M1 rolled 270,000 and cured 150,000 of 600,000 fen', () => {
    expect(row('M1').balance).toEqual({
      entries: 600_000,
      rolled: 270_000,
      cured: 150_000,
      rollRate: 0.45,
      cureRate: 0.25,
    });
  });

  it('counts a roll on day +30 and not on day +31', () => {
    // Prepare: L2 alone (M2 on day +30), L9 alone (M2 on day +31).
    const only = (loan: string) => HAND_COMPUTED.filter((r) => r.loanId === loan);
    // Act, Assess
    expect(build(only('L2')).rates.buckets[0]).toMatchObject({ bucket: 'M1', rolled: 1, stayed: 0 });
    expect(build(only('L9')).rates.buckets[0]).toMatchObject({ bucket: 'M1', rolled: 0, stayed: 1 });
  });

  it('judges an entry only once its whole window is in the timeline', () => {
    // Act: the timeline ends the day before L2's window does.
    const short = build(HAND_COMPUTED, { from: SPAN.from, to: '2027-01-30' }).rates.buckets[0];
    // Assess: L1, L2 and L9 entered on 01-01; none of the M1 entries is mature.
    expect(short).toMatchObject({ bucket: 'M1', entries: 0, rollRate: null });
  });
});

/**
 * A generated delinquency history: due, grace, OVERDUE with M1, bucket changes every 30 DPD (paused
 * days shift them), and one outcome on a day (or none).
 */
interface History {
  dueOffset: number;
  graceDays: number;
  pausedDays: number;
  outcomeAfter: number;
  outcome: 'PAID' | 'SCHEDULED' | 'RESTRUCTURED' | 'none';
  outstanding: number;
}
const START = '2027-01-01';
const END = '2027-08-31';
const BUCKETS = [
  { name: 'M1', minDpd: 1 },
  { name: 'M2', minDpd: 31 },
  { name: 'M3', minDpd: 61 },
  { name: 'M3+', minDpd: 91 },
];
const WRITE_OFF_DPD = 180;
const OUTCOME_OF: Record<History['outcome'], string> = {
  PAID: 'curedPaid',
  SCHEDULED: 'curedCurrent',
  RESTRUCTURED: 'restructured',
  none: 'stayed',
};

const historyArb: fc.Arbitrary<History> = fc.record({
  dueOffset: fc.integer({ min: 0, max: 120 }),
  graceDays: fc.integer({ min: 0, max: 3 }),
  pausedDays: fc.integer({ min: 0, max: 20 }),
  outcomeAfter: fc.integer({ min: 0, max: 220 }),
  outcome: fc.constantFrom('PAID', 'SCHEDULED', 'RESTRUCTURED', 'none'),
  outstanding: fc.integer({ min: 1, max: 1_000_000 }),
});

/** The records of a history, and the oracle: each bucket entry's day and what becomes of it within 30 days. */
function records(loan: string, h: History) {
  const out: unknown[] = [];
  const entries: { bucket: string; day: string; outcome: string }[] = [];
  const due = addDays(START, h.dueOffset);
  const overdueDay = addDays(due, h.graceDays + 1);
  // Paused days (right after becoming overdue) do not count as DPD: later changes come that much later.
  const dayAtDpd = (dpd: number) => addDays(overdueDay, dpd - (h.graceDays + 1) + h.pausedDays);
  const outcomeDay = addDays(overdueDay, h.outcomeAfter);
  out.push(transition(addDays(due, 1), loan, '1', 'SCHEDULED', 'IN_GRACE', 1));
  out.push(transition(overdueDay, loan, '1', 'IN_GRACE', 'OVERDUE', h.graceDays + 1));
  const changes: { day: string; kind: 'bucket' | 'writeOff'; bucket?: string; dpd: number }[] = [];
  changes.push({ day: overdueDay, kind: 'bucket', bucket: 'M1', dpd: h.graceDays + 1 });
  for (const b of BUCKETS.slice(1))
    changes.push({ day: dayAtDpd(b.minDpd), kind: 'bucket', bucket: b.name, dpd: b.minDpd });
  changes.push({ day: dayAtDpd(WRITE_OFF_DPD), kind: 'writeOff', dpd: WRITE_OFF_DPD });
  const ended = h.outcome !== 'none' && outcomeDay <= END;
  // The outcome comes at 14:00, after the day's aging run (00:30): on a tie the aging run's change is first.
  const live = changes.filter((c) => c.day <= END && (!ended || c.day <= outcomeDay));
  let previous: string | null = null;
  for (const c of live) {
    if (c.kind === 'bucket') {
      out.push(bucketChanged(c.day, loan, '1', previous, c.bucket as string, c.dpd, h.outstanding));
      previous = c.bucket as string;
    } else out.push(transition(c.day, loan, '1', 'OVERDUE', 'WRITTEN_OFF', c.dpd));
  }
  const writtenOff = live.some((c) => c.kind === 'writeOff');
  if (ended && !(writtenOff && h.outcome !== 'PAID'))
    out.push(
      transition(outcomeDay, loan, '1', writtenOff ? 'WRITTEN_OFF' : 'OVERDUE', h.outcome, 0, '14:00'),
    );

  // The oracle, from the plan rather than the records.
  const bucketChanges = live.filter((c) => c.kind === 'bucket');
  for (const c of bucketChanges) {
    const until = addDays(c.day, 30);
    if (until > END) {
      entries.push({ bucket: c.bucket as string, day: c.day, outcome: 'immature' });
      continue;
    }
    const next = live[live.indexOf(c) + 1];
    const events: { day: string; order: number; outcome: string }[] = [];
    if (next) events.push({ day: next.day, order: 0, outcome: 'rolled' });
    if (ended && !writtenOff)
      events.push({
        day: outcomeDay,
        order: 1,
        outcome: OUTCOME_OF[h.outcome],
      });
    const first = events
      .filter((e) => e.day <= until)
      .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.order - b.order))[0];
    entries.push({ bucket: c.bucket as string, day: c.day, outcome: first?.outcome ?? 'stayed' });
  }
  return { records: out, entries };
}

describe('roll and cure rates, properties', () => {
  const portfolio = fc.array(historyArb, { minLength: 1, maxLength: 25 });
  const run = (histories: History[]) => {
    const all = histories.map((h, i) => records(`L${i}`, h));
    const data = build(
      all.flatMap((x) => x.records),
      { from: START, to: END },
    );
    return { data, entries: all.flatMap((x) => x.entries) };
  };

  it('match the oracle, bucket by bucket', () => {
    fc.assert(
      fc.property(portfolio, (histories) => {
        const { data, entries } = run(histories);
        for (const row of data.rates.buckets) {
          const mine = entries.filter((e) => e.bucket === row.bucket);
          const count = (outcome: string) => mine.filter((e) => e.outcome === outcome).length;
          expect(row).toMatchObject({
            immature: count('immature'),
            rolled: count('rolled'),
            curedPaid: count('curedPaid'),
            curedCurrent: count('curedCurrent'),
            restructured: count('restructured'),
            stayed: count('stayed'),
          });
        }
        expect(data.rates.buckets.reduce((s, r) => s + r.entries + r.immature, 0)).toBe(entries.length);
      }),
      { numRuns: 150 },
    );
  });

  it('are shares in [0, 1]; roll + cure + restructured + stayed is every entry', () => {
    fc.assert(
      fc.property(portfolio, (histories) => {
        for (const row of run(histories).data.rates.buckets) {
          expect(row.rolled + row.curedPaid + row.curedCurrent + row.restructured + row.stayed).toBe(
            row.entries,
          );
          if (row.entries === 0) expect([row.rollRate, row.cureRate]).toEqual([null, null]);
          else {
            for (const r of [row.rollRate, row.cureRate, row.balance.rollRate, row.balance.cureRate])
              expect(r).toBeGreaterThanOrEqual(0);
            expect((row.rollRate ?? 0) + (row.cureRate ?? 0)).toBeLessThanOrEqual(1 + 1e-12);
            expect((row.balance.rollRate ?? 0) + (row.balance.cureRate ?? 0)).toBeLessThanOrEqual(1 + 1e-12);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('only gain entries as the timeline grows, and never change a judged one', () => {
    fc.assert(
      fc.property(portfolio, fc.integer({ min: 0, max: 200 }), (histories, cut) => {
        const all = histories.flatMap((h, i) => records(`L${i}`, h).records);
        const to = addDays(START, cut);
        const early = build(
          all.filter((r) => (r as { at: string }).at.slice(0, 10) <= to),
          { from: START, to },
        );
        const late = build(all, { from: START, to: END });
        for (const row of early.rates.buckets) {
          const later = late.rates.buckets.find((r) => r.bucket === row.bucket) as BucketRates;
          expect(later.entries).toBeGreaterThanOrEqual(row.entries);
          for (const k of ['rolled', 'curedPaid', 'curedCurrent', 'restructured', 'stayed'] as const)
            expect(later[k]).toBeGreaterThanOrEqual(row[k]);
        }
      }),
      { numRuns: 100 },
    );
  });
});
