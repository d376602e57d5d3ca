/**
 * A run publishes in full batches across pages and shards (one partial batch per work item at most),
 * and dispatch hands the shards out in work items of `jobs.shardsPerWorkItem`.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishBatchCommand } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { borrower, type Harness, inst, portfolio, startHarness } from './harness';

const batchSizes = (
  calls: { args: [{ input: unknown }] }[],
  field: 'PublishBatchRequestEntries' | 'Entries',
) => calls.map((c) => ((c.args[0].input as Record<string, unknown[]>)[field] ?? []).length);

describe('publish batching', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('sends full PublishBatch calls across shards, with one partial batch at the end of the run', async () => {
    // Prepare: 23 borrowers over 4 shards, each with a T-1 reminder by push, sms and e-mail
    h = await startHarness({ jobs: { shards: 4, shardsPerWorkItem: 4 } });
    const { borrowers, installments } = portfolio(23, 760);
    await h.load(borrowers, installments);
    // Act
    await h.runJob('reminders', '2026-12-09');
    // Assess: 69 messages in ceil(69 / 10) = 7 calls, every one full but the last
    expect(h.messages).toHaveLength(69);
    expect(
      batchSizes(h.sns.commandCalls(PublishBatchCommand) as never, 'PublishBatchRequestEntries'),
    ).toEqual([10, 10, 10, 10, 10, 10, 9]);
  });

  it('sends full PutEvents calls across shards in an aging run', async () => {
    // Prepare: 12 tier-C installments a day past due with no debit result: each run emits
    // InstallmentEnteredGrace, DebitResultMissing, InstallmentOverdue and DelinquencyBucketChanged
    h = await startHarness({ jobs: { shards: 4, shardsPerWorkItem: 4 } });
    const { borrowers, installments } = portfolio(12, 600);
    await h.load(borrowers, installments);
    // Act
    await h.runJob('aging', '2026-12-11');
    // Assess
    const sizes = batchSizes(h.eventBridge.commandCalls(PutEventsCommand) as never, 'Entries');
    expect(h.events.length).toBe(48);
    expect(sizes).toEqual([10, 10, 10, 10, 8]);
  });

  it('hands the shards out in work items of jobs.shardsPerWorkItem', async () => {
    // Prepare
    h = await startHarness({ jobs: { shards: 5, shardsPerWorkItem: 2 } });
    const scheduledTime = h.scheduledTime('reminders', '2026-12-09');
    h.setClock(scheduledTime);
    // Act
    await h.dispatch('reminders', scheduledTime);
    // Assess
    const items = h.takeQueued('reminders').map((body) => JSON.parse(body) as { shards: number[] });
    expect(items.map((i) => i.shards)).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('reports a malformed work item (one `shard` instead of `shards`) as a batch item failure', async () => {
    // Prepare
    h = await startHarness({ jobs: { shards: 1, shardsPerWorkItem: 1 } });
    await h.load([borrower('b1', 760)], [inst('L1', 'b1')]);
    const scheduledTime = h.scheduledTime('reminders', '2026-12-09');
    h.setClock(scheduledTime);
    const body = JSON.stringify({ job: 'reminders', scheduledTime, partitions: ['2026-12-09'], shard: 0 });
    // Act
    const result = await h.runWorker('reminders', [body]);
    // Assess
    expect(result.batchItemFailures).toHaveLength(1);
    expect(h.messages).toEqual([]);
  });
});

describe('OutboxPublisher', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('does not send again what it sent when a stale copy of the item comes back later in the run', async () => {
    // Prepare: an installment saved with an outbox entry of this run (one message)
    h = await startHarness();
    await h.load([borrower('b1', 760)], [inst('L1', 'b1')]);
    h.setClock('2026-12-09T01:00:00.000Z');
    const { commitChange, newLeaseOwner, OutboxPublisher } = await import('../../functions/use-cases/outbox');
    const deps = h.runtime.deps;
    const before = await h.installment('L1', '1');
    if (!before) throw new Error('not loaded');
    const ctx = { at: '2026-12-09T09:00:00+08:00', today: '2026-12-09', owner: newLeaseOwner() };
    const message = {
      borrowerId: 'b1',
      channel: 'push' as const,
      address: 'tok-b1',
      locale: 'zh-CN' as const,
      kind: 'UPCOMING' as const,
      loanId: 'L1',
      seq: '1',
      occurrence: '2026-12-10#1',
      text: 'reminder',
    };
    const saved = await commitChange(deps, before, { installment: before, messages: [message] }, ctx);
    if (!saved.saved) throw new Error('not saved');
    const publisher = new OutboxPublisher(deps, ctx);
    // Act: the run publishes it, then meets the copy it read before the entry was removed
    await publisher.add([saved.installment]);
    await publisher.drain();
    await publisher.add([saved.installment]);
    await publisher.drain();
    // Assess
    expect(h.messages).toHaveLength(1);
    expect((await h.installment('L1', '1'))?.outbox).toEqual([]);
  });
});
