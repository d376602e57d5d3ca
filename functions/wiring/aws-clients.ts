/**
 * The AWS SDK clients, in one module. Each is created at first use from the environment (the SDK
 * reads `AWS_REGION`, credentials and `AWS_ENDPOINT_URL_*` itself) and reused for the life of the
 * process. Tests, the simulator and the benchmark call `setClientFactory` to point them elsewhere
 * (dynalite, mocks) and to add middleware.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface AwsClients {
  dynamo: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  sns: SNSClient;
  eventBridge: EventBridgeClient;
  sqs: SQSClient;
}

export type ClientFactory = () => AwsClients;

export interface ClientOptions {
  region?: string;
  /** Per-service endpoint overrides (e.g. dynalite's `http://127.0.0.1:<port>`). */
  endpoints?: Partial<Record<'dynamodb' | 'sns' | 'eventBridge' | 'sqs', string>>;
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
