/**
 * What the benchmark measures, at the SDK level. DynamoDB: a middleware counts every call that would
 * reach AWS, asks for `ReturnConsumedCapacity: TOTAL` and sums `ScannedCount` and the consumed units.
 * SNS, EventBridge and SQS: the local kit's capturing clients answer, and counting sinks add up
 * their calls and entries. An optional latency is added to every call, so the effect of bounded
 * concurrency shows.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../functions/wiring/aws-clients';
import { JOB_INDEXES, JOBS } from '../../../shared/table-layout';
import { type CaptureSinks, capturingEventBridge, capturingSns, LOCAL_CLIENT } from '../../local-aws';

/** Counters of one run (or one job of it). Every field is a plain number, so they add up. */
export interface Usage {
  queries: number;
  scans: number;
  /** GetItem calls (point reads: borrower profiles, consistent re-reads, claims, caps). */
  gets: number;
  /** Sum of `ScannedCount` over Query and Scan: the items the store had to read. */
  itemsRead: number;
  readUnits: number;
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
}

export const emptyUsage = (): Usage => ({
  queries: 0,
  scans: 0,
  gets: 0,
  itemsRead: 0,
  readUnits: 0,
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
});

/** `a - b` (or `a + b` with `sign` 1), field by field: a job's share of a run's running totals. */
export function diffUsage(a: Usage, b: Usage, sign = -1): Usage {
  const out = emptyUsage();
  for (const key of Object.keys(out) as (keyof Usage)[]) out[key] = a[key] + sign * b[key];
  return out;
}

export const addUsage = (a: Usage, b: Usage): Usage => diffUsage(a, b, 1);

/** A storage key, as the restore step needs it. */
export interface WrittenKey {
  PK: string;
  SK: string;
}

/** What the counting clients report besides the counters (installment ids, for the floor). */
export interface CountingSinks {
  /** A message published to SNS, by the ids its body names. */
  message?(ref: { loanId: string; seq: string }): void;
  /** An event put on the bus, by the ids its detail names. */
  event?(ref: { loanId: string; seq: string }): void;
  /** The key of every item written (for the restore step). */
  written?(key: WrittenKey): void;
}

interface CountingOptions {
  endpoint: string;
  usage: Usage;
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

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const commandOf = (context: unknown) =>
  ((context as { commandName?: string }).commandName ?? '').replace(/Command$/, '').replace(/Item$/, '');
const WRITES = ['Put', 'Update', 'Delete', 'BatchWrite'];

/**
 * A DynamoDB client on the store at `endpoint` that asks for the consumed capacity of every read and
 * write, and adds up what comes back. Reads are Query, Scan and GetItem; writes are PutItem,
 * UpdateItem, DeleteItem and BatchWriteItem.
 */
export function countingDynamo(options: CountingOptions): {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
} {
  const { usage, sinks = {} } = options;
  const latencyMs = options.latencyMs ?? 0;
  const indexes = options.trackIndexes ? new IndexTracker() : null;
  const client = new DynamoDBClient({ ...LOCAL_CLIENT, endpoint: options.endpoint, maxAttempts: 3 });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = commandOf(context);
      const input = args.input as Input;
      if ([...WRITES, 'Query', 'Scan', 'Get'].includes(command)) input.ReturnConsumedCapacity = 'TOTAL';
      if (latencyMs > 0) await sleep(latencyMs);
      countWrites(command, input, usage, sinks);
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
      countOutput(command, input, result.output as unknown as Output, usage, indexes);
      return result;
    },
    { step: 'initialize', priority: 'low', name: 'benchCountDynamo' },
  );
  return { client, doc: createDocumentClient(client) };
}

/** The items a write call writes (every request of a BatchWriteItem), before it is sent. */
function countWrites(command: string, input: Input, usage: Usage, sinks: CountingSinks): void {
  if (command === 'BatchWrite') {
    for (const requests of Object.values((input.RequestItems ?? {}) as Record<string, unknown[]>)) {
      usage.writes += requests.length;
      for (const r of requests as { PutRequest?: { Item: unknown }; DeleteRequest?: { Key: unknown } }[])
        sinks.written?.(keyOf(r.PutRequest?.Item ?? r.DeleteRequest?.Key));
    }
  } else if (WRITES.includes(command)) {
    usage.writes++;
    sinks.written?.(keyOf(command === 'Put' ? input.Item : input.Key));
  }
}

/** What a call's answer says it read and consumed. */
function countOutput(
  command: string,
  input: Input,
  output: Output,
  usage: Usage,
  indexes: IndexTracker | null,
) {
  const units = unitsOf(output.ConsumedCapacity);
  if (command === 'Query' || command === 'Scan') {
    if (command === 'Query') usage.queries++;
    else usage.scans++;
    usage.itemsRead += Number(output.ScannedCount ?? 0);
    usage.readUnits += units;
    for (const item of (output.Items ?? []) as Record<string, unknown>[]) indexes?.seen(item);
  } else if (command === 'Get') {
    usage.gets++;
    usage.readUnits += units;
    indexes?.seen(output.Item as Record<string, unknown> | undefined);
  } else if (WRITES.includes(command)) {
    usage.writeUnits += units;
    const gsiWrites =
      command === 'Put' && indexes ? indexes.put(input.Item as Record<string, unknown>) : null;
    if (gsiWrites !== null) {
      usage.installmentPuts++;
      usage.gsiWrites += gsiWrites;
      usage.gsiWriteUnits += gsiWrites * units;
    }
  }
}

const idsOf = (json: string | undefined): Record<string, unknown> => {
  try {
    return JSON.parse(json ?? '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
};

/** Sinks for the kit's capturing SNS and EventBridge clients that count calls, entries and SMS parts. */
export function countingSinks(
  usage: Usage,
  sinks: CountingSinks = {},
): Pick<CaptureSinks, 'published' | 'putEvents'> {
  return {
    published: (_topic, entries) => {
      usage.snsCalls++;
      usage.messages += entries.length;
      for (const e of entries) {
        const body = idsOf(e.Message);
        if (body.channel === 'sms') {
          usage.smsMessages++;
          usage.smsParts += smsParts(String(body.text ?? ''));
        } else if (body.channel === 'email') usage.emailMessages++;
        else if (body.channel === 'push') usage.pushMessages++;
        sinks.message?.({ loanId: String(body.loanId), seq: String(body.seq) });
      }
    },
    putEvents: (entries) => {
      usage.putEventsCalls++;
      usage.events += entries.length;
      for (const e of entries) {
        const detail = idsOf(e.Detail);
        sinks.event?.({ loanId: String(detail.loanId), seq: String(detail.seq) });
      }
    },
  };
}

/** The naive baseline's clients: counted DynamoDB, and SNS and EventBridge answered locally and counted. */
export function countingClients(options: CountingOptions): {
  doc: DynamoDBDocumentClient;
  sns: SNSClient;
  eventBridge: EventBridgeClient;
  destroy(): void;
} {
  const dynamo = countingDynamo(options);
  const sinks = countingSinks(options.usage, options.sinks);
  const latency = options.latencyMs ? { latencyMs: options.latencyMs } : {};
  const sns = capturingSns(sinks, latency);
  const eventBridge = capturingEventBridge(sinks, latency);
  return {
    doc: dynamo.doc,
    sns,
    eventBridge,
    destroy() {
      dynamo.client.destroy();
      sns.destroy();
      eventBridge.destroy();
    },
  };
}

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
