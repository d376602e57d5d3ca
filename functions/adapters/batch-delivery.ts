/**
 * Delivery in batches of 10 (SNS PublishBatch, EventBridge PutEvents, SQS SendMessageBatch) with
 * per-entry retries: the three APIs accept part of a batch and report the rest, so only the failed
 * entries are sent again, with backoff, a bounded number of times.
 */
import { METRIC } from '../../shared/telemetry-names';
import { type FailedEntry, PublishError } from '../ports';
import { mapLimit } from '../use-cases/concurrency';
import { count } from '../wiring/telemetry';

export interface DeliveryOptions {
  /** Calls per batch, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Batches in flight at once. */
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** One entry of a call: `id` is unique within the call. */
export interface BatchEntry<T> {
  id: string;
  index: number;
  item: T;
}

/** An entry the service refused in a call that otherwise went through. */
export interface EntryFailure {
  id: string;
  code: string;
  senderFault: boolean;
}

/**
 * The failures of an SNS PublishBatch or SQS SendMessageBatch answer (their `Failed` lists share a
 * shape), as entry failures.
 */
export const batchFailures = (
  failed: readonly { Id?: string; Code?: string; SenderFault?: boolean }[] | undefined,
): EntryFailure[] =>
  (failed ?? []).map((f) => ({
    id: f.Id ?? '',
    code: f.Code ?? 'Unknown',
    senderFault: f.SenderFault === true,
  }));

const BATCH_SIZE = 10;
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends `items` through `send` (one call per batch of at most 10), retrying the failed entries that
 * are not the sender's fault. Throws a {@link PublishError} naming, by `ref`, every entry not delivered.
 */
export async function deliverInBatches<T>(args: {
  target: PublishError['target'];
  items: readonly T[];
  /** Names an entry in errors and logs: ids only, never content or addresses. */
  ref: (item: T, index: number) => string;
  send: (batch: BatchEntry<T>[]) => Promise<EntryFailure[]>;
  options?: DeliveryOptions;
}): Promise<void> {
  const { target, items, ref, send, options = {} } = args;
  const { maxAttempts = 4, baseDelayMs = 100, concurrency = 4, sleep = defaultSleep } = options;
  const batches: BatchEntry<T>[][] = [];
  for (let i = 0; i < items.length; i += BATCH_SIZE) {
    batches.push(
      items.slice(i, i + BATCH_SIZE).map((item, k) => ({ id: String(i + k), index: i + k, item })),
    );
  }
  const failed: FailedEntry[] = [];
  await mapLimit(batches, concurrency, async (batch) => {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      let failures: EntryFailure[];
      try {
        failures = await send(pending);
      } catch (error) {
        // The whole call failed (after the SDK's own retries): every entry of it failed alike.
        const e = error as { name?: string; $fault?: string };
        const code = e.name ?? 'Error';
        failures = pending.map((p) => ({ id: p.id, code, senderFault: e.$fault === 'client' }));
      }
      const byId = new Map(failures.map((f) => [f.id, f]));
      const retry: BatchEntry<T>[] = [];
      for (const entry of pending) {
        const failure = byId.get(entry.id);
        if (!failure) continue;
        if (failure.senderFault || attempt >= maxAttempts) {
          failed.push({
            index: entry.index,
            ref: ref(entry.item, entry.index),
            code: failure.code,
            senderFault: failure.senderFault,
          });
        } else retry.push(entry);
      }
      pending = retry;
      if (pending.length > 0) {
        count(METRIC.publishRetries, pending.length, { name: 'target', value: target });
        await sleep(Math.round(Math.random() * baseDelayMs * 2 ** (attempt - 1)) + baseDelayMs);
      }
    }
  });
  if (failed.length > 0) {
    throw new PublishError(
      target,
      failed.sort((a, b) => a.index - b.index),
      items.length,
    );
  }
}
