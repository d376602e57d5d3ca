/**
 * Grace (RULES.md section 2): the borrower's credit tier when an installment enters IN_GRACE fixes
 * `graceDays` (stored: later score changes do not move it) and `graceEndsOn = dueDate + graceDays`.
 * While IN_GRACE the installment is not overdue: no penalty, no overdue event, no bucket.
 */
import type { Config } from '../config/schema';
import { addDays } from './calendar';
import { enteredGraceEvent } from './events';
import type { RuleContext, Steps } from './states';
import type { LocalDate } from './types';

/**
 * The credit tier (first match from the top of `creditTiers`) and its grace days for a score.
 * @example tierFor(720, config) // { tier: 'A', graceDays: 2 }
 */
export function tierFor(
  creditScore: number,
  config: Pick<Config, 'creditTiers'>,
): { tier: string; graceDays: number } {
  const tier = config.creditTiers.find((t) => creditScore >= t.minScore && creditScore <= t.maxScore);
  if (!tier) throw new RangeError(`creditScore ${creditScore} is in no credit tier`);
  return { tier: tier.tier, graceDays: tier.graceDays };
}

/**
 * SCHEDULED → IN_GRACE on `day`, with the grace snapshot of the borrower's tier at this moment and
 * `InstallmentEnteredGrace`.
 */
export function enterGrace(steps: Steps, day: LocalDate, ctx: RuleContext): void {
  const { tier, graceDays } = tierFor(ctx.borrower.creditScore, ctx.config);
  const inst = steps.move(
    'IN_GRACE',
    { graceDays, graceEndsOn: addDays(steps.inst.dueDate, graceDays) },
    day,
  );
  steps.events.push(enteredGraceEvent(inst, day, tier));
}
