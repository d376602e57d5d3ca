/**
 * Takeover of expired leases: the entries of a run that died (its lease over) are re-leased to the
 * run that finds them, with a conditional write, before it publishes them.
 */
import { nextActionDates } from '../../../shared/rules/next-actions';
import type { Installment, LocalDate } from '../../../shared/rules/types';
import type { Deps } from '../deps';
import { leaseUntil } from './lease';

/** True when `inst` holds an entry of another run whose lease is over at `now`. */
export const hasExpiredLease = (inst: Installment, owner: string, now: string): boolean =>
  inst.outbox.some((e) => e.leaseOwner !== owner && e.leaseUntil <= now);

/**
 * Re-leases the expired entries of `inst` to `owner` with a conditional write. Null when another run
 * wrote the item first: it holds the entries now, or will publish them.
 */
export async function takeOver(
  deps: Deps,
  inst: Installment,
  { now, today, owner }: { now: string; today: LocalDate; owner: string },
): Promise<Installment | null> {
  const until = leaseUntil(deps);
  const outbox = inst.outbox.map((e) =>
    e.leaseOwner !== owner && e.leaseUntil <= now ? { ...e, leaseOwner: owner, leaseUntil: until } : e,
  );
  const next = { ...inst, outbox };
  const result = await deps.installments.saveInstallment(
    next,
    inst.version,
    nextActionDates(next, today, deps.config),
  );
  return result.saved ? { ...next, version: result.version } : null;
}
