import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_INDEXES, JOBS } from '../../shared/table-layout';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../support/dynalite';

let dynamo: EmbeddedDynamo;
beforeAll(async () => {
  dynamo = await startEmbeddedDynamo('layout-check');
});
afterAll(async () => dynamo.stop());

describe('table definition', () => {
  it('creates the table on demand with one sparse GSI per job, projecting all attributes', async () => {
    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: 'layout-check' }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ]);
    const indexes = Table?.GlobalSecondaryIndexes ?? [];
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(JOBS.map((j) => JOB_INDEXES[j].indexName).sort());
    for (const job of JOBS) {
      const index = indexes.find((i) => i.IndexName === JOB_INDEXES[job].indexName);
      expect(index?.Projection?.ProjectionType).toBe('ALL');
      expect(index?.KeySchema?.map((k) => k.AttributeName)).toEqual([
        JOB_INDEXES[job].partitionKey,
        JOB_INDEXES[job].sortKey,
      ]);
    }
  });
});
