/** The delivery side's DynamoDB adapters against the embedded store: delivery log, contact book, push endpoints. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoBorrowerStore } from '../../functions/adapters/dynamodb';
import {
  DynamoContactBook,
  DynamoDeliveryLog,
  DynamoPushEndpoints,
} from '../../functions/adapters/dynamodb/deliveries';
import { pushEndpointKey } from '../../functions/adapters/dynamodb/keys';
import type { DeliveryKey } from '../../functions/ports/delivery';
import { TTL_ATTRIBUTE } from '../../shared/table-layout';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../support/dynalite';
import { aBorrower, uniqueId } from './fixtures';

let dynamo: EmbeddedDynamo;
let log: DynamoDeliveryLog;
let contacts: DynamoContactBook;
let borrowers: DynamoBorrowerStore;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  log = new DynamoDeliveryLog(dynamo.doc, dynamo.tableName);
  contacts = new DynamoContactBook(dynamo.doc, dynamo.tableName);
  borrowers = new DynamoBorrowerStore(dynamo.doc, dynamo.tableName);
});
afterAll(async () => dynamo.stop());

const T0 = '2026-12-07T01:00:00.000Z';
const aKey = (over: Partial<DeliveryKey> = {}): DeliveryKey => ({
  loanId: uniqueId('L'),
  seq: '1',
  kind: 'OVERDUE',
  occurrence: '2026-12-10#4',
  channel: 'sms',
  ...over,
});
const claim = (attempt: string) => ({ borrowerId: 'B-1', attempt, messageId: `m-${attempt}`, at: T0 });

describe('DynamoDeliveryLog', () => {
  it('lets one claim win when two copies claim at once; the other gets the winner’s record', async () => {
    const key = aKey();
    const results = await Promise.all([log.claim(key, claim('a')), log.claim(key, claim('b'))]);
    const winners = results.filter((r) => r.claimed);
    expect(winners).toHaveLength(1);
    const loser = results.find((r) => !r.claimed);
    expect(loser).toMatchObject({ claimed: false, existing: { status: 'SENDING', borrowerId: 'B-1' } });
  });

  it('takes its own claim found after a retried put as claimed (same attempt)', async () => {
    const key = aKey();
    await log.claim(key, claim('a'));
    expect(await log.claim(key, claim('a'))).toEqual({ claimed: true });
    expect(await log.claim(key, claim('b'))).toMatchObject({ claimed: false });
  });

  it('settles a claim once, by its own attempt only, with the provider message id', async () => {
    const key = aKey();
    await log.claim(key, claim('a'));
    expect(await log.settle(key, 'b', { status: 'SENT', providerMessageId: 'x' }, T0)).toBe(false);
    expect(await log.settle(key, 'a', { status: 'SENT', providerMessageId: 'sns-1' }, T0)).toBe(true);
    expect(await log.settle(key, 'a', { status: 'UNCERTAIN', code: 'INTERRUPTED' }, T0)).toBe(false);
    expect(await log.get(key)).toMatchObject({ status: 'SENT', providerMessageId: 'sns-1', attempt: 'a' });
  });

  it('releases only a SENDING claim of the same attempt', async () => {
    const key = aKey();
    await log.claim(key, claim('a'));
    await log.release(key, 'b');
    expect(await log.get(key)).toMatchObject({ status: 'SENDING' });
    await log.release(key, 'a');
    expect(await log.get(key)).toBeNull();
    expect(await log.claim(key, claim('c'))).toEqual({ claimed: true });
  });

  it('records a dropped message unless a record exists, and returns that record instead', async () => {
    const key = aKey();
    const drop = {
      borrowerId: 'B-1',
      messageId: 'm1',
      at: T0,
      outcome: { status: 'DROPPED' as const, reason: 'PAID' as const },
    };
    expect(await log.recordUnsent(key, drop)).toEqual({ recorded: true });
    expect(await log.recordUnsent(key, drop)).toMatchObject({
      recorded: false,
      existing: { status: 'DROPPED', reason: 'PAID' },
    });
    expect(await log.claim(key, claim('a'))).toMatchObject({ claimed: false });
  });

  it('reads an installment’s records (its contact history), and no other installment’s', async () => {
    const loanId = uniqueId('L');
    const first = aKey({ loanId, seq: '1', channel: 'sms' });
    const second = aKey({
      loanId,
      seq: '1',
      channel: 'email',
      kind: 'DEBIT_FAILED',
      occurrence: '2026-12-10#first',
    });
    const part = aKey({ loanId, seq: '1.2', channel: 'sms' });
    const other = aKey({ loanId, seq: '10', channel: 'sms' });
    for (const key of [first, second, part, other]) await log.claim(key, claim('a'));
    await log.recordFeedback(second, 'BOUNCED', T0);
    const history = await log.history(loanId, '1');
    expect(history.map((r) => `${r.seq} ${r.kind} ${r.channel}`).sort()).toEqual([
      '1 DEBIT_FAILED email',
      '1 OVERDUE sms',
    ]);
    expect(history.find((r) => r.channel === 'email')?.feedback).toBe('BOUNCED');
  });

  it('keeps records readable for 400 days (TTL), holding no address or text', async () => {
    const key = aKey();
    await log.claim(key, claim('a'));
    const items = await log.history(key.loanId, key.seq);
    expect(JSON.stringify(items)).not.toMatch(/\+86|@|tok/);
    const raw = await dynamo.doc.send(
      new GetCommand({
        TableName: dynamo.tableName,
        Key: { PK: `LOAN#${key.loanId}`, SK: `DELIVERY#1#OVERDUE#sms#2026-12-10#4` },
      }),
    );
    expect(raw.Item?.[TTL_ATTRIBUTE]).toBe(Math.floor(Date.parse(T0) / 1000) + 400 * 86_400);
  });

  it('ignores feedback for a message it has no record of', async () => {
    await expect(log.recordFeedback(aKey(), 'COMPLAINED', T0)).resolves.toBeUndefined();
  });
});

describe('DynamoContactBook', () => {
  it('flags an address unusable on a profile without flags, then a second channel beside it', async () => {
    const id = uniqueId('B');
    await borrowers.putBorrower(aBorrower({ borrowerId: id }));
    await contacts.markUnusable(id, 'sms', { reason: 'OPTED_OUT', address: '+8613800138000', since: T0 });
    await contacts.markUnusable(id, 'email', { reason: 'BOUNCED', address: 'b1@example.com', since: T0 });
    expect((await borrowers.getBorrower(id))?.unusable).toEqual({
      sms: { reason: 'OPTED_OUT', address: '+8613800138000', since: T0 },
      email: { reason: 'BOUNCED', address: 'b1@example.com', since: T0 },
    });
  });

  it('keeps the flags when the ledger updates the profile', async () => {
    const id = uniqueId('B');
    await borrowers.putBorrower(aBorrower({ borrowerId: id }));
    await contacts.markUnusable(id, 'sms', { reason: 'OPTED_OUT', address: '+8613800138000', since: T0 });
    await borrowers.putBorrower(aBorrower({ borrowerId: id, creditScore: 800 }));
    expect((await borrowers.getBorrower(id))?.unusable?.sms?.reason).toBe('OPTED_OUT');
  });

  it('creates no profile when there is none to flag', async () => {
    const id = uniqueId('B');
    await contacts.markUnusable(id, 'sms', { reason: 'OPTED_OUT', address: '+8613800138000', since: T0 });
    expect(await borrowers.getBorrower(id)).toBeNull();
  });

  it('removes a dead address only while it is still the profile’s', async () => {
    const id = uniqueId('B');
    await borrowers.putBorrower(aBorrower({ borrowerId: id }));
    await contacts.removeAddress(id, 'push', 'an-older-token');
    expect((await borrowers.getBorrower(id))?.contacts.push).toBe('device-token-1');
    await contacts.removeAddress(id, 'push', 'device-token-1');
    const after = await borrowers.getBorrower(id);
    expect(after?.contacts).toEqual({ sms: '+8613800138000', email: 'b1@example.com' });
  });
});

describe('DynamoPushEndpoints', () => {
  it('remembers the first endpoint of a token, keyed by its hash (the token is never a key)', async () => {
    const endpoints = new DynamoPushEndpoints(dynamo.doc, dynamo.tableName, () => T0);
    const token = uniqueId('tok');
    expect(await endpoints.get(token)).toBeNull();
    await endpoints.put(token, 'arn:aws:sns:ap-east-1:123456789012:endpoint/GCM/app/1');
    await endpoints.put(token, 'arn:aws:sns:ap-east-1:123456789012:endpoint/GCM/app/2');
    expect(await endpoints.get(token)).toBe('arn:aws:sns:ap-east-1:123456789012:endpoint/GCM/app/1');
    expect(pushEndpointKey(token).PK).toMatch(/^PUSH#[0-9a-f]{64}$/);
    expect(pushEndpointKey(token).PK).not.toContain(token);
  });
});
