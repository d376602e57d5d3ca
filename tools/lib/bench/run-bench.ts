/**
 * The benchmark, end to end.
 *
 * Primary course:
 * 1. Make the book's templates (lived through with the rules) and start the embedded store.
 * 2. Seed N installments (batch writes; not counted).
 * 3. Run our day (the dispatch and worker handlers, work items concurrent), then put the store back.
 * 4. Run the naive baseline on the same data, then put the store back.
 * 5. With a latency: run our day again sequentially (one work item at a time, `jobs.concurrency` 1).
 * 6. With growth: add 9N installments that need nothing that day and run both sides again.
 * 7. With RSS probes: for each size, a fresh store and our run alone in its own process.
 * Each measured run is a child process of its own (peak RSS is then the run's alone), unless
 * `inProcess` (the smoke test).
 */
import { ConfigInvalidError, loadConfig } from '../../../shared/config/load';
import type { Config } from '../../../shared/config/schema';
import { JOBS, type Job } from '../../../shared/table-layout';
import type { RunSpec, SideResult } from './measure';
import { BenchPortfolio } from './portfolio';
import {
  type BenchReport,
  floorOf,
  type GrowthReport,
  type LatencyReport,
  type RssProbe,
  type RssReport,
  ratiosOf,
  type Totals,
  targetsOf,
  totalsOf,
} from './report';
import { runSide } from './run-side';
import { type BenchStore, BookLayout, forkTs, restore, seedRange, startStore } from './store';

interface BenchOptions {
  installments: number;
  /** Share of installments on the day's job indexes; absent: the book's own mixture. */
  dueFraction?: number;
  latencyMs: number;
  growth: boolean;
  /** Due-item counts of the RSS probes (empty: none). */
  rssDueItems: number[];
  /** Due fraction of the RSS probes' books. */
  rssDueFraction: number;
  day: string;
  seed: number;
  /** An operator configuration file deep-merged over config/default.json. */
  configFile?: string;
  /** Overrides deep-merged over the configuration. */
  config?: Record<string, unknown>;
  /** Store and runs in this process (the smoke test); RSS figures are then not the run's alone. */
  inProcess?: boolean;
  log?: (line: string) => void;
}

export const DEFAULTS = {
  installments: 200_000,
  /** Without `--installments`, `--growth` and `--latency-ms` start from a smaller book (see docs/scale.md). */
  installmentsWithGrowth: 20_000,
  rssDueItems: [10_000, 100_000],
  rssDueFraction: 0.5,
  day: '2027-03-15',
  seed: 42,
};

/** The operator configuration: config/default.json, `file` over it, then `overrides` (deep merges). */
function benchConfig(overrides: Record<string, unknown> = {}, file?: string): Config {
  const loaded = loadConfig({ ...(file ? { file } : {}), overrides });
  if (!loaded.ok) throw new ConfigInvalidError(file ?? 'config/default.json', loaded.problems);
  return loaded.config;
}

