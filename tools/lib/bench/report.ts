/**
 * The benchmark's figures: totals per side, per-job detail, the ratios against the floor and the
 * baseline, the targets, and the human table.
 *
 * The floor of publish calls is per job run: `ceil(messages / 10)` and `ceil(events / 10)` of that
 * run. Job runs happen hours apart and cannot share a batch, so the floor of the day's total is the
 * sum of the job runs' floors, not `ceil` of the day's sum.
 */
import { JOBS, type Job } from '../../../shared/table-layout';
import { addUsage, emptyUsage, type Usage } from './aws-counting';
import type { SideResult } from './measure';
import type { SeedReport } from './store';

/** The figures of one job (or of the whole day) for one side. */
interface Figures {
  /** The floor: installments the day's work needs touched (from our run, per job, de-duplicated). */
  itemsNeeded: number;
  /** Sum of ScannedCount (Query, Scan): installments (and, for a scan, every item) read. */
  itemsRead: number;
  readUnits: number;
  writes: number;
  snsCalls: number;
  messages: number;
  putEventsCalls: number;
  events: number;
  wallMs: number;
  peakRssBytes: number;
  /** Messages by channel. */
  smsMessages: number;
  /** SMS parts (segments) of the SMS messages: SMS is priced by part. */
  smsParts: number;
  emailMessages: number;
  pushMessages: number;
  /** itemsNeeded per second of wall time. */
  itemsPerSecond: number;
  /** Point reads (GetItem): borrower profiles, consistent re-reads. Their units are in `readUnits`. */
  gets: number;
  writeUnits: number;
  /** Estimated job-index (GSI) writes and units of our installment puts (the store does not bill them). */
  gsiWrites: number;
  gsiWriteUnits: number;
  /** Successful installment puts (whose GSI writes are estimated). */
  installmentPuts: number;
  queries: number;
  scans: number;
  conditionalFailures: number;
  /** Installments this side acted on (for ours, the floor itself). */
  actedOn: number;
  /** CPU milliseconds of the run's own process (the store's excluded). */
  cpuMs: number;
  /** Sum of the worker invocations' wall times: Lambda's billed duration for them. */
  invocationMs: number;
  /** Work items delivered to the workers (continuations included). */
  workItems: number;
  /**
   * The fewest calls that can carry the messages and events: for a job run `ceil(n / 10)`; for the
   * day, the sum of its job runs' floors (runs hours apart share no batch).
   */
  snsCallsFloor: number;
  putEventsCallsFloor: number;
}

export interface Totals extends Figures {
  jobs: Record<Job, Figures>;
  /** RSS of the run's process before its first job. */
  startRssBytes: number;
  /** CPU milliseconds of the store's process during the run (null when unknown). */
  storeCpuMs: number | null;
}

function figures(
  usage: Usage,
  needed: number,
  actedOn: number,
  wallMs: number,
  peakRssBytes: number,
  run: { cpuMs: number; invocationMs: number; workItems: number },
  callsFloor: { sns: number; putEvents: number } = {
    sns: Math.ceil(usage.messages / 10),
    putEvents: Math.ceil(usage.events / 10),
  },
): Figures {
  return {
    itemsNeeded: needed,
    itemsRead: usage.itemsRead,
    readUnits: usage.readUnits,
    writes: usage.writes,
    snsCalls: usage.snsCalls,
    messages: usage.messages,
    smsMessages: usage.smsMessages,
    smsParts: usage.smsParts,
    emailMessages: usage.emailMessages,
    pushMessages: usage.pushMessages,
    putEventsCalls: usage.putEventsCalls,
    events: usage.events,
    wallMs: Math.round(wallMs),
    peakRssBytes,
    itemsPerSecond: wallMs > 0 ? Math.round((needed / wallMs) * 1000) : 0,
    gets: usage.gets,
    writeUnits: usage.writeUnits,
    gsiWrites: usage.gsiWrites,
    gsiWriteUnits: usage.gsiWriteUnits,
    installmentPuts: usage.installmentPuts,
    queries: usage.queries,
    scans: usage.scans,
    conditionalFailures: usage.conditionalFailures,
    actedOn,
    cpuMs: run.cpuMs,
    invocationMs: run.invocationMs,
    workItems: run.workItems,
    snsCallsFloor: callsFloor.sns,
    putEventsCallsFloor: callsFloor.putEvents,
  };
}

