import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsWorkQueue } from '../../functions/adapters/sqs/work-queue';
import { PublishError } from '../../functions/ports';

const URL = 'https://sqs.ap-east-1.amazonaws.com/123456789012/aging';
const sqs = new SQSClient({});
const sqsMock = mockClient(sqs);
const noSleep = async () => {};
const inputs = () =>
  sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input as SendMessageBatchCommandInput);

beforeEach(() => sqsMock.reset());

describe('SqsWorkQueue', () => {
  it('sends JSON messages 10 per call and retries the failed entries', async () => {
    let call = 0;
    sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
      call++;
      const entries = input.Entries ?? [];
      const failed = call === 1 ? entries.slice(0, 1) : [];
      return {
        Successful: entries
          .filter((e) => !failed.includes(e))
          .map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: '' })),
        Failed: failed.map((e) => ({ Id: e.Id, Code: 'ServiceUnavailable', SenderFault: false })),
      };
    });
    const items = Array.from({ length: 12 }, (_, shard) => ({ job: 'aging', shard }));
    await new SqsWorkQueue<(typeof items)[number]>(sqs, URL, { sleep: noSleep }).enqueue(items);
    const calls = inputs();
    expect(calls.map((c) => c.Entries?.length)).toEqual([10, 2, 1]);
    expect(calls.every((c) => c.QueueUrl === URL)).toBe(true);
    expect(JSON.parse(calls[2]?.Entries?.[0]?.MessageBody ?? '')).toEqual({ job: 'aging', shard: 0 });
  });

  it('throws a PublishError when entries keep failing', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }],
    });
    await expect(
      new SqsWorkQueue(sqs, URL, { sleep: noSleep, maxAttempts: 2 }).enqueue([{ a: 1 }]),
    ).rejects.toBeInstanceOf(PublishError);
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageBatchCommand, 2);
  });
});
