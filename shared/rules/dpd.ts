/** Days past due (RULES.md section 2). */
import { daysBetween } from './calendar';
import { isClosed } from './installment';
import type { Installment, LocalDate } from './types';

/**
 * Days past due on `day`: `day − dueDate`, never below 0, frozen at `closedOn` for PAID,
 * RESTRUCTURED and WRITTEN_OFF.
 * @example dpdOn({ dueDate: '2026-12-10', status: 'OVERDUE', closedOn: null }, '2026-12-12') // 2
 */
export function dpdOn(inst: Pick<Installment, 'dueDate' | 'status' | 'closedOn'>, day: LocalDate): number {
  const until = isClosed(inst) && inst.closedOn ? inst.closedOn : day;
  return Math.max(0, daysBetween(inst.dueDate, until));
}