/** Totals of a side; `floor` is the per-job floor (our run's `actedOn`). */
export function totalsOf(result: SideResult, floor: Record<Job, number>): Totals {
  const jobs = {} as Record<Job, Figures>;
  let usage = emptyUsage();
  let wallMs = 0;
  let actedOn = 0;
  const run = { cpuMs: 0, invocationMs: 0, workItems: 0 };
  const callsFloor = { sns: 0, putEvents: 0 };
  for (const m of result.jobs) {
    jobs[m.job] = figures(m.usage, floor[m.job], m.actedOn, m.wallMs, m.peakRssBytes, m);
    usage = addUsage(usage, m.usage);
    wallMs += m.wallMs;
    actedOn += m.actedOn;
    run.cpuMs += m.cpuMs;
    run.invocationMs += m.invocationMs;
    run.workItems += m.workItems;
    callsFloor.sns += jobs[m.job].snsCallsFloor;
    callsFloor.putEvents += jobs[m.job].putEventsCallsFloor;
  }
  const needed = JOBS.reduce((sum, job) => sum + floor[job], 0);
  return {
    ...figures(usage, needed, actedOn, wallMs, result.peakRssBytes, run, callsFloor),
    jobs,
    startRssBytes: result.startRssBytes,
    storeCpuMs: result.storeCpuMs ?? null,
  };
}

/** The floor of each job: what our run acted on. */
export function floorOf(ours: SideResult): Record<Job, number> {
  const floor = { aging: 0, reminders: 0, failedDebits: 0 };
  for (const m of ours.jobs) floor[m.job] = m.actedOn;
  return floor;
}

const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? 1 : Number.POSITIVE_INFINITY) : a / b);
const round = (x: number, digits = 3) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

interface Ratios {
  readsOverFloor: number;
  snsCallsOverFloor: number;
  putEventsCallsOverFloor: number;
  baselineReadUnitsOverOurs: number;
  /** The same per job (reads over floor: the target holds for every job). */
  perJob: Record<Job, { readsOverFloor: number; snsCallsOverFloor: number; putEventsCallsOverFloor: number }>;
  maxReadsOverFloor: number;
  baselineWritesOverOurs: number;
  baselineWallOverOurs: number;
}

export function ratiosOf(ours: Totals, baseline: Totals): Ratios {
  const perJob = {} as Ratios['perJob'];
  for (const job of JOBS) {
    const f = ours.jobs[job];
    perJob[job] = {
      readsOverFloor: round(ratio(f.itemsRead, f.itemsNeeded)),
      snsCallsOverFloor: round(ratio(f.snsCalls, f.snsCallsFloor)),
      putEventsCallsOverFloor: round(ratio(f.putEventsCalls, f.putEventsCallsFloor)),
    };
  }
  return {
    readsOverFloor: round(ratio(ours.itemsRead, ours.itemsNeeded)),
    snsCallsOverFloor: round(ratio(ours.snsCalls, ours.snsCallsFloor)),
    putEventsCallsOverFloor: round(ratio(ours.putEventsCalls, ours.putEventsCallsFloor)),
    baselineReadUnitsOverOurs: round(ratio(baseline.readUnits, ours.readUnits), 1),
    perJob,
    maxReadsOverFloor: Math.max(...JOBS.map((job) => perJob[job].readsOverFloor)),
    baselineWritesOverOurs: round(ratio(baseline.writes, ours.writes), 2),
    baselineWallOverOurs: round(ratio(baseline.wallMs, ours.wallMs), 1),
  };
}

