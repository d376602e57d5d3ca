/**
 * The delivery side's records on DynamoDB: one delivery record per message per channel (under its
 * loan's partition, readable by installment), the borrower profile's delivery flags (an address
 * reported unusable, a dead push token removed), and the platform endpoint of each device token.
 * Every write that decides something is conditional: two copies of a message cannot both claim.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { DROP_REASONS } from '../../../shared/rules/delivery';
import { CHANNELS, type Channel, NOTIFICATION_KINDS, type UnusableReason } from '../../../shared/rules/types';
import { TABLE_KEYS, TTL_ATTRIBUTE } from '../../../shared/table-layout';
import { CorruptItemError } from '../../ports';
import type {
  ContactBook,
  DeliveryClaim,
  DeliveryFeedback,
  DeliveryKey,
  DeliveryLog,
  DeliveryOutcome,
  DeliveryRecord,
  PushEndpoints,
} from '../../ports/delivery';
import { describeProblem, isConditionalFailure, type StoreStats } from './common';
import { borrowerKey, deliveriesQuery, deliveryRecordKey, pushEndpointKey } from './keys';

/** Delivery records are kept as long as occurrence claims: they answer for what reached the borrower. */
const RETENTION_DAYS = 400;
const DAY_MS = 86_400_000;
const expiresAt = (at: string) => Math.floor((Date.parse(at) + RETENTION_DAYS * DAY_MS) / 1000);

/** A stored record, as read back (attribute `deliveryStatus`: `status` is a reserved word). */
const recordSchema = z.object({
  loanId: z.string(),
  seq: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  occurrence: z.string(),
  channel: z.enum(CHANNELS),
  borrowerId: z.string(),
  deliveryStatus: z.enum(['SENDING', 'SENT', 'DROPPED', 'FAILED', 'UNCERTAIN']),
  reason: z.enum(DROP_REASONS).optional(),
  code: z.string().optional(),
  providerMessageId: z.string().optional(),
  attempt: z.string().optional(),
  messageId: z.string().optional(),
  claimedAt: z.string().optional(),
  updatedAt: z.string(),
  feedback: z.enum(['BOUNCED', 'COMPLAINED']).optional(),
});

export interface DynamoDeliveryOptions {
  stats?: StoreStats;
}

