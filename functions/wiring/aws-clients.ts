/**
 * The AWS SDK clients, in one module. Each is created at first use from the environment (the SDK
 * reads `AWS_REGION`, credentials and `AWS_ENDPOINT_URL_*` itself) and reused for the life of the
 * process. Tests, the simulator and the benchmark call `setClientFactory` to point them elsewhere
 * (dynalite, mocks) and to add middleware.
 *
 * The delivery functions' clients (`snsDirect`, `ses`) make one attempt per call: an SMS, an e-mail
 * or a push has no idempotency key, so the SDK must never repeat a send whose first try may have
 * reached the borrower. The delivery use case retries only what proves nothing was sent.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface AwsClients {
  dynamo: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  sns: SNSClient;
  eventBridge: EventBridgeClient;
  sqs: SQSClient;
  /** SNS for SMS and mobile push, one attempt per call (absent from factories that deliver nothing). */
  snsDirect?: SNSClient;
  /** SES v2, one attempt per call (absent from factories that deliver nothing). */
  ses?: SESv2Client;
}

export type ClientFactory = () => AwsClients;

export interface ClientOptions {
  region?: string;
  /** Per-service endpoint overrides (e.g. dynalite's `http://127.0.0.1:<port>`). */
  endpoints?: Partial<Record<'dynamodb' | 'sns' | 'eventBridge' | 'sqs' | 'ses', string>>;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  maxAttempts?: number;
}

/** The document client with the marshalling options every store relies on. */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
    unmarshallOptions: { wrapNumbers: false },
  });
}

/** Clients built lazily (a function that never publishes never builds an SNS client). */
export function createClients(options: ClientOptions = {}): AwsClients {
  const common = (endpoint: string | undefined) => ({
    ...(options.region ? { region: options.region } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
  /** One attempt, and a bounded wait: a call that hangs ends as a timeout (outcome unknown), not a dead function. */
  const single = (endpoint: string | undefined) => ({
    ...common(endpoint),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
  });
  const cache: Partial<AwsClients> = {};
  const lazy = <K extends keyof AwsClients>(key: K, make: () => AwsClients[K]): AwsClients[K] => {
    cache[key] ??= make();
    return cache[key] as AwsClients[K];
  };
  const clients = {
    get dynamo() {
      return lazy('dynamo', () => new DynamoDBClient(common(options.endpoints?.dynamodb)));
    },
    get doc() {
      return lazy('doc', () => createDocumentClient(clients.dynamo));
    },
    get sns() {
      return lazy('sns', () => new SNSClient(common(options.endpoints?.sns)));
    },
    get eventBridge() {
      return lazy('eventBridge', () => new EventBridgeClient(common(options.endpoints?.eventBridge)));
    },
    get sqs() {
      return lazy('sqs', () => new SQSClient(common(options.endpoints?.sqs)));
    },
    get snsDirect() {
      return lazy('snsDirect', () => new SNSClient(single(options.endpoints?.sns)) as SNSClient);
    },
    get ses() {
      return lazy('ses', () => new SESv2Client(single(options.endpoints?.ses)) as SESv2Client);
    },
  };
  return clients;
}

let factory: ClientFactory = () => createClients();
let current: AwsClients | undefined;

/** Replaces how clients are made (undefined: back to the environment); the next `getClients` uses it. */
export function setClientFactory(next: ClientFactory | undefined): void {
  factory = next ?? (() => createClients());
  current = undefined;
}

/** The process's clients, made at first use. */
export function getClients(): AwsClients {
  current ??= factory();
  return current;
}
