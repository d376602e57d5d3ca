/**
 * InstallmentStore on DynamoDB: one item per installment under its loan's partition, optimistic
 * concurrency on `version` (conditional puts, no transactions), and one sparse GSI per job whose key
 * attributes hold the installment's next action date for that job (docs/data-model.md).
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { compareSeq } from '../../../shared/rules/installment';
import type { NextActionDates } from '../../../shared/rules/next-actions';
import { type Installment, installmentSchema, type LocalDate } from '../../../shared/rules/types';
import { JOB_INDEXES, type Job, TABLE_KEYS } from '../../../shared/table-layout';
import { CorruptItemError, type DueEntry, type DuePage, type InstallmentStore } from '../../ports';
import { batchPut, conditionalWrite, describeProblem, type StoreOptions, type StoreStats } from './common';
import {
  installmentKey,
  JOB_INDEX_ATTRIBUTES,
  jobIndexAttributes,
  jobPartitionKey,
  partsQuery,
  type TableKey,
} from './keys';

const ENTITY = 'Installment';
/** Attributes of the stored item that are not part of the installment. */
const STORAGE_ATTRIBUTES = new Set([
  TABLE_KEYS.partitionKey,
  TABLE_KEYS.sortKey,
  'entity',
  ...JOB_INDEX_ATTRIBUTES,
]);

export interface DynamoInstallmentStoreOptions extends StoreOptions {
  /** Items per Query page when the caller gives none. */
  defaultPageSize?: number;
}

export class DynamoInstallmentStore implements InstallmentStore {
  private readonly shards: number;
  private readonly stats: StoreStats | undefined;
  private readonly defaultPageSize: number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    config: { jobs: { shards: number } },
    private readonly options: DynamoInstallmentStoreOptions = {},
  ) {
    this.shards = config.jobs.shards;
    this.stats = options.stats;
    this.defaultPageSize = options.defaultPageSize ?? 200;
  }

  async getInstallment(loanId: string, seq: string): Promise<Installment | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: installmentKey(loanId, seq),
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    this.stats?.recordGet(out);
    if (!out.Item) return null;
    const parsed = parseItem(out.Item);
    if (!parsed.ok) throw new CorruptItemError(parsed.key, parsed.problem);
    return parsed.inst;
  }

  async getParts(loanId: string, parentSeq: string): Promise<Installment[]> {
    const { PK, skPrefix } = partsQuery(loanId, parentSeq);
    const parts: Installment[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey, '#sk': TABLE_KEYS.sortKey },
          ExpressionAttributeValues: { ':pk': PK, ':prefix': skPrefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.stats?.recordQuery(out);
      for (const item of out.Items ?? []) {
        const parsed = parseItem(item);
        if (!parsed.ok) throw new CorruptItemError(parsed.key, parsed.problem);
        // Direct parts only: a part that was itself split has parts "<seq>.<k>.<j>" under the same prefix.
        if (!parsed.inst.seq.slice(parentSeq.length + 1).includes('.')) parts.push(parsed.inst);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return parts.sort((a, b) => compareSeq(a.seq, b.seq));
  }

  async createInstallment(inst: Installment, next: NextActionDates): Promise<'created' | 'exists'> {
    const created = await conditionalWrite(this.stats, () =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.toItem(inst, inst.version, next),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    return created ? 'created' : 'exists';
  }

  async putInstallments(items: { inst: Installment; next: NextActionDates }[]): Promise<void> {
    await batchPut(
      this.doc,
      this.tableName,
      items.map(({ inst, next }) => this.toItem(inst, inst.version, next)),
      this.stats,
      this.options.batch,
    );
  }

  async saveInstallment(
    inst: Installment,
    expectedVersion: number,
    next: NextActionDates,
  ): Promise<{ saved: true; version: number } | { saved: false }> {
    const version = expectedVersion + 1;
    // A whole-item put: the job index attributes of jobs with no next date are absent from the new
    // item, so it leaves those sparse indexes (the same effect as a REMOVE).
    const saved = await conditionalWrite(this.stats, () =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.toItem(inst, version, next),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    return saved ? { saved: true, version } : { saved: false };
  }

  async *queryDue(
    job: Job,
    date: LocalDate,
    shard: number,
    opts: { startKey?: Record<string, unknown>; pageSize?: number } = {},
  ): AsyncIterable<DuePage> {
    const index = JOB_INDEXES[job];
    let startKey = opts.startKey;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.indexName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index.partitionKey },
          ExpressionAttributeValues: { ':pk': jobPartitionKey(job, date, shard) },
          Limit: opts.pageSize ?? this.defaultPageSize,
          ExclusiveStartKey: startKey,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.stats?.recordQuery(out);
      const entries: DueEntry[] = (out.Items ?? []).map(parseItem);
      startKey = out.LastEvaluatedKey;
      yield startKey ? { entries, nextKey: startKey } : { entries };
    } while (startKey);
  }

  private toItem(inst: Installment, version: number, next: NextActionDates): Record<string, unknown> {
    return {
      ...inst,
      ...installmentKey(inst.loanId, inst.seq),
      entity: ENTITY,
      version,
      ...jobIndexAttributes(inst, next, this.shards),
    };
  }
}

/** Validates a stored item; a bad one is reported by its key only. */
function parseItem(item: Record<string, unknown>): DueEntry {
  const key: TableKey = { PK: String(item[TABLE_KEYS.partitionKey]), SK: String(item[TABLE_KEYS.sortKey]) };
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) if (!STORAGE_ATTRIBUTES.has(name)) data[name] = value;
  const parsed = installmentSchema.safeParse(data);
  if (!parsed.success) return { ok: false, key, problem: describeProblem(parsed.error) };
  return { ok: true, inst: parsed.data };
}
