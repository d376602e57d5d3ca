/**
 * The benchmark's portfolio: installments whose states, on the benchmark day, are the ones a real
 * book has, reached through the rules themselves.
 *
 * Each installment comes from a *template*: a history (paid on time, cured by a retry, unpaid after
 * a soft or hard decline, a debit result that never came, a failure reported after the day's runs,
 * or simply not due yet), a due date relative to the benchmark day (its offset) and the borrower's
 * credit tier. A template is made once with the rules' factory (`newInstallment`) and lived through
 * day by day the way production would: its debit results with `recordDebitResult`, and on each day
 * one of its next action dates (`nextActionDates`) falls, that job's planner (`planAging`,
 * `planRemindersGroup`, `planFailedDebitsGroup`, the very code the workers run) at the job's hour;
 * every retry it requests is answered by the payment side an hour later. It stops at 00:29 of the
 * benchmark day. Installments are copies of templates under their own ids.
 *
 * The *book mixture* weighs templates as a loan book would (one due cohort per day, most installments
 * paid or not yet due, a small unpaid tail decaying as borrowers cure). Templates whose next action
 * date for some job is the benchmark day form the *work pool*, the others the *quiet pool*. By
 * default each installment is drawn from the whole book (the day's work is then the book's own, about
 * 1.2 % of installments); with `dueFraction` F it is drawn from the work pool with probability F, so
 * the day's work scales with F while keeping the book's composition.
 *
 * Everything is a function of (seed, borrower index): any borrower's bundle can be made again, alone
 * (the restore step puts back exactly what a run changed).
 */

import type { Deps } from '../../../functions/use-cases/deps';
import { planAging } from '../../../functions/use-cases/plan-aging';
import { planFailedDebitsGroup, planRemindersGroup } from '../../../functions/use-cases/plan-notifications';
import type { GroupPlanner, JobContext } from '../../../functions/use-cases/scheduled-job';
import { minutesOfDay, parseCron } from '../../../shared/config/cron';
import type { Config } from '../../../shared/config/schema';
import { addDays, minDate, toInstant } from '../../../shared/rules/calendar';
import { recordDebitResult } from '../../../shared/rules/debit-results';
import { newInstallment } from '../../../shared/rules/installment';
import { type NextActionDates, nextActionDates } from '../../../shared/rules/next-actions';
import {
  type Borrower,
  type DeclineReason,
  type Installment,
  LOCAL_DATE,
  type LocalDate,
} from '../../../shared/rules/types';
import { JOBS, type Job } from '../../../shared/table-layout';
import { seededRandom } from '../portfolio';

const HISTORIES = [
  'NOT_DUE_YET',
  'PAID_ON_TIME',
  'CURED_BY_RETRY',
  'SOFT_DECLINE_UNPAID',
  'HARD_DECLINE_UNPAID',
  'LATE_REPORT_UNPAID',
  'DEBIT_RESULT_MISSING',
] as const;
type History = (typeof HISTORIES)[number];

interface TemplateKey {
  history: History;
  /** dueDate − benchmark day, in days. */
  offset: number;
  tier: string;
}

export interface Template extends TemplateKey {
  inst: Installment;
  next: NextActionDates;
  /** Jobs whose next action date is the benchmark day. */
  workFor: Job[];
  weight: number;
}

export interface PortfolioOptions {
  /** The benchmark day (local date). */
  day: LocalDate;
  /**
   * Share of installments drawn from the work pool; absent: every installment is drawn from the whole
   * book mixture, so the day's work is the book's own (about 1.2 % of installments).
   */
  dueFraction?: number;
  seed?: number;
}

/** Oldest and farthest due dates of the book, in days from the benchmark day. */
const OLDEST_OFFSET = -240;
const FARTHEST_OFFSET = 330;

/** Share of borrowers per tier (by credit score), from the top. */
const TIER_SHARES: Record<string, number> = { S: 0.3, A: 0.3, B: 0.25, C: 0.15 };

/**
 * Unpaid share of a due cohort `days` after its due date, by history: failures stay unpaid for a
 * while, and the tail decays as borrowers pay by hand (those become `PAID_ON_TIME`-like: quiet).
 */
function unpaidShare(history: History, days: number): number {
  const decay = Math.exp(-days / 120);
  switch (history) {
    case 'SOFT_DECLINE_UNPAID':
      return 0.05 * decay;
    case 'HARD_DECLINE_UNPAID':
      return 0.02 * decay;
    case 'LATE_REPORT_UNPAID':
      return 0.008 * decay;
    case 'DEBIT_RESULT_MISSING':
      return 0.004 * decay;
    case 'CURED_BY_RETRY':
      return 0.05;
    default:
      return 0;
  }
}

