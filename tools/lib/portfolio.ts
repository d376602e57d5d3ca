/**
 * A seeded synthetic portfolio, as a scenario of the SIMULATION.md format (so `npm start` runs it
 * through exactly the path `simulate` takes). The same options always give the same scenario.
 *
 * Borrowers have credit scores spread over 350..950 (most between 550 and 800), contact addresses
 * and consents with gaps; each has one loan of three monthly installments, the first due soon after
 * the start. Each due date brings a debit result: success, or a failure (soft or hard, by the given
 * mix) after which the borrower recovers through a retry, pays by hand (within grace or late, the
 * exact amount owed), pays part, or never pays. A few debit results go missing, and a few borrowers
 * ask to extend or split an installment.
 */
import { Temporal } from 'temporal-polyfill';
import type { Config } from '../../shared/config/schema';
import { addDays, daysBetween } from '../../shared/rules/calendar';
import { HARD_REASONS, SOFT_REASONS } from '../../shared/rules/types';

export interface PortfolioOptions {
  /** PRNG seed (default 42). */
  seed?: number;
  /** Number of borrowers (default 2,000). */
  borrowers?: number;
  /** Days simulated, the start included (default 120). */
  days?: number;
  /** First local day (default 2026-12-01). */
  start?: string;
  /** Share of due-date debits that fail (default 0.15). */
  failureRate?: number;
  /** Tiers and penalty rate used to work out the exact amounts borrowers pay (default: config/default.json). */
  config?: Pick<Config, 'creditTiers' | 'penalty'>;
}

/** The scenario object (SIMULATION.md format). */
interface PortfolioScenario {
  start: string;
  end: string;
  borrowers: Record<string, unknown>[];
  installments: {
    loanId: string;
    seq: number;
    borrowerId: string;
    dueDate: string;
    principal: number;
    interest: number;
  }[];
  events: ({ at: string; type: string; loanId: string; seq: number } & Record<string, unknown>)[];
  retries: { loanId: string; seq: number; attempt: number; outcome: 'SUCCEEDED' }[];
}

const DEFAULT_TIERS: Pick<Config, 'creditTiers' | 'penalty'> = {
  creditTiers: [
    { tier: 'S', minScore: 750, maxScore: 950, graceDays: 3 },
    { tier: 'A', minScore: 700, maxScore: 749, graceDays: 2 },
    { tier: 'B', minScore: 650, maxScore: 699, graceDays: 1 },
    { tier: 'C', minScore: 350, maxScore: 649, graceDays: 0 },
  ],
  penalty: { dailyRatePpm: 500 },
};

/** Share of failed debits that are hard declines. */
const HARD_SHARE = 0.25;

/** A portfolio's size and seed as `npm start` and `npm run soak` take them on the command line. */
export interface PortfolioArgs {
  borrowers: number;
  days: number;
  seed: number;
  start: string;
}

/** `parseArgs` options of {@link PortfolioArgs}. */
export const PORTFOLIO_ARG_OPTIONS = {
  borrowers: { type: 'string' },
  days: { type: 'string' },
  seed: { type: 'string' },
  start: { type: 'string' },
} as const;

