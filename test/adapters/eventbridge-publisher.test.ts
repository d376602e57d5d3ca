import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgePublisher } from '../../functions/adapters/eventbridge/publisher';
import { PublishError } from '../../functions/ports';
import type { DomainEvent } from '../../shared/rules/types';

const BUS = 'repayment-sentinel-bus';
const eventBridge = new EventBridgeClient({});
const ebMock = mockClient(eventBridge);
const noSleep = async () => {};

const anEvent = (i: number, overrides: Partial<DomainEvent> = {}): DomainEvent => ({
  detailType: 'DelinquencyBucketChanged',
  loanId: `L-${i}`,
  seq: '2',
  occurrence: '2026-12-11#M1',
  detail: { loanId: `L-${i}`, seq: '2', bucket: 'M1', dpd: 1 },
  ...overrides,
});
const inputs = () =>
  ebMock.commandCalls(PutEventsCommand).map((c) => c.args[0].input as PutEventsCommandInput);
const allOk = (input: PutEventsCommandInput) => ({
  FailedEntryCount: 0,
  Entries: input.Entries?.map((_, k) => ({ EventId: `e-${k}` })),
});

beforeEach(() => ebMock.reset());

describe('EventBridgePublisher', () => {
  it('puts events in batches of at most 10 with source, detail type, bus and occurrence in the detail', async () => {
    ebMock.on(PutEventsCommand).callsFake(allOk);
    await new EventBridgePublisher(eventBridge, BUS).publish(
      Array.from({ length: 21 }, (_, i) => anEvent(i)),
    );
    const calls = inputs();
    expect(calls.map((c) => c.Entries?.length)).toEqual([10, 10, 1]);
    const entry = calls[0]?.Entries?.[0];
    expect(entry).toMatchObject({
      EventBusName: BUS,
      Source: 'repayment-sentinel',
      DetailType: 'DelinquencyBucketChanged',
    });
    expect(JSON.parse(entry?.Detail ?? '')).toEqual({
      loanId: 'L-0',
      seq: '2',
      bucket: 'M1',
      dpd: 1,
      occurrence: '2026-12-11#M1',
    });
  });

  it('retries the failed entries (matched by position) and then succeeds', async () => {
    let call = 0;
    ebMock.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
      call++;
      if (call > 1) return allOk(input);
      return {
        FailedEntryCount: 1,
        Entries: input.Entries?.map((_, k) =>
          k === 1 ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' } : { EventId: `e-${k}` },
        ),
      };
    });
    await new EventBridgePublisher(eventBridge, BUS, { sleep: noSleep }).publish([
      anEvent(0),
      anEvent(1),
      anEvent(2),
    ]);
    const calls = inputs();
    expect(calls).toHaveLength(2);
    expect(calls[1]?.Entries?.map((e) => JSON.parse(e.Detail ?? '').loanId)).toEqual(['L-1']);
  });

  it('throws a PublishError with ids and codes, no detail payload, after bounded retries', async () => {
    ebMock.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ({
      FailedEntryCount: input.Entries?.length,
      Entries: input.Entries?.map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'oops' })),
    }));
    const event = anEvent(7, {
      detail: { loanId: 'L-7', seq: '2', phone: '+8613800000000', amount: 101100 },
    });
    const error = await new EventBridgePublisher(eventBridge, BUS, { sleep: noSleep, maxAttempts: 3 })
      .publish([event])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).failed).toEqual([
      {
        index: 0,
        ref: '#0 L-7/2 DelinquencyBucketChanged 2026-12-11#M1',
        code: 'InternalFailure',
        senderFault: false,
      },
    ]);
    expect((error as Error).message).not.toContain('+8613800000000');
    expect((error as Error).message).not.toContain('101100');
    expect(ebMock).toHaveReceivedCommandTimes(PutEventsCommand, 3);
  });

  it('does not retry an entry rejected for its content', async () => {
    ebMock
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'MalformedDetail' }] });
    const error = await new EventBridgePublisher(eventBridge, BUS, { sleep: noSleep })
      .publish([anEvent(0)])
      .catch((e: unknown) => e);
    expect((error as PublishError).failed[0]).toMatchObject({ code: 'MalformedDetail', senderFault: true });
    expect(ebMock).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  });
});
