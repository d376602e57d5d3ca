/**
 * What the DynamoDB stores share: their options, the usage counters the benchmark reads, conditional
 * writes, and the chunked BatchWriteItem with unprocessed-item retries.
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ZodError } from 'zod';
import { mapLimit } from '../../use-cases/concurrency';

/**
 * Usage counters of the stores sharing this object (pass one to several stores to count a whole run).
 * Units come from `ReturnConsumedCapacity: TOTAL`, requested on every call.
 */
export class StoreStats {
  /** Query calls (no store ever issues a Scan). */
  queries = 0;
  /** GetItem calls. */
  gets = 0;
  /** Items read: the sum of Query `ScannedCount`, plus GetItem hits. */
  itemsRead = 0;
  readUnits = 0;
  /** Items written (put, updated or deleted), batch items counted one by one. */
  writes = 0;
  writeUnits = 0;
  /** Conditional writes refused (stale version, cap reached, claim held, ...). */
  conditionalFailures = 0;
  /** BatchWriteItem calls repeated for unprocessed items. */
  batchRetries = 0;

  recordQuery(out: { ScannedCount?: number; ConsumedCapacity?: ConsumedCapacity }): void {
    this.queries++;
    this.itemsRead += out.ScannedCount ?? 0;
    this.readUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
  }

  recordGet(out: { Item?: unknown; ConsumedCapacity?: ConsumedCapacity }): void {
    this.gets++;
    if (out.Item) this.itemsRead++;
    this.readUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
  }

  recordWrite(consumed: ConsumedCapacity | ConsumedCapacity[] | undefined, items = 1): void {
    this.writes += items;
    for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
      this.writeUnits += c.CapacityUnits ?? 0;
    }
  }

  snapshot(): Omit<StoreStats, `record${string}` | 'snapshot'> {
    const { queries, gets, itemsRead, readUnits, writes, writeUnits, conditionalFailures, batchRetries } =
      this;
    return { queries, gets, itemsRead, readUnits, writes, writeUnits, conditionalFailures, batchRetries };
  }
}

/** What every DynamoDB store may be given: usage counters, and how bulk loads batch their writes. */
export interface StoreOptions {
  stats?: StoreStats;
  batch?: BatchWriteOptions;
}

/** True for the error DynamoDB returns when a write's condition does not hold. */
export function isConditionalFailure(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

/**
 * Sends one conditional write and records its usage. False when its condition did not hold (counted
 * as a conditional failure); any other error is thrown.
 */
export async function conditionalWrite(
  stats: StoreStats | undefined,
  write: () => Promise<{ ConsumedCapacity?: ConsumedCapacity }>,
): Promise<boolean> {
  try {
    const out = await write();
    stats?.recordWrite(out.ConsumedCapacity);
    return true;
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
    if (stats) stats.conditionalFailures++;
    return false;
  }
}

/** A zod error as paths and messages: never the offending values. */
export function describeProblem(error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with full jitter. */
const backoffMs = (attempt: number, baseMs: number, capMs = 5_000) =>
  Math.round(Math.random() * Math.min(capMs, baseMs * 2 ** attempt));

export interface BatchWriteOptions {
  /** Calls in flight at once. */
  concurrency?: number;
  /** Attempts per chunk before giving up on its unprocessed items. */
  maxAttempts?: number;
  baseDelayMs?: number;
}

/**
 * Puts `items` with BatchWriteItem, 25 per call, a few calls at a time, retrying unprocessed items
 * with backoff. Unconditional: for loads, not for state changes.
 */
export async function batchPut(
  doc: DynamoDBDocumentClient,
  tableName: string,
  items: Record<string, unknown>[],
  stats: StoreStats | undefined,
  options: BatchWriteOptions = {},
): Promise<void> {
  const { concurrency = 4, maxAttempts = 8, baseDelayMs = 50 } = options;
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  await mapLimit(chunks, concurrency, async (chunk) => {
    let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt >= maxAttempts) {
        throw new Error(
          `BatchWriteItem: ${requests.length} items still unprocessed after ${maxAttempts} attempts`,
        );
      }
      if (attempt > 0) {
        if (stats) stats.batchRetries++;
        await sleep(backoffMs(attempt, baseDelayMs));
      }
      const out = await doc.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: requests }, ReturnConsumedCapacity: 'TOTAL' }),
      );
      const unprocessed = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      stats?.recordWrite(out.ConsumedCapacity, requests.length - unprocessed.length);
      requests = unprocessed;
    }
  });
}
