/**
 * The commit: the new state of an installment saved together with the events and messages it caused,
 * as one outbox entry leased to this run, conditional on the version that was read. That write is the
 * occurrences' claim: the planning state that produced them is saved in it, so no run plans them
 * again, and a run that read the old version loses and re-reads.
 */
import { nextActionDates } from '../../../shared/rules/next-actions';
import type {
  DomainEvent,
  Installment,
  LocalDate,
  OutboundMessage,
  OutboxEntry,
  Transition,
} from '../../../shared/rules/types';
import { METRIC } from '../../../shared/telemetry-names';
import type { AuditEntry } from '../../ports/audit';
import type { Deps } from '../deps';
import { leaseUntil, newEntryId } from './lease';
import { countBy } from './metrics';

export interface Change {
  /** The new state, as a rule returned it (its outbox untouched). */
  installment: Installment;
  transitions?: Transition[];
  events?: DomainEvent[];
  messages?: OutboundMessage[];
  /** Audit entries other than transitions (skipped notifications). */
  audit?: AuditEntry[];
}

export type CommitResult = { saved: true; installment: Installment; audit: AuditEntry[] } | { saved: false };

/**
 * Saves `change` over `before` if nobody wrote the installment since it was read. Returns the saved
 * state (new version) and the audit entries it made durable, for the caller to record in order.
 */
export async function commitChange(
  deps: Deps,
  before: Installment,
  change: Change,
  ctx: { at: string; today: LocalDate; owner: string },
): Promise<CommitResult> {
  const { at, today, owner } = ctx;
  const events = change.events ?? [];
  const messages = change.messages ?? [];
  const entries: OutboxEntry[] =
    events.length + messages.length > 0
      ? [{ id: newEntryId(owner), leaseOwner: owner, leaseUntil: leaseUntil(deps), events, messages }]
      : [];
  const next: Installment = {
    ...change.installment,
    version: before.version,
    outbox: [...change.installment.outbox, ...entries],
  };
  const result = await deps.installments.saveInstallment(
    next,
    before.version,
    nextActionDates(next, today, deps.config),
  );
  if (!result.saved) return { saved: false };
  const audit: AuditEntry[] = [
    ...(change.transitions ?? []).map((t): AuditEntry => ({ type: 'transition', at, ...t })),
    ...(change.audit ?? []),
  ];
  countBy(
    METRIC.transitions,
    'to',
    (change.transitions ?? []).map((t) => t.to),
  );
  countBy(
    METRIC.notificationsSkipped,
    'reason',
    audit.flatMap((a) => (a.type === 'notification_skipped' ? [a.reason] : [])),
  );
  return { saved: true, installment: { ...next, version: result.version }, audit };
}

/** True when the change alters nothing that is stored. */
export function isNoop(before: Installment, change: Change): boolean {
  return (
    !change.events?.length &&
    !change.messages?.length &&
    !change.transitions?.length &&
    !change.audit?.length &&
    JSON.stringify(before) === JSON.stringify({ ...change.installment, version: before.version })
  );
}
