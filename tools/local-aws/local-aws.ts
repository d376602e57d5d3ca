/**
 * The handlers' local driver: the five deployed handlers over a DynamoDB table (the embedded store
 * unless one is given), SNS and EventBridge answered locally, a queue per job and the intake queue
 * emulated with the deployed settings, and Scheduler's retries. The simulator, the benchmark's "ours"
 * side, the soak (through the simulator) and the handler tests all drive the handlers through it.
 *
 * Primary course:
 * 1. Quiet Powertools and set the environment, then load the runtime and the handlers (they read it
 *    at load).
 * 2. Build the clients: the table's, and capturing SNS, EventBridge and SQS clients (SQS sends land
 *    on the local queues); with a fault hook, its middleware on each.
 * 3. `configureRuntime` with the configuration, the clients, the audit sink and the clock, which runs
 *    ahead by the visibility timeouts a redelivered batch waited (its leases see that much later).
 * 4. `dispatch` fires a schedule, `drainWork` hands the work queues to the workers until they are
 *    empty, `putEvent` delivers an event through the intake queue.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RetryStrategyV2 } from '@smithy/types';
import type { AuditLog } from '../../functions/ports/audit';
import type { Runtime } from '../../functions/wiring/runtime';
import type { Config } from '../../shared/config/schema';
import type { NewInstallmentInput } from '../../shared/rules/installment';
import type { Borrower } from '../../shared/rules/types';
import { JOBS, type Job } from '../../shared/table-layout';
import { type CaptureSinks, capturingEventBridge, capturingSns, capturingSqs } from './capture';
import { startEmbeddedDynamo } from './embedded-dynamo';
import { type BusEvent, ruleDelivery } from './eventbridge';
import { type Handler, type HandlerName, lambdaContext, loadHandlers } from './lambda';
import { LOCAL_EVENT_BUS, LOCAL_QUEUES, LOCAL_TOPIC_ARN } from './names';
import { muteEmptyMetricsWarning, quietPowertools } from './powertools';
import { awsTime, fireSchedule, type ScheduleStats } from './scheduler';
import { DEPLOYED } from './settings';
import { type BatchAnswer, LocalQueue, type Outcome, type Received, sqsEvent } from './sqs';

/** A DynamoDB table the handlers use: its clients and name. */
export interface LocalTable {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableName: string;
}

/** Fault injection on the clients and around invocations (`FaultInjector` of tools/lib/faults.ts). */
export interface FaultHook {
  retryStrategy(): RetryStrategyV2;
  attach(client: { middlewareStack: unknown }, service: 'dynamodb' | 'sns' | 'eventbridge' | 'sqs'): void;
  invoke<T>(kind: string, fn: () => Promise<T>): Promise<{ crashed: true } | { crashed: false; value: T }>;
}

export interface LocalAwsOptions {
  config: Config;
  /** The table; default: an embedded store started here (named `tableName`) and stopped with the kit. */
  table?: LocalTable;
  tableName?: string;
  /** Told of every SNS, EventBridge and SQS call's entries, before they are answered or queued. */
  observe?: Partial<CaptureSinks>;
  /** Added to every SNS, EventBridge and SQS call. */
  latencyMs?: number;
  /** Where the handlers' audit entries go (default: the logger). */
  audit?: AuditLog;
  /** The claims' lease clock (default: the wall clock). */
  clock?: () => string;
  /** Faults and crashes; a failed or dead invocation is then re-driven in full (runbook redrives included). */
  faults?: FaultHook;
  /** Request ids are `<requestIds>-<n>`. */
  requestIds?: string;
  /** Called after each invocation with its kind (`dispatch`, `worker:<job>`, `intake`) and wall time. */
  onInvocation?: (kind: string, wallMs: number) => void;
}

/** What was re-driven: Scheduler retries, SQS redeliveries, dead-letter queues and their redrives. */
export interface Redrives {
  dispatchRetries: number;
  redelivered: { intake: number; work: number };
  dlqRedriven: { intake: number; work: number; schedules: number };
  deadLettered: { intake: number; work: number };
  deadForGood: { intake: number; work: number };
}

export interface DrainOptions {
  /** Every batch on the queue at once, as concurrent invocations take them (default: one at a time). */
  concurrent?: boolean;
  /** Time left in each invocation (a worker yields its work item back under a minute). */
  remainingMs?: number;
}

type Wiring = typeof import('../../functions/wiring/runtime') &
  typeof import('../../functions/wiring/aws-clients');

