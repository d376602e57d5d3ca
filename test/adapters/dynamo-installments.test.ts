import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoInstallmentStore, StoreStats } from '../../functions/adapters/dynamodb';
import { installmentKey, jobPartitionKey, shardOf } from '../../functions/adapters/dynamodb/keys';
import { CorruptItemError, type DueEntry } from '../../functions/ports';
import type { NextActionDates } from '../../shared/rules/next-actions';
import type { Installment } from '../../shared/rules/types';
import type { Job } from '../../shared/table-layout';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../support/dynalite';
import { anInstallment, NO_DATES, uniqueId } from './fixtures';

const SHARDS = 4;
let dynamo: EmbeddedDynamo;
let store: DynamoInstallmentStore;
let stats: StoreStats;
const commands: string[] = [];

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  // Records every command sent through the client (the document client shares its stack).
  dynamo.client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
});
afterAll(async () => dynamo.stop());
beforeEach(() => {
  stats = new StoreStats();
  store = new DynamoInstallmentStore(dynamo.doc, dynamo.tableName, { jobs: { shards: SHARDS } }, { stats });
  commands.length = 0;
});

async function collect(job: Job, date: string, shard: number, pageSize?: number) {
  const pages: DueEntry[][] = [];
  for await (const page of store.queryDue(job, date, shard, { pageSize })) pages.push(page.entries);
  return pages;
}
const okInstallments = (pages: DueEntry[][]): Installment[] =>
  pages.flat().flatMap((e) => (e.ok ? [e.inst] : []));

