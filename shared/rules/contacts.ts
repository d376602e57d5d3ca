/**
 * Whether a borrower can be reached on a channel (RULES.md section 6, "channels actually used"):
 * consent, an address, and that address not reported unusable by the provider. Shared by the
 * planners (which channels a notification uses) and the delivery side (is it still right to send).
 */
import type { Borrower, Channel } from './types';

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
