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
  /** Share of failures that are hard declines (default 0.25). */
  hardShare?: number;
  /** Tiers and penalty rate used to work out the exact amounts borrowers pay (default: config/default.json). */
  config?: Pick<Config, 'creditTiers' | 'penalty'>;
}

/** The scenario object (SIMULATION.md format). */
export interface PortfolioScenario {
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
    hardShare = 0.25,
    config = DEFAULT_TIERS,
  } = opts;
  const random = seededRandom(seed);
  const chance = (p: number) => random() < p;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const end = addDays(start, days - 1);
  const inSpan = (day: string) => day >= start && day <= end;
  const width = String(count).length;

  const scenario: PortfolioScenario = {
    start,
    end,
    borrowers: [],
    installments: [],
    events: [],
    retries: [],
  };
  const event = (
    day: string,
    minutes: number,
    body: Record<string, unknown> & { type: string; loanId: string; seq: number },
  ) => {
    if (!inSpan(day)) return;
    const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
    const mm = String(minutes % 60).padStart(2, '0');
    scenario.events.push({ at: `${day}T${hh}:${mm}`, ...body });
  };

  for (let i = 1; i <= count; i++) {
    const n = String(i).padStart(width, '0');
    const borrowerId = `b${n}`;
    // Roughly normal around 680 (sum of uniforms), clipped to the score range.
    const creditScore = Math.max(
      350,
      Math.min(950, Math.round(680 + (random() + random() + random() - 1.5) * 180)),
    );
    const graceDays =
      config.creditTiers.find((t) => creditScore >= t.minScore && creditScore <= t.maxScore)?.graceDays ?? 0;
    const unreachable = chance(0.01);
    const contacts: Record<string, string> = {};
    if (!unreachable && chance(0.92)) contacts.sms = `+86138${String(int(0, 99_999_999)).padStart(8, '0')}`;
    if (!unreachable && chance(0.7)) contacts.email = `${borrowerId}@example.com`;
    if (!unreachable && chance(0.75)) contacts.push = `device-${borrowerId}`;
    const consents: Record<string, boolean> = {};
    for (const channel of ['sms', 'email', 'push']) if (chance(0.08)) consents[channel] = false;
    scenario.borrowers.push({
      borrowerId,
      creditScore,
      locale: chance(0.85) ? 'zh-CN' : 'en-US',
      contacts,
      consents,
    });

    const loanId = `L${n}`;
    const firstDue = addDays(start, int(3, 30));
    for (let seq = 1; seq <= 3; seq++) {
      const dueDate = Temporal.PlainDate.from(firstDue)
        .add({ months: seq - 1 })
        .toString();
      const principal = int(3, 30) * 10_000; // ¥300..¥3,000
      const interest = Math.floor((principal * int(100, 200)) / 10_000);
      scenario.installments.push({ loanId, seq, borrowerId, dueDate, principal, interest });
      const daily = Math.floor((principal * config.penalty.dailyRatePpm) / 1_000_000);
      /** What paying off on `day` costs, nothing paid before: penalty only once past grace. */
      const owedOn = (day: string, due = dueDate) => {
        const dpd = Math.max(0, daysBetween(due, day));
        return principal + interest + (dpd > graceDays ? dpd * daily : 0);
      };
      const debitAt = int(6 * 60, 8 * 60);
      const ref = `${loanId}-${seq}`;

      // A few hardship requests, made two days before the due date.
      if (chance(0.012)) {
        const extendBy = chance(0.8) ? int(7, 30) : int(31, 45); // over the maximum: rejected
        event(addDays(dueDate, -2), 12 * 60, {
          type: 'adjustment',
          loanId,
          seq,
          requestId: `r-${ref}`,
          action: 'EXTEND',
          days: extendBy,
        });
        if (extendBy <= 30) {
          event(addDays(dueDate, extendBy), debitAt, {
            type: 'debit',
            loanId,
            seq,
            attemptId: `d-${ref}-x`,
            outcome: 'SUCCEEDED',
          });
          continue;
        }
      }
      if (chance(0.01)) {
        // The payment side lost the debit: the borrower pays by hand a week later, or never.
        if (chance(0.6))
          event(addDays(dueDate, 7), int(9 * 60, 20 * 60), {
            type: 'payment',
            loanId,
            seq,
            paymentId: `p-${ref}`,
            amount: owedOn(addDays(dueDate, 7)),
          });
        continue;
      }
      if (!chance(failureRate)) {
        event(dueDate, debitAt, { type: 'debit', loanId, seq, attemptId: `d-${ref}`, outcome: 'SUCCEEDED' });
        continue;
      }
      const hard = chance(hardShare);
      const reason = hard ? pick(HARD_REASONS) : pick(SOFT_REASONS);
      event(dueDate, debitAt, {
        type: 'debit',
        loanId,
        seq,
        attemptId: `d-${ref}`,
        outcome: 'FAILED',
        reason,
      });
      const path = random();
      if (!hard && path < 0.45) {
        scenario.retries.push({ loanId, seq, attempt: int(1, 3), outcome: 'SUCCEEDED' });
      } else if (path < (hard ? 0.5 : 0.75)) {
        // Pays by hand: within grace when there is one, or some days late.
        const day = addDays(dueDate, chance(0.5) ? int(0, graceDays) : int(graceDays + 1, 25));
        event(day, int(9 * 60, 21 * 60), {
          type: 'payment',
          loanId,
          seq,
          paymentId: `p-${ref}`,
          amount: owedOn(day),
        });
      } else if (path < (hard ? 0.65 : 0.85)) {
        const day = addDays(dueDate, int(1, 10));
        event(day, int(9 * 60, 21 * 60), {
          type: 'payment',
          loanId,
          seq,
          paymentId: `p-${ref}-part`,
          amount: Math.floor((principal + interest) / 2),
        });
      } else if (chance(0.1)) {
        // Hardship once overdue: split in three.
        event(addDays(dueDate, int(3, 15)), 15 * 60, {
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
  }
  scenario.events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return scenario;
}
