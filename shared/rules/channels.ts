/**
 * Who is reached, how and when (RULES.md section 6): whether a channel can be used (consent, an
 * address, not reported unusable by the provider), the channels actually used, the wider channels of
 * at-risk borrowers, and the send window outside which nothing is sent. Shared by the planners and
 * the delivery side (is it still right to send).
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

/** Why a channel cannot be used for a borrower right now. */
export type ChannelProblem = 'NO_CONSENT' | 'NO_ADDRESS' | 'ADDRESS_UNUSABLE';

/**
 * True when two addresses of `channel` are the same: e-mail addresses regardless of case (providers
 * report them as they were sent, the ledger may write them otherwise), phone numbers and device
 * tokens exactly.
 * @example sameAddress('email', 'Li@Example.com', 'li@example.com') // true
 */
export function sameAddress(channel: Channel, a: string, b: string): boolean {
  return channel === 'email' ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/**
 * What stops `channel` from being used for `borrower`, or null when it can be used: consent withdrawn
 * (a missing flag is consent), no address, or the current address reported unusable (an opted-out
 * number, a bounced or complaining e-mail address). A flag for an older address does not count.
 * @example channelProblem({ contacts: { sms: '+86…' }, consents: { sms: false }, … }, 'sms') // 'NO_CONSENT'
 */
export function channelProblem(borrower: Borrower, channel: Channel): ChannelProblem | null {
  if (borrower.consents[channel] === false) return 'NO_CONSENT';
  const address = borrower.contacts[channel];
  if (!address) return 'NO_ADDRESS';
  const flag = borrower.unusable?.[channel];
  if (flag && sameAddress(channel, flag.address, address)) return 'ADDRESS_UNUSABLE';
  return null;
}

/**
 * The channels actually used: the kind's channels the borrower consented to (a missing flag is
 * consent) and has an address for that no provider reported unusable, each once, sorted alphabetically.
 * @example usedChannels(['sms', 'push'], { contacts: { push: 'tok', sms: '+86…' }, consents: { sms: false } }) // ['push']
 */
export function usedChannels(kindChannels: Channel[], borrower: Borrower): Channel[] {
  const usable = kindChannels.filter((c) => channelProblem(borrower, c) === null);
  return [...new Set(usable)].sort();
}
