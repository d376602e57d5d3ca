/**
 * BorrowerStore on DynamoDB: one profile item per borrower. The at-risk history (`lastFailedDebitOn`)
 * only moves forward, by a conditional update, so a failed-debit report that arrives before the
 * profile, or a profile update racing a report, loses nothing.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Borrower, borrowerSchema, type LocalDate } from '../../../shared/rules/types';
import { TABLE_KEYS } from '../../../shared/table-layout';
import { type BorrowerStore, CorruptItemError } from '../../ports';
import { batchPut, conditionalWrite, describeProblem, type StoreOptions } from './common';
import { borrowerKey } from './keys';

/** Marks an item holding a profile (an item with only an at-risk record has none yet). */
const ENTITY = 'Borrower';

export class DynamoBorrowerStore implements BorrowerStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: StoreOptions = {},
  ) {}

  async getBorrower(borrowerId: string): Promise<Borrower | null> {
    const key = borrowerKey(borrowerId);
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: key, ReturnConsumedCapacity: 'TOTAL' }),
    );
    this.options.stats?.recordGet(out);
    if (!out.Item || out.Item.entity !== ENTITY) return null;
    const { [TABLE_KEYS.partitionKey]: _pk, [TABLE_KEYS.sortKey]: _sk, entity: _e, ...data } = out.Item;
    const parsed = borrowerSchema.safeParse(data);
    if (!parsed.success) throw new CorruptItemError(key, describeProblem(parsed.error));
    return parsed.data;
  }

  /** Upserts the profile fields; the stored at-risk date is kept when later than the given one. */
  async putBorrower(b: Borrower): Promise<void> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: borrowerKey(b.borrowerId),
        UpdateExpression:
          'SET entity = :entity, borrowerId = :id, creditScore = :score, locale = :locale, contacts = :contacts, consents = :consents',
        ExpressionAttributeValues: {
          ':entity': ENTITY,
          ':id': b.borrowerId,
          ':score': b.creditScore,
          ':locale': b.locale,
          ':contacts': b.contacts,
          ':consents': b.consents,
        },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    this.options.stats?.recordWrite(out.ConsumedCapacity);
    if (b.lastFailedDebitOn) await this.recordFailedDebit(b.borrowerId, b.lastFailedDebitOn);
  }

  /** Bulk load: replaces whole items (a stored at-risk date is overwritten). For seeding only. */
  async putBorrowers(bs: Borrower[]): Promise<void> {
    await batchPut(
      this.doc,
      this.tableName,
      bs.map((b) => {
        const { lastFailedDebitOn, ...profile } = b;
        return {
          ...profile,
          ...(lastFailedDebitOn ? { lastFailedDebitOn } : {}),
          ...borrowerKey(b.borrowerId),
          entity: ENTITY,
        };
      }),
      this.options.stats,
      this.options.batch,
    );
  }

  async recordFailedDebit(borrowerId: string, on: LocalDate): Promise<void> {
    await conditionalWrite(this.options.stats, () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: borrowerKey(borrowerId),
          UpdateExpression: 'SET lastFailedDebitOn = :on',
          // max(stored, on) without a read: write only when nothing later is stored.
          ConditionExpression:
            'attribute_not_exists(lastFailedDebitOn) OR attribute_type(lastFailedDebitOn, :null) OR lastFailedDebitOn < :on',
          ExpressionAttributeValues: { ':on': on, ':null': 'NULL' },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
  }
}
