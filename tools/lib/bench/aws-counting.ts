/**
 * What the benchmark measures, at the SDK level: a middleware on each client counts the calls that
 * would reach AWS. DynamoDB calls go on to the embedded store with `ReturnConsumedCapacity: TOTAL`
 * added, and their `ScannedCount`, `Count` and consumed units are summed; SNS, EventBridge and SQS
 * calls are answered locally (successfully) and their entries counted. An optional latency is added
 * to every call, so the effect of bounded concurrency shows.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type PublishBatchRequestEntry, SNSClient } from '@aws-sdk/client-sns';
import { type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../../functions/wiring/aws-clients';
import { createDocumentClient } from '../../../functions/wiring/aws-clients';
import { JOB_INDEXES, JOBS } from '../../../shared/table-layout';
import { EMBEDDED_CREDENTIALS, EMBEDDED_REGION } from '../../local-aws/embedded-dynamo';

/** Counters of one run (or one job of it). Every field is a plain number, so they add up. */
export interface Usage {
  /** Every call sent, all services. */
  awsCalls: number;
  queries: number;
  scans: number;
  /** GetItem calls (point reads: borrower profiles, consistent re-reads, claims, caps). */
  gets: number;
  /** Sum of `ScannedCount` over Query and Scan: the items the store had to read. */
  itemsRead: number;
  /** Sum of `Count` (items returned after any FilterExpression). */
  itemsReturned: number;
  /** Items a GetItem found. */
  getHits: number;
  readUnits: number;
  /** Write calls (PutItem, UpdateItem, DeleteItem, BatchWriteItem). */
  writeCalls: number;
  /** Items written or attempted (a BatchWriteItem counts each request; a refused conditional write counts too). */
  writes: number;
  writeUnits: number;
  /**
   * Estimated writes to the job indexes (GSIs, ALL projection) caused by installment puts, which the
   * embedded store does not bill: per index, 1 when the item enters, leaves or changes in place,
   * 2 when its key moves (delete + put). Only with `trackIndexes`.
   */
  gsiWrites: number;
  /** Those writes in units, each as many as the base write's (the item's size in KB, rounded up). */
  gsiWriteUnits: number;
  /** Successful installment puts (PutItem), of which the GSI writes above are the echo. Only with `trackIndexes`. */
  installmentPuts: number;
  conditionalFailures: number;
  snsCalls: number;
  /** SNS messages (one per channel of a notification), and of them by channel. */
  messages: number;
  smsMessages: number;
  /** SMS parts (segments) the SMS messages' texts take: what SMS is priced by. */
  smsParts: number;
  emailMessages: number;
  pushMessages: number;
  putEventsCalls: number;
  events: number;
  sqsCalls: number;
  sqsMessages: number;
}

export const emptyUsage = (): Usage => ({
  awsCalls: 0,
  queries: 0,
  scans: 0,
  gets: 0,
  itemsRead: 0,
  itemsReturned: 0,
  getHits: 0,
  readUnits: 0,
  writeCalls: 0,
  writes: 0,
  writeUnits: 0,
  gsiWrites: 0,
  gsiWriteUnits: 0,
  installmentPuts: 0,
  conditionalFailures: 0,
  snsCalls: 0,
  messages: 0,
  smsMessages: 0,
  smsParts: 0,
  emailMessages: 0,
  pushMessages: 0,
  putEventsCalls: 0,
  events: 0,
  sqsCalls: 0,
  sqsMessages: 0,
});

/** `a - b`, field by field (a job's share of a run's running totals). */
export function diffUsage(a: Usage, b: Usage): Usage {
  const out = emptyUsage();
  for (const key of Object.keys(out) as (keyof Usage)[]) out[key] = a[key] - b[key];
  return out;
}

export function addUsage(a: Usage, b: Usage): Usage {
  const out = emptyUsage();
  for (const key of Object.keys(out) as (keyof Usage)[]) out[key] = a[key] + b[key];
  return out;
}

