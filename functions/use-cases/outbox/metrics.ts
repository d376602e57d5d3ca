/** The dashboard's figures of what the outbox saved and published. */
import type { DomainEvent, OutboundMessage } from '../../../shared/rules/types';
import { METRIC } from '../../../shared/telemetry-names';
import { count } from '../../wiring/telemetry';

/** One metric per distinct dimension value, with its count. */
export function countBy(metric: string, dimension: string, values: string[]): void {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  for (const [value, n] of counts) count(metric, n, { name: dimension, value });
}

/** What a batch published: messages by channel, events, bucket changes, escalations, retries. */
export function recordPublished(messages: OutboundMessage[], events: DomainEvent[]): void {
  countBy(
    METRIC.messagesSent,
    'channel',
    messages.map((m) => m.channel),
  );
  countBy(
    METRIC.eventsPublished,
    'detailType',
    events.map((e) => e.detailType),
  );
  countBy(
    METRIC.bucketChanges,
    'bucket',
    events.flatMap((e) =>
      e.detailType === 'DelinquencyBucketChanged' ? [String(e.detail.to ?? 'none')] : [],
    ),
  );
  countBy(
    METRIC.escalations,
    'detailType',
    events
      .filter(
        (e) => e.detailType === 'ManualInterventionRequired' || e.detailType === 'CreditBureauReportRequired',
      )
      .map((e) => e.detailType),
  );
  const retries = events.filter((e) => e.detailType === 'DebitRetryRequested').length;
  if (retries > 0) count(METRIC.retriesRequested, retries);
}
