/**
 * The simulation run: the deployed handlers over an embedded DynamoDB (dynalite, in memory), with
 * SNS, EventBridge and SQS answered locally, driven through the scenario's days.
 *
 * Primary course:
 * 1. Validate the scenario and merge its configuration (every problem at once).
 * 2. Start dynalite, point the runtime at it and at the capturing clients, load the portfolio
 *    through the registration use case.
 * 3. Take the agenda in time order: a job fire invokes `dispatch` with its scheduled time, then the
 *    job's worker until its queue is empty; a scenario event goes through `intake` as the
 *    EventBridge rule -> SQS -> Lambda path delivers it; each `DebitRetryRequested` gets a debit
 *    result from the simulated payment side one hour later.
 * 4. Turn what each step recorded (audit entries, SNS and EventBridge entries) into timeline
 *    records, in the order they were made, then read every installment back for its `final` record.
 */
import type { PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import type { Context, SQSEvent } from 'aws-lambda';
import type { AuditEntry } from '../../../functions/ports/audit';
import { fireTimesBetween } from '../../../shared/config/cron';
import { daysBetween, formatInstant } from '../../../shared/rules/calendar';
import type { NewInstallmentInput } from '../../../shared/rules/installment';
import type { Installment } from '../../../shared/rules/types';
import { JOBS, type Job } from '../../../shared/table-layout';
import type { FaultInjector } from '../faults';
import { Agenda, type Step } from './agenda';
import { type CaptureSinks, capturingEventBridge, capturingSns, capturingSqs } from './capture';
import { formatProblems, type Problem, readDefaultConfig } from './config';
import { installmentKey, type PreparedScenario, prepareScenario, type ScenarioEvent } from './scenario';
import {
  compareInstallments,
  type EventRecord,
  type FinalRecord,
  finalRecord,
  type NotificationRecord,
  type SimulationSummary,
  SummaryBuilder,
  type TimedRecord,
  type TimelineRecord,
} from './timeline';

export interface RunOptions {
  /** The raw operator configuration (defaults already merged in); `config/default.json` if absent. */
  operatorConfig?: unknown;
  /** Called with every record as soon as it is final (in timeline order). */
  onRecord?: (record: TimelineRecord) => void;
  /** Keep the records in memory and return them (default true; `start` streams them instead). */
  keepTimeline?: boolean;
  /** Called after every step with the share of the span simulated so far (0..1). */
  onProgress?: (done: number) => void;
  /**
   * Inject faults and crashes into the handlers' AWS calls (`--faults`); what fails or dies is
   * re-driven as Scheduler, SQS and Lambda would (see docs/simulator.md).
   */
  faults?: FaultInjector;
  /** Every SNS message and EventBridge event as it is delivered, repeats included. */
  onDelivery?: (delivery: Delivery) => void;
}

export type Delivery =
  | { kind: 'message'; body: Record<string, unknown> }
  | { kind: 'event'; detailType: string; detail: Record<string, unknown> };

/** What was re-driven in a run with faults. */
export interface Redrives {
  /** Scheduler retries of a dispatch that died or failed. */
  dispatchRetries: number;
  /** SQS records delivered again after a failure or a crashed invocation. */
  redelivered: { intake: number; work: number };
  /** Records dead-lettered after the queue's maxReceiveCount, then redriven (the runbook's action, up to 5 times). */
  dlqRedriven: { intake: number; work: number; schedules: number };
  /** Records still dead-lettered after the redrives. */
  deadForGood: { intake: number; work: number };
}

export interface SimulationResult {
  timeline: TimelineRecord[];
  summary: SimulationSummary;
  redrives: Redrives;
}

/** The scenario or its configuration is invalid: `problems` name every field at fault. */
export class ScenarioInvalidError extends Error {
  override name = 'ScenarioInvalidError';
  constructor(readonly problems: Problem[]) {
    super(`invalid scenario:\n${formatProblems(problems).join('\n')}`);
  }
}

/**
 * Runs a scenario (the SIMULATION.md format, as parsed JSON) through the real handlers, in process.
 * Throws {@link ScenarioInvalidError} when the scenario or its merged configuration is invalid.
 *
 * @example
 * const { timeline, summary } = await runSimulation(JSON.parse(readFileSync('case.json', 'utf8')));
 */
export async function runSimulation(scenario: unknown, opts: RunOptions = {}): Promise<SimulationResult> {
  const prepared = prepareScenario(scenario, opts.operatorConfig ?? readDefaultConfig());
  if (!prepared.ok) throw new ScenarioInvalidError(prepared.problems);
  return runPrepared(prepared.prepared, opts);
}

const QUEUE_URLS: Record<Job, string> = {
  aging: 'https://sqs.simulator.local/000000000000/aging',
  reminders: 'https://sqs.simulator.local/000000000000/reminders',
  failedDebits: 'https://sqs.simulator.local/000000000000/failed-debits',
};
const INTAKE_QUEUE_ARN = 'arn:aws:sqs:ap-east-1:000000000000:intake';
/** Deliveries of one message before it counts as dead-lettered (the queues' maxReceiveCount). */
const MAX_RECEIVES = 3;
/** Records per SQS event (the event source mapping's batch size). */
const SQS_BATCH_SIZE = 10;
const RETRY_ANSWER_DELAY_MS = 60 * 60 * 1000;
/** With faults, the deployed queues' settings (infra/constructs): receives before the DLQ, visibility. */
const DEPLOYED_QUEUES = {
  work: { maxReceives: 3, visibilityMs: 30 * 60_000 },
  intake: { maxReceives: 5, visibilityMs: 6 * 60_000 },
};
/** DLQ redrives of one message (the runbook's redrive, repeated while the cause is transient). */
const DLQ_REDRIVES = 5;
/** Scheduler's retry policy of the schedules (retryAttempts). */
const DISPATCH_RETRIES = 5;

type Handler = (event: unknown, context: Context) => Promise<unknown>;
interface QueuedMessage {
  body: string;
  receives: number;
  redrives?: number;
}
/** What a step recorded, in the order it happened. */
type Captured =
  | { kind: 'audit'; entry: AuditEntry }
  | { kind: 'message'; body: Record<string, unknown> }
  | { kind: 'event'; detailType: string; detail: Record<string, unknown> };

/** Handlers log and emit metrics to stdout, which holds the timeline only: keep them quiet. */
function quietPowertools(): void {
  const defaults: Record<string, string> = {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_DEV: 'false',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_REGION: 'ap-east-1',
  };
  // An empty variable counts as unset (Powertools rejects an empty boolean).
  for (const [name, value] of Object.entries(defaults)) if (!process.env[name]) process.env[name] = value;
}

/**
 * Powertools Metrics warns on stderr after every invocation that emitted no metric; with metrics
 * disabled that is noise around the summary. Drops exactly that line while a run lasts.
 */
const EMPTY_METRICS_WARNING = 'No application metrics to publish.';
function muteEmptyMetricsWarning(): () => void {
  const original = process.stderr.write;
  process.stderr.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    if (typeof chunk === 'string' && chunk.startsWith(EMPTY_METRICS_WARNING)) return true;
    return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof process.stderr.write;
  return () => {
    process.stderr.write = original;
  };
}

/** Runs a validated scenario (see {@link runSimulation}). */
export async function runPrepared(
  prepared: PreparedScenario,
  opts: RunOptions = {},
): Promise<SimulationResult> {
  quietPowertools();
  const unmute = muteEmptyMetricsWarning();
  try {
    return await runQuietly(prepared, opts);
  } finally {
    unmute();
  }
}

async function runQuietly(prepared: PreparedScenario, opts: RunOptions): Promise<SimulationResult> {
  // Imported here, after the environment is set: the handlers' Powertools instances read it at load.
  const [
    { startEmbeddedDynamo },
    { configureRuntime, getRuntime },
    { setClientFactory },
    { registerPortfolio },
  ] = await Promise.all([
    import('../../local-aws/embedded-dynamo'),
    import('../../../functions/wiring/runtime'),
    import('../../../functions/wiring/aws-clients'),
    import('../../../functions/use-cases/register'),
  ]);
  const { scenario, config } = prepared;
  const timeZone = config.timeZone;
  const keep = opts.keepTimeline ?? true;
  const timeline: TimelineRecord[] = [];
  const summary = new SummaryBuilder();
  summary.counters.days = daysBetween(scenario.start, scenario.end) + 1;
  const emit = (record: TimelineRecord, inst?: Installment) => {
    summary.add(record, inst);
    if (keep) timeline.push(record);
    opts.onRecord?.(record);
  };

  const queues = new Map<string, QueuedMessage[]>();
  let captured: Captured[] = [];
  let now = prepared.span.from;
  const agenda = new Agenda();
  const retryAnswered = new Set<string>();
  const lastFailureReason = new Map<string, string>();

  const faults = opts.faults;
  const redrives: Redrives = {
    dispatchRetries: 0,
    redelivered: { intake: 0, work: 0 },
    dlqRedriven: { intake: 0, work: 0, schedules: 0 },
    deadForGood: { intake: 0, work: 0 },
  };
  /** A redelivery comes after the queue's visibility timeout: the lease clock runs ahead by it. */
  let redeliveryDelayMs = 0;
  const sinks: CaptureSinks = {
    published: (_topic, entries: PublishBatchRequestEntry[]) => {
      for (const entry of entries) {
        const body = JSON.parse(entry.Message ?? '{}');
        captured.push({ kind: 'message', body });
        opts.onDelivery?.({ kind: 'message', body });
      }
    },
    putEvents: (entries) => {
      for (const entry of entries) {
        const detailType = entry.DetailType ?? '';
        const detail = JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>;
        captured.push({ kind: 'event', detailType, detail });
        opts.onDelivery?.({ kind: 'event', detailType, detail });
        if (detailType === 'DebitRetryRequested') scheduleRetryAnswer(detail);
      }
    },
    sentMessages: (queueUrl, entries) => {
      const queue = queues.get(queueUrl) ?? [];
      queues.set(queueUrl, queue);
      for (const entry of entries) queue.push({ body: entry.MessageBody ?? '', receives: 0 });
    },
  };

  /** The payment side answers a retry one hour later: FAILED with the previous reason unless scripted. */
  function scheduleRetryAnswer(detail: Record<string, unknown>): void {
    const loanId = String(detail.loanId);
    const seq = String(detail.seq);
    const occurrence = String(detail.occurrence ?? '');
    const attempt = Number(detail.attempt ?? occurrence.split('#').at(-1));
    const key = `${loanId}/${seq}/${occurrence}`;
    if (retryAnswered.has(key)) return; // a republished request (at least once) is answered once
    retryAnswered.add(key);
    const at = new Date(Date.parse(now) + RETRY_ANSWER_DELAY_MS).toISOString();
    if (Date.parse(at) >= Date.parse(prepared.span.to)) return;
    const scripted = scenario.retries.find(
      (r) => r.loanId === loanId && String(r.seq) === seq && r.attempt === attempt,
    );
    const outcome = scripted?.outcome ?? 'FAILED';
    const reason =
      scripted?.reason ??
      (typeof detail.reason === 'string' ? detail.reason : undefined) ??
      lastFailureReason.get(installmentKey(loanId, seq)) ??
      'INSUFFICIENT_FUNDS';
    agenda.add({
      kind: 'retryAnswer',
      at,
      loanId,
      seq,
      attempt,
      occurrence,
      outcome,
      ...(outcome === 'FAILED' ? { reason } : {}),
    });
  }

  const db = await startEmbeddedDynamo(`sim-${scenario.start}`);
  try {
    const capture = faults ? { retryStrategy: faults.retryStrategy() } : {};
    const clients = {
      dynamo: db.client,
      doc: db.doc,
      sns: capturingSns(sinks, capture),
      eventBridge: capturingEventBridge(sinks, capture),
      sqs: capturingSqs(sinks, capture),
    };
    if (faults) {
      faults.attach(clients.dynamo, 'dynamodb');
      faults.attach(clients.sns, 'sns');
      faults.attach(clients.eventBridge, 'eventbridge');
      faults.attach(clients.sqs, 'sqs');
    }
    configureRuntime({
      config,
      audit: { record: (entry) => captured.push({ kind: 'audit', entry }) },
      clock: () =>
        redeliveryDelayMs > 0 ? new Date(Date.parse(now) + redeliveryDelayMs).toISOString() : now,
      // Simulated time does not wait for a backoff.
      ...(faults ? { delivery: { sleep: async () => undefined } } : {}),
      clientFactory: () => clients,
      env: {
        TABLE_NAME: db.tableName,
        EVENT_BUS_NAME: 'repayment-sentinel-simulator',
        NOTIFICATIONS_TOPIC_ARN: 'arn:aws:sns:ap-east-1:000000000000:repayment-sentinel-notifications',
        AGING_QUEUE_URL: QUEUE_URLS.aging,
        REMINDERS_QUEUE_URL: QUEUE_URLS.reminders,
        FAILED_DEBITS_QUEUE_URL: QUEUE_URLS.failedDebits,
        SENTINEL_CONFIG: JSON.stringify(config),
      },
    });
    const handlers = await loadHandlers();
    const workers = new Map<string, Handler>(JOBS.map((job) => [QUEUE_URLS[job], handlers[job]]));
    let invocation = 0;
    const context = (): Context => lambdaContext(`sim-${++invocation}`);
    let messageId = 0;

    const { deps } = getRuntime();
    await registerPortfolio(
      deps,
      scenario.borrowers.map((b) => ({
        borrowerId: b.borrowerId,
        creditScore: b.creditScore,
        locale: b.locale ?? 'zh-CN',
        contacts: b.contacts ?? {},
        consents: b.consents ?? {},
        lastFailedDebitOn: null,
      })),
      scenario.installments.map((i): NewInstallmentInput => ({ ...i })),
      prepared.span.from,
    );

    for (const job of JOBS) {
      for (const expr of config.schedules[job]) {
        for (const at of fireTimesBetween(expr, timeZone, prepared.span.from, prepared.span.to)) {
          agenda.add({ kind: 'job', at, job });
        }
      }
    }
    for (const [index, at] of prepared.eventInstants.entries()) agenda.add({ kind: 'event', at, index });

    /** Runs one invocation; with faults it may die (then it answered nothing). */
    const invoke = async <T>(kind: string, fn: () => Promise<T>) =>
      faults ? faults.invoke(kind, fn) : { crashed: false as const, value: await fn() };
    /** Hands a queue's messages to its consumer in SQS events; failed records come back until dead-lettered. */
    const deliver = async (
      queue: QueuedMessage[],
      handler: Handler,
      deadLettered: 'intake' | 'work',
      kind: string = deadLettered,
    ): Promise<void> => {
      const deployed = DEPLOYED_QUEUES[deadLettered];
      const maxReceives = faults ? deployed.maxReceives : MAX_RECEIVES;
      while (queue.length > 0) {
        const batch = queue.splice(0, SQS_BATCH_SIZE);
        const ids = batch.map(() => `sim-msg-${++messageId}`);
        for (const m of batch) m.receives++;
        const event = sqsEvent(batch, ids);
        redeliveryDelayMs = faults
          ? Math.max(...batch.map((m) => m.receives - 1)) * deployed.visibilityMs
          : 0;
        const run = await invoke(kind, () => handler(event, context()));
        redeliveryDelayMs = 0;
        // A Lambda that died answered nothing: every record of its batch comes back.
        const result = (run.crashed ? { batchItemFailures: [] } : run.value) as {
          batchItemFailures?: { itemIdentifier: string }[];
        };
        const failed = run.crashed
          ? new Set(ids)
          : new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        batch.forEach((m, k) => {
          if (!failed.has(ids[k] as string)) return;
          if (m.receives < maxReceives) {
            queue.push(m);
            if (faults) redrives.redelivered[deadLettered]++;
            return;
          }
          summary.counters.deadLettered[deadLettered]++;
          if (!faults) return;
          if ((m.redrives ?? 0) < DLQ_REDRIVES) {
            queue.push({ ...m, receives: 0, redrives: (m.redrives ?? 0) + 1 });
            redrives.dlqRedriven[deadLettered]++;
          } else redrives.deadForGood[deadLettered]++;
        });
      }
    };
    const drainWorkQueues = async () => {
      for (;;) {
        const pending = [...queues.entries()].filter(([, q]) => q.length > 0);
        if (pending.length === 0) return;
        for (const [url, queue] of pending.sort(([a], [b]) => queueRank(a) - queueRank(b))) {
          const worker = workers.get(url);
          if (!worker) throw new Error(`a message was sent to a queue the simulator does not know: ${url}`);
          await deliver(queue, worker, 'work', `worker:${JOBS[queueRank(url)]}`);
        }
      }
    };
    const queueRank = (url: string) => {
      const i = JOBS.findIndex((job) => QUEUE_URLS[job] === url);
      return i < 0 ? JOBS.length : i;
    };
    const intake = (detailType: string, source: string, detail: Record<string, unknown>) =>
      deliver(
        [{ body: JSON.stringify(envelope(++messageId, detailType, source, now, detail)), receives: 0 }],
        handlers.intake,
        'intake',
      );

    const from = Date.parse(prepared.span.from);
    const span = Date.parse(prepared.span.to) - from;
    for (let step = agenda.take(); step; step = agenda.take()) {
      now = step.at;
      captured = [];
      await runStep(step);
      await drainWorkQueues();
      for (const record of toRecords(captured, formatInstant(now, timeZone), timeZone)) emit(record);
      opts.onProgress?.(Math.min(1, (Date.parse(now) - from) / span));
    }

    async function runStep(step: Step): Promise<void> {
      switch (step.kind) {
        case 'job': {
          summary.counters.steps.jobRuns++;
          const input = { job: step.job, scheduledTime: utc(step.at) };
          // With faults, a dispatch that died or failed is retried by Scheduler, then dead-lettered
          // and invoked again by hand (the runbook), up to DLQ_REDRIVES times.
          const attempts = (DISPATCH_RETRIES + 1) * (DLQ_REDRIVES + 1);
          for (let attempt = 1; ; attempt++) {
            try {
              if (!(await invoke('dispatch', () => handlers.dispatch(input, context()))).crashed) return;
            } catch (error) {
              if (!faults || attempt >= attempts) throw error;
            }
            if (attempt >= attempts) throw new Error(`dispatch of ${step.job} died every retry`);
            if (attempt % (DISPATCH_RETRIES + 1) === 0) redrives.dlqRedriven.schedules++;
            else redrives.dispatchRetries++;
          }
        }
        case 'event': {
          summary.counters.steps.events++;
          const event = scenario.events[step.index] as ScenarioEvent;
          const { detailType, source, detail } = intakeEvent(event, formatInstant(step.at, timeZone));
          if (event.type === 'debit') {
            summary.counters.debits[event.outcome === 'FAILED' ? 'failed' : 'succeeded']++;
            if (event.reason) lastFailureReason.set(installmentKey(event.loanId, event.seq), event.reason);
          }
          await intake(detailType, source, detail);
          return;
        }
        case 'retryAnswer': {
          summary.counters.steps.retryAnswers++;
          summary.counters.retries[step.outcome === 'SUCCEEDED' ? 'answeredSucceeded' : 'answeredFailed']++;
          summary.counters.debits[step.outcome === 'FAILED' ? 'failed' : 'succeeded']++;
          if (step.reason) lastFailureReason.set(installmentKey(step.loanId, step.seq), step.reason);
          await intake('DebitAttemptCompleted', 'lender.payments', {
            loanId: step.loanId,
            seq: step.seq,
            attemptId: `sim-retry-${step.loanId}-${step.seq}-${step.occurrence}`,
            outcome: step.outcome,
            ...(step.reason ? { reason: step.reason } : {}),
            attemptedAt: formatInstant(step.at, timeZone),
          });
          return;
        }
      }
    }

    // Every installment of the scenario, and the parts of those that were split, read back.
    const finals: { record: FinalRecord; inst: Installment }[] = [];
    const readBack = async (loanId: string, seq: string): Promise<void> => {
      const inst = await deps.installments.getInstallment(loanId, seq);
      if (!inst)
        throw new Error(`installment ${loanId}/${seq} is missing from the store at the end of the run`);
      finals.push({ record: finalRecord(inst, scenario.end, config), inst });
      if (inst.status === 'RESTRUCTURED') {
        for (const part of await deps.installments.getParts(loanId, seq))
          await readBack(part.loanId, part.seq);
      }
    };
    for (const inst of scenario.installments) await readBack(inst.loanId, String(inst.seq));
    finals.sort((a, b) => compareInstallments(a.record, b.record));
    for (const { record, inst } of finals) emit(record, inst);
  } finally {
    configureRuntime({});
    setClientFactory(undefined);
    await db.stop();
  }
  return { timeline, summary: summary.build(), redrives };
}

async function loadHandlers(): Promise<Record<Job | 'dispatch' | 'intake', Handler>> {
  const [dispatch, aging, reminders, failedDebits, intake] = await Promise.all([
    import('../../../functions/dispatch'),
    import('../../../functions/aging'),
    import('../../../functions/reminders'),
    import('../../../functions/failed-debits'),
    import('../../../functions/intake'),
  ]);
  return {
    dispatch: dispatch.handler as unknown as Handler,
    aging: aging.handler as unknown as Handler,
    reminders: reminders.handler as unknown as Handler,
    failedDebits: failedDebits.handler as unknown as Handler,
    intake: intake.handler as unknown as Handler,
  };
}

/** An instant as EventBridge Scheduler passes `<aws.scheduler.scheduled-time>`: UTC, whole seconds. */
const utc = (instant: string) => new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The EventBridge detail-type, source and detail of a scenario event (`seq` as a string, times with offset). */
export function intakeEvent(
  event: ScenarioEvent,
  at: string,
): { detailType: string; source: string; detail: Record<string, unknown> } {
  const seq = String(event.seq);
  switch (event.type) {
    case 'debit':
      return {
        detailType: 'DebitAttemptCompleted',
        source: 'lender.payments',
        detail: {
          loanId: event.loanId,
          seq,
          attemptId: event.attemptId,
          outcome: event.outcome,
          ...(event.reason !== undefined ? { reason: event.reason } : {}),
          ...(event.amount !== undefined ? { amount: event.amount } : {}),
          attemptedAt: at,
        },
      };
    case 'payment':
      return {
        detailType: 'RepaymentReceived',
        source: 'lender.payments',
        detail: {
          loanId: event.loanId,
          seq,
          paymentId: event.paymentId,
          amount: event.amount,
          receivedAt: at,
        },
      };
    case 'adjustment':
      return {
        detailType: 'RepaymentPlanAdjustmentRequested',
        source: 'lender.app',
        detail: {
          requestId: event.requestId,
          loanId: event.loanId,
          seq,
          action: event.action,
          ...(event.days !== undefined ? { days: event.days } : {}),
          ...(event.parts !== undefined ? { parts: event.parts } : {}),
          requestedAt: at,
        },
      };
  }
}

/** The EventBridge event as the rule puts it on the intake queue. */
export function envelope(
  n: number,
  detailType: string,
  source: string,
  at: string,
  detail: Record<string, unknown>,
) {
  return {
    version: '0',
    id: `sim-event-${n}`,
    'detail-type': detailType,
    source,
    account: '000000000000',
    time: utc(at),
    region: 'ap-east-1',
    resources: [],
    detail,
  };
}

export function sqsEvent(messages: { body: string; receives: number }[], ids: string[]): SQSEvent {
  return {
    Records: messages.map((m, k) => ({
      messageId: ids[k] as string,
      receiptHandle: `${ids[k]}-receipt`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receives),
        SentTimestamp: '0',
        SenderId: 'simulator',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: INTAKE_QUEUE_ARN,
      awsRegion: 'ap-east-1',
    })),
  };
}