export class DynamoDeliveryLog implements DeliveryLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoDeliveryOptions = {},
  ) {}

  async get(key: DeliveryKey): Promise<DeliveryRecord | null> {
    const k = deliveryRecordKey(key);
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: k, ConsistentRead: true }),
    );
    this.options.stats?.recordGet(out);
    return out.Item ? toRecord(out.Item) : null;
  }

  async claim(key: DeliveryKey, claim: DeliveryClaim) {
    const item = {
      ...this.base(key, claim.borrowerId, claim.at),
      deliveryStatus: 'SENDING',
      attempt: claim.attempt,
      messageId: claim.messageId,
      claimedAt: claim.at,
    };
    const found = await this.putIfAbsent(key, item);
    if (!found) return { claimed: true as const };
    // The SDK's retry of a put that had taken effect finds this attempt's own claim.
    if (found.attempt === claim.attempt && found.status === 'SENDING') return { claimed: true as const };
    return { claimed: false as const, existing: found };
  }

  async settle(key: DeliveryKey, attempt: string, outcome: DeliveryOutcome, at: string): Promise<boolean> {
    const fields: Record<string, string> = { deliveryStatus: outcome.status, updatedAt: at };
    if (outcome.status === 'SENT')
      Object.assign(fields, { providerMessageId: outcome.providerMessageId, sentAt: at });
    if (outcome.status === 'DROPPED') fields.reason = outcome.reason;
    if (outcome.status === 'FAILED' || outcome.status === 'UNCERTAIN') fields.code = outcome.code;
    const names = Object.fromEntries(Object.keys(fields).map((f) => [`#${f}`, f]));
    const values = Object.fromEntries(Object.entries(fields).map(([f, v]) => [`:${f}`, v]));
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryRecordKey(key),
          UpdateExpression: `SET ${Object.keys(fields)
            .map((f) => `#${f} = :${f}`)
            .join(', ')}`,
          // Only the attempt that claimed it ends it, and only once.
          ConditionExpression: '#deliveryStatus = :sending AND #attempt = :attempt',
          ExpressionAttributeNames: { ...names, '#deliveryStatus': 'deliveryStatus', '#attempt': 'attempt' },
          ExpressionAttributeValues: { ...values, ':sending': 'SENDING', ':attempt': attempt },
        }),
      );
      this.options.stats?.recordWrite(undefined);
      return true;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      return false;
    }
  }

  async release(key: DeliveryKey, attempt: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: deliveryRecordKey(key),
          ConditionExpression: '#deliveryStatus = :sending AND #attempt = :attempt',
          ExpressionAttributeNames: { '#deliveryStatus': 'deliveryStatus', '#attempt': 'attempt' },
          ExpressionAttributeValues: { ':sending': 'SENDING', ':attempt': attempt },
        }),
      );
      this.options.stats?.recordWrite(undefined);
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  async recordUnsent(key: DeliveryKey, unsent: Parameters<DeliveryLog['recordUnsent']>[1]) {
    const { outcome } = unsent;
    const found = await this.putIfAbsent(key, {
      ...this.base(key, unsent.borrowerId, unsent.at),
      deliveryStatus: outcome.status,
      ...(outcome.status === 'DROPPED' ? { reason: outcome.reason } : { code: outcome.code }),
      messageId: unsent.messageId,
    });
    return found ? { recorded: false as const, existing: found } : { recorded: true as const };
  }

  async recordFeedback(key: DeliveryKey, feedback: DeliveryFeedback, at: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryRecordKey(key),
          UpdateExpression: 'SET #feedback = :feedback, #feedbackAt = :at',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: {
            '#feedback': 'feedback',
            '#feedbackAt': 'feedbackAt',
            '#pk': TABLE_KEYS.partitionKey,
          },
          ExpressionAttributeValues: { ':feedback': feedback, ':at': at },
        }),
      );
    } catch (error) {
      // No record (expired, or the tags named another table's message): the address flag is what matters.
      if (!isConditionalFailure(error)) throw error;
    }
  }

  async history(loanId: string, seq: string): Promise<DeliveryRecord[]> {
    const { PK, skPrefix } = deliveriesQuery(loanId, seq);
    const records: DeliveryRecord[] = [];
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
        }),
      );
      this.options.stats?.recordQuery(out);
      for (const item of out.Items ?? []) records.push(toRecord(item));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return records;
  }

  private base(key: DeliveryKey, borrowerId: string, at: string) {
    return {
      ...deliveryRecordKey(key),
      entity: 'Delivery',
      ...key,
      borrowerId,
      updatedAt: at,
      [TTL_ATTRIBUTE]: expiresAt(at),
    };
  }

  /** Puts `item` unless a record exists: null when put, else the record found. */
  private async putIfAbsent(key: DeliveryKey, item: Record<string, unknown>): Promise<DeliveryRecord | null> {
    // A record deleted (released) between the failed put and the read: try again, a few times.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
          }),
        );
        this.options.stats?.recordWrite(undefined);
        return null;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
        if (this.options.stats) this.options.stats.conditionalFailures++;
      }
      const found = await this.get(key);
      if (found) return found;
    }
    throw new Error(`delivery record ${deliveryRecordKey(key).SK} kept changing under a conditional put`);
  }
}

function toRecord(item: Record<string, unknown>): DeliveryRecord {
  const parsed = recordSchema.safeParse(item);
  if (!parsed.success) {
    throw new CorruptItemError(
      { PK: String(item[TABLE_KEYS.partitionKey]), SK: String(item[TABLE_KEYS.sortKey]) },
      describeProblem(parsed.error),
    );
  }
  const { deliveryStatus, updatedAt, ...rest } = parsed.data;
  return { ...rest, status: deliveryStatus, at: updatedAt };
}

/** The borrower profile's delivery flags, written beside the fields the profile updates own. */
export class DynamoContactBook implements ContactBook {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async markUnusable(
    borrowerId: string,
    channel: Channel,
    flag: { reason: UnusableReason; address: string; since: string },
  ): Promise<void> {
    // DynamoDB sets a nested path only under an existing map: set the entry, or the map with it.
    const updates: Pick<
      UpdateCommandInput,
      'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >[] = [
      {
        UpdateExpression: 'SET #unusable.#channel = :flag',
        ConditionExpression: '#entity = :borrower AND attribute_exists(#unusable)',
        ExpressionAttributeNames: { '#entity': 'entity', '#unusable': 'unusable', '#channel': channel },
        ExpressionAttributeValues: { ':flag': flag, ':borrower': 'Borrower' },
      },
      {
        UpdateExpression: 'SET #unusable = :map',
        ConditionExpression: '#entity = :borrower AND attribute_not_exists(#unusable)',
        ExpressionAttributeNames: { '#entity': 'entity', '#unusable': 'unusable' },
        ExpressionAttributeValues: { ':map': { [channel]: flag }, ':borrower': 'Borrower' },
      },
    ];
    for (let round = 0; round < 2; round++) {
      for (const update of updates) {
        try {
          await this.doc.send(
            new UpdateCommand({ TableName: this.tableName, Key: borrowerKey(borrowerId), ...update }),
          );
          return;
        } catch (error) {
          if (!isConditionalFailure(error)) throw error;
        }
      }
    }
    // Neither condition held twice over: there is no profile to flag.
  }

  async removeAddress(borrowerId: string, channel: Channel, address: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: borrowerKey(borrowerId),
          UpdateExpression: 'REMOVE #contacts.#channel',
          // Only the address found dead: a newer one written since stays.
          ConditionExpression: '#contacts.#channel = :address',
          ExpressionAttributeNames: { '#contacts': 'contacts', '#channel': channel },
          ExpressionAttributeValues: { ':address': address },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }
}

/** The platform endpoint of each device token (keyed by the token's hash, never the token). */
export class DynamoPushEndpoints implements PushEndpoints {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => string = () => new Date().toISOString(),
  ) {}

  async get(deviceToken: string): Promise<string | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: pushEndpointKey(deviceToken) }),
    );
    const arn = out.Item?.endpointArn;
    return typeof arn === 'string' ? arn : null;
  }

  async put(deviceToken: string, endpointArn: string): Promise<void> {
    const at = this.clock();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...pushEndpointKey(deviceToken),
            entity: 'PushEndpoint',
            endpointArn,
            createdAt: at,
            // A token unused for this long is likely dead; SNS gives the same endpoint back if it is not.
            [TTL_ATTRIBUTE]: expiresAt(at),
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }
}
