/**
 * Removal of delivered parts: after each batch, the messages and events it delivered are removed from
 * their outbox entries (an entry left empty goes), so a run that dies later resends none of them.
 */
import { nextActionDates } from '../../../shared/rules/next-actions';
import type { Installment, LocalDate, OutboxEntry } from '../../../shared/rules/types';
import type { Deps } from '../deps';

/** A message or event of an outbox entry. */
export type Part =
  | { kind: 'message'; item: OutboxEntry['messages'][number] }
  | { kind: 'event'; item: OutboxEntry['events'][number] };

/** Names a part uniquely within its entry (one per occurrence and channel). */
export const partKey = (entryId: string, part: Part): string =>
  part.kind === 'message'
    ? `${entryId}|m|${part.item.kind}|${part.item.occurrence}|${part.item.channel}`
    : `${entryId}|e|${part.item.detailType}|${part.item.occurrence}`;

const partsIn = (outbox: OutboxEntry[]) =>
  outbox.reduce((n, e) => n + e.messages.length + e.events.length, 0);

/**
 * Removes the parts named in `sent` (and the entries left empty) from the stored outbox, re-reading
 * on a concurrent write. Returns the installment as last saved or read.
 */
export async function removeDelivered(
  deps: Deps,
  inst: Installment,
  sent: Set<string>,
  today: LocalDate,
): Promise<Installment> {
  const unsent = (entry: OutboxEntry): OutboxEntry => ({
    ...entry,
    messages: entry.messages.filter((item) => !sent.has(partKey(entry.id, { kind: 'message', item }))),
    events: entry.events.filter((item) => !sent.has(partKey(entry.id, { kind: 'event', item }))),
  });
  let current: Installment | null = inst;
  for (let attempt = 0; attempt < 5 && current; attempt++) {
    const outbox = current.outbox.map(unsent).filter((e) => e.messages.length + e.events.length > 0);
    if (partsIn(outbox) === partsIn(current.outbox)) return current;
    const next = { ...current, outbox };
    const result = await deps.installments.saveInstallment(
      next,
      current.version,
      nextActionDates(next, today, deps.config),
    );
    if (result.saved) return { ...next, version: result.version };
    current = await deps.installments.getInstallment(inst.loanId, inst.seq);
  }
  // Still there after repeated concurrent writes: a later run will publish them again (at least once).
  return current ?? inst;
}