/** The weight of a template in the book: one due cohort per day, split by history. */
function bookWeight(key: TemplateKey): number {
  const tierShare = TIER_SHARES[key.tier] ?? 0;
  if (key.offset >= 0) return key.history === 'NOT_DUE_YET' ? tierShare : 0;
  if (key.history === 'NOT_DUE_YET') return 0;
  const days = -key.offset;
  if (key.history === 'PAID_ON_TIME') {
    const others = HISTORIES.filter((h) => h !== 'PAID_ON_TIME' && h !== 'NOT_DUE_YET');
    return tierShare * (1 - others.reduce((sum, h) => sum + unpaidShare(h, days), 0));
  }
  return tierShare * unpaidShare(key.history, days);
}

/** A small deterministic hash (FNV-1a) of a string, for per-template variety. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const SOFT: DeclineReason[] = ['INSUFFICIENT_FUNDS', 'BANK_UNAVAILABLE', 'LIMIT_EXCEEDED'];
const HARD: DeclineReason[] = ['CARD_EXPIRED', 'ACCOUNT_CLOSED', 'AUTHORIZATION_REVOKED'];

interface DebitEvent {
  day: LocalDate;
  time: string;
  outcome: 'SUCCEEDED' | 'FAILED';
  reason?: DeclineReason;
}

type Slot = { job: Job; time: string } | { time: string };

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/**
 * The local times of each day, in order: each job at its schedules' times of day (from the
 * configuration), the debit results (06:00 on the due date, 20:00 for a late report) and the payment
 * side's retry answers an hour after each failed-debits run.
 */
function slotsOf(config: Config): Slot[] {
  const runs = JOBS.flatMap((job) =>
    config.schedules[job].flatMap((expr) => {
      const parsed = parseCron(expr);
      if (!parsed.ok) throw new Error(`schedules.${job}: ${parsed.message}`);
      return minutesOfDay(parsed.cron).map((minute) => ({ job, minute }));
    }),
  );
  const answers = runs.filter((r) => r.job === 'failedDebits').map((r) => ({ minute: r.minute + 60 }));
  return [...runs, { minute: 6 * 60 }, { minute: 20 * 60 }, ...answers]
    .sort((a, b) => a.minute - b.minute)
    .map((slot) =>
      'job' in slot ? { job: slot.job, time: hhmm(slot.minute) } : { time: hhmm(slot.minute) },
    );
}

const PLANNERS: Record<Job, GroupPlanner> = {
  aging: planAging,
  reminders: planRemindersGroup,
  failedDebits: planFailedDebitsGroup,
};

/** A borrower standing for a tier while a template is lived through: reachable on every channel. */
function templateBorrower(tier: string, config: Config): Borrower {
  const range = config.creditTiers.find((t) => t.tier === tier);
  if (!range) throw new Error(`no credit tier ${tier}`);
  return {
    borrowerId: 'TEMPLATE',
    creditScore: range.minScore,
    locale: 'zh-CN',
    contacts: { sms: '+8613800000000', email: 'template@example.com', push: 'template' },
    consents: {},
    lastFailedDebitOn: null,
  };
}

/** A state of a lifetime, valid from 00:00 of `from` until the next one's `from`. */
interface Snapshot {
  from: LocalDate;
  inst: Installment;
  writes: number;
}

/** Day number of a local date (days since 1970-01-01), and back: fast, no time zone involved. */
const dayNumber = (d: LocalDate) =>
  Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / 86_400_000;
const fromDayNumber = (n: number): LocalDate => new Date(n * 86_400_000).toISOString().slice(0, 10);

/** `value` with every local date in it (any string `YYYY-MM-DD`) moved by `days`. */
function shiftDates<T>(value: T, days: number): T {
  if (typeof value === 'string') {
    return (LOCAL_DATE.test(value) ? fromDayNumber(dayNumber(value) + days) : value) as T;
  }
  if (Array.isArray(value)) return value.map((v) => shiftDates(v, days)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = shiftDates(v, days);
    return out as T;
  }
  return value;
}

