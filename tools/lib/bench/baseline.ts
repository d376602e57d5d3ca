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
import { addDays, formatInstant } from '../../../shared/rules/calendar';
import { dpdOn } from '../../../shared/rules/dpd';
import { penaltyToDate } from '../../../shared/rules/penalty';
import type { OutboundMessage } from '../../../shared/rules/types';
import {
  type Borrower,
  borrowerSchema,
  type Installment,
  installmentSchema,
} from '../../../shared/rules/types';
import type { Job } from '../../../shared/table-layout';
import { LOCAL_EVENT_BUS, LOCAL_TOPIC_ARN } from '../../local-aws';
import { countingClients } from './aws-counting';
import { jobRunOn, type RunSpec, SideMeters, type SideResult } from './measure';

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

/** The message attributes SNS filter policies route on (channel, kind, locale). */
const messageAttributes = (m: OutboundMessage) =>
  Object.fromEntries(
    (['channel', 'kind', 'locale'] as const).map((name) => [
      name,
      { DataType: 'String', StringValue: m[name] },
    ]),
  );

function toInstallment(item: Record<string, unknown>): Installment {
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) if (!NOT_INSTALLMENT.has(name)) data[name] = value;
  return installmentSchema.parse(data);
}

type Clients = ReturnType<typeof countingClients>;

export async function runBaseline(spec: RunSpec): Promise<SideResult> {
  const config: Config = configSchema.parse(spec.config);
  const meters = new SideMeters(spec);
  const clients = countingClients({
    endpoint: spec.endpoint,
    usage: meters.usage,
    latencyMs: spec.latencyMs,
    sinks: meters.sinks(false),
  });
  const side = new NaiveSide(clients, spec.tableName, config, spec.day);
  try {
    return await meters.day('sequential', async (job) => {
      const started = performance.now();
      await side.run(job, (inst) => meters.floor.add(inst.loanId, inst.seq));
      return { invocationMs: performance.now() - started, workItems: 1 };
    });
  } finally {
    clients.destroy();
  }
}

/** The naive design's job runs, on one table and day; borrowers and the daily cap kept in memory. */
class NaiveSide {
  private readonly borrowers = new Map<string, Borrower | null>();
  private readonly deps: Deps;

  constructor(
    private readonly clients: Clients,
    private readonly table: string,
    private readonly config: Config,
    private readonly day: string,
  ) {
    // The daily cap, in memory for the run: the occurrences counted per borrower and day.
    const capped = new Map<string, Set<string>>();
    this.deps = {
      config,
      caps: {
        reserve: async (borrowerId: string, capDay: string, id: string, cap: number) => {
          const sent = capped.get(`${borrowerId}|${capDay}`) ?? new Set<string>();
          capped.set(`${borrowerId}|${capDay}`, sent);
          if (sent.has(id)) return true;
          if (sent.size >= cap) return false;
          sent.add(id);
          return true;
        },
        sentOn: async (borrowerId: string, capDay: string) =>
          capped.get(`${borrowerId}|${capDay}`)?.size ?? 0,
      },
    } as unknown as Deps;
  }

  /** One job's run: scan, plan each installment, publish one by one, write back. */
  async run(job: Job, actedOn: (inst: Installment) => void): Promise<void> {
    const now = jobRunOn(this.config, job, this.day);
    const ctx: JobContext = {
      now,
      today: this.day,
      at: formatInstant(now, this.config.timeZone),
      owner: 'baseline',
    };
    const { expression, values } = filterOf(job, this.day, this.config);
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.clients.doc.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: expression,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) await this.plan(job, toInstallment(item), ctx, actedOn);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  private async plan(job: Job, inst: Installment, ctx: JobContext, actedOn: (inst: Installment) => void) {
    const borrower = await this.borrowerOf(inst.borrowerId);
    if (!borrower) return;
    const [change] = await PLANNERS[job](this.deps, borrower, [inst], ctx);
    if (!change) return;
    const acted =
      (change.transitions?.length ?? 0) +
      (change.events?.length ?? 0) +
      (change.messages?.length ?? 0) +
      (change.audit?.length ?? 0);
    if (acted > 0) actedOn(inst);
    for (const message of change.messages ?? []) {
      await this.clients.sns.send(
        new PublishCommand({
          TopicArn: LOCAL_TOPIC_ARN,
          Message: JSON.stringify(notificationBody(message)),
          MessageAttributes: messageAttributes(message),
        }),
      );
    }
    for (const event of change.events ?? [])
      await this.clients.eventBridge.send(
        new PutEventsCommand({ Entries: [eventEntry(event, LOCAL_EVENT_BUS)] }),
      );
    const next = change.installment;
    const rewriteDaily = job === 'aging' && next.status === 'OVERDUE';
    if (!rewriteDaily && isNoop(inst, change)) return;
    await this.clients.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...next,
          ...installmentKey(next.loanId, next.seq),
          entity: 'Installment',
          version: inst.version + 1,
          ...(next.status === 'OVERDUE'
            ? { dpd: dpdOn(next, this.day), penaltyToDate: penaltyToDate(next, this.day) }
            : {}),
        },
      }),
    );
  }

  private async borrowerOf(borrowerId: string): Promise<Borrower | null> {
    if (this.borrowers.has(borrowerId)) return this.borrowers.get(borrowerId) ?? null;
    const out = await this.clients.doc.send(
      new GetCommand({ TableName: this.table, Key: borrowerKey(borrowerId) }),
    );
    const { PK: _pk, SK: _sk, entity: _e, ...data } = out.Item ?? {};
    const borrower = out.Item ? borrowerSchema.parse(data) : null;
    this.borrowers.set(borrowerId, borrower);
    return borrower;
  }
}
