/**
 * The exactly-once records on DynamoDB: one claim item per occurrence (under its loan's partition)
 * and one cap item per borrower and day (a string set of the occurrences counted that day). Each
 * decision is a single conditional write.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { LocalDate } from '../../../shared/rules/types';
import { TABLE_KEYS, TTL_ATTRIBUTE } from '../../../shared/table-layout';
import type { CapStore, ClaimResult, ClaimStatus, ClaimStore, OccurrenceKey } from '../../ports';
import { conditionalWrite, type StoreOptions } from './common';
import { capKey, claimKey } from './keys';

const PENDING = 'PENDING';
/** Claims outlive by far any outbox entry that could ask for them again. */
const CLAIM_RETENTION_DAYS = 400;
/** Cap items matter on their day only; a few days more for reruns and audits. */
const CAP_RETENTION_DAYS = 7;
const DAY_MS = 86_400_000;

const epochSeconds = (ms: number) => Math.floor(ms / 1000);
/** Instants compared as strings must share one format. */
const normalizeInstant = (iso: string) => new Date(iso).toISOString();

export class DynamoClaimStore implements ClaimStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: StoreOptions = {},
  ) {}

  async claim(key: OccurrenceKey, leaseUntil: string, now: string): Promise<ClaimResult> {
    const at = normalizeInstant(now);
    const until = normalizeInstant(leaseUntil);
    // A claim deleted or expiring between our write and our read: try again, a few times.
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.tryClaim(key, until, at)) return { result: 'claimed' };
      const existing = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: claimKey(key),
          ConsistentRead: true,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.options.stats?.recordGet(existing);
      const item = existing.Item;
      if (!item) continue;
      if (item.claimStatus !== PENDING) return { result: 'done', status: item.claimStatus as ClaimStatus };
      if (typeof item.leaseUntil === 'string' && item.leaseUntil > at) return { result: 'busy' };
    }
    return { result: 'busy' };
  }

  private tryClaim(key: OccurrenceKey, leaseUntil: string, now: string): Promise<boolean> {
    return conditionalWrite(this.options.stats, () =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...claimKey(key),
            entity: 'Claim',
            ...key,
            claimStatus: PENDING,
            leaseUntil,
            claimedAt: now,
            [TTL_ATTRIBUTE]: epochSeconds(Date.parse(now) + CLAIM_RETENTION_DAYS * DAY_MS),
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR (claimStatus = :pending AND leaseUntil <= :now)',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
          ExpressionAttributeValues: { ':pending': PENDING, ':now': now },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
  }

  async complete(key: OccurrenceKey, status: ClaimStatus): Promise<void> {
    // Unconditional: the occurrence was delivered (or decided), whatever became of the lease.
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: claimKey(key),
        UpdateExpression:
          'SET claimStatus = :status, entity = :entity, loanId = :loanId, seq = :seq, kind = :kind, occurrence = :occurrence, #ttl = if_not_exists(#ttl, :ttl)',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':status': status,
          ':entity': 'Claim',
          ':loanId': key.loanId,
          ':seq': key.seq,
          ':kind': key.kind,
          ':occurrence': key.occurrence,
          ':ttl': epochSeconds(Date.now() + CLAIM_RETENTION_DAYS * DAY_MS),
        },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    this.options.stats?.recordWrite(out.ConsumedCapacity);
  }

  async release(key: OccurrenceKey): Promise<void> {
    await conditionalWrite(this.options.stats, () =>
      this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: claimKey(key),
          // Never forget a completed occurrence.
          ConditionExpression: 'claimStatus = :pending',
          ExpressionAttributeValues: { ':pending': PENDING },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
  }
}

export class DynamoCapStore implements CapStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: StoreOptions = {},
  ) {}

  async sentOn(borrowerId: string, day: LocalDate): Promise<number> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: capKey(borrowerId, day),
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    this.options.stats?.recordGet(out);
    const sent = out.Item?.sent;
    return sent instanceof Set ? sent.size : 0;
  }

  async reserve(borrowerId: string, day: LocalDate, occurrenceId: string, cap: number): Promise<boolean> {
    if (cap <= 0) return false;
    return conditionalWrite(this.options.stats, () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: capKey(borrowerId, day),
          UpdateExpression: 'ADD sent :ids SET #ttl = :ttl',
          // Below the cap, or already counted (idempotent): one conditional write, no read first.
          ConditionExpression: 'attribute_not_exists(sent) OR size(sent) < :cap OR contains(sent, :id)',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':ids': new Set([occurrenceId]),
            ':id': occurrenceId,
            ':cap': cap,
            ':ttl': epochSeconds(Date.parse(day) + CAP_RETENTION_DAYS * DAY_MS),
          },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
  }
}
