/**
 * The table as a CreateTable input: what the embedded store of tests, the simulator and the benchmark
 * create. The CDK stack builds the same layout from `shared/table-layout.ts`.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { JOB_INDEXES, JOBS, TABLE_KEYS } from '../../shared/table-layout';

/** CreateTable input for `tableName`: string keys, one sparse GSI per job (ProjectionType ALL), on-demand. */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const indexKeys = JOBS.flatMap((job) => [JOB_INDEXES[job].partitionKey, JOB_INDEXES[job].sortKey]);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, ...indexKeys].map((name) => ({
      AttributeName: name,
      AttributeType: 'S',
    })),
    GlobalSecondaryIndexes: JOBS.map((job) => ({
      IndexName: JOB_INDEXES[job].indexName,
      KeySchema: [
        { AttributeName: JOB_INDEXES[job].partitionKey, KeyType: 'HASH' },
        { AttributeName: JOB_INDEXES[job].sortKey, KeyType: 'RANGE' },
      ],
      // ALL: a job reads whole installments from its index, with no follow-up GetItem per item.
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}
