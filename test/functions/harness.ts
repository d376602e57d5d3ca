/**
 * A whole system in a test: the real handlers, use cases and DynamoDB data layer, driven through
 * the local AWS kit (embedded dynalite, local queues, Lambda contexts, SQS events), with SNS and
 * EventBridge mocked by aws-sdk-client-mock so that tests can fail a publish and read its calls.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PublishBatchCommand, type PublishBatchRequestEntry, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import defaultJson from '../../config/default.json';
import type { AuditEntry } from '../../functions/ports/audit';
import { type Config, configSchema } from '../../shared/config/schema';
import { toInstant } from '../../shared/rules/calendar';
import type { NewInstallmentInput } from '../../shared/rules/installment';
import type { Borrower, Installment } from '../../shared/rules/types';
import type { Job } from '../../shared/table-layout';
import { type BatchAnswer, LocalAws, ruleDelivery } from '../../tools/local-aws';

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

/** SNS and EventBridge mocked: what they were sent, and SNS entries made to fail once. */
function mockPublishing() {
  const sns = mockClient(SNSClient);
  const eventBridge = mockClient(EventBridgeClient);
  const messages: PublishedMessage[] = [];
  const events: PublishedEvent[] = [];
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
  return { sns, eventBridge, messages, events, failOnce };
}

export async function startHarness(overrides: Record<string, unknown> = {}) {
  const config: Config = configSchema.parse({
    ...defaultJson,
    ...overrides,
    jobs: { shards: 2, shardsPerWorkItem: 2, catchUpDays: 7, concurrency: 4, ...(overrides.jobs as object) },
  });
  const { sns, eventBridge, messages, events, failOnce } = mockPublishing();
  const audit: AuditEntry[] = [];
  let clock = '2026-12-01T00:00:00.000Z';
  const aws = await LocalAws.start({
    config,
    audit: { record: (entry) => audit.push(entry) },
    clock: () => clock,
    requestIds: 'test',
  });
  const scheduledTime = (job: Job, day: string, time = SCHEDULE_TIME[job]) =>
    new Date(toInstant(`${day}T${time}`, config.timeZone)).toISOString();

  return {
    config,
    db: aws.table,
    sns,
    eventBridge,
    messages,
    events,
    audit,
    setClock(instant: string) {
      clock = new Date(instant).toISOString();
    },
    load(borrowers: Borrower[], installments: NewInstallmentInput[], now = '2026-12-01T00:00:00+08:00') {
      return aws.registerPortfolio(borrowers, installments, now);
    },
    /** The scheduled time of `job` on a local `day` (or at `time`), as the Scheduler sends it. */
    scheduledTime,
    /** Fires the job's schedule: dispatch, then drain its work queue through its worker. */
    async runJob(job: Job, day: string, time?: string): Promise<BatchAnswer[]> {
      clock = scheduledTime(job, day, time);
      await aws.dispatch(job, clock);
      return aws.drain(job);
    },
    /** Invokes dispatch for `scheduledTime` (a schedule fire) and leaves its work items queued. */
    dispatch: (job: Job, at: string) => aws.dispatch(job, at),
    /** The next PublishBatch entries with these batch entry ids fail once (SNS partial failure). */
    failFirstPublishOf(entryIds: string[]) {
      for (const id of entryIds) failOnce.add(id);
    },
    /** Hands every queued work item of `job` to its worker, one per invocation, until none is left. */
    drain: (job: Job, opts: { remainingMs?: number } = {}) => aws.drain(job, opts),
    /** Takes the queued work items of `job` off its queue, to hand them to workers by hand. */
    takeQueued: (job: Job): string[] => aws.queues.work[job].purge(),
    /** One worker invocation with `bodies` as its SQS event. */
    runWorker: (job: Job, bodies: string[], remainingMs?: number) => aws.invokeWith(job, bodies, remainingMs),
    /** Delivers an intake event as the EventBridge rule -> SQS -> intake path would (one invocation). */
    deliver(detailType: string, detail: Record<string, unknown>): Promise<BatchAnswer> {
      const body = ruleDelivery({ detailType, source: 'lender.payments', detail, time: clock });
      return aws.invokeWith('intake', [body]);
    },
    /** One intake invocation with these raw SQS message bodies (ids `m0`, `m1`, ...). */
    deliverRaw: (...bodies: string[]): Promise<BatchAnswer> => aws.invokeWith('intake', bodies),
    installment(loanId: string, seq: string): Promise<Installment | null> {
      return aws.runtime.deps.installments.getInstallment(loanId, seq);
    },
    get runtime() {
      return aws.runtime;
    },
    async stop() {
      sns.restore();
      eventBridge.restore();
      await aws.stop();
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

/** `n` borrowers `b0`.. with a score of `creditScore`, each with installment `L<i>` of {@link inst}. */
export function portfolio(n: number, creditScore: number) {
  const borrowers = Array.from({ length: n }, (_, i) => borrower(`b${i}`, creditScore));
  return { borrowers, installments: borrowers.map((b, i) => inst(`L${i}`, b.borrowerId)) };
}
