import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoBorrowerStore } from '../../functions/adapters/dynamodb';
import { borrowerKey } from '../../functions/adapters/dynamodb/keys';
import { CorruptItemError } from '../../functions/ports';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../support/dynalite';
import { aBorrower, uniqueId } from './fixtures';

let dynamo: EmbeddedDynamo;
let store: DynamoBorrowerStore;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  store = new DynamoBorrowerStore(dynamo.doc, dynamo.tableName);
});
afterAll(async () => dynamo.stop());

describe('DynamoBorrowerStore', () => {
  it('round-trips a borrower; an unknown one is null', async () => {
    const b = aBorrower({ borrowerId: uniqueId('B'), consents: { sms: false } });
    await store.putBorrower(b);
    expect(await store.getBorrower(b.borrowerId)).toEqual(b);
    expect(await store.getBorrower(uniqueId('B'))).toBeNull();
  });

  it('putBorrowers loads many in batches', async () => {
    const bs = Array.from({ length: 30 }, () => aBorrower({ borrowerId: uniqueId('B') }));
    bs[3] = { ...(bs[3] as (typeof bs)[number]), lastFailedDebitOn: '2026-11-01' };
    await store.putBorrowers(bs);
    for (const b of [bs[0], bs[3], bs[29]])
      expect(await store.getBorrower(b?.borrowerId as string)).toEqual(b);
  });

  it('recordFailedDebit keeps the latest date, whatever the order of the reports', async () => {
    const b = aBorrower({ borrowerId: uniqueId('B') });
    await store.putBorrower(b);
    await store.recordFailedDebit(b.borrowerId, '2026-12-10');
    await store.recordFailedDebit(b.borrowerId, '2026-12-03'); // a late report of an older failure
    expect((await store.getBorrower(b.borrowerId))?.lastFailedDebitOn).toBe('2026-12-10');
    await Promise.all(
      ['2026-12-14', '2026-12-12', '2026-12-20', '2026-12-11'].map((d) =>
        store.recordFailedDebit(b.borrowerId, d),
      ),
    );
    expect((await store.getBorrower(b.borrowerId))?.lastFailedDebitOn).toBe('2026-12-20');
  });

  it('a failed debit reported before the profile exists is kept when the profile arrives', async () => {
    const b = aBorrower({ borrowerId: uniqueId('B') });
    await store.recordFailedDebit(b.borrowerId, '2026-12-10');
    expect(await store.getBorrower(b.borrowerId)).toBeNull();
    await store.putBorrower(b); // lastFailedDebitOn null in the profile: the stored date stays
    expect((await store.getBorrower(b.borrowerId))?.lastFailedDebitOn).toBe('2026-12-10');
    await store.putBorrower({ ...b, creditScore: 600, lastFailedDebitOn: '2026-12-01' });
    const read = await store.getBorrower(b.borrowerId);
    expect(read?.creditScore).toBe(600);
    expect(read?.lastFailedDebitOn).toBe('2026-12-10');
  });

  it('a corrupt profile throws CorruptItemError naming the key, not the content', async () => {
    const id = uniqueId('B');
    await dynamo.doc.send(
      new PutCommand({
        TableName: dynamo.tableName,
        Item: {
          ...borrowerKey(id),
          entity: 'Borrower',
          borrowerId: id,
          creditScore: 2000,
          contacts: { sms: '12345' },
        },
      }),
    );
    const error = await store.getBorrower(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptItemError);
    expect((error as CorruptItemError).key).toEqual(borrowerKey(id));
    expect((error as Error).message).not.toContain('12345');
  });
});
