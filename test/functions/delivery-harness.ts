/**
 * The delivery side in a test: the real delivery handlers, use case and DynamoDB adapters against an
 * embedded dynalite, SNS, SES and SQS mocked at the SDK (aws-sdk-client-mock). Each channel's queue is
 * modelled as SQS runs it for Lambda: a message id per copy, a receive count, a visibility timeout (the
 * queue's, or the one the handler sets), deletion of what the batch did not report failed. The clock
 * is simulated; `advance` moves it.
 */

import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  CheckIfPhoneNumberIsOptedOutCommand,
  CreatePlatformEndpointCommand,
  PublishCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import defaultJson from '../../config/default.json';
import { DynamoDeliveryLog } from '../../functions/adapters/dynamodb/deliveries';
import { notificationBody } from '../../functions/adapters/sns/notifier';
import type { DeliveryKey, DeliveryRecord } from '../../functions/ports/delivery';
import { registerPortfolio } from '../../functions/use-cases/register';
import { configureRuntime, getRuntime } from '../../functions/wiring/runtime';
import { type Config, configSchema } from '../../shared/config/schema';
import { localDateOf } from '../../shared/rules/calendar';
import { nextActionDates } from '../../shared/rules/next-actions';
import type {
  Borrower,
  Channel,
  Installment,
  NotificationKind,
  OutboundMessage,
} from '../../shared/rules/types';
import { lambdaContext as kitContext } from '../../tools/local-aws';
import { startEmbeddedDynamo } from '../support/dynalite';

/** What the queue's visibility timeout is in infra (6x the 30 s function timeout). */
export const QUEUE_VISIBILITY_SECONDS = 180;
const QUEUE_URL: Record<Channel, string> = {
  sms: 'https://sqs.local/deliver-sms',
  push: 'https://sqs.local/deliver-push',
  email: 'https://sqs.local/deliver-email',
};
export const FCM_APP = 'arn:aws:sns:ap-east-1:123456789012:app/GCM/lender-app';
export const CONFIGURATION_SET = 'repayment-sentinel-test';

export interface Delivered {
  channel: Channel;
  /** Phone number, endpoint ARN or e-mail address. */
  target: string;
  text: string;
  tags?: { Name: string; Value: string }[];
}

export interface SendFailure {
  error: Error;
  /** The provider acted before the error (a timeout after the send, a 5xx after it took effect). */
  afterEffect?: boolean;
}

interface QueuedMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
}

let invocation = 0;
const lambdaContext = () => kitContext(`delivery-${++invocation}`);