/**
 * Lives one installment due on `dueDate` through its history, as production would: its debit
 * results with `recordDebitResult`; on each day one of its next action dates falls, that job's
 * planner at the job's hour (the planners the workers run; caps always granted: one installment never
 * meets its own cap); every retry it requests answered by the payment side an hour later. It jumps
 * from action day to action day (a job reads an installment only then), and returns the state after
 * each day it changed, until `until` (exclusive).
 */
async function liveLifetime(
  history: History,
  tier: string,
  dueDate: LocalDate,
  until: LocalDate,
  config: Config,
): Promise<Snapshot[]> {
  const life = new Lifetime(history, tier, dueDate, config);
  const slots = slotsOf(config);
  const snapshots: Snapshot[] = [life.snapshot('0000-01-01')];
  let cursor = addDays(dueDate, -10);
  for (let guard = 0; guard < 2_000; guard++) {
    const on = life.nextDay(cursor);
    if (on === null || on >= until) break;
    for (const slot of slots) {
      if ('job' in slot) await life.runJob(slot.job, on, slot.time);
      else life.takeDebits(on, slot.time);
    }
    cursor = addDays(on, 1);
    snapshots.push(life.snapshot(cursor));
  }
  return snapshots;
}

/** One template installment's life: its state, the debit results to come, its writes. */
class Lifetime {
  private inst: Installment;
  private readonly borrower: Borrower;
  private readonly soft: DeclineReason;
  private readonly pending: DebitEvent[] = [];
  private readonly deps: Deps;
  private retries = 0;
  private writes = 0;
  private attempt = 0;
  // Next action dates of the current state as of a day, computed once per (state, day).
  private next: { inst: Installment; on: LocalDate; dates: NextActionDates } | null = null;

  constructor(
    private readonly history: History,
    tier: string,
    dueDate: LocalDate,
    private readonly config: Config,
  ) {
    const h = hash(`${history}|${tier}`);
    const principal = (3 + (h % 28)) * 10_000; // ¥300..¥3,000
    const interest = Math.floor((principal * (100 + (h % 100))) / 10_000);
    const base = { loanId: 'TEMPLATE', seq: 1, borrowerId: 'TEMPLATE', dueDate, principal, interest };
    this.inst = newInstallment(base, config);
    this.borrower = templateBorrower(tier, config);
    this.soft = SOFT[h % SOFT.length] as DeclineReason;
    this.deps = { config, caps: { reserve: async () => true, sentOn: async () => 0 } } as unknown as Deps;
    const first = firstDebit(history, this.soft, HARD[h % HARD.length] as DeclineReason);
    if (first) this.pending.push({ day: dueDate, ...first });
  }

  snapshot(from: LocalDate): Snapshot {
    return { from, inst: this.inst, writes: this.writes };
  }

  /** The first day on or after `cursor` with a job's action date or a debit result; null when none. */
  nextDay(cursor: LocalDate): LocalDate | null {
    const dates = this.nextOn(cursor);
    const candidates = [...JOBS.map((job) => dates[job]), ...this.pending.map((e) => e.day)].filter(
      (d): d is string => d !== null && d !== undefined,
    );
    return candidates.length === 0 ? null : candidates.reduce(minDate);
  }

  /** `job` at `time` of `on`, if its action date is `on`; a retry it requests is answered an hour later. */
  async runJob(job: Job, on: LocalDate, time: string): Promise<void> {
    if (this.nextOn(on)[job] !== on) return;
    const now = toInstant(`${on}T${time}`, this.config.timeZone);
    const ctx: JobContext = { now, today: on, at: now, owner: 'template' };
    const [change] = await PLANNERS[job](this.deps, this.borrower, [this.inst], ctx);
    if (!change) return;
    this.inst = change.installment;
    this.writes++;
    for (const event of change.events ?? []) {
      if (event.detailType !== 'DebitRetryRequested') continue;
      this.retries++;
      // The payment side answers every retry an hour later: the cured one pays on its second retry.
      const cured = this.history === 'CURED_BY_RETRY' && this.retries >= 2;
      this.pending.push({
        day: on,
        time: hhmm(Number(time.slice(0, 2)) * 60 + Number(time.slice(3)) + 60),
        outcome: cured ? 'SUCCEEDED' : 'FAILED',
        ...(cured ? {} : { reason: this.soft }),
      });
    }
  }

  /** The debit results due at `time` of `on`, recorded. */
  takeDebits(on: LocalDate, time: string): void {
    for (const event of this.pending.filter((e) => e.day === on && e.time === time)) {
      this.pending.splice(this.pending.indexOf(event), 1);
      const result = {
        attemptId: `attempt-${++this.attempt}`,
        outcome: event.outcome,
        ...(event.reason ? { reason: event.reason } : {}),
        attemptedOn: on,
      };
      this.inst = recordDebitResult(this.inst, result, {
        config: this.config,
        borrower: this.borrower,
      }).installment;
      this.writes++;
    }
  }

