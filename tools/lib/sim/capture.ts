/**
 * SNS, EventBridge and SQS clients that answer locally: a middleware at the front of each client's
 * stack takes the command, hands its entries to the simulator and returns a successful response,
 * so the real adapters (`SnsNotifier`, `EventBridgePublisher`, `SqsWorkQueue`) run unchanged and
 * nothing reaches the network.
 */
import { EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type PublishBatchRequestEntry, SNSClient } from '@aws-sdk/client-sns';
import { type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';

export interface CaptureSinks {
  /** SNS PublishBatch (or Publish) entries, in the order they were published. */
  published(topicArn: string, entries: PublishBatchRequestEntry[]): void;
  /** EventBridge PutEvents entries, in order. */
  putEvents(entries: PutEventsRequestEntry[]): void;
  /** SQS SendMessageBatch (or SendMessage) entries; the queue URL is the routing key. */
  sentMessages(queueUrl: string, entries: SendMessageBatchRequestEntry[]): void;
}

/** A command the simulator does not answer: better to fail loudly than to call AWS. */
export class UnsupportedCommandError extends Error {
  override name = 'UnsupportedCommandError';
}

type Input = Record<string, unknown>;
type Answer = (commandName: string, input: Input) => Record<string, unknown>;

const LOCAL = { region: 'ap-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

function answerLocally(
  client: { middlewareStack: SNSClient['middlewareStack'] },
  service: string,
  answer: Answer,
): void {
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const commandName = (context as { commandName?: string }).commandName ?? '';
      const output = answer(commandName, args.input as Input);
      return { output: { ...output, $metadata: { httpStatusCode: 200 } }, response: {} } as never;
    },
    { step: 'initialize', priority: 'high', name: `simulatorAnswers${service}` },
  );
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${++counter}`;

/** An SNS client whose PublishBatch and Publish succeed locally. */
export function capturingSns(sinks: CaptureSinks): SNSClient {
  const client = new SNSClient(LOCAL);
  answerLocally(client, 'Sns', (name, input) => {
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
    throw new UnsupportedCommandError(`SNS ${name} is not simulated`);
  });
  return client;
}

/** An EventBridge client whose PutEvents succeeds locally. */
export function capturingEventBridge(sinks: CaptureSinks): EventBridgeClient {
  const client = new EventBridgeClient(LOCAL);
  answerLocally(client as never, 'EventBridge', (name, input) => {
    if (name !== 'PutEventsCommand')
      throw new UnsupportedCommandError(`EventBridge ${name} is not simulated`);
    const entries = (input.Entries ?? []) as PutEventsRequestEntry[];
    sinks.putEvents(entries);
    return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: nextId('event') })) };
  });
  return client;
}

/** An SQS client whose SendMessageBatch and SendMessage queue the messages in memory. */
export function capturingSqs(sinks: CaptureSinks): SQSClient {
  const client = new SQSClient(LOCAL);
  answerLocally(client as never, 'Sqs', (name, input) => {
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
    throw new UnsupportedCommandError(`SQS ${name} is not simulated`);
  });
  return client;
}