type Handler = (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>;

export async function startDeliveryHarness(overrides: Record<string, unknown> = {}) {
  const config: Config = configSchema.parse({
    ...defaultJson,
    ...overrides,
    delivery: {
      ...defaultJson.delivery,
      sms: { ...defaultJson.delivery.sms, senderId: 'LENDER' },
      push: { ...defaultJson.delivery.push, platformApplications: { fcm: FCM_APP, apns: null } },
      email: {
        ...defaultJson.delivery.email,
        fromAddress: 'reminders@lender.example',
        identity: 'lender.example',
      },
    },
  });
  const db = await startEmbeddedDynamo();
  const sns = mockClient(SNSClient);
  const ses = mockClient(SESv2Client);
  const sqs = mockClient(SQSClient);
  let now = Date.parse('2026-12-07T09:00:00+08:00');
  const queues: Record<Channel, QueuedMessage[]> = { sms: [], push: [], email: [] };
  let nextId = 0;

  /** What reached a borrower: the provider took the send (whatever it answered). */
  const delivered: Delivered[] = [];
  /** The next answers of the channel's send call that are not a plain success. */
  const failures: Record<Channel, SendFailure[]> = { sms: [], push: [], email: [] };
  const optedOut = new Set<string>();
  const answer = (channel: Channel, target: string, text: string, extra: Record<string, unknown> = {}) => {
    const failure = failures[channel].shift();
    if (!failure || failure.afterEffect) delivered.push({ channel, target, text, ...extra });
    if (failure) throw failure.error;
    return { MessageId: `${channel}-${++nextId}` };
  };
  sns
    .on(CheckIfPhoneNumberIsOptedOutCommand)
    .callsFake((input: { phoneNumber: string }) => ({ isOptedOut: optedOut.has(input.phoneNumber) }));
  sns.on(CreatePlatformEndpointCommand).callsFake((input: { Token: string }) => ({
    EndpointArn: `${FCM_APP.replace(':app/', ':endpoint/')}/ep-${input.Token}`,
  }));
  sns
    .on(PublishCommand)
    .callsFake((input: { PhoneNumber?: string; TargetArn?: string; Message: string }) =>
      input.PhoneNumber
        ? answer('sms', input.PhoneNumber, input.Message)
        : answer('push', input.TargetArn ?? '', input.Message),
    );
  ses
    .on(SendEmailCommand)
    .callsFake(
      (input: {
        Destination: { ToAddresses: string[] };
        Content: { Simple: { Body: { Text: { Data: string } } } };
        EmailTags: { Name: string; Value: string }[];
      }) =>
        answer('email', input.Destination.ToAddresses[0] ?? '', input.Content.Simple.Body.Text.Data, {
          tags: input.EmailTags,
        }),
    );
  sqs
    .on(ChangeMessageVisibilityCommand)
    .callsFake((input: { QueueUrl: string; ReceiptHandle: string; VisibilityTimeout: number }) => {
      const channel = (Object.keys(QUEUE_URL) as Channel[]).find((c) => QUEUE_URL[c] === input.QueueUrl);
      const message = channel && queues[channel].find((m) => `r-${m.messageId}` === input.ReceiptHandle);
      if (message) message.visibleAt = now + input.VisibilityTimeout * 1000;
      return {};
    });

  const configure = (channel: Channel) =>
    configureRuntime({
      config,
      clock: () => new Date(now).toISOString(),
      delivery: { sleep: async () => undefined },
      clientFactory: () => ({
        dynamo: db.client,
        doc: db.doc,
        sns: new SNSClient({ region: 'ap-east-1' }),
        snsDirect: new SNSClient({ region: 'ap-east-1' }),
        ses: new SESv2Client({ region: 'ap-east-1' }),
        eventBridge: new EventBridgeClient({ region: 'ap-east-1' }),
        sqs: new SQSClient({ region: 'ap-east-1' }),
      }),
      env: {
        TABLE_NAME: db.tableName,
        EVENT_BUS_NAME: 'repayment-sentinel-test',
        DELIVERY_QUEUE_URL: QUEUE_URL[channel],
        SES_CONFIGURATION_SET: CONFIGURATION_SET,
        SENTINEL_CONFIG: JSON.stringify(config),
      },
    });
  const handlers: Record<Channel | 'feedback', Handler> = {
    sms: (await import('../../functions/deliver-sms')).handler as Handler,
    push: (await import('../../functions/deliver-push')).handler as Handler,
    email: (await import('../../functions/deliver-email')).handler as Handler,
    feedback: (await import('../../functions/email-feedback')).handler as Handler,
  };
  let current: Channel | null = null;
  const use = (channel: Channel) => {
    // One function per channel, as deployed: its own queue URL in its environment.
    if (current !== channel) configure(channel);
    current = channel;
  };
  use('sms');

  const sqsEvent = (channel: Channel, messages: QueuedMessage[]): SQSEvent => ({
    Records: messages.map((m) => ({
      messageId: m.messageId,
      receiptHandle: `r-${m.messageId}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: '0',
        SenderId: 'sns',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:ap-east-1:123456789012:deliver-${channel}`,
      awsRegion: 'ap-east-1',
    })),
  });

  return {
    config,
    db,
    sns,
    ses,
    sqs,
    /** Every send the providers took, in order: what reached the borrowers. */
    delivered,
    sent(channel: Channel) {
      return delivered.filter((d) => d.channel === channel);
    },
    /** The next sends of `channel` fail so: before the provider acted (default), or after. */
    failNextSends(channel: Channel, ...next: SendFailure[]) {
      failures[channel].push(...next);
    },
    optOut(phoneNumber: string) {
      optedOut.add(phoneNumber);
    },
    get now() {
      return new Date(now).toISOString();
    },
    setClock(instant: string) {
      now = Date.parse(instant);
    },
    advance(seconds: number) {
      now += seconds * 1000;
    },
    async load(borrowers: Borrower[], installments: Parameters<typeof registerPortfolio>[2]) {
      return registerPortfolio(getRuntime().deps, borrowers, installments, '2026-12-01T00:00:00+08:00');
    },
    async borrower(id: string) {
      return getRuntime().deps.borrowers.getBorrower(id);
    },
    async putBorrower(b: Borrower) {
      return getRuntime().deps.borrowers.putBorrower(b);
    },
    async installment(loanId: string, seq: string) {
      return getRuntime().deps.installments.getInstallment(loanId, seq);
    },
    /** Writes a changed installment (paid, extended, ...) as the other functions would. */
    async changeInstallment(loanId: string, seq: string, change: (inst: Installment) => Installment) {
      const { installments } = getRuntime().deps;
      const stored = (await installments.getInstallment(loanId, seq)) as Installment;
      const next = change(stored);
      await installments.saveInstallment(
        next,
        stored.version,
        nextActionDates(next, localDateOf(new Date(now).toISOString(), config.timeZone), config),
      );
    },
    /** The topic delivers one message to the channel's queue (raw delivery): a new SQS message. */
    publish(message: OutboundMessage) {
      queues[message.channel].push({
        messageId: `msg-${++nextId}`,
        body: JSON.stringify(notificationBody(message)),
        receiveCount: 0,
        visibleAt: now,
      });
    },
    /** A raw body put in the channel's queue (a malformed message, one meant for another queue). */
    publishRaw(channel: Channel, body: string) {
      queues[channel].push({ messageId: `msg-${++nextId}`, body, receiveCount: 0, visibleAt: now });
    },
    /** Messages still in the channel's queue (visible or not). */
    queued(channel: Channel) {
      return queues[channel].map((m) => ({ ...m }));
    },
    /**
     * Lambda's event source: hands every visible message of the channel's queue to its function (in
     * batches of `batchSize`), deletes those not reported failed, leaves the others invisible for
     * their visibility timeout. Repeats while messages are visible.
     */
    async drain(
      channel: Channel,
      batchSize = 10,
      opts: { concurrent?: boolean } = {},
    ): Promise<SQSBatchResponse[]> {
      use(channel);
      const responses: SQSBatchResponse[] = [];
      const invoke = async (batch: QueuedMessage[]) => {
        try {
          const response = await handlers[channel](sqsEvent(channel, batch), lambdaContext());
          responses.push(response);
          return response.batchItemFailures.map((f) => f.itemIdentifier);
        } catch {
          // The invocation died: nothing was deleted.
          return batch.map((m) => m.messageId);
        }
      };
      for (;;) {
        const visible = queues[channel].filter((m) => m.visibleAt <= now);
        if (visible.length === 0) return responses;
        const batches: QueuedMessage[][] = [];
        for (let i = 0; i < visible.length; i += batchSize) batches.push(visible.slice(i, i + batchSize));
        const taken = opts.concurrent ? batches.flat() : (batches[0] ?? []);
        for (const m of taken) {
          m.receiveCount++;
          m.visibleAt = now + QUEUE_VISIBILITY_SECONDS * 1000;
        }
        // Concurrent: every batch in its own invocation at once, as the event source scales out.
        const failed = new Set(
          (opts.concurrent ? await Promise.all(batches.map(invoke)) : [await invoke(taken)]).flat(),
        );
        queues[channel] = queues[channel].filter((m) => !taken.includes(m) || failed.has(m.messageId));
      }
    },
    /** Advances the clock to when the next message of the channel becomes visible, then drains. */
    async drainLater(channel: Channel) {
      const next = Math.min(...queues[channel].map((m) => m.visibleAt));
      if (Number.isFinite(next) && next > now) now = next;
      return this.drain(channel);
    },
    /** Delivers an SES event (EventBridge envelope) to the feedback handler. */
    async feedback(detail: Record<string, unknown>) {
      const body = JSON.stringify({
        version: '0',
        id: `evt-${++nextId}`,
        source: 'aws.ses',
        'detail-type': 'Email Bounced',
        detail,
      });
      return handlers.feedback(
        {
          Records: [
            {
              ...sqsEvent('email', [{ messageId: `fb-${nextId}`, body, receiveCount: 1, visibleAt: now }])
                .Records[0],
            } as SQSEvent['Records'][number],
          ],
        },
        lambdaContext(),
      );
    },
    async record(key: DeliveryKey): Promise<DeliveryRecord | null> {
      return new DynamoDeliveryLog(db.doc, db.tableName).get(key);
    },
    async history(loanId: string, seq: string) {
      return new DynamoDeliveryLog(db.doc, db.tableName).history(loanId, seq);
    },
    /**
     * Makes the next DynamoDB call for which `when` holds die: before it reaches the store
     * (`'before'`), or after it took effect (`'after'`), as a Lambda that crashes there.
     */
    crashOnce(when: (command: string, input: Record<string, unknown>) => boolean, at: 'before' | 'after') {
      let armed = true;
      const name = `crash-${++nextId}`;
      db.client.middlewareStack.add(
        ((
          next: (args: { input: Record<string, unknown> }) => Promise<unknown>,
          context: { commandName: string },
        ) =>
          async (args: { input: Record<string, unknown> }) => {
            if (!armed || !when(context.commandName, args.input)) return next(args);
            armed = false;
            if (at === 'before') throw new Error('Lambda died');
            await next(args);
            throw new Error('Lambda died');
          }) as never,
        { step: 'initialize', name },
      );
      return () => db.client.middlewareStack.remove(name);
    },
    async stop() {
      sns.restore();
      ses.restore();
      sqs.restore();
      await db.stop();
    },
  };
}

export type DeliveryHarness = Awaited<ReturnType<typeof startDeliveryHarness>>;

export const ADDRESSES: Record<Channel, string> = {
  sms: '+8613800000001',
  email: 'b1@example.com',
  push: 'tok-b1',
};

export const aBorrower = (extra: Partial<Borrower> = {}): Borrower => ({
  borrowerId: 'b1',
  creditScore: 760,
  locale: 'zh-CN',
  contacts: { ...ADDRESSES },
  consents: {},
  lastFailedDebitOn: null,
  ...extra,
});

/** One message of a notification, as the planners render it (due 2026-12-10, borrower b1, loan L1). */
export function aMessage(
  channel: Channel,
  over: Partial<OutboundMessage> & { kind?: NotificationKind } = {},
): OutboundMessage {
  return {
    borrowerId: 'b1',
    channel,
    address: ADDRESSES[channel],
    locale: 'zh-CN',
    kind: 'UPCOMING',
    loanId: 'L1',
    seq: '1',
    occurrence: '2026-12-10#3',
    ...(channel === 'email' ? { subject: '还款提醒' } : {}),
    text: '12月10日将自动扣款¥1,010.00',
    ...over,
  };
}

export const keyOf = (m: OutboundMessage): DeliveryKey => ({
  loanId: m.loanId,
  seq: m.seq,
  kind: m.kind,
  occurrence: m.occurrence,
  channel: m.channel,
});
