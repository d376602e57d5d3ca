/**
 * EventPublisher on EventBridge: PutEvents, 10 entries per call, source `repayment-sentinel`, the
 * event's detail type, and a detail carrying its loan, seq and occurrence (the consumers' dedup key).
 */
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { DomainEvent } from '../../../shared/rules/types';
import { SERVICE_NAME } from '../../../shared/telemetry-names';
import type { EventPublisher } from '../../ports';
import { type DeliveryOptions, deliverInBatches } from '../batch-delivery';

const EVENT_SOURCE = SERVICE_NAME;

/** The entry of one event. `loanId` and `seq` come first so the rule's own detail may not lose them. */
export function eventEntry(event: DomainEvent, eventBusName: string): PutEventsRequestEntry {
  return {
    EventBusName: eventBusName,
    Source: EVENT_SOURCE,
    DetailType: event.detailType,
    Detail: JSON.stringify({
      loanId: event.loanId,
      seq: event.seq,
      ...event.detail,
      occurrence: event.occurrence,
    }),
  };
}

const refOf = (e: DomainEvent, index: number) =>
  `#${index} ${e.loanId}/${e.seq} ${e.detailType} ${e.occurrence}`;

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly eventBridge: EventBridgeClient,
    private readonly eventBusName: string,
    private readonly options: DeliveryOptions = {},
  ) {}

  async publish(events: DomainEvent[]): Promise<void> {
    await deliverInBatches({
      target: 'eventbridge',
      items: events,
      ref: refOf,
      options: this.options,
      send: async (batch) => {
        const out = await this.eventBridge.send(
          new PutEventsCommand({ Entries: batch.map(({ item }) => eventEntry(item, this.eventBusName)) }),
        );
        if (!out.FailedEntryCount) return [];
        // Result entries are in request order; a failed one has an ErrorCode instead of an EventId.
        return batch.flatMap(({ id }, k) => {
          const result = out.Entries?.[k];
          if (result?.EventId && !result.ErrorCode) return [];
          const code = result?.ErrorCode ?? 'Unknown';
          // Only throttling and internal failures are worth another try.
          const senderFault = !/Throttl|InternalFailure|InternalException|ServiceUnavailable/i.test(code);
          return [{ id, code, senderFault }];
        });
      },
    });
  }
}
