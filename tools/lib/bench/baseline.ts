/**
 * The naive baseline: the design a team would write first, on the same table and the same day.
 *
 * Per job, at its hour, sequentially:
 * 1. Scan the whole table (paginated, 1 MB pages) with a FilterExpression keeping the installments
 *    that might need work (open ones; due by now for aging, due within the reminder horizon for
 *    reminders, with a failed debit for failed debits). DynamoDB reads, and bills, every item scanned.
 * 2. For each one, read its borrower (GetItem, remembered for the rest of the run) and apply the same
 *    rules as our workers (the same planners, one installment at a time; the daily cap kept in memory).
 * 3. Publish each message with one SNS `Publish` and each event with one `PutEvents`, then write the
 *    changed item back with an unconditional PutItem. The aging run also rewrites every OVERDUE
 *    installment with that day's DPD and penalty stored on it: the daily rewrite the sparse "next
 *    action date" design avoids.
 */

import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { borrowerKey, installmentKey, JOB_INDEX_ATTRIBUTES } from '../../../functions/adapters/dynamodb/keys';
import { eventEntry } from '../../../functions/adapters/eventbridge/publisher';
import { notificationBody } from '../../../functions/adapters/sns/notifier';
import type { Deps } from '../../../functions/use-cases/deps';
import { isNoop } from '../../../functions/use-cases/outbox';
import { planAging } from '../../../functions/use-cases/plan-aging';
import { planFailedDebitsGroup, planRemindersGroup } from '../../../functions/use-cases/plan-notifications';
import type { GroupPlanner, JobContext } from '../../../functions/use-cases/scheduled-job';
import { type Config, configSchema } from '../../../shared/config/schema';
import { addDays, formatInstant, toInstant } from '../../../shared/rules/calendar';
import { dpdOn } from '../../../shared/rules/dpd';
import { penaltyToDate } from '../../../shared/rules/penalty';
import {
  type Borrower,
  borrowerSchema,
  type Installment,
  installmentSchema,
} from '../../../shared/rules/types';
import { JOBS, type Job } from '../../../shared/table-layout';
import { countingClients, diffUsage, type WrittenKey } from './aws-counting';
import {
  cpuMsSince,
  FloorTracker,
  JOB_TIMES,
  type JobMeasure,
  processPeakRss,
  RssSampler,
  type RunSpec,
  type SideResult,
} from './measure';

const TOPIC = 'arn:aws:sns:ap-east-1:000000000000:repayment-sentinel-notifications';
const BUS = 'repayment-sentinel-bench';
/** What the naive design stores daily on each overdue installment. */
const MATERIALIZED = ['dpd', 'penaltyToDate'];
const NOT_INSTALLMENT = new Set(['PK', 'SK', 'entity', ...JOB_INDEX_ATTRIBUTES, ...MATERIALIZED]);

const PLANNERS: Record<Job, GroupPlanner> = {
  aging: planAging,
  reminders: planRemindersGroup,
  failedDebits: planFailedDebitsGroup,
};

/** The FilterExpression of each job's scan: the installments that might need work that day. */
function filterOf(job: Job, today: string, config: Config) {
  const open = 'entity = :installment AND #status IN (:scheduled, :grace, :overdue)';
  const values: Record<string, unknown> = {
    ':installment': 'Installment',
    ':scheduled': 'SCHEDULED',
    ':grace': 'IN_GRACE',
    ':overdue': 'OVERDUE',
  };
  switch (job) {
    case 'aging':
      return { expression: `${open} AND dueDate < :today`, values: { ...values, ':today': today } };
    case 'reminders': {
      const horizon = addDays(today, Math.max(...config.reminders.upcoming.daysBefore));
      return { expression: `${open} AND dueDate <= :horizon`, values: { ...values, ':horizon': horizon } };
    }
    case 'failedDebits':
      return { expression: `${open} AND debit.failures > :zero`, values: { ...values, ':zero': 0 } };
  }
}

function toInstallment(item: Record<string, unknown>): Installment {
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) if (!NOT_INSTALLMENT.has(name)) data[name] = value;
  return installmentSchema.parse(data);
}