describe('DynamoInstallmentStore', () => {
  it('round-trips an installment, validated on read', async () => {
    // Prepare
    const inst = anInstallment({ loanId: uniqueId('L'), seq: '2', receipts: { 'pay-1': 'abc' } });
    // Act
    const created = await store.createInstallment(inst, NO_DATES);
    const read = await store.getInstallment(inst.loanId, '2');
    // Assess
    expect(created).toBe('created');
    expect(read).toEqual(inst);
    expect(await store.getInstallment(inst.loanId, '3')).toBeNull();
  });

  it('createInstallment does not overwrite an existing installment', async () => {
    const inst = anInstallment({ loanId: uniqueId('L') });
    await store.createInstallment(inst, NO_DATES);
    const again = await store.createInstallment({ ...inst, principal: 1 }, NO_DATES);
    expect(again).toBe('exists');
    expect((await store.getInstallment(inst.loanId, inst.seq))?.principal).toBe(inst.principal);
  });

  it('saveInstallment bumps the version and refuses a stale one', async () => {
    // Prepare
    const inst = anInstallment({ loanId: uniqueId('L') });
    await store.createInstallment(inst, NO_DATES);
    // Act
    const first = await store.saveInstallment({ ...inst, paidInterest: 100 }, 0, NO_DATES);
    const stale = await store.saveInstallment({ ...inst, paidInterest: 999 }, 0, NO_DATES);
    const second = await store.saveInstallment({ ...inst, paidInterest: 200 }, 1, NO_DATES);
    // Assess
    expect(first).toEqual({ saved: true, version: 1 });
    expect(stale).toEqual({ saved: false });
    expect(second).toEqual({ saved: true, version: 2 });
    const read = await store.getInstallment(inst.loanId, inst.seq);
    expect(read?.paidInterest).toBe(200);
    expect(read?.version).toBe(2);
    expect(stats.conditionalFailures).toBe(1);
  });

  it('saveInstallment on a missing installment is a conflict, not a create', async () => {
    const inst = anInstallment({ loanId: uniqueId('L') });
    expect(await store.saveInstallment(inst, 0, NO_DATES)).toEqual({ saved: false });
    expect(await store.getInstallment(inst.loanId, inst.seq)).toBeNull();
  });

  it('keeps each job index sparse: an item appears under its date and shard, and leaves when the date is null', async () => {
    // Prepare
    const borrowerId = uniqueId('B');
    const shard = shardOf(borrowerId, SHARDS);
    const inst = anInstallment({ loanId: uniqueId('L'), borrowerId });
    const day = '2031-01-05';
    const next: NextActionDates = { aging: day, reminders: day, failedDebits: null };
    // Act
    await store.createInstallment(inst, next);
    // Assess: in aging and reminders for that day and shard, nowhere else
    expect(okInstallments(await collect('aging', day, shard)).map((i) => i.loanId)).toContain(inst.loanId);
    expect(okInstallments(await collect('reminders', day, shard)).map((i) => i.loanId)).toContain(
      inst.loanId,
    );
    expect(okInstallments(await collect('failedDebits', day, shard))).toHaveLength(0);
    expect(okInstallments(await collect('aging', day, (shard + 1) % SHARDS))).toHaveLength(0);
    expect(okInstallments(await collect('aging', '2031-01-06', shard))).toHaveLength(0);

    // Act: aging has nothing more to do, reminders moves to a later day
    await store.saveInstallment(inst, 0, { aging: null, reminders: '2031-01-07', failedDebits: null });
    // Assess
    expect(okInstallments(await collect('aging', day, shard))).toHaveLength(0);
    expect(okInstallments(await collect('reminders', day, shard))).toHaveLength(0);
    const moved = okInstallments(await collect('reminders', '2031-01-07', shard));
    expect(moved.map((i) => [i.loanId, i.version])).toEqual([[inst.loanId, 1]]);
  });

  it("queryDue streams a partition page by page with Query only, a borrower's installments together", async () => {
    // Prepare: 23 installments of 5 borrowers in one shard, loaded in a batch
    const day = '2031-02-01';
    const borrowers: string[] = [];
    while (borrowers.length < 5) {
      const b = uniqueId('B');
      if (shardOf(b, SHARDS) === 0) borrowers.push(b);
    }
    const items = Array.from({ length: 23 }, (_, i) => ({
      inst: anInstallment({
        loanId: uniqueId('L'),
        seq: String(1 + (i % 3)),
        borrowerId: borrowers[i % 5] as string,
      }),
      next: { aging: null, reminders: day, failedDebits: null },
    }));
    await store.putInstallments(items);
    commands.length = 0;
    // Act
    const pages: { size: number; nextKey: unknown }[] = [];
    const seen: Installment[] = [];
    for await (const page of store.queryDue('reminders', day, 0, { pageSize: 4 })) {
      pages.push({ size: page.entries.length, nextKey: page.nextKey });
      for (const e of page.entries) if (e.ok) seen.push(e.inst);
    }
    // Assess
    expect(seen).toHaveLength(23);
    expect(new Set(seen.map((i) => `${i.loanId}/${i.seq}`)).size).toBe(23);
    expect(pages.length).toBeGreaterThanOrEqual(6);
    expect(pages.every((p) => p.size <= 4)).toBe(true);
    expect(pages.at(-1)?.nextKey).toBeUndefined();
    expect(new Set(commands)).toEqual(new Set(['QueryCommand']));
    const order = seen.map((i) => i.borrowerId);
    const runs = order.filter((b, i) => b !== order[i - 1]);
    expect(runs).toHaveLength(5); // each borrower appears as one run
    expect(stats.queries).toBe(pages.length);
    expect(stats.itemsRead).toBe(23);
    expect(stats.readUnits).toBeGreaterThan(0);
  });

  it('queryDue resumes from a continuation key', async () => {
    const day = '2031-02-02';
    const borrowerId = uniqueId('B');
    const shard = shardOf(borrowerId, SHARDS);
    await store.putInstallments(
      Array.from({ length: 5 }, (_, i) => ({
        inst: anInstallment({ loanId: uniqueId('L'), seq: String(i + 1), borrowerId }),
        next: { aging: day, reminders: null, failedDebits: null },
      })),
    );
    const iterator = store.queryDue('aging', day, shard, { pageSize: 2 })[Symbol.asyncIterator]();
    const first = (await iterator.next()).value;
    await iterator.return?.();
    // The key travels as JSON in a work item's continuation.
    const startKey = JSON.parse(JSON.stringify(first.nextKey));
    let rest = 0;
    for await (const page of store.queryDue('aging', day, shard, { pageSize: 2, startKey }))
      rest += page.entries.length;
    expect(first.entries).toHaveLength(2);
    expect(rest).toBe(3);
  });

  it('a corrupt item yields an entry with its key only, and the stream goes on', async () => {
    // Prepare: a good item, then a raw bad one in the same partition
    const day = '2031-03-01';
    const borrowerId = uniqueId('B');
    const shard = shardOf(borrowerId, SHARDS);
    const good = anInstallment({ loanId: uniqueId('L'), borrowerId });
    await store.createInstallment(good, { aging: day, reminders: null, failedDebits: null });
    const badLoan = uniqueId('L');
    await dynamo.doc.send(
      new PutCommand({
        TableName: dynamo.tableName,
        Item: {
          ...installmentKey(badLoan, '1'),
          loanId: badLoan,
          seq: '1',
          borrowerId,
          status: 'LOST_IN_SPACE',
          principal: -5,
          agingPK: jobPartitionKey('aging', day, shard),
          agingSK: `${borrowerId}#${badLoan}#1`,
        },
      }),
    );
    // Act
    const entries = (await collect('aging', day, shard, 1)).flat();
    // Assess
    expect(entries).toHaveLength(2);
    const bad = entries.find((e) => !e.ok);
    expect(bad).toMatchObject({ ok: false, key: installmentKey(badLoan, '1') });
    expect(bad && !bad.ok && bad.problem).toMatch(/status/);
    expect(entries.filter((e) => e.ok)).toHaveLength(1);
    await expect(store.getInstallment(badLoan, '1')).rejects.toBeInstanceOf(CorruptItemError);
    await expect(store.getInstallment(badLoan, '1')).rejects.toThrow(`LOAN#${badLoan}`);
  });

  it('getParts returns the direct split parts in numeric seq order', async () => {
    const loanId = uniqueId('L');
    const seqs = ['3', '3.1', '3.2', '3.10', '3.11', '3.2.1', '30.1', '4'];
    for (const seq of seqs) await store.createInstallment(anInstallment({ loanId, seq }), NO_DATES);
    const parts = await store.getParts(loanId, '3');
    expect(parts.map((p) => p.seq)).toEqual(['3.1', '3.2', '3.10', '3.11']);
    expect((await store.getParts(loanId, '3.2')).map((p) => p.seq)).toEqual(['3.2.1']);
    expect(await store.getParts(loanId, '4')).toEqual([]);
  });

  it('putInstallments writes in batches of 25 and counts the writes', async () => {
    const loanId = uniqueId('L');
    const items = Array.from({ length: 60 }, (_, i) => ({
      inst: anInstallment({ loanId, seq: String(i + 1) }),
      next: NO_DATES,
    }));
    commands.length = 0;
    await store.putInstallments(items);
    expect(commands.filter((c) => c.startsWith('BatchWrite'))).toHaveLength(3);
    expect(stats.writes).toBe(60);
    expect(await store.getInstallment(loanId, '60')).not.toBeNull();
  });
});
