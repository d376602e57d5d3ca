/**
 * SNS, EventBridge and SQS clients that answer locally: a middleware on each client's stack takes
 * the command, hands its entries to the caller's sinks and returns a successful response, so the
 * real adapters (`SnsNotifier`, `EventBridgePublisher`, `SqsWorkQueue`) run unchanged and nothing
 * reaches the network.
 */
import { EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type PublishBatchRequestEntry, SNSClient } from '@aws-sdk/client-sns';
import { type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import type { RetryStrategyV2 } from '@smithy/types';
import { LOCAL_CLIENT } from './names';

export interface CaptureSinks {
  /** SNS PublishBatch (or Publish) entries of one call, in the order they were published. */
  published(topicArn: string, entries: PublishBatchRequestEntry[]): void;
  /** EventBridge PutEvents entries of one call, in order. */
  putEvents(entries: PutEventsRequestEntry[]): void;
  /** SQS SendMessageBatch (or SendMessage) entries of one call; the queue URL is the routing key. */
  sentMessages(queueUrl: string, entries: SendMessageBatchRequestEntry[]): void;
}

/** A command the kit does not answer: better to fail loudly than to call AWS. */
export class UnsupportedCommandError extends Error {
  override name = 'UnsupportedCommandError';
}

export interface CaptureOptions {
  /**
   * Answer under the SDK's retry middleware (with this strategy) instead of at the top of the stack,
   * so injected faults (tools/lib/faults.ts) meet the SDK's own retries. Serialization and signing are
   * dropped: nothing goes on the wire.
   */
  retryStrategy?: RetryStrategyV2;
  /** Added before every answer (the benchmark's simulated network latency). */
  latencyMs?: number;
}

type Input = Record<string, unknown>;
type Answer = (commandName: string, input: Input) => Record<string, unknown>;

/** Middlewares that only prepare a request for the wire. */
const WIRE_MIDDLEWARES = [
  'contentLengthMiddleware',
  'getUserAgentMiddleware',
  'hostHeaderMiddleware',
  'recursionDetectionMiddleware',
  'httpSigningMiddleware',
];

const clientConfig = (options: CaptureOptions) =>
  options.retryStrategy ? { ...LOCAL_CLIENT, retryStrategy: options.retryStrategy } : LOCAL_CLIENT;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function answerLocally(
  client: { middlewareStack: SNSClient['middlewareStack'] },
  service: string,
  answer: Answer,
  options: CaptureOptions,
): void {
  const behindRetry = options.retryStrategy !== undefined;
  if (behindRetry) {
    for (const name of WIRE_MIDDLEWARES) client.middlewareStack.remove(name);
    // Others are placed relative to the serializer: it stays, and passes the input through.
    client.middlewareStack.add((next) => (args) => next(args), {
      name: 'serializerMiddleware',
      step: 'serialize',
      override: true,
    });
  }
  const latencyMs = options.latencyMs ?? 0;
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      if (latencyMs > 0) await sleep(latencyMs);
      const commandName = (context as { commandName?: string }).commandName ?? '';
      const output = answer(commandName, args.input as Input);
      return { output: { ...output, $metadata: { httpStatusCode: 200 } }, response: {} } as never;
    },
    // (The stack's overloads type the options by step; the middleware fits both steps.)
    {
      step: behindRetry ? 'deserialize' : 'initialize',
      priority: 'high',
      name: `localAnswers${service}`,
    } as never,
  );
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${++counter}`;

/** An SNS client whose PublishBatch and Publish succeed locally. */
export function capturingSns(
  sinks: Pick<CaptureSinks, 'published'>,
  options: CaptureOptions = {},
): SNSClient {
  const client = new SNSClient(clientConfig(options));
  answerLocally(
    client,
    'Sns',
    (name, input) => {
      if (name === 'PublishBatchCommand') {
        const entries = (input.PublishBatchRequestEntries ?? []) as PublishBatchRequestEntry[];
        sinks.published(String(input.TopicArn ?? ''), entries);
        return { Successful: entries.map((e) => ({ Id: e.Id, MessageId: nextId('sns') })), Failed: [] };
      }
      if (name === 'PublishCommand') {
        sinks.published(String(input.TopicArn ?? ''), [
          { Id: '0', ...(input as Omit<PublishBatchRequestEntry, 'Id'>) },
        ]);
        return { MessageId: nextId('sns') };
      }
      throw new UnsupportedCommandError(`SNS ${name} is not answered locally`);
    },
    options,
  );
  return client;
}

/** An EventBridge client whose PutEvents succeeds locally. */
export function capturingEventBridge(
  sinks: Pick<CaptureSinks, 'putEvents'>,
  options: CaptureOptions = {},
): EventBridgeClient {
  const client = new EventBridgeClient(clientConfig(options));
  answerLocally(
    client as never,
    'EventBridge',
    (name, input) => {
      if (name !== 'PutEventsCommand')
        throw new UnsupportedCommandError(`EventBridge ${name} is not answered locally`);
      const entries = (input.Entries ?? []) as PutEventsRequestEntry[];
      sinks.putEvents(entries);
      return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: nextId('event') })) };
    },
    options,
  );
  return client;
}

/** An SQS client whose SendMessageBatch and SendMessage hand the messages to `sinks`. */
export function capturingSqs(
  sinks: Pick<CaptureSinks, 'sentMessages'>,
  options: CaptureOptions = {},
): SQSClient {
  // No MD5 check of the local answer's bodies, no endpoint taken from the queue URL.
  const client = new SQSClient({ ...clientConfig(options), md5: false, useQueueUrlAsEndpoint: false });
  answerLocally(
    client as never,
    'Sqs',
    (name, input) => {
      const queueUrl = String(input.QueueUrl ?? '');
      if (name === 'SendMessageBatchCommand') {
        const entries = (input.Entries ?? []) as SendMessageBatchRequestEntry[];
        sinks.sentMessages(queueUrl, entries);
        return {
          Successful: entries.map((e) => ({ Id: e.Id, MessageId: nextId('sqs'), MD5OfMessageBody: '' })),
          Failed: [],
        };
      }
      if (name === 'SendMessageCommand') {
        sinks.sentMessages(queueUrl, [{ Id: '0', MessageBody: String(input.MessageBody ?? '') }]);
        return { MessageId: nextId('sqs'), MD5OfMessageBody: '' };
      }
      throw new UnsupportedCommandError(`SQS ${name} is not answered locally`);
    },
    options,
  );
  return client;
}