export class LocalAws {
  readonly queues: { work: Record<Job, LocalQueue>; intake: LocalQueue };
  readonly schedules: ScheduleStats = { retries: 0, dlqRedriven: 0 };
  /** How far the lease clock runs ahead for the invocation in progress (a redelivery's waits). */
  private aheadMs = 0;
  private requests = 0;

  private constructor(
    readonly config: Config,
    readonly table: LocalTable,
    private readonly options: LocalAwsOptions,
    private readonly wiring: Wiring,
    private readonly handlers: Record<HandlerName, Handler>,
    private readonly release: () => Promise<void>,
  ) {
    const recover = options.faults !== undefined;
    this.queues = {
      work: Object.fromEntries(
        JOBS.map((job) => [job, new LocalQueue(LOCAL_QUEUES.work[job], DEPLOYED.workQueue, recover)]),
      ) as Record<Job, LocalQueue>,
      intake: new LocalQueue(LOCAL_QUEUES.intake, DEPLOYED.intakeQueue, recover),
    };
  }

  /** Starts the kit (see the module's primary course). Call {@link stop} when done. */
  static async start(options: LocalAwsOptions): Promise<LocalAws> {
    quietPowertools();
    const unmute = muteEmptyMetricsWarning();
    const [runtime, clients, handlers] = await Promise.all([
      import('../../functions/wiring/runtime'),
      import('../../functions/wiring/aws-clients'),
      loadHandlers(),
    ]);
    const owned = options.table ? undefined : await startEmbeddedDynamo(options.tableName);
    const release = async () => {
      runtime.configureRuntime({});
      clients.setClientFactory(undefined);
      unmute();
      await owned?.stop();
    };
    const table = options.table ?? (owned as LocalTable);
    const kit = new LocalAws(options.config, table, options, { ...runtime, ...clients }, handlers, release);
    kit.wire();
    return kit;
  }

  /** The runtime the handlers use (its ports: the data layer, the dispatch log). */
  get runtime(): Runtime {
    return this.wiring.getRuntime();
  }

  /** Everything re-driven so far. */
  get redrives(): Redrives {
    const work = JOBS.map((job) => this.queues.work[job].stats);
    const intake = this.queues.intake.stats;
    const sum = (pick: (s: (typeof work)[number]) => number) => work.reduce((n, s) => n + pick(s), 0);
    return {
      dispatchRetries: this.schedules.retries,
      redelivered: { intake: intake.redelivered, work: sum((s) => s.redelivered) },
      dlqRedriven: {
        intake: intake.dlqRedriven,
        work: sum((s) => s.dlqRedriven),
        schedules: this.schedules.dlqRedriven,
      },
      deadLettered: { intake: intake.deadLettered, work: sum((s) => s.deadLettered) },
      deadForGood: { intake: intake.deadForGood, work: sum((s) => s.deadForGood) },
    };
  }

  /** Registers borrowers and installments through the registration use case, at `at`. */
  async registerPortfolio(borrowers: Borrower[], installments: NewInstallmentInput[], at: string) {
    const { registerPortfolio } = await import('../../functions/use-cases/register');
    return registerPortfolio(this.runtime.deps, borrowers, installments, at);
  }

  /** A schedule of `job` fires at `scheduledTime`: dispatch is invoked (and retried as Scheduler would). */
  async dispatch(job: Job, scheduledTime: string): Promise<void> {
    const input = { job, scheduledTime: awsTime(scheduledTime) };
    await fireSchedule(
      () => this.invoke('dispatch', 'dispatch', input),
      this.options.faults !== undefined,
      this.schedules,
      `dispatch of ${job}`,
    );
  }

  /** Hands `job`'s work queue to its worker until it is empty; what each invocation answered. */
  drain(job: Job, options: DrainOptions = {}): Promise<BatchAnswer[]> {
    return this.deliverQueue(this.queues.work[job], job, `worker:${job}`, options);
  }

  /** Drains every work queue, in job order, until all are empty (a worker may hand work back). */
  async drainWork(options: DrainOptions = {}): Promise<BatchAnswer[]> {
    const answers: BatchAnswer[] = [];
    for (;;) {
      const pending = JOBS.filter((job) => this.queues.work[job].length > 0);
      if (pending.length === 0) return answers;
      for (const job of pending) answers.push(...(await this.drain(job, options)));
    }
  }

  /** Puts an event on the bus: the intake rule delivers it to the intake queue, drained at once. */
  async putEvent(event: BusEvent): Promise<BatchAnswer[]> {
    this.queues.intake.send([ruleDelivery(event)]);
    return this.deliverQueue(this.queues.intake, 'intake', 'intake', {});
  }

