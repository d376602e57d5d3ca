/**
 * The benchmark, tiny and in process: it keeps `npm run bench` working. It checks the report's shape
 * and the figures that do not depend on timing (what is read, written and called), never a time.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { JOBS } from '../../shared/table-layout';
import { smsParts } from '../../tools/lib/bench/aws-counting';
import { type BenchReport, toJson } from '../../tools/lib/bench/report';
import { runBench } from '../../tools/lib/bench/run-bench';

const TOTALS = [
  'itemsNeeded',
  'itemsRead',
  'readUnits',
  'writes',
  'snsCalls',
  'messages',
  'putEventsCalls',
  'events',
  'wallMs',
  'peakRssBytes',
] as const;
const RATIOS = [
  'readsOverFloor',
  'snsCallsOverFloor',
  'putEventsCallsOverFloor',
  'baselineReadUnitsOverOurs',
];
const INSTALLMENTS = 1_500;

let report: BenchReport;

beforeAll(async () => {
  report = await runBench({
    installments: INSTALLMENTS,
    dueFraction: 0.4,
    latencyMs: 0,
    growth: true,
    rssDueItems: [],
    rssDueFraction: 0.5,
    day: '2027-03-15',
    seed: 7,
    inProcess: true,
    // Two shards: at this size more would leave each shard's page with a handful of messages.
    config: { jobs: { shards: 2, catchUpDays: 7, concurrency: 4 } },
  });
}, 240_000);

describe('npm run bench (smoke, in process)', () => {
  it('reports installments, ours, baseline and the four ratios', () => {
    // Act
    const json = toJson(report) as Record<string, Record<string, unknown>>;

    // Assess
    expect(json.installments).toBe(INSTALLMENTS);
    for (const side of [json.ours, json.baseline]) {
      for (const key of TOTALS) expect(typeof side?.[key], key).toBe('number');
    }
    for (const key of RATIOS) expect(typeof json.ratios?.[key], key).toBe('number');
  });

  it('seeds work for every job, and our run acts on it', () => {
    for (const job of JOBS) {
      expect(report.seeding.indexedForDay[job], job).toBeGreaterThan(0);
      expect(report.ours.jobs[job].itemsNeeded, job).toBeGreaterThan(0);
    }
    expect(report.ours.messages).toBeGreaterThan(0);
    expect(report.ours.events).toBeGreaterThan(0);
  });

  it('reads at most 1.1 × the installments each job needed', () => {
    for (const job of JOBS) {
      const f = report.ours.jobs[job];
      expect(f.itemsRead, job).toBeLessThanOrEqual(1.1 * f.itemsNeeded);
    }
  });

  it('goes through dispatch and the worker: one work item per job run (every shard in it, by default)', () => {
    for (const job of JOBS) expect(report.ours.jobs[job].workItems, job).toBe(1);
  });

  it('publishes in full batches across pages and shards, one partial batch per job run at most', () => {
    // With one partial batch per run, a job run's calls are exactly ceil(n / 10): the floor.
    for (const job of JOBS) {
      const f = report.ours.jobs[job];
      expect(f.snsCalls, `${job} SNS`).toBe(Math.ceil(f.messages / 10));
      expect(f.putEventsCalls, `${job} PutEvents`).toBe(Math.ceil(f.events / 10));
    }
  });

  it("the day's floor of calls is the sum of each job run's floor (runs hours apart share no batch)", () => {
    const sum = (pick: (job: (typeof JOBS)[number]) => number) => JOBS.reduce((n, job) => n + pick(job), 0);
    expect(report.ours.snsCallsFloor).toBe(sum((job) => Math.ceil(report.ours.jobs[job].messages / 10)));
    expect(report.ours.putEventsCallsFloor).toBe(sum((job) => Math.ceil(report.ours.jobs[job].events / 10)));
    expect(report.ratios.snsCallsOverFloor).toBeLessThanOrEqual(1.05);
    expect(report.ratios.putEventsCallsOverFloor).toBeLessThanOrEqual(1.05);
  });

  it('counts SMS parts as SMS is priced: GSM 160 (153 a part), else UCS-2 70 (67 a part)', () => {
    expect([160, 161, 306, 307].map((n) => smsParts('a'.repeat(n)))).toEqual([1, 2, 2, 3]);
    expect([70, 71, 134, 135].map((n) => smsParts('还'.repeat(n)))).toEqual([1, 2, 2, 3]);
    expect(smsParts('¥1,011.00 due on Dec 10')).toBe(1);
    expect(report.ours.smsParts).toBeGreaterThanOrEqual(report.ours.smsMessages);
    expect(report.baseline.smsParts).toBe(report.ours.smsParts);
  });

  it('the baseline scans the whole table per job and calls once per message and per event', () => {
    expect(report.baseline.itemsRead).toBeGreaterThanOrEqual(3 * INSTALLMENTS);
    expect(report.baseline.readUnits).toBeGreaterThan(report.ours.readUnits);
    expect(report.baseline.snsCalls).toBe(report.baseline.messages);
    expect(report.baseline.putEventsCalls).toBe(report.baseline.events);
  });

  it('the same day on a 10× table: our reads do not move, the baseline reads the whole table', () => {
    const growth = report.growth;
    expect(growth?.installments).toBe(10 * INSTALLMENTS);
    expect(growth?.ours.itemsRead).toBe(report.ours.itemsRead);
    expect(growth?.oursReadUnitsGrowth).toBeLessThanOrEqual(1.1);
    expect(growth?.baseline.itemsRead).toBeGreaterThanOrEqual(3 * 10 * INSTALLMENTS);
  });
});
