/**
 * The scheduled jobs and intake, through the real handlers, use cases and data layer (dynalite),
 * with SNS, EventBridge and SQS mocked at the SDK.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jobPartitionKey, jobSortKey, shardOf } from '../../functions/adapters/dynamodb/keys';
import { outstandingOn } from '../../shared/rules/outstanding';
import { penaltyToDate } from '../../shared/rules/penalty';
import { JOB_INDEXES } from '../../shared/table-layout';
import { borrower, type Harness, inst, portfolio, startHarness } from './harness';
import { failedDebit, payment } from './intake-events';

const occurrences = (h: Harness) =>
  h.messages.map((m) => `${m.loanId}/${m.seq}/${m.kind}/${m.occurrence}/${m.channel}`).sort();
const duplicates = (keys: string[]) => keys.filter((k, i) => keys.indexOf(k) !== i);

describe('scheduled jobs', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('sends the T-7 reminder once however often the same scheduled run is repeated', async () => {
    // Prepare
    await h.load([borrower('b1', 800)], [inst('L1', 'b1')]);
    // Act
    await h.runJob('reminders', '2026-12-03');
    await h.runJob('reminders', '2026-12-03');
    // Assess
    expect(occurrences(h)).toEqual(['L1/1/UPCOMING/2026-12-10#7/push']);
    expect(h.messages[0]?.text).toContain('¥1,010.00');
  });

  it('sends each occurrence once when two runs of the same work overlap', async () => {
    // Prepare
    const { borrowers, installments } = portfolio(12, 760);
    await h.load(borrowers, installments);
    await h.dispatch('reminders', h.scheduledTime('reminders', '2026-12-09'));
    const bodies = h.takeQueued('reminders');
    // Act: the same work items handed to two workers at once
    await Promise.all([h.runWorker('reminders', bodies), h.runWorker('reminders', bodies)]);
    // Assess: T-1 goes out by push, sms and e-mail, once each
    expect(duplicates(occurrences(h))).toEqual([]);
    expect(h.messages).toHaveLength(12 * 3);
  });

  it('completes the rest without a duplicate when a run dies halfway and is redriven', async () => {
    // Prepare
    const { borrowers, installments } = portfolio(10, 760);
    await h.load(borrowers, installments);
    let calls = 0;
    const crash = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      if (++calls === 25) throw new Error('Lambda died');
      return next(args);
    };
    h.db.client.middlewareStack.add(crash as never, { step: 'initialize', name: 'crash-after-24-calls' });
    const scheduledTime = h.scheduledTime('reminders', '2026-12-09');
    h.setClock(scheduledTime);
    await h.dispatch('reminders', scheduledTime);
    const bodies = h.takeQueued('reminders');
    // Act: the run dies halfway (some items saved with their outbox, some published, some not read)
    const first = await h.runWorker('reminders', bodies);
    h.db.client.middlewareStack.remove('crash-after-24-calls');
    // then SQS redelivers the work item after its visibility timeout (past the outbox lease)
    h.setClock(new Date(Date.parse(scheduledTime) + 15 * 60_000).toISOString());
    const second = await h.runWorker('reminders', bodies);
    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(second.batchItemFailures).toEqual([]);
    expect(duplicates(occurrences(h))).toEqual([]);
    expect(h.messages).toHaveLength(10 * 3);
  });

  it('hands the rest of a shard back to its queue when the invocation nears its timeout', async () => {
    // Prepare: more installments per shard than one Query page holds
    const { borrowers, installments } = portfolio(500, 760);
    await h.load(borrowers, installments);
    const scheduledTime = h.scheduledTime('reminders', '2026-12-03');
    h.setClock(scheduledTime);
    await h.dispatch('reminders', scheduledTime);
    // Act: every invocation has only 30 s left, under the 60 s it keeps in hand
    const results = await h.drain('reminders', { remainingMs: 30_000 });
    // Assess: more invocations than work items (continuations), and every reminder once
    expect(results.length).toBeGreaterThan(1);
    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
    expect(duplicates(occurrences(h))).toEqual([]);
    expect(h.messages).toHaveLength(500);
  });

  it('retries the entries of a PublishBatch that failed in part, and sends each once', async () => {
    // Prepare
    await h.load([borrower('b1', 760), borrower('b2', 760)], [inst('L1', 'b1'), inst('L2', 'b2')]);
    h.failFirstPublishOf(['1']);
    // Act
    await h.runJob('reminders', '2026-12-09');
    // Assess
    expect(duplicates(occurrences(h))).toEqual([]);
    expect(h.messages).toHaveLength(6);
  });

  it('moves a tier-C installment to OVERDUE on the day after its due date with one day of penalty', async () => {
    // Prepare
    await h.load([borrower('b1', 600)], [inst('L1', 'b1')]);
    await h.deliver('DebitAttemptCompleted', failedDebit('L1'));
    // Act
    await h.runJob('aging', '2026-12-11');
    // Assess
    const stored = await h.installment('L1', '1');
    expect(stored?.status).toBe('OVERDUE');
    expect(penaltyToDate(stored as never, '2026-12-11')).toBe(50);
    expect(
      h.audit.filter((a) => a.type === 'transition').map((a) => a.type === 'transition' && a.to),
    ).toEqual(['IN_GRACE', 'OVERDUE']);
    expect(h.events.map((e) => e.detailType)).toEqual(
      expect.arrayContaining(['InstallmentEnteredGrace', 'InstallmentOverdue', 'DelinquencyBucketChanged']),
    );
  });

  it('lets a payment racing an aging run end PAID with no penalty added after it', async () => {
    // Prepare: five installments, each paid in full at the moment its aging runs
    const { borrowers, installments } = portfolio(5, 600);
    await h.load(borrowers, installments);
    // Act
    await Promise.all([
      h.runJob('aging', '2026-12-11'),
      ...borrowers.map((_, i) =>
        h.deliver('RepaymentReceived', payment(`L${i}`, `p${i}`, 101_050, '2026-12-11T00:30:00+08:00')),
      ),
    ]);
    await h.runJob('aging', '2026-12-12');
    // Assess
    for (const [i] of borrowers.entries()) {
      const stored = await h.installment(`L${i}`, '1');
      expect(stored?.status).toBe('PAID');
      expect(outstandingOn(stored as never, '2026-12-20').total).toBe(0);
      expect(penaltyToDate(stored as never, '2026-12-20')).toBe(stored?.paidPenalty);
    }
  });

  it('skips and counts an item that fails validation, and goes on with the rest', async () => {
    // Prepare
    await h.load([borrower('b1', 600)], [inst('L1', 'b1')]);
    const shard = shardOf('b0', h.config.jobs.shards);
    const index = JOB_INDEXES.aging;
    await h.db.doc.send(
      new PutCommand({
        TableName: h.db.tableName,
        Item: {
          PK: 'LOAN#L0',
          SK: 'INST#1',
          [index.partitionKey]: jobPartitionKey('aging', '2026-12-11', shard),
          [index.sortKey]: jobSortKey('b0', 'L0', '1'),
          status: 'NOT_A_STATE',
        },
      }),
    );
    // Act
    const results = await h.runJob('aging', '2026-12-11');
    // Assess
    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
    expect((await h.installment('L1', '1'))?.status).toBe('OVERDUE');
  });
});