export function lambdaContext(requestId: string): Context {
  return {
    awsRequestId: requestId,
    functionName: 'repayment-sentinel-simulator',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-east-1:000000000000:function:repayment-sentinel-simulator',
    memoryLimitInMB: '1024',
    logGroupName: '/aws/lambda/repayment-sentinel-simulator',
    logStreamName: 'simulator',
    callbackWaitsForEmptyEventLoop: false,
    // A simulated invocation never runs out of time (continuations are still drained if a worker yields).
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * The timeline records of one step, in the order they were made. The messages of one notification
 * (same loanId, seq, kind, occurrence: one per channel) become one `notification` record, where its
 * first message was.
 */
export function toRecords(captured: readonly Captured[], stepAt: string, timeZone: string): TimedRecord[] {
  const out: TimedRecord[] = [];
  const notifications = new Map<string, NotificationRecord>();
  for (const c of captured) {
    if (c.kind === 'audit') {
      out.push({ ...c.entry, at: formatInstant(c.entry.at, timeZone) } as TimedRecord);
    } else if (c.kind === 'event') {
      const record: EventRecord = {
        type: 'event',
        at: stepAt,
        detailType: c.detailType,
        loanId: String(c.detail.loanId),
        seq: String(c.detail.seq),
        detail: c.detail,
      };
      out.push(record);
    } else {
      const b = c.body;
      const key = [b.loanId, b.seq, b.kind, b.occurrence].map(String).join('\u0000');
      let record = notifications.get(key);
      if (!record) {
        record = {
          type: 'notification',
          at: stepAt,
          borrowerId: String(b.borrowerId),
          loanId: String(b.loanId),
          seq: String(b.seq),
          kind: String(b.kind),
          occurrence: String(b.occurrence),
          channels: [],
          messages: {},
        };
        notifications.set(key, record);
        out.push(record);
      }
      const channel = String(b.channel);
      if (!record.channels.includes(channel)) record.channels.push(channel);
      record.messages[channel] = String(b.text);
    }
  }
  for (const record of notifications.values()) {
    record.channels.sort();
    record.messages = Object.fromEntries(record.channels.map((ch) => [ch, record.messages[ch] as string]));
  }
  // Time order even if an audit entry carries an earlier instant than the step (stable: made order kept).
  return out
    .map((record, i) => ({ record, i, ms: Date.parse(record.at) }))
    .sort((a, b) => a.ms - b.ms || a.i - b.i)
    .map(({ record }) => record);
}
