/**
 * What one side of the benchmark (ours, or the naive baseline) reports about one run of the day, and
 * the pieces both sides share: the jobs' hours, the floor tracker, the RSS sampler and the measure
 * of one job.
 */
import { fireTimesBetween } from '../../../shared/config/cron';
import type { Config } from '../../../shared/config/schema';
import { addDays, toInstant } from '../../../shared/rules/calendar';
import type { LocalDate } from '../../../shared/rules/types';
import { JOBS, type Job } from '../../../shared/table-layout';
import { type CountingSinks, diffUsage, emptyUsage, type Usage, type WrittenKey } from './aws-counting';

/**
 * When `job` runs on `day`: the first time one of its schedules fires that day (an instant). With
 * the default configuration: aging 00:30, reminders 09:00, failed debits 10:00 (local), as
 * `2027-03-15T09:00:00+08:00`.
 */
export function jobRunOn(config: Config, job: Job, day: LocalDate): string {
  const from = toInstant(`${day}T00:00`, config.timeZone);
  const to = toInstant(`${addDays(day, 1)}T00:00`, config.timeZone);
  const fires = config.schedules[job].flatMap((expr) => fireTimesBetween(expr, config.timeZone, from, to));
  const first = fires.sort((a, b) => Date.parse(a) - Date.parse(b))[0];
  if (!first) throw new Error(`schedules.${job}: no run on the benchmark day ${day}`);
  return first;
}

interface JobMeasure {
  job: Job;
  usage: Usage;
  /**
   * Installments this side acted on in this job: changed state (a transition), emitted an event, sent
   * or skipped a notification, requested a retry. De-duplicated by installment. On our side it is the
   * floor (what the day needs); the baseline's should match it.
   */
  actedOn: number;
  wallMs: number;
  /** Highest RSS sampled while this job ran. */
  peakRssBytes: number;
  /** CPU time (user + system) this process spent on the job: the code's own cost, store excluded. */
  cpuMs: number;
  /** Sum of the wall times of the job's worker invocations (what Lambda would bill as their durations). */
  invocationMs: number;
  /** Work items delivered to the worker (continuations included). */
  workItems: number;
}

/**
 * How our side runs the work items of a job: all at once (as concurrent Lambda invocations would), one
 * at a time with `jobs.concurrency` 1 (the sequential comparison: concurrency 1 everywhere), or one at
 * a time with the configured concurrency (each work item then alone, timed as one invocation).
 */
type RunMode = 'concurrent' | 'sequential' | 'oneWorkItemAtATime';

export interface SideResult {
  side: 'ours' | 'baseline';
  mode: RunMode;
  latencyMs: number;
  jobs: JobMeasure[];
  /** The process's peak RSS (`process.resourceUsage().maxRSS`) at the end of the run. */
  peakRssBytes: number;
  /** RSS before the first job (modules loaded, clients built). */
  startRssBytes: number;
  /** CPU milliseconds of the store's process during the run (null when unknown). */
  storeCpuMs?: number | null;
  /** Keys of every item written (for the restore step); absent when not asked for. */
  written?: WrittenKey[];
}

/** Which side runs, and how: what the orchestrator hands a runner (in process or in a child). */
export interface RunSpec {
  side: 'ours' | 'baseline';
  endpoint: string;
  tableName: string;
  day: LocalDate;
  /** The operator configuration (validated JSON). */
  config: unknown;
  latencyMs: number;
  /** Ours only; `concurrent` by default. */
  mode?: RunMode;
  /** Track installments acted on (a set per job: O(work) memory; off for the RSS probes). */
  trackFloor?: boolean;
  /** Report the keys written, for the restore step. */
  recordWrites?: boolean;
}

/** Installments acted on, by job, as `loanId|seq`. */
class FloorTracker {
  private current: Set<string> | null = null;
  private count = 0;
  constructor(private readonly enabled: boolean) {}

  start(): void {
    this.current = this.enabled ? new Set() : null;
    this.count = 0;
  }

  add(loanId: string, seq: string): void {
    if (this.current) this.current.add(`${loanId}|${seq}`);
    else this.count++;
  }

  /** Distinct installments since `start` (when tracking is off: every report, not de-duplicated). */
  size(): number {
    return this.current ? this.current.size : this.count;
  }
}

/** Samples RSS every few milliseconds; `peak` is the highest value since the last `reset`. */
class RssSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(intervalMs = 20) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }
  sample(): number {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
    return rss;
  }
  reset(): void {
    this.peak = 0;
    this.sample();
  }
  get peakBytes(): number {
    this.sample();
    return this.peak;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/** CPU milliseconds (user + system) of this process since `start`. */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return Math.round((used.user + used.system) / 1000);
}

/** Peak RSS of this process since it started, in bytes. */
const processPeakRss = (): number => process.resourceUsage().maxRSS * 1024;

/** What a side's run of one job reports besides what the clients counted. */
export interface JobRun {
  /** Sum of the worker invocations' wall times. */
  invocationMs: number;
  workItems: number;
}

/** A side's meters for its day: the usage its clients count, the floor, the keys written, RSS. */
export class SideMeters {
  readonly usage = emptyUsage();
  readonly floor: FloorTracker;
  private readonly written: WrittenKey[] = [];

  constructor(private readonly spec: RunSpec) {
    this.floor = new FloorTracker(spec.trackFloor ?? true);
  }

  /** Sinks of the counting clients: the keys written (when asked for), and (`actedOn`) publishes as acted on. */
  sinks(actedOn: boolean): CountingSinks {
    const add = (ref: { loanId: string; seq: string }) => this.floor.add(ref.loanId, ref.seq);
    return {
      ...(actedOn ? { message: add, event: add } : {}),
      ...(this.spec.recordWrites ? { written: (key: WrittenKey) => this.written.push(key) } : {}),
    };
  }

  /**
   * Runs the day's jobs in order, each measured (after its unmeasured `prepare`): the usage it
   * added, the installments it acted on, its wall time, peak RSS and CPU.
   */
  async day(
    mode: RunMode,
    runJob: (job: Job) => Promise<JobRun>,
    prepare?: (job: Job) => Promise<void>,
  ): Promise<SideResult> {
    const sampler = new RssSampler();
    const startRssBytes = sampler.sample();
    const jobs: JobMeasure[] = [];
    try {
      for (const job of JOBS) {
        await prepare?.(job);
        const before = { ...this.usage };
        this.floor.start();
        sampler.reset();
        const started = performance.now();
        const cpu = process.cpuUsage();
        const { invocationMs, workItems } = await runJob(job);
        jobs.push({
          job,
          usage: diffUsage(this.usage, before),
          actedOn: this.floor.size(),
          wallMs: performance.now() - started,
          peakRssBytes: sampler.peakBytes,
          cpuMs: cpuMsSince(cpu),
          invocationMs: Math.round(invocationMs),
          workItems,
        });
      }
    } finally {
      sampler.stop();
    }
    return {
      side: this.spec.side,
      mode,
      latencyMs: this.spec.latencyMs,
      jobs,
      peakRssBytes: processPeakRss(),
      startRssBytes,
      ...(this.spec.recordWrites ? { written: this.written } : {}),
    };
  }
}
