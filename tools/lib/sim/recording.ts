/**
 * Timeline recording: what one step of the run made (audit entries, SNS messages, EventBridge
 * events, in the order they were made) becomes timeline records. SNS and EventBridge records carry
 * the step's time; audit entries their own.
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import type { AuditEntry } from '../../../functions/ports/audit';
import { formatInstant } from '../../../shared/rules/calendar';
import type { EventRecord, NotificationRecord, TimedRecord } from './timeline';

/** An SNS message or an EventBridge event as it was delivered. */
export type Delivery =
  | { kind: 'message'; body: Record<string, unknown> }
  | { kind: 'event'; detailType: string; detail: Record<string, unknown> };

/** What a step recorded, in the order it happened. */
type Captured = { kind: 'audit'; entry: AuditEntry } | Delivery;

/** Collects a step's audit entries and deliveries; `take` turns them into its records. */
export class StepRecorder {
  private captured: Captured[] = [];

  constructor(private readonly onDelivery?: (delivery: Delivery) => void) {}

  readonly audit = { record: (entry: AuditEntry) => void this.captured.push({ kind: 'audit', entry }) };

  published(entries: PublishBatchRequestEntry[]): void {
    for (const entry of entries) this.deliver({ kind: 'message', body: JSON.parse(entry.Message ?? '{}') });
  }

  putEvents(entries: PutEventsRequestEntry[]): Delivery[] {
    return entries.map((entry) =>
      this.deliver({
        kind: 'event',
        detailType: entry.DetailType ?? '',
        detail: JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>,
      }),
    );
  }

  /** The records of the step that made what was captured since the last call, at `stepAt`. */
  take(stepAt: string, timeZone: string): TimedRecord[] {
    const captured = this.captured;
    this.captured = [];
    return toRecords(captured, formatInstant(stepAt, timeZone), timeZone);
  }

  private deliver(delivery: Delivery): Delivery {
    this.captured.push(delivery);
    this.onDelivery?.(delivery);
    return delivery;
  }
}

/**
 * The timeline records of one step, in the order they were made. The messages of one notification
 * (same loanId, seq, kind, occurrence: one per channel) become one `notification` record, where its
 * first message was.
 */
export function toRecords(captured: readonly Captured[], stepAt: string, timeZone: string): TimedRecord[] {
  const out: TimedRecord[] = [];
  const notifications = new Map<string, NotificationRecord>();
  for (const c of captured) {
    if (c.kind === 'audit') out.push({ ...c.entry, at: formatInstant(c.entry.at, timeZone) } as TimedRecord);
    else if (c.kind === 'event') out.push(eventRecord(c, stepAt));
    else {
      const b = c.body;
      const key = [b.loanId, b.seq, b.kind, b.occurrence].map(String).join('\u0000');
      let record = notifications.get(key);
      if (!record) {
        record = notificationRecord(b, stepAt);
        notifications.set(key, record);
        out.push(record);
      }
      const channel = String(b.channel);
      if (!record.channels.includes(channel)) record.channels.push(channel);
      record.messages[channel] = String(b.text);
    }
  }
  for (const record of notifications.values()) {
    record.channels.sort();
    record.messages = Object.fromEntries(record.channels.map((ch) => [ch, record.messages[ch] as string]));
  }
  // Time order even if an audit entry carries an earlier instant than the step (stable: made order kept).
  return out
    .map((record, i) => ({ record, i, ms: Date.parse(record.at) }))
    .sort((a, b) => a.ms - b.ms || a.i - b.i)
    .map(({ record }) => record);
}

const eventRecord = (
  c: { detailType: string; detail: Record<string, unknown> },
  at: string,
): EventRecord => ({
  type: 'event',
  at,
  detailType: c.detailType,
  loanId: String(c.detail.loanId),
  seq: String(c.detail.seq),
  detail: c.detail,
});

const notificationRecord = (b: Record<string, unknown>, at: string): NotificationRecord => ({
  type: 'notification',
  at,
  borrowerId: String(b.borrowerId),
  loanId: String(b.loanId),
  seq: String(b.seq),
  kind: String(b.kind),
  occurrence: String(b.occurrence),
  channels: [],
  messages: {},
});
