/**
 * Still right at delivery time: what a channel worker does with a notification message when it
 * reaches it, possibly hours after the run that decided it (a backlog, throttling, a wait for the
 * send window). The message was right when decided; the borrower, the installment and the clock
 * may have moved since. Pure: the worker reads the installment and the borrower, and passes `now`.
 */
import type { Config } from '../config/schema';
import { addDays, localDateOf, minuteOfDay, toInstant, toLocal } from './calendar';
import { channelProblem } from './channels';
import { dpdOn } from './dpd';
import { outstandingOn } from './outstanding';
import type { Borrower, Channel, Installment, LocalDate, NotificationKind } from './types';

/**
 * Why a notification was not delivered, recorded with it. The first group is decided here from the
 * stored state; the last two come from the provider (its opt-out list, a disabled push endpoint).
 */
export const DROP_REASONS = [
  'INSTALLMENT_NOT_FOUND',
  'BORROWER_NOT_FOUND',
  'PAID',
  'CLOSED',
  'PAUSED',
  'DUE_DATE_CHANGED',
  'DUE_DATE_PASSED',
  'DAY_PASSED',
  'STATE_CHANGED',
  'NO_CONSENT',
  'NO_ADDRESS',
  'ADDRESS_UNUSABLE',
  'OPTED_OUT',
  'ENDPOINT_DISABLED',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** What the worker knows when a message reaches it. */
export interface DeliveryFacts {
  kind: NotificationKind;
  /** The notification's occurrence (RULES.md section 6): it names the due date or day it was about. */
  occurrence: string;
  channel: Channel;
  /** The installment as stored now; null when it is not found. */
  installment: Installment | null;
  /** The installment's borrower as stored now; null when not found. */
  borrower: Borrower | null;
  /**
   * A collection pause is active on the loan (RULES.md section 11: nothing is sent while paused).
   * The pause itself is another feature; until it exists, callers pass false.
   */
  paused: boolean;
}

/** Send now to `address`, drop for `reason`, or wait until the send window opens at `until`. */
export type DeliveryDecision =
  | { action: 'SEND'; address: string }
  | { action: 'DROP'; reason: DropReason }
  | { action: 'WAIT'; until: string };

const CLOSED = new Set(['RESTRUCTURED', 'WRITTEN_OFF']);

/**
 * The instant the send window next opens, or null when `now` is inside it (start included, end
 * excluded: RULES.md section 6). Local time in the business time zone, so daylight saving is handled.
 * @example sendWindowOpensAt('2026-12-03T21:30:00+08:00', config) // '2026-12-04T08:00:00+08:00'
 * @example sendWindowOpensAt('2026-12-03T09:00:00+08:00', config) // null
 */
export function sendWindowOpensAt(now: string, config: Config): string | null {
  const local = toLocal(now, config.timeZone);
  const minute = minuteOfDay(local.time);
  const start = minuteOfDay(config.sendWindow.start);
  if (minute >= start && minute < minuteOfDay(config.sendWindow.end)) return null;
  const day = minute < start ? local.date : addDays(local.date, 1);
  return toInstant(`${day}T${config.sendWindow.start}`, config.timeZone);
}

/** The date an occurrence is about: its due date, or for GRACE_LAST_DAY the grace end. */
const occurrenceDate = (occurrence: string): LocalDate => occurrence.slice(0, 10);

/**
 * Why the notification no longer fits the installment on `today`, or null while it still does.
 * A change of due date (EXTEND) makes every notice of the old one stale; a notice about one day
 * (DUE_TODAY, GRACE_LAST_DAY, the OVERDUE of a given DPD) is stale once that day is over; an
 * UPCOMING once its due date has come.
 */
function staleness(kind: NotificationKind, occurrence: string, inst: Installment, today: LocalDate) {
  if (inst.status === 'PAID' || (!CLOSED.has(inst.status) && outstandingOn(inst, today).total === 0))
    return 'PAID';
  if (CLOSED.has(inst.status)) return 'CLOSED';
  const about = occurrenceDate(occurrence);
  switch (kind) {
    case 'UPCOMING':
      if (about !== inst.dueDate) return 'DUE_DATE_CHANGED';
      return today >= inst.dueDate || inst.status !== 'SCHEDULED' ? 'DUE_DATE_PASSED' : null;
    case 'DUE_TODAY':
      if (about !== inst.dueDate) return 'DUE_DATE_CHANGED';
      return today !== inst.dueDate ? 'DAY_PASSED' : null;
    case 'GRACE_LAST_DAY':
      if (inst.status !== 'IN_GRACE' || inst.graceEndsOn !== about) return 'STATE_CHANGED';
      return today > about ? 'DAY_PASSED' : null;
    case 'OVERDUE': {
      if (about !== inst.dueDate) return 'DUE_DATE_CHANGED';
      if (inst.status !== 'OVERDUE') return 'STATE_CHANGED';
      // The text says how many days overdue: true on the day of the occurrence's DPD only.
      return `${inst.dueDate}#${dpdOn(inst, today)}` !== occurrence ? 'DAY_PASSED' : null;
    }
    case 'CREDIT_REPORT_WARNING':
      if (about !== inst.dueDate) return 'DUE_DATE_CHANGED';
      return inst.status !== 'OVERDUE' ? 'STATE_CHANGED' : null;
    case 'DEBIT_FAILED':
      return about !== inst.dueDate ? 'DUE_DATE_CHANGED' : null;
  }
}

/**
 * What to do with a notification message at `now` (RULES.md sections 6 and 11 applied at delivery):
 * drop it when it became stale (installment paid or closed, due date changed or passed, the day it was
 * about over, loan paused), when the borrower withdrew consent, removed the address or the address
 * was reported unusable; otherwise wait for the send window if it is closed; otherwise send it to the
 * borrower's address as stored now (never an address carried by the message).
 *
 * Staleness is judged before the window, so a message that is already stale is recorded at once
 * rather than after a night's wait; one that waits is judged again when the window opens.
 * @example decideDelivery({ kind: 'UPCOMING', occurrence: '2026-12-10#3', channel: 'sms', installment, borrower, paused: false }, '2026-12-07T09:00:00+08:00', config) // { action: 'SEND', address: '+8613800000001' }
 */
export function decideDelivery(facts: DeliveryFacts, now: string, config: Config): DeliveryDecision {
  const { installment: inst, borrower } = facts;
  if (!inst) return { action: 'DROP', reason: 'INSTALLMENT_NOT_FOUND' };
  const today = localDateOf(now, config.timeZone);
  const stale = staleness(facts.kind, facts.occurrence, inst, today);
  if (stale) return { action: 'DROP', reason: stale };
  if (facts.paused) return { action: 'DROP', reason: 'PAUSED' };
  if (!borrower) return { action: 'DROP', reason: 'BORROWER_NOT_FOUND' };
  const problem = channelProblem(borrower, facts.channel);
  if (problem) return { action: 'DROP', reason: problem };
  const opensAt = sendWindowOpensAt(now, config);
  if (opensAt) return { action: 'WAIT', until: opensAt };
  return { action: 'SEND', address: borrower.contacts[facts.channel] as string };
}