export interface Target {
  name: string;
  target: string;
  value: number;
  met: boolean;
}

export interface GrowthReport {
  installments: number;
  ours: Totals;
  baseline: Totals;
  /** Read units on the 10× table over those on the base table. */
  oursReadUnitsGrowth: number;
  baselineReadUnitsGrowth: number;
  seeding: SeedReport;
}

export interface LatencyReport {
  latencyMs: number;
  sequential: Totals;
  /** One work item at a time with the configured concurrency: each timed as one invocation. */
  oneWorkItemAtATime: Totals;
  /** Our sequential wall time over our concurrent one. */
  speedup: number;
  perJobSpeedup: Record<Job, number>;
}

export interface RssProbe {
  dueItems: number;
  installments: number;
  itemsRead: number;
  peakRssBytes: number;
  startRssBytes: number;
  wallMs: number;
}

export interface RssReport {
  probes: RssProbe[];
  /** Peak RSS at the largest size over that at the smallest. */
  growth: number;
}

export interface BenchReport {
  installments: number;
  day: string;
  /** As asked: a share, or `book` (the book's own mixture). */
  dueFraction: number | 'book';
  /** Share of the book mixture on the day's job indexes. */
  naturalDueFraction: number;
  seed: number;
  shards: number;
  concurrency: number;
  latencyMs: number;
  seeding: SeedReport;
  ours: Totals;
  baseline: Totals;
  ratios: Ratios;
  growth?: GrowthReport;
  latency?: LatencyReport;
  rss?: RssReport;
  targets: Target[];
  benchWallMs: number;
}

export function targetsOf(report: Omit<BenchReport, 'targets'>): Target[] {
  const r = report.ratios;
  const targets: Target[] = [
    ...JOBS.map((job) => ({
      name: `items read / floor (${job})`,
      target: '≤ 1.1',
      value: r.perJob[job].readsOverFloor,
      met: r.perJob[job].readsOverFloor <= 1.1,
    })),
    ...JOBS.flatMap((job) => [
      {
        name: `SNS calls / ceil(messages/10) (${job})`,
        target: '≤ 1.05',
        value: r.perJob[job].snsCallsOverFloor,
        met: r.perJob[job].snsCallsOverFloor <= 1.05,
      },
      {
        name: `PutEvents calls / ceil(events/10) (${job})`,
        target: '≤ 1.05',
        value: r.perJob[job].putEventsCallsOverFloor,
        met: r.perJob[job].putEventsCallsOverFloor <= 1.05,
      },
    ]),
    {
      name: 'SNS calls / Σ job runs ceil(messages/10) (total)',
      target: '≤ 1.05',
      value: r.snsCallsOverFloor,
      met: r.snsCallsOverFloor <= 1.05,
    },
    {
      name: 'PutEvents calls / Σ job runs ceil(events/10) (total)',
      target: '≤ 1.05',
      value: r.putEventsCallsOverFloor,
      met: r.putEventsCallsOverFloor <= 1.05,
    },
    {
      name: `baseline read units / ours (${report.installments.toLocaleString('en-US')} installments)`,
      target: '≥ 20',
      value: r.baselineReadUnitsOverOurs,
      met: r.baselineReadUnitsOverOurs >= 20,
    },
  ];
  if (report.growth) {
    targets.push(
      {
        name: 'growth ×10: our read units (big / small)',
        target: '≤ 1.1',
        value: report.growth.oursReadUnitsGrowth,
        met: report.growth.oursReadUnitsGrowth <= 1.1,
      },
      {
        name: 'growth ×10: baseline read units (big / small)',
        target: '≈ 10',
        value: report.growth.baselineReadUnitsGrowth,
        met: report.growth.baselineReadUnitsGrowth >= 8 && report.growth.baselineReadUnitsGrowth <= 12,
      },
    );
  }
  if (report.latency) {
    targets.push({
      name: `latency ${report.latency.latencyMs} ms: sequential wall / ours`,
      target: '≥ 8',
      value: report.latency.speedup,
      met: report.latency.speedup >= 8,
    });
  }
  if (report.rss) {
    const sizes = report.rss.probes.map((p) => p.dueItems.toLocaleString('en-US')).join(' → ');
    targets.push({
      name: `peak RSS growth (${sizes} due items)`,
      target: '≤ 1.3',
      value: report.rss.growth,
      met: report.rss.growth <= 1.3,
    });
  }
  return targets;
}