/** Reads the portfolio options given (the others from `defaults`); throws an Error naming a bad one. */
export function readPortfolioArgs(
  values: Partial<Record<keyof PortfolioArgs, string>>,
  defaults: PortfolioArgs,
): PortfolioArgs {
  const int = (name: 'borrowers' | 'days' | 'seed', min: number) => {
    const text = values[name];
    if (text === undefined) return defaults[name];
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected an integer >= ${min}`);
    return n;
  };
  const start = values.start ?? defaults.start;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start)) throw new Error('--start: expected YYYY-MM-DD');
  return { borrowers: int('borrowers', 1), days: int('days', 1), seed: int('seed', 0), start };
}

/** mulberry32: small, fast, good enough for synthetic data, and the same everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Generates the portfolio scenario.
 * @example const scenario = generatePortfolio({ seed: 42, borrowers: 2000, days: 120 });
 */
export function generatePortfolio(opts: PortfolioOptions = {}): PortfolioScenario {
  const {
    seed = 42,
    borrowers: count = 2000,
    days = 120,
    start = '2026-12-01',
    failureRate = 0.15,
    config = DEFAULT_TIERS,
  } = opts;
  const book = new Book({ seed, start, end: addDays(start, days - 1), failureRate, config });
  const width = String(count).length;
  for (let i = 1; i <= count; i++) book.borrower(String(i).padStart(width, '0'));
  book.scenario.events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return book.scenario;
}

type EventBody = Record<string, unknown> & { type: string; loanId: string; seq: number };

/** One installment as the generator writes its story: its dates and what paying it off costs. */
interface Due {
  loanId: string;
  seq: number;
  dueDate: string;
  /** `loanId-seq`: the suffix of its event ids. */
  ref: string;
  /** Minute of the day of its debit result. */
  debitAt: number;
  /** What paying off on `day` costs, nothing paid before: penalty only once past grace. */
  owedOn(day: string): number;
  principal: number;
  interest: number;
  graceDays: number;
}

/** The generator's state: one PRNG, drawn in a fixed order, and the scenario being written. */
class Book {
  readonly scenario: PortfolioScenario;
  private readonly random: () => number;

  constructor(
    private readonly o: {
      seed: number;
      start: string;
      end: string;
      failureRate: number;
      config: Pick<Config, 'creditTiers' | 'penalty'>;
    },
  ) {
    this.random = seededRandom(o.seed);
    this.scenario = { start: o.start, end: o.end, borrowers: [], installments: [], events: [], retries: [] };
  }

  private chance = (p: number) => this.random() < p;
  private int = (min: number, max: number) => min + Math.floor(this.random() * (max - min + 1));
  private pick = <T>(items: readonly T[]): T => items[Math.floor(this.random() * items.length)] as T;

  /** An event at `minutes` past midnight of `day`, if the day is in the span. */
  private event(day: string, minutes: number, body: EventBody): void {
    if (day < this.o.start || day > this.o.end) return;
    const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
    const mm = String(minutes % 60).padStart(2, '0');
    this.scenario.events.push({ at: `${day}T${hh}:${mm}`, ...body });
  }

  /** Borrower `b<n>`: a score, contacts and consents with gaps, and one loan of three monthly installments. */
  borrower(n: string): void {
    const borrowerId = `b${n}`;
    // Roughly normal around 680 (sum of uniforms), clipped to the score range.
    const creditScore = Math.max(
      350,
      Math.min(950, Math.round(680 + (this.random() + this.random() + this.random() - 1.5) * 180)),
    );
    const graceDays =
      this.o.config.creditTiers.find((t) => creditScore >= t.minScore && creditScore <= t.maxScore)
        ?.graceDays ?? 0;
    const unreachable = this.chance(0.01);
    const contacts: Record<string, string> = {};
    if (!unreachable && this.chance(0.92))
      contacts.sms = `+86138${String(this.int(0, 99_999_999)).padStart(8, '0')}`;
    if (!unreachable && this.chance(0.7)) contacts.email = `${borrowerId}@example.com`;
    if (!unreachable && this.chance(0.75)) contacts.push = `device-${borrowerId}`;
    const consents: Record<string, boolean> = {};
    for (const channel of ['sms', 'email', 'push']) if (this.chance(0.08)) consents[channel] = false;
    this.scenario.borrowers.push({
      borrowerId,
      creditScore,
      locale: this.chance(0.85) ? 'zh-CN' : 'en-US',
      contacts,
      consents,
    });
    const loanId = `L${n}`;
    const firstDue = addDays(this.o.start, this.int(3, 30));
    for (let seq = 1; seq <= 3; seq++) {
      const dueDate = Temporal.PlainDate.from(firstDue)
        .add({ months: seq - 1 })
        .toString();
      this.installment(this.due(loanId, seq, borrowerId, dueDate, graceDays));
    }
  }

  /** Registers the installment; its amounts drawn. */
  private due(loanId: string, seq: number, borrowerId: string, dueDate: string, graceDays: number): Due {
    const principal = this.int(3, 30) * 10_000; // ¥300..¥3,000
    const interest = Math.floor((principal * this.int(100, 200)) / 10_000);
    this.scenario.installments.push({ loanId, seq, borrowerId, dueDate, principal, interest });
    const daily = Math.floor((principal * this.o.config.penalty.dailyRatePpm) / 1_000_000);
    return {
      loanId,
      seq,
      dueDate,
      ref: `${loanId}-${seq}`,
      debitAt: this.int(6 * 60, 8 * 60),
      owedOn: (day) => {
        const dpd = Math.max(0, daysBetween(dueDate, day));
        return principal + interest + (dpd > graceDays ? dpd * daily : 0);
      },
      principal,
      interest,
      graceDays,
    };
  }

  /** The installment's story: a hardship request, a lost debit, a success, or a failure and what follows. */
  private installment(due: Due): void {
    const { loanId, seq, dueDate, ref, debitAt } = due;
    // A few hardship requests, made two days before the due date.
    if (this.chance(0.012)) {
      const extendBy = this.chance(0.8) ? this.int(7, 30) : this.int(31, 45); // over the maximum: rejected
      this.event(addDays(dueDate, -2), 12 * 60, {
        type: 'adjustment',
        loanId,
        seq,
        requestId: `r-${ref}`,
        action: 'EXTEND',
        days: extendBy,
      });
      if (extendBy <= 30) {
        const debit = { type: 'debit', loanId, seq, attemptId: `d-${ref}-x`, outcome: 'SUCCEEDED' };
        this.event(addDays(dueDate, extendBy), debitAt, debit);
        return;
      }
    }
    if (this.chance(0.01)) {
      // The payment side lost the debit: the borrower pays by hand a week later, or never.
      if (this.chance(0.6)) this.payment(due, addDays(dueDate, 7), this.int(9 * 60, 20 * 60), `p-${ref}`);
      return;
    }
    if (!this.chance(this.o.failureRate)) {
      this.event(dueDate, debitAt, {
        type: 'debit',
        loanId,
        seq,
        attemptId: `d-${ref}`,
        outcome: 'SUCCEEDED',
      });
      return;
    }
    this.failure(due);
  }

  /** A failed debit (soft or hard, by the mix), then a retry that succeeds, a payment by hand, a part, a split or nothing. */
  private failure(due: Due): void {
    const { loanId, seq, dueDate, ref, graceDays } = due;
    const hard = this.chance(HARD_SHARE);
    const reason = hard ? this.pick(HARD_REASONS) : this.pick(SOFT_REASONS);
    this.event(dueDate, due.debitAt, {
      type: 'debit',
      loanId,
      seq,
      attemptId: `d-${ref}`,
      outcome: 'FAILED',
      reason,
    });
    const path = this.random();
    if (!hard && path < 0.45) {
      this.scenario.retries.push({ loanId, seq, attempt: this.int(1, 3), outcome: 'SUCCEEDED' });
    } else if (path < (hard ? 0.5 : 0.75)) {
      // Pays by hand: within grace when there is one, or some days late.
      const day = addDays(dueDate, this.chance(0.5) ? this.int(0, graceDays) : this.int(graceDays + 1, 25));
      this.payment(due, day, this.int(9 * 60, 21 * 60), `p-${ref}`);
    } else if (path < (hard ? 0.65 : 0.85)) {
      const day = addDays(dueDate, this.int(1, 10));
      const amount = Math.floor((due.principal + due.interest) / 2);
      this.event(day, this.int(9 * 60, 21 * 60), {
        type: 'payment',
        loanId,
        seq,
        paymentId: `p-${ref}-part`,
        amount,
      });
    } else if (this.chance(0.1)) {
      // Hardship once overdue: split in three.
      this.event(addDays(dueDate, this.int(3, 15)), 15 * 60, {
        type: 'adjustment',
        loanId,
        seq,
        requestId: `r-${ref}-split`,
        action: 'SPLIT',
        parts: 3,
      });
    }
    // Otherwise: never pays within the run.
  }

  /** A payment by hand of exactly what is owed on `day`. */
  private payment(due: Due, day: string, minutes: number, paymentId: string): void {
    this.event(day, minutes, {
      type: 'payment',
      loanId: due.loanId,
      seq: due.seq,
      paymentId,
      amount: due.owedOn(day),
    });
  }
}
