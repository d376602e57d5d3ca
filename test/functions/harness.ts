/**
 * A whole system in a test: the real handlers, use cases and DynamoDB data layer against an
 * embedded dynalite, with SNS, EventBridge and SQS replaced by aws-sdk-client-mock. Work items the
 * dispatcher enqueues are kept in memory and handed to the job workers as SQS events.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PublishBatchCommand, type PublishBatchRequestEntry, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import defaultJson from '../../config/default.json';
import type { AuditEntry } from '../../functions/ports/audit';
import { registerPortfolio } from '../../functions/use-cases/register';
import { configureRuntime, getRuntime } from '../../functions/wiring/runtime';
import { type Config, configSchema } from '../../shared/config/schema';
import { toInstant } from '../../shared/rules/calendar';
import type { NewInstallmentInput } from '../../shared/rules/installment';
import type { Borrower, Installment } from '../../shared/rules/types';
import type { Job } from '../../shared/table-layout';
import { startEmbeddedDynamo } from '../support/dynalite';

const QUEUES: Record<Job, string> = {
  aging: 'https://sqs.local/aging',
  reminders: 'https://sqs.local/reminders',
  failedDebits: 'https://sqs.local/failed-debits',
};
const SCHEDULE_TIME: Record<Job, string> = { aging: '00:30', reminders: '09:00', failedDebits: '10:00' };

export interface PublishedMessage {
  borrowerId: string;
  loanId: string;
  seq: string;
  kind: string;
  occurrence: string;
  channel: string;
  address: string;
  text: string;
}
export interface PublishedEvent {
  detailType: string;
  detail: Record<string, unknown> & { loanId: string; seq: string; occurrence: string };
}

export function lambdaContext(remainingMs = 900_000): Context {
  return {
    awsRequestId: `req-${Math.random().toString(36).slice(2)}`,
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-east-1:123456789012:function:test',
    memoryLimitInMB: '512',
    logGroupName: '/aws/lambda/test',
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export async function startHarness(overrides: Record<string, unknown> = {}) {
  const config: Config = configSchema.parse({
    ...defaultJson,
    ...overrides,
    jobs: { shards: 2, shardsPerWorkItem: 2, catchUpDays: 7, concurrency: 4, ...(overrides.jobs as object) },
  });
  const db = await startEmbeddedDynamo();
  const sns = mockClient(SNSClient);
  const eventBridge = mockClient(EventBridgeClient);
  const sqs = mockClient(SQSClient);
  const queued: Record<string, string[]> = {};
  const messages: PublishedMessage[] = [];
  const events: PublishedEvent[] = [];
  const audit: AuditEntry[] = [];
  let clock = '2026-12-01T00:00:00.000Z';

  const failOnce = new Set<string>();
  sns
    .on(PublishBatchCommand)
    .callsFake((input: { PublishBatchRequestEntries: PublishBatchRequestEntry[] }) => {
      const failed = input.PublishBatchRequestEntries.filter((e) => failOnce.delete(e.Id ?? ''));
      const ok = input.PublishBatchRequestEntries.filter((e) => !failed.includes(e));
      for (const entry of ok) messages.push(JSON.parse(entry.Message ?? '{}'));
      return {
        Successful: ok.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
        Failed: failed.map((e) => ({ Id: e.Id, Code: 'InternalError', SenderFault: false })),
      };
    });
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    for (const entry of input.Entries)
      events.push({ detailType: entry.DetailType ?? '', detail: JSON.parse(entry.Detail ?? '{}') });
    return {
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, i) => ({ EventId: `e-${events.length}-${i}` })),
    };
  });
  sqs
    .on(SendMessageBatchCommand)
    .callsFake((input: { QueueUrl: string; Entries: { Id: string; MessageBody: string }[] }) => {
      queued[input.QueueUrl] ??= [];
      queued[input.QueueUrl]?.push(...input.Entries.map((e) => e.MessageBody));
      return {
        Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: e.Id, MD5OfMessageBody: '' })),
        Failed: [],
      };
    });

  configureRuntime({
    config,
    audit: { record: (entry) => audit.push(entry) },
    clock: () => clock,
    clientFactory: () => ({
      dynamo: db.client,
      doc: db.doc,
      sns: new SNSClient({ region: 'ap-east-1' }),
      eventBridge: new EventBridgeClient({ region: 'ap-east-1' }),
      sqs: new SQSClient({ region: 'ap-east-1' }),
    }),
    env: {
      TABLE_NAME: db.tableName,
      EVENT_BUS_NAME: 'repayment-sentinel-test',
      NOTIFICATIONS_TOPIC_ARN: 'arn:aws:sns:ap-east-1:123456789012:notifications',
      AGING_QUEUE_URL: QUEUES.aging,
      REMINDERS_QUEUE_URL: QUEUES.reminders,
      FAILED_DEBITS_QUEUE_URL: QUEUES.failedDebits,
      SENTINEL_CONFIG: JSON.stringify(config),
    },
  });
  const handlers = {
    dispatch: (await import('../../functions/dispatch')).handler,
    aging: (await import('../../functions/aging')).handler,
    reminders: (await import('../../functions/reminders')).handler,
    failedDebits: (await import('../../functions/failed-debits')).handler,
    intake: (await import('../../functions/intake')).handler,
  };
  let messageId = 0;
  const nextIds = (n: number) => Array.from({ length: n }, () => `msg-${++messageId}`);

  return {
    config,
    db,
    sns,
    eventBridge,
    messages,
    events,
    audit,
    setClock(instant: string) {
      clock = new Date(instant).toISOString();
    },
    async load(
      borrowers: Borrower[],
      installments: NewInstallmentInput[],
      now = '2026-12-01T00:00:00+08:00',
    ) {
      return registerPortfolio(getRuntime().deps, borrowers, installments, now);
    },
    /** The scheduled time of `job` on a local `day` (or at `time`), as the Scheduler sends it. */
    scheduledTime(job: Job, day: string, time = SCHEDULE_TIME[job]) {
      return new Date(toInstant(`${day}T${time}`, config.timeZone)).toISOString();
    },
    /** Fires the job's schedule: dispatch, then drain its work queue through its worker. */
    async runJob(job: Job, day: string, time?: string) {
      const scheduledTime = this.scheduledTime(job, day, time);
      clock = scheduledTime;
      await handlers.dispatch({ job, scheduledTime }, lambdaContext());
      return this.drain(job);
    },
    /** Calls the dispatcher for `scheduledTime` again (a Scheduler retry) and drains the queue. */
    async dispatchAgain(job: Job, scheduledTime: string) {
      await handlers.dispatch({ job, scheduledTime }, lambdaContext());
      return this.drain(job);
    },
    /** The next PublishBatch entries with these batch entry ids fail once (SNS partial failure). */
    failFirstPublishOf(entryIds: string[]) {
      for (const id of entryIds) failOnce.add(id);
    },
    /** Hands every queued work item of `job` to its worker, one SQS event each, until none is left. */
    async drain(job: Job, opts: { remainingMs?: number } = {}) {
      const results = [];
      const url = QUEUES[job];
      while ((queued[url]?.length ?? 0) > 0) {
        const body = queued[url]?.shift() as string;
        results.push(await handlers[job](sqsEvent([body], nextIds(1)), lambdaContext(opts.remainingMs)));
      }
      return results;
    },
    takeQueued(job: Job): string[] {
      const bodies = queued[QUEUES[job]] ?? [];
      queued[QUEUES[job]] = [];
      return bodies;
    },
    async runWorker(job: Job, bodies: string[], remainingMs?: number) {
      return handlers[job](sqsEvent(bodies, nextIds(bodies.length)), lambdaContext(remainingMs));
    },
    /** Delivers an intake event as the EventBridge rule -> SQS -> intake path would. */
    async deliver(detailType: string, detail: Record<string, unknown>) {
      const body = JSON.stringify({
        version: '0',
        id: `evt-${messageId}`,
        source: 'lender.payments',
        'detail-type': detailType,
        time: '2026-12-01T00:00:00Z',
        detail,
      });
      return handlers.intake(sqsEvent([body], nextIds(1)), lambdaContext());
    },
    async deliverRaw(body: string) {
      return handlers.intake(sqsEvent([body], nextIds(1)), lambdaContext());
    },
    async installment(loanId: string, seq: string): Promise<Installment | null> {
      return getRuntime().deps.installments.getInstallment(loanId, seq);
    },
    async stop() {
      sns.restore();
      eventBridge.restore();
      sqs.restore();
      await db.stop();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export const borrower = (id: string, creditScore: number, extra: Partial<Borrower> = {}): Borrower => ({
  borrowerId: id,
  creditScore,
  locale: 'zh-CN',
  contacts: { sms: '+8613800000001', email: `${id}@example.com`, push: `tok-${id}` },
  consents: {},
  lastFailedDebitOn: null,
  ...extra,
});

/** An installment of 1,000.00 principal and 10.00 interest, `seq` 1, due on `dueDate`. */
export const inst = (loanId: string, borrowerId: string, dueDate = '2026-12-10') => ({
  loanId,
  seq: 1,
  borrowerId,
  dueDate,
  principal: 100_000,
  interest: 1_000,
});

/** An SQS event of `bodies` as Lambda's event source hands them over (ids `m0`, `m1`, ... unless given). */
export function sqsEvent(bodies: string[], ids = bodies.map((_, i) => `m${i}`)): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: ids[i] as string,
      receiptHandle: `r-${ids[i]}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:ap-east-1:123456789012:q',
      awsRegion: 'ap-east-1',
    })),
  };
}
