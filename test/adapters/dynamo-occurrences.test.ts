import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCapStore, DynamoClaimStore, StoreStats } from '../../functions/adapters/dynamodb';
import type { OccurrenceKey } from '../../functions/ports';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../support/dynalite';
import { uniqueId } from './fixtures';

let dynamo: EmbeddedDynamo;
let claims: DynamoClaimStore;
let caps: DynamoCapStore;
const stats = new StoreStats();

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  claims = new DynamoClaimStore(dynamo.doc, dynamo.tableName, { stats });
  caps = new DynamoCapStore(dynamo.doc, dynamo.tableName, { stats });
});
afterAll(async () => dynamo.stop());

const T0 = '2026-12-10T01:00:00.000Z';
const T1 = '2026-12-10T01:05:00.000Z';
const T2 = '2026-12-10T01:10:00.000Z';
const anOccurrence = (): OccurrenceKey => ({
  loanId: uniqueId('L'),
  seq: '1',
  kind: 'RepaymentPlanAdjustmentRejected',
  occurrence: 'r1',
});

describe('DynamoClaimStore', () => {
  it('claims a new occurrence once; a second run is busy while the lease holds', async () => {
    const key = anOccurrence();
    expect(await claims.claim(key, T1, T0)).toEqual({ result: 'claimed' });
    expect(await claims.claim(key, T2, T0)).toEqual({ result: 'busy' });
    expect(await claims.claim(key, T2, '2026-12-10T01:04:59.999Z')).toEqual({ result: 'busy' });
  });

  it('takes over a PENDING claim whose lease expired', async () => {
    const key = anOccurrence();
    await claims.claim(key, T1, T0);
    expect(await claims.claim(key, T2, T1)).toEqual({ result: 'claimed' });
    expect(await claims.claim(key, T2, T1)).toEqual({ result: 'busy' });
  });

  it('a completed occurrence is done, with its status, lease or not', async () => {
    const key = anOccurrence();
    await claims.claim(key, T1, T0);
    await claims.complete(key, 'PUBLISHED');
    expect(await claims.claim(key, T2, T0)).toEqual({ result: 'done', status: 'PUBLISHED' });
    expect(await claims.claim(key, T2, '2027-06-01T00:00:00Z')).toEqual({
      result: 'done',
      status: 'PUBLISHED',
    });
  });

  it('release lets a later run claim again, but never forgets a completed one', async () => {
    const key = anOccurrence();
    await claims.claim(key, T1, T0);
    await claims.release(key);
    expect(await claims.claim(key, T1, T0)).toEqual({ result: 'claimed' });
    await claims.complete(key, 'PUBLISHED');
    await claims.release(key);
    expect(await claims.claim(key, T2, T1)).toEqual({ result: 'done', status: 'PUBLISHED' });
  });

  it('exactly one of many concurrent claims wins', async () => {
    const key = anOccurrence();
    const results = await Promise.all(Array.from({ length: 8 }, () => claims.claim(key, T1, T0)));
    expect(results.filter((r) => r.result === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.result === 'busy')).toHaveLength(7);
  });

  it('compares instants whatever their ISO spelling', async () => {
    const key = anOccurrence();
    await claims.claim(key, '2026-12-10T01:05:00Z', T0);
    expect(await claims.claim(key, T2, '2026-12-10T01:04:00Z')).toEqual({ result: 'busy' });
    expect(await claims.claim(key, T2, '2026-12-10T09:05:00+08:00')).toEqual({ result: 'claimed' });
  });
});

describe('DynamoCapStore', () => {
  it('reserve is idempotent per occurrence and stops at the cap', async () => {
    const borrowerId = uniqueId('B');
    const day = '2026-12-10';
    expect(await caps.sentOn(borrowerId, day)).toBe(0);
    expect(await caps.reserve(borrowerId, day, 'a', 2)).toBe(true);
    expect(await caps.reserve(borrowerId, day, 'a', 2)).toBe(true);
    expect(await caps.sentOn(borrowerId, day)).toBe(1);
    expect(await caps.reserve(borrowerId, day, 'b', 2)).toBe(true);
    expect(await caps.reserve(borrowerId, day, 'c', 2)).toBe(false);
    expect(await caps.reserve(borrowerId, day, 'b', 2)).toBe(true); // already counted: still reserved
    expect(await caps.sentOn(borrowerId, day)).toBe(2);
    expect(await caps.sentOn(borrowerId, '2026-12-11')).toBe(0);
    expect(await caps.reserve(borrowerId, '2026-12-11', 'c', 2)).toBe(true);
  });

  it('never goes above the cap under concurrent reserves', async () => {
    const borrowerId = uniqueId('B');
    const day = '2026-12-10';
    const ids = Array.from({ length: 12 }, (_, i) => `occ-${i}`);
    const results = await Promise.all([...ids, ...ids].map((id) => caps.reserve(borrowerId, day, id, 3)));
    expect(await caps.sentOn(borrowerId, day)).toBe(3);
    const granted = new Set(ids.filter((_, i) => results[i] || results[i + ids.length]));
    expect(granted.size).toBe(3);
  });

  it('a cap of 0 reserves nothing', async () => {
    const borrowerId = uniqueId('B');
    expect(await caps.reserve(borrowerId, '2026-12-10', 'x', 0)).toBe(false);
    expect(await caps.sentOn(borrowerId, '2026-12-10')).toBe(0);
  });
});