/** Runs one side: in a child process (clean peak RSS), or here. */
async function measure(spec: RunSpec, inProcess: boolean): Promise<SideResult> {
  if (inProcess) return runSide(spec);
  const child = forkTs('./side-process.ts');
  return new Promise<SideResult>((resolve, reject) => {
    let settled = false;
    child.once('message', (m) => {
      settled = true;
      const answer = m as { ok: true; result: SideResult } | { ok: false; error: string };
      if (answer.ok) resolve(answer.result);
      else reject(new Error(`${spec.side} run failed: ${answer.error}`));
    });
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`${spec.side} run exited (${code}) without a result`));
    });
    child.send(spec);
  });
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const config = benchConfig(options.config, options.configFile);
  const { day } = options;

  log(`living the book's templates through the rules (benchmark day ${day})…`);
  const living = performance.now();
  const portfolio = await BenchPortfolio.create(config, {
    day,
    ...(options.dueFraction === undefined ? {} : { dueFraction: options.dueFraction }),
    seed: options.seed,
  });
  log(
    `  ${portfolio.templates.length} templates in ${((performance.now() - living) / 1000).toFixed(1)} s; natural due fraction of the book ${portfolio.naturalDueFraction().toFixed(4)}`,
  );

  const store = await startStore({ inProcess: options.inProcess ?? false });
  let report: BenchReport;
  try {
    const bench = new BenchRuns(store, new BookLayout(portfolio, options.installments), config, options);
    log(`seeding ${options.installments.toLocaleString('en-US')} installments…`);
    const seeding = await seedRange(store, bench.layout, config, 0, bench.layout.baseBorrowers, day);
    log(
      `  done in ${(seeding.ms / 1000).toFixed(1)} s; ${seeding.dueItems.toLocaleString('en-US')} due items`,
    );
    const ours = await bench.run('ours (work items concurrent)', 'ours');
    const floor = floorOf(ours);
    const oursTotals = totalsOf(ours, floor);
    const baselineTotals = totalsOf(await bench.run('the naive baseline', 'baseline'), floor);
    const latency = options.latencyMs > 0 ? await bench.latency(floor, oursTotals) : undefined;
    const growth = options.growth ? await bench.growth(floor, oursTotals, baselineTotals) : undefined;
    report = {
      installments: options.installments,
      day,
      dueFraction: options.dueFraction ?? 'book',
      naturalDueFraction: Number(portfolio.naturalDueFraction().toFixed(4)),
      seed: options.seed,
      shards: config.jobs.shards,
      concurrency: config.jobs.concurrency,
      latencyMs: options.latencyMs,
      seeding,
      ours: oursTotals,
      baseline: baselineTotals,
      ratios: ratiosOf(oursTotals, baselineTotals),
      ...(growth ? { growth } : {}),
      ...(latency ? { latency } : {}),
      targets: [],
      benchWallMs: 0,
    };
  } finally {
    await store.stop();
  }

  if (options.rssDueItems.length > 0) report.rss = await rssProbes(options, config, log);
  report.targets = targetsOf(report);
  report.benchWallMs = Math.round(performance.now() - started);
  return report;
}

/** The measured runs on one seeded store: each side's day, then the store put back. */
class BenchRuns {
  private readonly log: (line: string) => void;

  constructor(
    private readonly store: BenchStore,
    readonly layout: BookLayout,
    private readonly config: Config,
    private readonly options: BenchOptions,
  ) {
    this.log = options.log ?? (() => undefined);
  }

  /** One side's day (in its own process unless `inProcess`), then the store restored. */
  async run(label: string, side: RunSpec['side'], extra: Partial<RunSpec> = {}): Promise<SideResult> {
    this.log(`running ${label}…`);
    const spec: RunSpec = {
      side,
      endpoint: this.store.endpoint,
      tableName: this.store.tableName,
      day: this.options.day,
      config: this.config,
      latencyMs: this.options.latencyMs,
      trackFloor: true,
      recordWrites: true,
      ...extra,
    };
    const storeCpu = this.store.cpuMs();
    const result = await measure(spec, this.options.inProcess ?? false);
    const storeCpuAfter = this.store.cpuMs();
    result.storeCpuMs = storeCpu === null || storeCpuAfter === null ? null : storeCpuAfter - storeCpu;
    const wall = result.jobs.reduce((sum, j) => sum + j.wallMs, 0);
    const back = await restore(this.store, this.layout, this.config, result.written ?? []);
    this.log(
      `  ${(wall / 1000).toFixed(1)} s; store restored (${back.restored} items put back, ${back.deleted} deleted)`,
    );
    result.written = undefined;
    return result;
  }

  /** With a latency: our day again one work item at a time, with and without bounded concurrency. */
  async latency(floor: Record<Job, number>, ours: Totals): Promise<LatencyReport> {
    const sequential = totalsOf(
      await this.run('ours, one work item at a time, jobs.concurrency 1', 'ours', { mode: 'sequential' }),
      floor,
    );
    const oneWorkItemAtATime = totalsOf(
      await this.run('ours, one work item at a time (each timed as an invocation)', 'ours', {
        mode: 'oneWorkItemAtATime',
      }),
      floor,
    );
    const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
    return {
      latencyMs: this.options.latencyMs,
      sequential,
      oneWorkItemAtATime,
      speedup: ratio(sequential.wallMs, ours.wallMs),
      perJobSpeedup: Object.fromEntries(
        JOBS.map((job) => [job, ratio(sequential.jobs[job].wallMs, Math.max(1, ours.jobs[job].wallMs))]),
      ) as Record<Job, number>,
    };
  }