/** The JSON of `--json`: the totals and ratios, plus everything else as extra fields. */
export function toJson(report: BenchReport): unknown {
  const { installments, ours, baseline, ratios, ...rest } = report;
  return { installments, ours, baseline, ratios, ...rest };
}

// --- the human table ---------------------------------------------------------------------------

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const dec = (n: number, digits = 2) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '∞';
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  '),
    )
    .join('\n');
}

function sideRows(ours: Totals, baseline: Totals): string[][] {
  const cols: { label: string; o: Figures; b: Figures }[] = [
    ...JOBS.map((job) => ({ label: job, o: ours.jobs[job], b: baseline.jobs[job] })),
    { label: 'total', o: ours, b: baseline },
  ];
  const header = ['', ...cols.flatMap((c) => [`${c.label} ours`, 'baseline'])];
  const row = (label: string, f: (x: Figures) => string) => [label, ...cols.flatMap((c) => [f(c.o), f(c.b)])];
  return [
    header,
    row('items needed (floor)', (x) => int(x.itemsNeeded)),
    row('items acted on', (x) => int(x.actedOn)),
    row('items read (ScannedCount)', (x) => int(x.itemsRead)),
    row('  read / floor', (x) => dec(ratio(x.itemsRead, x.itemsNeeded))),
    row('point reads (GetItem)', (x) => int(x.gets)),
    row('read units', (x) => dec(x.readUnits, 1)),
    row('writes', (x) => int(x.writes)),
    row('write units', (x) => dec(x.writeUnits, 0)),
    row('  of them installment puts', (x) => int(x.installmentPuts)),
    row('  + GSI writes (estimate)', (x) => int(x.gsiWrites)),
    row('  + GSI write units (estimate)', (x) => int(x.gsiWriteUnits)),
    row('messages', (x) => int(x.messages)),
    row(
      '  sms / email / push',
      (x) => `${int(x.smsMessages)}/${int(x.emailMessages)}/${int(x.pushMessages)}`,
    ),
    row('  SMS parts', (x) => int(x.smsParts)),
    row('SNS calls', (x) => int(x.snsCalls)),
    row('  floor (job run: ceil(messages/10))', (x) => int(x.snsCallsFloor)),
    row('  calls / floor', (x) => dec(ratio(x.snsCalls, x.snsCallsFloor))),
    row('events', (x) => int(x.events)),
    row('PutEvents calls', (x) => int(x.putEventsCalls)),
    row('  floor (job run: ceil(events/10))', (x) => int(x.putEventsCallsFloor)),
    row('  calls / floor', (x) => dec(ratio(x.putEventsCalls, x.putEventsCallsFloor))),
    row('work items (invocations)', (x) => int(x.workItems)),
    row('wall ms', (x) => int(x.wallMs)),
    row('CPU ms (run process)', (x) => int(x.cpuMs)),
    row('items/s (needed)', (x) => int(x.itemsPerSecond)),
    row('peak RSS', (x) => mb(x.peakRssBytes)),
  ];
}