export async function runBaseline(spec: RunSpec): Promise<SideResult> {
  const config: Config = configSchema.parse(spec.config);
  const floor = new FloorTracker(spec.trackFloor ?? true);
  const written: WrittenKey[] = [];
  const counting = countingClients({
    endpoint: spec.endpoint,
    latencyMs: spec.latencyMs,
    ...(spec.recordWrites ? { sinks: { written: (key: WrittenKey) => written.push(key) } } : {}),
  });
  const { doc, sns, eventBridge } = counting.clients;
  const table = spec.tableName;
  // The daily cap, in memory for the run: the occurrences counted per borrower and day.
  const capped = new Map<string, Set<string>>();
  const deps = {
    config,
    caps: {
      reserve: async (borrowerId: string, day: string, id: string, cap: number) => {
        const sent = capped.get(`${borrowerId}|${day}`) ?? new Set<string>();
        capped.set(`${borrowerId}|${day}`, sent);
        if (sent.has(id)) return true;
        if (sent.size >= cap) return false;
        sent.add(id);
        return true;
      },
      sentOn: async (borrowerId: string, day: string) => capped.get(`${borrowerId}|${day}`)?.size ?? 0,
    },
  } as unknown as Deps;
  const borrowers = new Map<string, Borrower | null>();
  const borrowerOf = async (borrowerId: string): Promise<Borrower | null> => {
    if (borrowers.has(borrowerId)) return borrowers.get(borrowerId) ?? null;
    const out = await doc.send(new GetCommand({ TableName: table, Key: borrowerKey(borrowerId) }));
    const { PK: _pk, SK: _sk, entity: _e, ...data } = out.Item ?? {};
    const borrower = out.Item ? borrowerSchema.parse(data) : null;
    borrowers.set(borrowerId, borrower);
    return borrower;
  };

  const sampler = new RssSampler();
  const startRssBytes = sampler.sample();
  const jobs: JobMeasure[] = [];
  try {
    for (const job of JOBS) {
      const now = toInstant(`${spec.day}T${JOB_TIMES[job]}`, config.timeZone);
      const ctx: JobContext = {
        now,
        today: spec.day,
        at: formatInstant(now, config.timeZone),
        owner: 'baseline',
      };
      const { expression, values } = filterOf(job, spec.day, config);
      const before = { ...counting.usage };
      floor.start();
      sampler.reset();
      const started = performance.now();
      const cpu = process.cpuUsage();
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new ScanCommand({
            TableName: table,
            FilterExpression: expression,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: values,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const inst = toInstallment(item);
          const borrower = await borrowerOf(inst.borrowerId);
          if (!borrower) continue;
          const [change] = await PLANNERS[job](deps, borrower, [inst], ctx);
          if (!change) continue;
          const acted =
            (change.transitions?.length ?? 0) +
            (change.events?.length ?? 0) +
            (change.messages?.length ?? 0) +
            (change.audit?.length ?? 0);
          if (acted > 0) floor.add(inst.loanId, inst.seq);
          for (const message of change.messages ?? []) {
            await sns.send(
              new PublishCommand({
                TopicArn: TOPIC,
                Message: JSON.stringify(notificationBody(message)),
                MessageAttributes: {
                  channel: { DataType: 'String', StringValue: message.channel },
                  kind: { DataType: 'String', StringValue: message.kind },
                  locale: { DataType: 'String', StringValue: message.locale },
                },
              }),
            );
          }
          for (const event of change.events ?? []) {
            await eventBridge.send(new PutEventsCommand({ Entries: [eventEntry(event, BUS)] }));
          }
          const next = change.installment;
          const rewriteDaily = job === 'aging' && next.status === 'OVERDUE';
          if (!rewriteDaily && isNoop(inst, change)) continue;
          await doc.send(
            new PutCommand({
              TableName: table,
              Item: {
                ...next,
                ...installmentKey(next.loanId, next.seq),
                entity: 'Installment',
                version: inst.version + 1,
                ...(next.status === 'OVERDUE'
                  ? { dpd: dpdOn(next, spec.day), penaltyToDate: penaltyToDate(next, spec.day) }
                  : {}),
              },
            }),
          );
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      jobs.push({
        job,
        usage: diffUsage(counting.usage, before),
        actedOn: floor.size(),
        wallMs: performance.now() - started,
        peakRssBytes: sampler.peakBytes,
        cpuMs: cpuMsSince(cpu),
        invocationMs: Math.round(performance.now() - started),
        workItems: 1,
      });
    }
  } finally {
    sampler.stop();
    counting.destroy();
  }
  return {
    side: 'baseline',
    mode: 'sequential',
    latencyMs: spec.latencyMs,
    jobs,
    peakRssBytes: processPeakRss(),
    startRssBytes,
    ...(spec.recordWrites ? { written } : {}),
  };
}
