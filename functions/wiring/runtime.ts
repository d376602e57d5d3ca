/**
 * The composition root: builds the ports the handlers pass to the use cases, once per process,
 * from the environment. The simulator, the benchmark and tests call `configureRuntime` first to
 * inject the configuration, an audit sink and SDK clients pointed at local endpoints.
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
import { SnsNotifier } from '../adapters/sns/notifier';
import { SqsWorkQueue } from '../adapters/sqs/work-queue';
import { type AuditLog, loggerAuditLog } from '../ports/audit';
import type { Deps } from '../use-cases/deps';
import type { DispatchLog } from '../use-cases/dispatch';
import type { WorkItem } from '../use-cases/scheduled-job';
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

export function getRuntime(): Runtime {
  if (runtime) return runtime;
  const env = parseEnv(overrides.env ?? process.env);
  const config = overrides.config ?? env.config;
  const clients = getClients();
  const tableName = env.TABLE_NAME;
  const installments = new DynamoInstallmentStore(clients.doc, tableName, config);
  const delivery = overrides.delivery ?? {};
  const queue = (url: string | undefined) =>
    new SqsWorkQueue<WorkItem>(clients.sqs, url ?? 'unset', delivery);
  runtime = {
    env: { ...env, config },
    sleep: delivery.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    doc: clients.doc,
    deps: {
      config,
      installments,
      borrowers: new DynamoBorrowerStore(clients.doc, tableName),
      claims: new DynamoClaimStore(clients.doc, tableName),
      caps: new DynamoCapStore(clients.doc, tableName),
      notifier: new SnsNotifier(clients.sns, env.NOTIFICATIONS_TOPIC_ARN ?? 'unset', delivery),
      publisher: new EventBridgePublisher(clients.eventBridge, env.EVENT_BUS_NAME, delivery),
      audit: overrides.audit ?? loggerAuditLog,
      clock: overrides.clock ?? (() => new Date().toISOString()),
    },
    queues: {
      aging: queue(env.AGING_QUEUE_URL),
      reminders: queue(env.REMINDERS_QUEUE_URL),
      failedDebits: queue(env.FAILED_DEBITS_QUEUE_URL),
    },
    dispatchLog: new DynamoDispatchLog(clients.doc, tableName),
  };
  return runtime;
}