  /**
   * One invocation of a worker or of intake with `bodies` as one SQS event (ids `m0`, `m1`, ...),
   * outside the queues: a test's own delivery (the same batch twice, a race).
   */
  async invokeWith(name: Job | 'intake', bodies: string[], remainingMs?: number): Promise<BatchAnswer> {
    const queue = name === 'intake' ? this.queues.intake : this.queues.work[name];
    const event = sqsEvent(
      bodies.map((body, i) => ({ messageId: `m${i}`, body })),
      queue.name.arn,
    );
    const kind = name === 'intake' ? 'intake' : `worker:${name}`;
    const outcome = await this.invoke(kind, name, event, remainingMs);
    if (outcome.crashed) throw new Error(`the ${kind} invocation died`);
    return outcome.value as BatchAnswer;
  }

  async stop(): Promise<void> {
    await this.release();
  }

  private wire(): void {
    const { config, options } = this;
    const faults = options.faults;
    const capture = {
      ...(faults ? { retryStrategy: faults.retryStrategy() } : {}),
      ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}),
    };
    const observe = options.observe ?? {};
    const clients = {
      dynamo: this.table.client,
      doc: this.table.doc,
      sns: capturingSns({ published: (topic, entries) => observe.published?.(topic, entries) }, capture),
      eventBridge: capturingEventBridge({ putEvents: (entries) => observe.putEvents?.(entries) }, capture),
      sqs: capturingSqs({ sentMessages: (url, entries) => this.enqueue(url, entries) }, capture),
    };
    if (faults) {
      faults.attach(clients.dynamo, 'dynamodb');
      faults.attach(clients.sns, 'sns');
      faults.attach(clients.eventBridge, 'eventbridge');
      faults.attach(clients.sqs, 'sqs');
    }
    const clock = options.clock ?? (() => new Date().toISOString());
    this.wiring.configureRuntime({
      config,
      ...(options.audit ? { audit: options.audit } : {}),
      clock: () => {
        const ahead = this.aheadMs;
        return ahead > 0 ? new Date(Date.parse(clock()) + ahead).toISOString() : clock();
      },
      // Local time does not wait for a backoff.
      delivery: { sleep: async () => undefined },
      clientFactory: () => clients,
      env: {
        TABLE_NAME: this.table.tableName,
        EVENT_BUS_NAME: LOCAL_EVENT_BUS,
        NOTIFICATIONS_TOPIC_ARN: LOCAL_TOPIC_ARN,
        AGING_QUEUE_URL: LOCAL_QUEUES.work.aging.url,
        REMINDERS_QUEUE_URL: LOCAL_QUEUES.work.reminders.url,
        FAILED_DEBITS_QUEUE_URL: LOCAL_QUEUES.work.failedDebits.url,
        SENTINEL_CONFIG: JSON.stringify(config),
      },
    });
  }

  private enqueue(url: string, entries: { MessageBody?: string }[]): void {
    this.options.observe?.sentMessages?.(url, entries as never);
    const queue = [...Object.values(this.queues.work), this.queues.intake].find((q) => q.name.url === url);
    if (!queue) throw new Error(`a message was sent to a queue the local kit does not know: ${url}`);
    queue.send(entries.map((e) => e.MessageBody ?? ''));
  }

  private async deliverQueue(
    queue: LocalQueue,
    name: HandlerName,
    kind: string,
    options: DrainOptions,
  ): Promise<BatchAnswer[]> {
    // A redelivery comes after the visibility timeouts its batch waited: its lease clock runs ahead.
    const consume = (received: Received) => {
      this.aheadMs = received.delayMs;
      return this.invoke(kind, name, received.event, options.remainingMs);
    };
    try {
      return (await queue.drain(consume, options.concurrent)) as BatchAnswer[];
    } finally {
      this.aheadMs = 0;
    }
  }

  /** One invocation: with a fault hook it may die (then it answered nothing). */
  private async invoke(
    kind: string,
    name: HandlerName,
    event: unknown,
    remainingMs?: number,
  ): Promise<Outcome> {
    const context = lambdaContext(`${this.options.requestIds ?? 'local'}-${++this.requests}`, remainingMs);
    const run = () => this.handlers[name](event, context);
    const started = performance.now();
    const outcome = this.options.faults
      ? await this.options.faults.invoke(kind, run)
      : { crashed: false as const, value: await run() };
    this.options.onInvocation?.(kind, performance.now() - started);
    return outcome;
  }
}