  /** Growth: 9N installments that need nothing that day added, and both sides run again. */
  async growth(floor: Record<Job, number>, ours: Totals, baseline: Totals): Promise<GrowthReport> {
    const { layout } = this;
    layout.extraInstallments = this.options.installments * 9;
    this.log(
      `growth: adding ${layout.extraInstallments.toLocaleString('en-US')} installments that need nothing that day…`,
    );
    const to = layout.baseBorrowers + layout.extraBorrowers;
    const extra = await seedRange(
      this.store,
      layout,
      this.config,
      layout.baseBorrowers,
      to,
      this.options.day,
    );
    this.log(`  done in ${(extra.ms / 1000).toFixed(1)} s`);
    const bigOurs = totalsOf(await this.run('ours on the 10× table', 'ours'), floor);
    const bigBaseline = totalsOf(await this.run('the baseline on the 10× table', 'baseline'), floor);
    return {
      installments: layout.installments,
      ours: bigOurs,
      baseline: bigBaseline,
      oursReadUnitsGrowth: Number((bigOurs.readUnits / ours.readUnits).toFixed(3)),
      baselineReadUnitsGrowth: Number((bigBaseline.readUnits / baseline.readUnits).toFixed(3)),
      seeding: extra,
    };
  }
}

/**
 * Peak RSS of our run as the day's work grows: for each size, a fresh store seeded with
 * `dueItems / rssDueFraction` installments, and our run alone in its own process (no floor sets, no
 * key lists: only counters), so that the figure is the run's memory and nothing else.
 */
async function rssProbes(
  options: BenchOptions,
  config: Config,
  log: (line: string) => void,
): Promise<RssReport> {
  const probes: RssProbe[] = [];
  for (const dueItems of options.rssDueItems) {
    const installments = Math.round(dueItems / options.rssDueFraction);
    const portfolio = await BenchPortfolio.create(config, {
      day: options.day,
      dueFraction: options.rssDueFraction,
      seed: options.seed,
    });
    const store: BenchStore = await startStore({ inProcess: options.inProcess ?? false });
    try {
      const layout = new BookLayout(portfolio, installments);
      log(
        `RSS probe: seeding ${installments.toLocaleString('en-US')} installments (≈${dueItems.toLocaleString('en-US')} due)…`,
      );
      const seeding = await seedRange(store, layout, config, 0, layout.baseBorrowers, options.day);
      log(`  ${seeding.dueItems.toLocaleString('en-US')} due items; running ours in its own process…`);
      const result = await measure(
        {
          side: 'ours',
          endpoint: store.endpoint,
          tableName: store.tableName,
          day: options.day,
          config,
          latencyMs: 0,
          trackFloor: false,
          recordWrites: false,
        },
        options.inProcess ?? false,
      );
      const wallMs = result.jobs.reduce((sum, j) => sum + j.wallMs, 0);
      probes.push({
        dueItems: seeding.dueItems,
        installments,
        itemsRead: result.jobs.reduce((sum, j) => sum + j.usage.itemsRead, 0),
        peakRssBytes: result.peakRssBytes,
        startRssBytes: result.startRssBytes,
        wallMs: Math.round(wallMs),
      });
      log(
        `  peak RSS ${(result.peakRssBytes / 1024 / 1024).toFixed(0)} MB in ${(wallMs / 1000).toFixed(1)} s`,
      );
    } finally {
      await store.stop();
    }
  }
  const first = probes[0];
  const last = probes.at(-1);
  return {
    probes,
    growth: first && last ? Number((last.peakRssBytes / first.peakRssBytes).toFixed(3)) : 1,
  };
}
