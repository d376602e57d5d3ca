/**
 * The messaging ports: notifications to borrowers (SNS), domain events (EventBridge) and work items
 * (SQS). Each delivers in batches and reports by entry what it could not deliver.
 */
import type { DomainEvent, OutboundMessage } from '../../shared/rules/types';

export interface Notifier {
  /** Publishes one message per entry; throws {@link PublishError} listing the entries not sent after retries. */
  send(messages: OutboundMessage[]): Promise<void>;
}

export interface EventPublisher {
  /** Puts the events on the bus; throws {@link PublishError} listing the entries not put after retries. */
  publish(events: DomainEvent[]): Promise<void>;
}

export interface WorkQueue<T> {
  /** Sends the messages (10 per SendMessageBatch call); throws {@link PublishError} for entries not sent after retries. */
  enqueue(messages: T[]): Promise<void>;
}

/** One entry a publisher could not deliver. `ref` names it by ids only (no body, no address). */
export interface FailedEntry {
  /** Position of the entry in the list given to `send` / `publish` / `enqueue`. */
  index: number;
  ref: string;
  code: string;
  /** True when the service blamed the request (retrying it unchanged will not help). */
  senderFault: boolean;
}

/**
 * Some entries were not delivered after retries. The others were: `failed` says which were not, so a
 * caller may release just those. The message names ids and error codes only.
 */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    readonly target: 'sns' | 'eventbridge' | 'sqs',
    readonly failed: FailedEntry[],
    readonly total: number,
  ) {
    const shown = failed
      .slice(0, 10)
      .map((f) => `${f.ref}: ${f.code}`)
      .join('; ');
    const more = failed.length > 10 ? `; and ${failed.length - 10} more` : '';
    super(`${target}: ${failed.length} of ${total} entries not delivered (${shown}${more})`);
  }
}
