/**
 * The composition root: builds the ports the handlers pass to the use cases, once per process,
 * from the environment. The notifier and the work queues are built at first use, from variables only
 * the functions that use them receive: a missing one fails that function naming the variable. The
 * simulator, the benchmark and tests call `configureRuntime` first to inject the configuration, an
 * audit sink and SDK clients pointed at local endpoints.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../../shared/config/schema';
import type { Job } from '../../shared/table-layout';
import type { DeliveryOptions } from '../adapters/batch-delivery';
import {
  DynamoBorrowerStore,
  DynamoCapStore,
  DynamoClaimStore,
  DynamoInstallmentStore,
} from '../adapters/dynamodb';
import { DynamoDispatchLog } from '../adapters/dynamodb/dispatch-log';
import { EventBridgePublisher } from '../adapters/eventbridge/publisher';
import { loggerAuditLog } from '../adapters/logs/audit-log';
import { SnsNotifier } from '../adapters/sns/notifier';
import { SqsWorkQueue } from '../adapters/sqs/work-queue';
import type { AuditLog, DispatchLog } from '../ports';
import type { WorkItem } from '../schemas/work-item';
import type { Deps } from '../use-cases/deps';
import { type ClientFactory, getClients, setClientFactory } from './aws-clients';
import { type Env, parseEnv } from './env';

export interface RuntimeOverrides {
  config?: Config;
  audit?: AuditLog;
  clientFactory?: ClientFactory;
  /** Wall clock for claim leases (the simulator passes its simulated time). */
  clock?: () => string;
  /** Environment to read instead of process.env. */
  env?: Record<string, string | undefined>;
  /** Batch delivery options of the SNS, EventBridge and SQS adapters (the simulator's backoff does not wait). */
  delivery?: DeliveryOptions;
}

export interface Runtime {
  env: Env;
  /** How the process waits (backoffs, send pacing): the simulator's does not. */
  sleep: (ms: number) => Promise<void>;
  deps: Deps;
  queues: Record<Job, SqsWorkQueue<WorkItem>>;
  dispatchLog: DispatchLog;
  doc: DynamoDBDocumentClient;
}

let overrides: RuntimeOverrides = {};
let runtime: Runtime | undefined;

/** Replaces the runtime's inputs; the next `getRuntime()` builds it anew. */
export function configureRuntime(next: RuntimeOverrides): void {
  overrides = next;
  runtime = undefined;
  if (next.clientFactory) setClientFactory(next.clientFactory);
}

/** Builds a value at first use, then returns the same one. */
function once<T>(make: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: make() };
    return built.value;
  };
}

/**
 * The value of a variable only some functions receive (the infra grants it with the access it names).
 * Read when the port that needs it is built, so a function that never uses that port never fails.
 */
function required(env: Env, name: OptionalVariable): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

type OptionalVariable =
  | 'NOTIFICATIONS_TOPIC_ARN'
  | 'AGING_QUEUE_URL'
  | 'REMINDERS_QUEUE_URL'
  | 'FAILED_DEBITS_QUEUE_URL';

/** The variable holding each job's work queue URL: the dispatch has all three, a worker its own. */
const QUEUE_URL_VARIABLE: Record<Job, OptionalVariable> = {
  aging: 'AGING_QUEUE_URL',
  reminders: 'REMINDERS_QUEUE_URL',
  failedDebits: 'FAILED_DEBITS_QUEUE_URL',
};

export function getRuntime(): Runtime {
  if (runtime) return runtime;
  const env = parseEnv(overrides.env ?? process.env);
  const config = overrides.config ?? env.config;
  const clients = getClients();
  const tableName = env.TABLE_NAME;
  const delivery = overrides.delivery ?? {};
  const notifier = once(
    () => new SnsNotifier(clients.sns, required(env, 'NOTIFICATIONS_TOPIC_ARN'), delivery),
  );
  const queue = (job: Job) =>
    once(() => new SqsWorkQueue<WorkItem>(clients.sqs, required(env, QUEUE_URL_VARIABLE[job]), delivery));
  const queues = {
    aging: queue('aging'),
    reminders: queue('reminders'),
    failedDebits: queue('failedDebits'),
  };
  runtime = {
    env: { ...env, config },
    sleep: delivery.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    doc: clients.doc,
    deps: {
      config,
      installments: new DynamoInstallmentStore(clients.doc, tableName, config),
      borrowers: new DynamoBorrowerStore(clients.doc, tableName),
      claims: new DynamoClaimStore(clients.doc, tableName),
      caps: new DynamoCapStore(clients.doc, tableName),
      get notifier() {
        return notifier();
      },
      publisher: new EventBridgePublisher(clients.eventBridge, env.EVENT_BUS_NAME, delivery),
      audit: overrides.audit ?? loggerAuditLog,
      clock: overrides.clock ?? (() => new Date().toISOString()),
    },
    queues: {
      get aging() {
        return queues.aging();
      },
      get reminders() {
        return queues.reminders();
      },
      get failedDebits() {
        return queues.failedDebits();
      },
    },
    dispatchLog: new DynamoDispatchLog(clients.doc, tableName),
  };
  return runtime;
}
