/** The dispatch log on DynamoDB: the last day each job was dispatched for (one small item per job). */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Job } from '../../../shared/table-layout';
import type { DispatchLog } from '../../ports';
import { conditionalWrite } from './common';
import { dispatchLogKey } from './keys';

export class DynamoDispatchLog implements DispatchLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async lastDispatched(job: Job): Promise<string | null> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: dispatchLogKey(job), ConsistentRead: true }),
    );
    return typeof Item?.lastDay === 'string' ? Item.lastDay : null;
  }

  async markDispatched(job: Job, day: string): Promise<void> {
    await conditionalWrite(undefined, () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: dispatchLogKey(job),
          UpdateExpression: 'SET lastDay = :day',
          ConditionExpression: 'attribute_not_exists(lastDay) OR lastDay < :day',
          ExpressionAttributeValues: { ':day': day },
        }),
      ),
    );
  }
}
