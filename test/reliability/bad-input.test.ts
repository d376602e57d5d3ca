/**
 * Bad input: malformed intake events are rejected with a reason and a metric, never crash a batch
 * and never apply in part; corrupt stored items are skipped and counted.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  borrowerKey,
  installmentKey,
  jobPartitionKey,
  jobSortKey,
  shardOf,
} from '../../functions/adapters/dynamodb/keys';
import { parseIntakeBody } from '../../functions/schemas/intake-events';
import { runWorkItem } from '../../functions/use-cases/scheduled-job';
import { metrics } from '../../functions/wiring/telemetry';
import { JOB_INDEXES } from '../../shared/table-layout';
import { METRIC } from '../../shared/telemetry-names';
import { borrower, type Harness, inst, startHarness } from '../functions/harness';
import { envelope, payment, succeededDebit } from '../functions/intake-events';
import { captureLogs } from '../support/logs';

/** Counts the metrics the handlers emit (Powertools metrics are disabled in tests). */
function captureMetrics() {
  const counted: { name: string; value: number; dimension?: string }[] = [];
  vi.spyOn(metrics as unknown as { isDisabled(): boolean }, 'isDisabled').mockReturnValue(false);
  vi.spyOn(metrics, 'singleMetric').mockImplementation(() => {
    let dimension: string | undefined;
    return {
      addDimension: (name: string, value: string) => {
        dimension = `${name}=${value}`;
      },
      addMetric: (name: string, _unit: unknown, value: number) => {
        counted.push({ name, value, ...(dimension ? { dimension } : {}) });
      },
    } as never;
  });
  vi.spyOn(metrics, 'addMetric').mockImplementation((name: string, _unit: unknown, value: number) => {
    counted.push({ name, value });
    return metrics;
  });
  return counted;
}

