/** Timeline records (SIMULATION.md) for the report's tests, written the way the simulator writes them. */

/** `2027-01-10T00:30:00+08:00` */
export const at = (day: string, time = '00:30') => `${day}T${time}:00+08:00`;

export const transition = (
  day: string,
  loanId: string,
  seq: string,
  from: string,
  to: string,
  dpd = 0,
  time = '00:30',
) => ({ type: 'transition', at: at(day, time), loanId, seq, from, to, dpd });

export const event = (
  day: string,
  detailType: string,
  loanId: string,
  seq: string | null,
  detail: Record<string, unknown> = {},
  time = '00:30',
) => ({ type: 'event', at: at(day, time), detailType, loanId, seq, detail: { loanId, seq, ...detail } });

export const bucketChanged = (
  day: string,
  loanId: string,
  seq: string,
  from: string | null,
  to: string,
  dpd: number,
  outstanding = 100_000,
) => event(day, 'DelinquencyBucketChanged', loanId, seq, { from, to, dpd, outstanding });

export const notification = (
  day: string,
  loanId: string,
  seq: string,
  kind: string,
  occurrence: string,
  messages: Record<string, string>,
  time = '09:00',
) => ({
  type: 'notification',
  at: at(day, time),
  borrowerId: `b-${loanId}`,
  loanId,
  seq,
  kind,
  occurrence,
  channels: Object.keys(messages).sort(),
  messages,
});

export const skipped = (
  day: string,
  loanId: string,
  seq: string,
  kind: string,
  occurrence: string,
  reason: string,
  time = '09:00',
) => ({
  type: 'notification_skipped',
  at: at(day, time),
  borrowerId: `b-${loanId}`,
  loanId,
  seq,
  kind,
  occurrence,
  reason,
});

export const final = (
  loanId: string,
  seq: string,
  status: string,
  dueDate: string,
  extra: Partial<{ bucket: string | null; penaltyAccrued: number; dpd: number; outstanding: number }> = {},
) => ({
  type: 'final',
  loanId,
  seq,
  status,
  dueDate,
  dpd: extra.dpd ?? 0,
  bucket: extra.bucket ?? null,
  graceDays: null,
  penaltyAccrued: extra.penaltyAccrued ?? 0,
  paid: 0,
  outstanding: extra.outstanding ?? 0,
  overpaid: 0,
});