/** A storage key, as the restore step needs it. */
export interface WrittenKey {
  PK: string;
  SK: string;
}

/** What the counting clients report besides the counters (installment ids, for the floor). */
export interface CountingSinks {
  /** A message published to SNS, by the ids its body names. */
  message?(ref: { borrowerId: string; loanId: string; seq: string; kind: string }): void;
  /** An event put on the bus, by the ids its detail names. */
  event?(ref: { borrowerId: string; loanId: string; seq: string; detailType: string }): void;
  /** SQS messages sent (the dispatcher's work items). */
  sqs?(queueUrl: string, bodies: string[]): void;
  /** The key of every item written (for the restore step). */
  written?(key: WrittenKey): void;
}

export interface CountingOptions {
  endpoint: string;
  /** Added before every call, all services. */
  latencyMs?: number;
  sinks?: CountingSinks;
  /** Estimate the GSI writes of installment puts (remembers each installment's index keys seen). */
  trackIndexes?: boolean;
}

const INDEX_KEYS = JOBS.map((job) => JOB_INDEXES[job].partitionKey);

/**
 * The job-index keys last seen for each installment (read or written through this client), so that a
 * put can be compared with the item it replaces.
 */
class IndexTracker {
  private readonly known = new Map<string, string[]>();

  private static id(record: Record<string, unknown>): string | null {
    const { PK, SK } = keyOf(record);
    return PK.startsWith('LOAN#') && SK.startsWith('INST#') ? `${PK}\u0000${SK}` : null;
  }

  private static keys(record: Record<string, unknown>): string[] {
    return INDEX_KEYS.map((name) => stringOf(record[name]));
  }

  seen(record: Record<string, unknown> | undefined): void {
    const id = record ? IndexTracker.id(record) : null;
    if (record && id) this.known.set(id, IndexTracker.keys(record));
  }

  /** GSI writes of a successful put of `item`; null when it is not an installment. */
  put(item: Record<string, unknown>): number | null {
    const id = IndexTracker.id(item);
    if (!id) return null;
    const before = this.known.get(id) ?? INDEX_KEYS.map(() => '');
    const after = IndexTracker.keys(item);
    this.known.set(id, after);
    let writes = 0;
    for (const [i, was] of before.entries()) {
      const now = after[i] ?? '';
      if (was && now) writes += was === now ? 1 : 2;
      else if (was || now) writes += 1;
    }
    return writes;
  }
}

export interface CountingClients {
  clients: AwsClients;
  usage: Usage;
  destroy(): void;
}

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;
type Stack = DynamoDBClient['middlewareStack'];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const commandOf = (context: unknown) =>
  ((context as { commandName?: string }).commandName ?? '').replace(/Command$/, '').replace(/Item$/, '');

/** A string attribute, marshalled (`{ S: '…' }`) or not. */
function stringOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { S?: unknown }).S === 'string') {
    return (value as { S: string }).S;
  }
  return '';
}

function keyOf(record: unknown): WrittenKey {
  const r = (record ?? {}) as Record<string, unknown>;
  return { PK: stringOf(r.PK), SK: stringOf(r.SK) };
}

function unitsOf(consumed: unknown): number {
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((sum: number, c) => sum + ((c as { CapacityUnits?: number }).CapacityUnits ?? 0), 0);
}

/**
 * DynamoDB: asks for the consumed capacity of every read and write, and adds up what comes back.
 * Reads are Query, Scan and GetItem; writes are PutItem, UpdateItem, DeleteItem and BatchWriteItem.
 */