describe('bad input', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await h.load([borrower('b1', 760), borrower('b2', 760)], [inst('L1', 'b1'), inst('L2', 'b2')]);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await h.stop();
  });

  it('rejects each malformed record of a batch with a reason and a metric, applies the good ones, and changes nothing for the bad', async () => {
    // Prepare
    const counted = captureMetrics();
    const l2Before = await h.installment('L2', '1');
    const bodies = [
      envelope('RepaymentReceived', payment('L1', 'p-good', 50_000)),
      envelope('RepaymentReceived', { loanId: 'L2', seq: '1' }), // missing fields
      envelope('RepaymentReceived', payment('L2', 'p-string', '100')), // wrong type
      envelope('RepaymentReceived', payment('L2', 'p-negative', -5)),
      envelope('RepaymentReceived', payment('L2', 'p-fraction', 10.5)),
      envelope('RepaymentReceived', payment('NOPE', 'p-unknown', 100)), // unknown loan
      envelope('RepaymentReceived', { ...payment('L2', 'p-big', 100), memo: 'x'.repeat(20_000) }), // oversized
      envelope('LoanGossip', { loanId: 'L2' }), // unknown type
      // a failure without its reason: must not make the borrower at-risk either
      envelope('DebitAttemptCompleted', { ...succeededDebit('L2'), outcome: 'FAILED' }),
      envelope('DebitAttemptCompleted', succeededDebit('L1')),
    ];
    // Act
    let result: { batchItemFailures: { itemIdentifier: string }[] } | undefined;
    const logs = await captureLogs('WARN', async () => {
      result = await h.deliverRaw(...bodies);
    });
    // Assess: the eight bad records, and only they, go back to SQS (then the DLQ)
    expect(result?.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([
      'm1',
      'm2',
      'm3',
      'm4',
      'm5',
      'm6',
      'm7',
      'm8',
    ]);
    expect((await h.installment('L1', '1'))?.status).toBe('PAID');
    const l2 = await h.installment('L2', '1');
    expect(l2?.version).toBe(l2Before?.version);
    expect((await h.runtime.deps.borrowers.getBorrower('b2'))?.lastFailedDebitOn).toBeNull();
    const rejected = counted.filter((c) => c.name === METRIC.intakeRejected);
    expect(rejected.map((c) => c.dimension).sort()).toEqual([
      ...Array.from({ length: 7 }, () => 'reason=MALFORMED'),
      'reason=NOT_FOUND',
    ]);
    const warnings = logs.filter((l) => l.includes('intake'));
    expect(warnings).toHaveLength(8);
    expect(logs.join('\n')).toContain('detail.amount');
    expect(logs.join('\n')).not.toContain('xxxxxxxx');
  });

  it('answers malformed adjustment requests INVALID_REQUEST, changing nothing but the request receipt', async () => {
    // Prepare
    const before = await h.installment('L1', '1');
    const request = (requestId: string, fields: Record<string, unknown>) =>
      h.deliver('RepaymentPlanAdjustmentRequested', {
        requestId,
        loanId: 'L1',
        seq: '1',
        requestedAt: '2026-12-05T12:00:00+08:00',
        ...fields,
      });
    // Act
    await request('r1', { action: 'SPLIT', parts: 2.5 });
    await request('r2', { action: 'EXTEND', days: -3 });
    await request('r3', { action: 'SHRINK', days: 3 });
    await request('r4', { action: 'EXTEND', days: '10' });
    // Assess
    const after = await h.installment('L1', '1');
    expect(h.events.map((e) => [e.detailType, e.detail.reason])).toEqual(
      Array.from({ length: 4 }, () => ['RepaymentPlanAdjustmentRejected', 'INVALID_REQUEST']),
    );
    expect({ ...after, receipts: {}, version: 0 }).toEqual({ ...before, receipts: {}, version: 0 });
    expect(await h.runtime.deps.installments.getParts('L1', '1')).toEqual([]);
  });

  it('takes any batch of arbitrary bodies without throwing: each is applied or rejected, a good one beside them always applied', async () => {
    const types = ['DebitAttemptCompleted', 'RepaymentReceived', 'RepaymentPlanAdjustmentRequested', 'Other'];
    const body = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.json({ maxDepth: 3 }),
      fc
        .record({ 'detail-type': fc.constantFrom(...types), detail: fc.anything({ maxDepth: 2 }) })
        .map((e) => JSON.stringify(e)),
      fc
        .record({
          loanId: fc.constantFrom('L1', 'L2', 'NOPE', ''),
          seq: fc.oneof(fc.constant('1'), fc.integer(), fc.string({ maxLength: 3 })),
          paymentId: fc.string({ maxLength: 5 }),
          amount: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double(), fc.string({ maxLength: 3 })),
          receivedAt: fc.constantFrom('2026-12-08T12:00:00+08:00', 'yesterday', ''),
        })
        .map((d) => envelope('RepaymentReceived', d)),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 5 }), async (bad) => {
        // Prepare: the good record pays 1 fen with an id of its own
        run++;
        const before = await h.installment('L1', '1');
        const good = envelope('RepaymentReceived', payment('L1', `good-${run}`, 1));
        // Act
        const result = await h.deliverRaw(good, ...bad);
        // Assess
        const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
        expect(failed.has('m0')).toBe(false);
        bad.forEach((b, i) => {
          if (!parseIntakeBody(b).ok) expect(failed.has(`m${i + 1}`)).toBe(true);
        });
        const after = await h.installment('L1', '1');
        const paid = (i: typeof after) =>
          (i?.paidInterest ?? 0) + (i?.paidPrincipal ?? 0) + (i?.overpaid ?? 0);
        expect(paid(after)).toBeGreaterThanOrEqual(paid(before) + 1);
      }),
      { numRuns: 25, seed: 7 },
    );
  });

  it('skips and counts a corrupt installment in a job run, and goes on with the rest', async () => {
    // Prepare: an item in the aging index that is no installment
    const counted = captureMetrics();
    const { config } = h.runtime.deps;
    const shard = shardOf('b0', config.jobs.shards);
    const index = JOB_INDEXES.aging;
    await h.db.doc.send(
      new PutCommand({
        TableName: h.db.tableName,
        Item: {
          ...installmentKey('L0', '1'),
          [index.partitionKey]: jobPartitionKey('aging', '2026-12-11', shard),
          [index.sortKey]: jobSortKey('b0', 'L0', '1'),
          status: 'NOT_A_STATE',
        },
      }),
    );
    // Act
    const summary = await runWorkItem(h.runtime.deps, {
      job: 'aging',
      scheduledTime: h.scheduledTime('aging', '2026-12-11'),
      partitions: ['2026-12-10', '2026-12-11'],
      shards: Array.from({ length: config.jobs.shards }, (_, i) => i),
    });
    // Assess
    expect(summary.corrupt).toBe(1);
    expect(counted.filter((c) => c.name === METRIC.corruptItems)).toHaveLength(1);
    expect((await h.installment('L1', '1'))?.status).toBe('IN_GRACE');
  });

  it('rejects and counts an intake event for a corrupt stored installment, without a partial effect', async () => {
    // Prepare: L2's stored item no longer validates
    const counted = captureMetrics();
    await h.db.doc.send(
      new UpdateCommand({
        TableName: h.db.tableName,
        Key: installmentKey('L2', '1'),
        UpdateExpression: 'SET #s = :bad',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':bad': 'NOT_A_STATE' },
      }),
    );
    // Act
    const result = await h.deliver('DebitAttemptCompleted', {
      loanId: 'L2',
      seq: '1',
      attemptId: 'd1',
      outcome: 'FAILED',
      reason: 'INSUFFICIENT_FUNDS',
      attemptedAt: '2026-12-10T06:00:00+08:00',
    });
    // Assess: back to SQS and then the DLQ, counted, and the borrower untouched
    expect(result.batchItemFailures).toHaveLength(1);
    expect(counted.filter((c) => c.name === METRIC.corruptItems)).toHaveLength(1);
    expect(counted.filter((c) => c.name === METRIC.intakeRejected).map((c) => c.dimension)).toEqual([
      'reason=CORRUPT_ITEM',
    ]);
    expect((await h.runtime.deps.borrowers.getBorrower('b2'))?.lastFailedDebitOn).toBeNull();
  });

  // A corrupt borrower profile skips (and counts) that borrower's group only: the work item goes on.
  it('skips and counts the installments of a borrower whose stored profile is corrupt, and goes on with the rest', async () => {
    // Prepare: b1's profile no longer validates; both installments are due for aging
    const counted = captureMetrics();
    await h.db.doc.send(
      new UpdateCommand({
        TableName: h.db.tableName,
        Key: borrowerKey('b1'),
        UpdateExpression: 'SET creditScore = :bad',
        ExpressionAttributeValues: { ':bad': 'excellent' },
      }),
    );
    // Act
    const results = await h.runJob('aging', '2026-12-11');
    // Assess
    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
    expect((await h.installment('L2', '1'))?.status).toBe('IN_GRACE');
    expect(counted.filter((c) => c.name === METRIC.corruptItems).length).toBeGreaterThan(0);
  });
});