export function formatReport(report: BenchReport): string {
  const s = report.seeding;
  const lines: string[] = [];
  lines.push(
    `repayment-sentinel benchmark: ${int(report.installments)} installments, day ${report.day}, due fraction ${report.dueFraction === 'book' ? `${report.naturalDueFraction} (the book's own)` : report.dueFraction}, ${report.shards} shards × concurrency ${report.concurrency}${report.latencyMs ? `, +${report.latencyMs} ms per AWS call` : ''}`,
    `seeded ${int(s.installments)} installments of ${int(s.borrowers)} borrowers in ${dec(s.ms / 1000, 1)} s (not counted); on the day's job indexes: aging ${int(s.indexedForDay.aging)}, reminders ${int(s.indexedForDay.reminders)}, failedDebits ${int(s.indexedForDay.failedDebits)} (${int(s.dueItems)} distinct due items; ${int(s.dueToday)} due today)`,
    `states: ${Object.entries(s.byStatus)
      .map(([k, v]) => `${k} ${int(v)}`)
      .join(', ')}`,
    "floors: items needed = installments a job acted on that day; publish calls = ceil(n/10) per job run, and for the total the sum of the job runs' floors (runs hours apart share no batch)",
    '',
    table(sideRows(report.ours, report.baseline)),
    '',
    `baseline / ours: read units ${dec(report.ratios.baselineReadUnitsOverOurs, 1)}×, writes ${dec(report.ratios.baselineWritesOverOurs)}×, wall ${dec(report.ratios.baselineWallOverOurs, 1)}×`,
  );
  if (report.growth) {
    const g = report.growth;
    lines.push(
      '',
      `growth: the same day on ${int(g.installments)} installments (+${int(g.installments - report.installments)} that need nothing that day; seeded in ${dec(g.seeding.ms / 1000, 1)} s)`,
      table([
        ['', 'ours', 'baseline'],
        ['read units, base table', dec(report.ours.readUnits, 1), dec(report.baseline.readUnits, 1)],
        ['read units, 10× table', dec(g.ours.readUnits, 1), dec(g.baseline.readUnits, 1)],
        ['  growth', `${dec(g.oursReadUnitsGrowth)}×`, `${dec(g.baselineReadUnitsGrowth)}×`],
        ['items read, 10× table', int(g.ours.itemsRead), int(g.baseline.itemsRead)],
        ['wall ms, 10× table', int(g.ours.wallMs), int(g.baseline.wallMs)],
      ]),
    );
  }
  if (report.latency) {
    const l = report.latency;
    lines.push(
      '',
      `latency: +${l.latencyMs} ms per AWS call`,
      table([
        ['', ...JOBS, 'total'],
        [
          'ours, work items concurrent (ms)',
          ...JOBS.map((j) => int(report.ours.jobs[j].wallMs)),
          int(report.ours.wallMs),
        ],
        [
          'ours, sequential (ms)',
          ...JOBS.map((j) => int(l.sequential.jobs[j].wallMs)),
          int(l.sequential.wallMs),
        ],
        ['  speedup', ...JOBS.map((j) => `${dec(l.perJobSpeedup[j], 1)}×`), `${dec(l.speedup, 1)}×`],
        [
          'baseline (ms)',
          ...JOBS.map((j) => int(report.baseline.jobs[j].wallMs)),
          int(report.baseline.wallMs),
        ],
      ]),
    );
  }
  if (report.rss) {
    lines.push(
      '',
      'peak RSS of our run by due items (each in its own process; the store in another):',
      table([
        ['due items', 'installments', 'items read', 'RSS at start', 'peak RSS', 'wall s'],
        ...report.rss.probes.map((p) => [
          int(p.dueItems),
          int(p.installments),
          int(p.itemsRead),
          mb(p.startRssBytes),
          mb(p.peakRssBytes),
          dec(p.wallMs / 1000, 1),
        ]),
      ]),
      `  growth ${dec(report.rss.growth)}×`,
    );
  }
  lines.push(
    '',
    'targets:',
    ...report.targets.map(
      (t) => `  ${t.met ? 'met   ' : 'MISSED'}  ${t.name}: ${dec(t.value)} (target ${t.target})`,
    ),
    '',
    `benchmark wall time ${dec(report.benchWallMs / 1000, 1)} s`,
  );
  return lines.join('\n');
}
