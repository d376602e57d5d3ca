import { PublishBatchCommand, type PublishBatchCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { NOTIFICATION_SCHEMA, SnsNotifier } from '../../functions/adapters/sns/notifier';
import { PublishError } from '../../functions/ports';
import type { OutboundMessage } from '../../shared/rules/types';

const TOPIC = 'arn:aws:sns:ap-east-1:123456789012:notifications';
const sns = new SNSClient({});
const snsMock = mockClient(sns);
const noSleep = async () => {};

const aMessage = (i: number, overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
  borrowerId: `B-${i}`,
  channel: 'sms',
  address: `+861380013${String(i).padStart(4, '0')}`,
  locale: 'zh-CN',
  kind: 'OVERDUE',
  loanId: `L-${i}`,
  seq: '1',
  occurrence: '2026-12-11#1',
  text: `您的账单已逾期 ${i}`,
  ...overrides,
});

const inputs = () =>
  snsMock.commandCalls(PublishBatchCommand).map((c) => c.args[0].input as PublishBatchCommandInput);

beforeEach(() => snsMock.reset());

describe('SnsNotifier', () => {
  it('publishes in batches of at most 10 with the channel, kind and locale attributes and the documented body', async () => {
    // Prepare
    snsMock.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => ({
      Successful: input.PublishBatchRequestEntries?.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
      Failed: [],
    }));
    const messages = Array.from({ length: 23 }, (_, i) => aMessage(i));
    messages[0] = aMessage(0, {
      channel: 'email',
      locale: 'en-US',
      subject: 'Overdue',
      address: 'b0@example.com',
    });
    // Act
    await new SnsNotifier(sns, TOPIC, { sleep: noSleep }).send(messages);
    // Assess
    expect(snsMock).toHaveReceivedCommandTimes(PublishBatchCommand, 3);
    const calls = inputs();
    expect(calls.map((c) => c.PublishBatchRequestEntries?.length)).toEqual([10, 10, 3]);
    expect(calls.every((c) => c.TopicArn === TOPIC)).toBe(true);
    const first = calls[0]?.PublishBatchRequestEntries?.[0];
    expect(first?.MessageAttributes).toEqual({
      channel: { DataType: 'String', StringValue: 'email' },
      kind: { DataType: 'String', StringValue: 'OVERDUE' },
      locale: { DataType: 'String', StringValue: 'en-US' },
    });
    expect(JSON.parse(first?.Message ?? '')).toEqual({
      schema: NOTIFICATION_SCHEMA,
      borrowerId: 'B-0',
      channel: 'email',
      address: 'b0@example.com',
      locale: 'en-US',
      kind: 'OVERDUE',
      loanId: 'L-0',
      seq: '1',
      occurrence: '2026-12-11#1',
      subject: 'Overdue',
      text: '您的账单已逾期 0',
    });
    expect(first?.MessageGroupId).toBeUndefined();
    const ids = calls.flatMap((c) => c.PublishBatchRequestEntries?.map((e) => e.Id) ?? []);
    expect(new Set(ids).size).toBe(23);
  });

  it('sends nothing for no messages', async () => {
    await new SnsNotifier(sns, TOPIC).send([]);
    expect(snsMock).not.toHaveReceivedCommand(PublishBatchCommand);
  });

  it('retries only the entries that failed, then succeeds', async () => {
    // Prepare: entry 2 is throttled on the first call
    let call = 0;
    snsMock.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
      call++;
      const entries = input.PublishBatchRequestEntries ?? [];
      const failed = call === 1 ? entries.filter((e) => e.Id === '2') : [];
      return {
        Successful: entries.filter((e) => !failed.includes(e)).map((e) => ({ Id: e.Id, MessageId: 'x' })),
        Failed: failed.map((e) => ({ Id: e.Id, Code: 'Throttled', SenderFault: false })),
      };
    });
    // Act
    await new SnsNotifier(sns, TOPIC, { sleep: noSleep }).send([aMessage(0), aMessage(1), aMessage(2)]);
    // Assess
    const calls = inputs();
    expect(calls).toHaveLength(2);
    expect(calls[1]?.PublishBatchRequestEntries?.map((e) => JSON.parse(e.Message ?? '').loanId)).toEqual([
      'L-2',
    ]);
  });

  it('gives up after bounded retries and throws a PublishError naming ids and codes, never body or address', async () => {
    // Prepare
    snsMock.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
      const entries = input.PublishBatchRequestEntries ?? [];
      return {
        Successful: entries.filter((e) => e.Id !== '1').map((e) => ({ Id: e.Id, MessageId: 'x' })),
        Failed: entries
          .filter((e) => e.Id === '1')
          .map((e) => ({
            Id: e.Id,
            Code: 'InternalError',
            SenderFault: false,
            Message: `boom ${e.Message}`,
          })),
      };
    });
    const messages = [aMessage(0), aMessage(1), aMessage(2)];
    // Act
    const error = await new SnsNotifier(sns, TOPIC, { sleep: noSleep, maxAttempts: 3 })
      .send(messages)
      .catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(PublishError);
    const e = error as PublishError;
    expect(e.failed).toEqual([
      { index: 1, ref: '#1 L-1/1 OVERDUE 2026-12-11#1 sms', code: 'InternalError', senderFault: false },
    ]);
    expect(e.message).toContain('InternalError');
    expect(e.message).toContain('L-1/1');
    for (const m of messages) {
      expect(e.message).not.toContain(m.address);
      expect(e.message).not.toContain(m.text);
    }
    expect(snsMock).toHaveReceivedCommandTimes(PublishBatchCommand, 3);
  });

  it('does not retry an entry the service blames on the sender', async () => {
    snsMock.on(PublishBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '0', Code: 'InvalidParameter', SenderFault: true }],
    });
    const error = await new SnsNotifier(sns, TOPIC, { sleep: noSleep })
      .send([aMessage(0)])
      .catch((e: unknown) => e);
    expect((error as PublishError).failed[0]?.code).toBe('InvalidParameter');
    expect(snsMock).toHaveReceivedCommandTimes(PublishBatchCommand, 1);
  });

  it('a whole call that keeps failing is retried, then reported for every entry of it', async () => {
    snsMock
      .on(PublishBatchCommand)
      .rejects(Object.assign(new Error('down'), { name: 'InternalErrorException', $fault: 'server' }));
    const error = await new SnsNotifier(sns, TOPIC, { sleep: noSleep, maxAttempts: 2 })
      .send([aMessage(0), aMessage(1)])
      .catch((e: unknown) => e);
    expect((error as PublishError).failed.map((f) => f.code)).toEqual([
      'InternalErrorException',
      'InternalErrorException',
    ]);
    expect(snsMock).toHaveReceivedCommandTimes(PublishBatchCommand, 2);
  });

  it('on a FIFO topic, groups by borrower and deduplicates by occurrence and channel', async () => {
    snsMock.on(PublishBatchCommand).resolves({ Successful: [], Failed: [] });
    await new SnsNotifier(sns, `${TOPIC}.fifo`).send([aMessage(0), aMessage(0, { channel: 'push' })]);
    const [a, b] = inputs()[0]?.PublishBatchRequestEntries ?? [];
    expect(a?.MessageGroupId).toBe('B-0');
    expect(a?.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(a?.MessageDeduplicationId).not.toBe(b?.MessageDeduplicationId);
  });
});