function countDynamo(
  stack: Stack,
  usage: Usage,
  latencyMs: number,
  sinks: CountingSinks,
  indexes: IndexTracker | null,
): void {
  stack.add(
    (next, context) => async (args) => {
      const command = commandOf(context);
      const input = args.input as Input;
      const measured = ['Query', 'Scan', 'Get', 'Put', 'Update', 'Delete', 'BatchWrite'].includes(command);
      if (measured) input.ReturnConsumedCapacity = 'TOTAL';
      usage.awsCalls++;
      if (latencyMs > 0) await sleep(latencyMs);
      const isWrite = ['Put', 'Update', 'Delete', 'BatchWrite'].includes(command);
      if (isWrite) usage.writeCalls++;
      if (command === 'BatchWrite') {
        for (const requests of Object.values((input.RequestItems ?? {}) as Record<string, unknown[]>)) {
          usage.writes += requests.length;
          for (const r of requests as {
            PutRequest?: { Item: unknown };
            DeleteRequest?: { Key: unknown };
          }[]) {
            sinks.written?.(keyOf(r.PutRequest?.Item ?? r.DeleteRequest?.Key));
          }
        }
      } else if (isWrite) {
        usage.writes++;
        sinks.written?.(keyOf(command === 'Put' ? input.Item : input.Key));
      }
      let result: Awaited<ReturnType<typeof next>>;
      try {
        result = await next(args);
      } catch (error) {
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') {
          usage.conditionalFailures++;
          // A refused conditional write still costs a write unit (at least one).
          usage.writeUnits += 1;
        }
        throw error;
      }
      const output = result.output as unknown as Output;
      switch (command) {
        case 'Query':
        case 'Scan':
          if (command === 'Query') usage.queries++;
          else usage.scans++;
          usage.itemsRead += Number(output.ScannedCount ?? 0);
          usage.itemsReturned += Number(output.Count ?? 0);
          usage.readUnits += unitsOf(output.ConsumedCapacity);
          for (const item of (output.Items ?? []) as Record<string, unknown>[]) indexes?.seen(item);
          break;
        case 'Get':
          usage.gets++;
          if (output.Item) usage.getHits++;
          usage.readUnits += unitsOf(output.ConsumedCapacity);
          indexes?.seen(output.Item as Record<string, unknown> | undefined);
          break;
        default:
          if (isWrite) {
            const units = unitsOf(output.ConsumedCapacity);
            usage.writeUnits += units;
            if (command === 'Put' && indexes) {
              const gsiWrites = indexes.put(input.Item as Record<string, unknown>);
              if (gsiWrites !== null) {
                usage.installmentPuts++;
                usage.gsiWrites += gsiWrites;
                usage.gsiWriteUnits += gsiWrites * units;
              }
            }
          }
      }
      return result;
    },
    { step: 'initialize', priority: 'low', name: 'benchCountDynamo' },
  );
}

const LOCAL = { region: EMBEDDED_REGION, credentials: EMBEDDED_CREDENTIALS };

/** Answers a client's commands locally (after the latency), so nothing reaches the network. */
function answerLocally(
  stack: Stack,
  service: string,
  latencyMs: number,
  answer: (command: string, input: Input) => Output,
): void {
  stack.add(
    (_next, context) => async (args) => {
      if (latencyMs > 0) await sleep(latencyMs);
      const output = answer(commandOf(context), args.input as Input);
      return { output: { ...output, $metadata: { httpStatusCode: 200 } }, response: {} } as never;
    },
    { step: 'initialize', priority: 'high', name: `benchAnswer${service}` },
  );
}