  private nextOn(on: LocalDate): NextActionDates {
    if (this.next?.inst !== this.inst || this.next.on !== on)
      this.next = { inst: this.inst, on, dates: nextActionDates(this.inst, on, this.config) };
    return this.next.dates;
  }
}

/** The due date's debit result of a history: none for one not due yet or whose result never came. */
function firstDebit(
  history: History,
  soft: DeclineReason,
  hard: DeclineReason,
): Omit<DebitEvent, 'day'> | null {
  switch (history) {
    case 'PAID_ON_TIME':
      return { time: '06:00', outcome: 'SUCCEEDED' };
    case 'CURED_BY_RETRY':
    case 'SOFT_DECLINE_UNPAID':
      return { time: '06:00', outcome: 'FAILED', reason: soft };
    case 'HARD_DECLINE_UNPAID':
      return { time: '06:00', outcome: 'FAILED', reason: hard };
    case 'LATE_REPORT_UNPAID':
      return { time: '20:00', outcome: 'FAILED', reason: soft };
    default:
      return null;
  }
}

/**
 * The template of `history` due `offset` days from the benchmark day `day`, as of 00:29 that day:
 * a lifetime due on `day` itself, taken at day `day − offset` and moved by `offset` days (the rules
 * count days, never weekdays or months, and the business time zone has no daylight saving, so a
 * history moved in time is the same history).
 */
function templateOf(snapshots: Snapshot[], key: TemplateKey, day: LocalDate, config: Config): Template {
  const at = fromDayNumber(dayNumber(day) - key.offset);
  let chosen = snapshots[0] as Snapshot;
  for (const s of snapshots) if (s.from <= at) chosen = s;
  const inst = { ...shiftDates(chosen.inst, key.offset), version: chosen.writes };
  const next = nextActionDates(inst, day, config);
  return {
    ...key,
    inst,
    next,
    workFor: JOBS.filter((job) => next[job] === day),
    weight: bookWeight(key),
  };
}

/** A weighted pool of templates, drawn from by binary search on the cumulative weights. */
class Pool {
  private readonly cumulative: number[] = [];
  private total = 0;
  constructor(readonly templates: Template[]) {
    for (const t of templates) {
      this.total += t.weight;
      this.cumulative.push(this.total);
    }
  }
  get empty(): boolean {
    return this.total === 0;
  }
  draw(u: number): Template {
    const target = u * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return this.templates[lo] as Template;
  }
}

export interface Bundle {
  borrower: Borrower;
  installments: { inst: Installment; next: NextActionDates; template: Template }[];
}

/** Borrower and loan ids carry the borrower index, so a written key leads back to its bundle. */
const borrowerIdOf = (b: number) => `B${String(b).padStart(8, '0')}`;
const loanIdOf = (b: number) => `L${String(b).padStart(8, '0')}`;
export const borrowerIndexOfLoan = (loanId: string): number | null =>
  /^L\d{8}$/.test(loanId) ? Number(loanId.slice(1)) : null;
export const borrowerIndexOfBorrower = (borrowerId: string): number | null =>
  /^B\d{8}$/.test(borrowerId) ? Number(borrowerId.slice(1)) : null;

export class BenchPortfolio {
  /** Installments per borrower (one loan each). */
  readonly perBorrower = 3;
  private readonly seed: number;
  private work: Record<string, Pool> = {};
  private quiet: Record<string, Pool> = {};
  private book: Record<string, Pool> = {};
  private tiers: { tier: string; share: number }[] = [];
  templates: Template[] = [];

  private constructor(
    private readonly config: Config,
    private readonly options: PortfolioOptions,
  ) {
    this.seed = options.seed ?? 42;
  }

  /** Lives every template of the book (a few seconds) and sorts them into the two pools. */
  static async create(config: Config, options: PortfolioOptions): Promise<BenchPortfolio> {
    const portfolio = new BenchPortfolio(config, options);
    await portfolio.build();
    return portfolio;
  }

