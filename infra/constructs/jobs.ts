/**
 * Jobs: the dispatch function every schedule invokes, and per job a work queue (with its DLQ) and
 * the worker that drains it. Dispatch fans a run out as one message per group of shards; a worker close to
 * its timeout puts the rest of its shard back on its own queue.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { Config } from '../../shared/config/schema';
import { JOB_INDEXES, JOBS, type Job } from '../../shared/table-layout';
import { QueueWithDlq } from './secure-queue';
import { SentinelFunction, type TableAction } from './sentinel-function';

/** Per job: its handler file and the queue-URL variable `functions/wiring/env.ts` reads for it. */
export const JOB_WIRING: Record<Job, { handlerFile: string; queueEnv: string; title: string }> = {
  aging: { handlerFile: 'aging', queueEnv: 'AGING_QUEUE_URL', title: 'Aging' },
  reminders: { handlerFile: 'reminders', queueEnv: 'REMINDERS_QUEUE_URL', title: 'Reminders' },
  failedDebits: { handlerFile: 'failed-debits', queueEnv: 'FAILED_DEBITS_QUEUE_URL', title: 'FailedDebits' },
};

/**
 * A worker hands its shard back 60 s before its timeout (functions/wiring/job-worker.ts), so the
 * timeout must leave real work time before that.
 */
export const WORKER_TIMEOUT = Duration.minutes(5);
/** AWS's guidance for SQS event sources: visibility at least 6x the function timeout. */
const WORKER_QUEUE_VISIBILITY = Duration.seconds(WORKER_TIMEOUT.toSeconds() * 6);

/*
 * Every worker reads the borrower and installments (GetItem) and writes installments, cap and
 * outbox changes with conditional PutItem/UpdateItem. None deletes, none scans.
 */
const WORKER_TABLE_ACTIONS: TableAction[] = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

/**
 * Concurrent workers per job: one per work item of a run (`jobs.shards / jobs.shardsPerWorkItem`,
 * rounded up), capped so a run's burst on SNS and the table stays bounded.
 */
const MAX_WORKERS_PER_JOB = 20;
const workerConcurrency = (config: Config) =>
  Math.min(Math.ceil(config.jobs.shards / config.jobs.shardsPerWorkItem), MAX_WORKERS_PER_JOB);

export interface JobsProps {
  readonly config: Config;
  readonly environment: Record<string, string>;
  readonly table: ITable;
  readonly eventBus: IEventBus;
  readonly notificationsTopic: ITopic;
  readonly notificationsKey: IKey;
}

export class Jobs extends Construct {
  readonly dispatch: SentinelFunction;
  readonly workers: Record<Job, SentinelFunction>;
  readonly workQueues: Record<Job, QueueWithDlq>;

  constructor(scope: Construct, id: string, props: JobsProps) {
    super(scope, id);

    this.dispatch = new SentinelFunction(this, 'Dispatch', {
      handlerFile: 'dispatch',
      description: 'Scheduler target: fans a job run out by shard onto its work queue',
      memorySize: 256,
      timeout: Duration.seconds(60),
      environment: props.environment,
    });
    // The dispatch log: one item per job (GetItem, conditional UpdateItem).
    this.dispatch.grantTable(props.table, ['dynamodb:GetItem', 'dynamodb:UpdateItem']);

    const workQueues = {} as Record<Job, QueueWithDlq>;
    const workers = {} as Record<Job, SentinelFunction>;
    for (const job of JOBS) {
      const wiring = JOB_WIRING[job];
      const work = new QueueWithDlq(this, `${wiring.title}Work`, {
        visibilityTimeout: WORKER_QUEUE_VISIBILITY,
        maxReceiveCount: 3,
      });
      this.dispatch.grantSend(work.queue, wiring.queueEnv);

      const worker = new SentinelFunction(this, `${wiring.title}Worker`, {
        handlerFile: wiring.handlerFile,
        description: `The ${job} job's worker: some shards of one run per message`,
        memorySize: 1024,
        timeout: WORKER_TIMEOUT,
        environment: props.environment,
      });
      worker
        .grantTable(props.table, WORKER_TABLE_ACTIONS, [JOB_INDEXES[job].indexName])
        .grantPutEvents(props.eventBus)
        /*
         * Aging sends no message of its own, but every worker flushes outbox entries it takes over
         * from a run that died (functions/use-cases/outbox/), and those may hold reminders.
         */
        .grantPublish(props.notificationsTopic, props.notificationsKey)
        // Continuations go back on its own queue: the variable the worker reads, and WORK_QUEUE_URL.
        .grantSend(work.queue, wiring.queueEnv)
        // One shard per invocation: a shard can take minutes, and failures are retried alone.
        .consume(work.queue, { batchSize: 1, maxConcurrency: workerConcurrency(props.config) });
      worker.addEnvironment('WORK_QUEUE_URL', work.queue.queueUrl);
      workQueues[job] = work;
      workers[job] = worker;
    }
    this.workQueues = workQueues;
    this.workers = workers;
  }
}
