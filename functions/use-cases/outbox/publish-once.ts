/**
 * Publish-once for events that have no installment to hold them (a rejection for an unknown
 * installment): each is claimed with a conditional write first, so a redelivered request is not
 * answered twice.
 */
import type { DomainEvent } from '../../../shared/rules/types';
import type { Deps } from '../deps';
import { leaseUntil } from './lease';

/** Claims, publishes and completes each event; one claimed by another run, or done, is skipped. */
export async function publishOnce(deps: Deps, events: DomainEvent[]): Promise<void> {
  const now = deps.clock();
  for (const event of events) {
    const key = {
      loanId: event.loanId,
      seq: event.seq,
      kind: event.detailType,
      occurrence: event.occurrence,
    };
    const claim = await deps.claims.claim(key, leaseUntil(deps), now);
    if (claim.result !== 'claimed') continue;
    try {
      await deps.publisher.publish([event]);
    } catch (error) {
      await deps.claims.release(key);
      throw error;
    }
    await deps.claims.complete(key, 'PUBLISHED');
  }
}