  private async build(): Promise<void> {
    const { day } = this.options;
    const tiers = this.config.creditTiers.map((t) => t.tier);
    for (const tier of tiers) {
      for (const history of HISTORIES) {
        const due = history === 'NOT_DUE_YET';
        const until = due ? day : addDays(day, -OLDEST_OFFSET + 1);
        const snapshots = await liveLifetime(history, tier, day, until, this.config);
        const [from, to] = due ? [0, FARTHEST_OFFSET] : [OLDEST_OFFSET, -1];
        for (let offset = from; offset <= to; offset++) {
          const key = { history, offset, tier };
          if (bookWeight(key) <= 0) continue;
          this.templates.push(templateOf(snapshots, key, day, this.config));
        }
      }
    }
    for (const tier of tiers) {
      const mine = this.templates.filter((t) => t.tier === tier);
      this.work[tier] = new Pool(mine.filter((t) => t.workFor.length > 0));
      this.quiet[tier] = new Pool(mine.filter((t) => t.workFor.length === 0));
      this.book[tier] = new Pool(mine);
    }
    const total = tiers.reduce((sum, t) => sum + (TIER_SHARES[t] ?? 0), 0);
    this.tiers = tiers.map((tier) => ({ tier, share: (TIER_SHARES[tier] ?? 0) / total }));
  }

  /** Share of the book mixture (by weight) whose next action date is the benchmark day. */
  naturalDueFraction(): number {
    const all = this.templates.reduce((sum, t) => sum + t.weight, 0);
    const work = this.templates.filter((t) => t.workFor.length > 0).reduce((sum, t) => sum + t.weight, 0);
    return work / all;
  }

  /** Number of borrowers holding `installments` installments. */
  borrowersFor(installments: number): number {
    return Math.ceil(installments / this.perBorrower);
  }

  /**
   * Borrower `b` and their installments (one loan, seqs in due-date order). `quietOnly`: drawn from
   * the quiet pool only (the growth run's extra installments, which need nothing that day).
   * `count` limits the installments (the last borrower of an uneven total).
   */
  bundle(b: number, opts: { quietOnly?: boolean; count?: number } = {}): Bundle {
    const random = seededRandom((this.seed * 0x9e3779b1 + b * 0x85ebca6b) >>> 0);
    let u = random();
    const tier =
      this.tiers.find((t) => {
        u -= t.share;
        return u < 0;
      })?.tier ?? (this.tiers.at(-1)?.tier as string);
    const borrowerId = borrowerIdOf(b);
    const loanId = loanIdOf(b);
    const range = this.config.creditTiers.find((t) => t.tier === tier);
    const minScore = range?.minScore ?? 350;
    const maxScore = range?.maxScore ?? 950;
    const creditScore = minScore + Math.floor(random() * (maxScore - minScore + 1));
    const unreachable = random() < 0.01;
    const contacts: Borrower['contacts'] = {};
    if (!unreachable && random() < 0.95) {
      contacts.sms = `+86138${String(Math.floor(random() * 100_000_000)).padStart(8, '0')}`;
    }
    if (!unreachable && random() < 0.8) contacts.email = `${borrowerId.toLowerCase()}@example.com`;
    if (!unreachable && random() < 0.85) contacts.push = `device-${borrowerId}`;
    const consents: Borrower['consents'] = {};
    if (random() < 0.05) consents.sms = false;
    if (random() < 0.05) consents.email = false;

    const count = opts.count ?? this.perBorrower;
    const work = this.work[tier] as Pool;
    const quiet = this.quiet[tier] as Pool;
    const drawn: Template[] = [];
    const book = this.book[tier] as Pool;
    const { dueFraction } = this.options;
    for (let k = 0; k < count; k++) {
      const u = random();
      if (opts.quietOnly) drawn.push(quiet.draw(u));
      else if (dueFraction === undefined) drawn.push(book.draw(u));
      else drawn.push((!work.empty && random() < dueFraction) || quiet.empty ? work.draw(u) : quiet.draw(u));
    }
    drawn.sort((a, b) => a.offset - b.offset);
    const installments = drawn.map((template, k) => ({
      inst: { ...template.inst, loanId, seq: String(k + 1), borrowerId },
      next: template.next,
      template,
    }));
    const lastFailedDebitOn = installments
      .map((i) => i.inst.debit.lastFailureOn)
      .filter((d): d is string => d !== null)
      .reduce<string | null>((a, b) => (a === null || b > a ? b : a), null);
    const borrower: Borrower = {
      borrowerId,
      creditScore,
      locale: random() < 0.9 ? 'zh-CN' : 'en-US',
      contacts,
      consents,
      lastFailedDebitOn,
    };
    return { borrower, installments };
  }
}