function idsOf(json: string | undefined): Record<string, unknown> {
  try {
    return JSON.parse(json ?? '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}

let sequence = 0;

/** GSM 03.38 basic characters (the extension table's `[]{}\\^~|€` count as two, ignored here). */
const GSM_7 = /^[\n\r\x20-\x7E£¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà]*$/;

/**
 * The parts an SMS text is sent in: GSM 7-bit 160 characters (153 a part when split), otherwise
 * UCS-2 70 UTF-16 code units (67 a part when split), as SNS documents for SMS.
 */
export function smsParts(text: string): number {
  const [single, split] = GSM_7.test(text) ? [160, 153] : [70, 67];
  return text.length <= single ? 1 : Math.ceil(text.length / split);
}

/**
 * The four clients of `AwsClients`: DynamoDB pointed at the embedded store and counted, SNS,
 * EventBridge and SQS answered locally and counted. Give `clients` to `configureRuntime`.
 */
export function countingClients(options: CountingOptions): CountingClients {
  const usage = emptyUsage();
  const latencyMs = options.latencyMs ?? 0;
  const sinks = options.sinks ?? {};

  const dynamo = new DynamoDBClient({ ...LOCAL, endpoint: options.endpoint, maxAttempts: 3 });
  countDynamo(
    dynamo.middlewareStack,
    usage,
    latencyMs,
    sinks,
    options.trackIndexes ? new IndexTracker() : null,
  );
  const doc = createDocumentClient(dynamo);

  const sns = new SNSClient(LOCAL);
  answerLocally(sns.middlewareStack as unknown as Stack, 'Sns', latencyMs, (command, input) => {
    usage.awsCalls++;
    usage.snsCalls++;
    const entries: PublishBatchRequestEntry[] =
      command === 'PublishBatch'
        ? ((input.PublishBatchRequestEntries ?? []) as PublishBatchRequestEntry[])
        : command === 'Publish'
          ? [{ Id: '0', Message: String(input.Message ?? '') }]
          : [];
    if (entries.length === 0) throw new Error(`SNS ${command} is not answered by the benchmark`);
    usage.messages += entries.length;
    for (const e of entries) {
      const body = idsOf(e.Message);
      if (body.channel === 'sms') {
        usage.smsMessages++;
        usage.smsParts += smsParts(String(body.text ?? ''));
      } else if (body.channel === 'email') usage.emailMessages++;
      else if (body.channel === 'push') usage.pushMessages++;
      sinks.message?.({
        borrowerId: String(body.borrowerId),
        loanId: String(body.loanId),
        seq: String(body.seq),
        kind: String(body.kind),
      });
    }
    return command === 'Publish'
      ? { MessageId: `m-${++sequence}` }
      : { Successful: entries.map((e) => ({ Id: e.Id, MessageId: `m-${++sequence}` })), Failed: [] };
  });

  const eventBridge = new EventBridgeClient(LOCAL);
  answerLocally(
    eventBridge.middlewareStack as unknown as Stack,
    'EventBridge',
    latencyMs,
    (command, input) => {
      if (command !== 'PutEvents') throw new Error(`EventBridge ${command} is not answered by the benchmark`);
      usage.awsCalls++;
      usage.putEventsCalls++;
      const entries = (input.Entries ?? []) as PutEventsRequestEntry[];
      usage.events += entries.length;
      for (const e of entries) {
        const detail = idsOf(e.Detail);
        sinks.event?.({
          borrowerId: String(detail.borrowerId),
          loanId: String(detail.loanId),
          seq: String(detail.seq),
          detailType: e.DetailType ?? '',
        });
      }
      return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: `e-${++sequence}` })) };
    },
  );

  const sqs = new SQSClient(LOCAL);
  answerLocally(sqs.middlewareStack as unknown as Stack, 'Sqs', latencyMs, (command, input) => {
    if (command !== 'SendMessageBatch') throw new Error(`SQS ${command} is not answered by the benchmark`);
    usage.awsCalls++;
    usage.sqsCalls++;
    const entries = (input.Entries ?? []) as SendMessageBatchRequestEntry[];
    usage.sqsMessages += entries.length;
    sinks.sqs?.(
      String(input.QueueUrl ?? ''),
      entries.map((e) => e.MessageBody ?? ''),
    );
    return {
      Successful: entries.map((e) => ({ Id: e.Id, MessageId: `q-${++sequence}`, MD5OfMessageBody: '' })),
      Failed: [],
    };
  });

  return {
    clients: { dynamo, doc, sns, eventBridge, sqs },
    usage,
    destroy() {
      dynamo.destroy();
      sns.destroy();
      eventBridge.destroy();
      sqs.destroy();
    },
  };
}
