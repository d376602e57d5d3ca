/**
 * Who is reached, how and when (RULES.md section 6): the channels actually used, the wider channels
 * of at-risk borrowers, and the send window outside which nothing is sent.
 */
import type { Config } from '../config/schema';
import { addDays, minuteOfDay, toLocal } from './calendar';
import { tierFor } from './grace';
import type { Borrower, Channel, LocalDate } from './types';

/**
 * True when `now` falls in `sendWindow` local time, start included, end excluded (21:00 is out).
 * @example isWithinSendWindow('2026-12-03T01:00:00Z', config) // true (09:00 in Shanghai)
 */
export function isWithinSendWindow(now: string, config: Config): boolean {
  const minute = minuteOfDay(toLocal(now, config.timeZone).time);
  return minute >= minuteOfDay(config.sendWindow.start) && minute < minuteOfDay(config.sendWindow.end);
}

/**
 * At-risk borrower: a tier in `atRisk.tiers`, or a FAILED debit on one of the last
 * `atRisk.lookbackDays` days, today included. A failure dated after `today` (reported after the
 * run's scheduled time) counts too: the borrower did fail a debit, and wider reach is the careful side.
 * @example isAtRisk({ creditScore: 600, … }, '2026-12-03', config) // true (tier C)
 */
export function isAtRisk(borrower: Borrower, today: LocalDate, config: Config): boolean {
  if (config.atRisk.tiers.includes(tierFor(borrower.creditScore, config).tier)) return true;
  const failedOn = borrower.lastFailedDebitOn;
  return failedOn !== null && failedOn >= addDays(today, 1 - config.atRisk.lookbackDays);
}

/**
 * The channels actually used: the kind's channels the borrower consented to (a missing flag is
 * consent) and has an address for, each once, sorted alphabetically.
 * @example usedChannels(['sms', 'push'], { contacts: { push: 'tok', sms: '+86…' }, consents: { sms: false } }) // ['push']
 */
export function usedChannels(kindChannels: Channel[], borrower: Borrower): Channel[] {
  const usable = kindChannels.filter((c) => borrower.consents[c] !== false && !!borrower.contacts[c]);
  return [...new Set(usable)].sort();
}
