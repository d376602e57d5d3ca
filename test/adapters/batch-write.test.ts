import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoInstallmentStore, StoreStats } from '../../functions/adapters/dynamodb';
import { createDocumentClient } from '../../functions/wiring/aws-clients';
import { anInstallment, NO_DATES } from './fixtures';

const doc = createDocumentClient(new DynamoDBClient({}));
const docMock = mockClient(doc);
const TABLE = 'sentinel';

beforeEach(() => docMock.reset());

describe('putInstallments (BatchWriteItem)', () => {
  it('retries unprocessed items until all are written', async () => {
    // Prepare: the first call of each chunk leaves its last 5 items unprocessed
    const seen = new Map<number, number>();
    docMock.on(BatchWriteCommand).callsFake((input: BatchWriteCommandInput) => {
      const requests = input.RequestItems?.[TABLE] ?? [];
      const size = requests.length;
      seen.set(size, (seen.get(size) ?? 0) + 1);
      return size === 25 ? { UnprocessedItems: { [TABLE]: requests.slice(20) } } : { UnprocessedItems: {} };
    });
    const stats = new StoreStats();
    const store = new DynamoInstallmentStore(
      doc,
      TABLE,
      { jobs: { shards: 2 } },
      { stats, batch: { baseDelayMs: 1 } },
    );
    const items = Array.from({ length: 50 }, (_, i) => ({
      inst: anInstallment({ seq: String(i + 1) }),
      next: NO_DATES,
    }));
    // Act
    await store.putInstallments(items);
    // Assess: two chunks of 25, each retried once with its 5 leftovers
    expect(seen.get(25)).toBe(2);
    expect(seen.get(5)).toBe(2);
    expect(stats.writes).toBe(50);
    expect(stats.batchRetries).toBe(2);
  });

  it('gives up after a bounded number of attempts', async () => {
    docMock
      .on(BatchWriteCommand)
      .callsFake((input: BatchWriteCommandInput) => ({ UnprocessedItems: input.RequestItems }));
    const store = new DynamoInstallmentStore(
      doc,
      TABLE,
      { jobs: { shards: 2 } },
      { batch: { baseDelayMs: 1, maxAttempts: 3 } },
    );
    await expect(store.putInstallments([{ inst: anInstallment(), next: NO_DATES }])).rejects.toThrow(
      /unprocessed after 3 attempts/,
    );
    expect(docMock).toHaveReceivedCommandTimes(BatchWriteCommand, 3);
  });
});
