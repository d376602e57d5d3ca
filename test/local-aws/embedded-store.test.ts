/**
 * The embedded store's in-process paths (light protocol, document commands answered directly)
 * against the SDK's full stack over HTTP to the same dynalite: same outputs, same errors.
 */
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import * as lib from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/wiring/aws-clients';
import { JOB_INDEXES } from '../../shared/table-layout';
import { type EmbeddedDynamo, LOCAL_CLIENT, startEmbeddedDynamo } from '../../tools/local-aws';
import { uniqueId } from '../adapters/fixtures';

let dynamo: EmbeddedDynamo;
let overHttp: DynamoDBClient;
let docOverHttp: lib.DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  overHttp = new DynamoDBClient({
    ...LOCAL_CLIENT,
    endpoint: dynamo.endpoint,
  });
  docOverHttp = createDocumentClient(overHttp);
});
afterAll(async () => {
  overHttp.destroy();
  await dynamo.stop();
});

/** An answer without what differs from call to call (the request id). */
const comparable = (output: unknown) => {
  const { $metadata, ...rest } = output as { $metadata: Record<string, unknown> };
  return { ...rest, $metadata: { ...$metadata, requestId: typeof $metadata.requestId } };
};

/** The same command through both clients (the in-process one first): both outcomes. */
async function both(send: (doc: lib.DynamoDBDocumentClient) => Promise<unknown>) {
  const settle = (p: Promise<unknown>) =>
    p.then(
      (value) => ({ ok: true as const, value: comparable(value) }),
      (error: Error & { $fault?: string }) => ({
        ok: false as const,
        name: error.name,
        message: error.message,
        fault: error.$fault,
      }),
    );
  const inProcess = await settle(send(dynamo.doc));
  const http = await settle(send(docOverHttp));
  return { inProcess, http };
}

describe('the embedded store in process', () => {
  it('answers document commands as the SDK does over HTTP', async () => {
    // Prepare
    const TableName = dynamo.tableName;
    const PK = uniqueId('LOAN#');
    const item = {
      PK,
      SK: 'INST#1',
      amount: 1234,
      ratio: 0.05,
      tags: new Set(['a', 'b']),
      counts: new Set([1, 2]),
      blob: new Uint8Array([0, 1, 250]),
      nested: { list: [1, 'two', null, true], empty: {} },
      gone: undefined,
      [JOB_INDEXES.aging.partitionKey]: `${PK}#aging`,
      [JOB_INDEXES.aging.sortKey]: '0001',
    };
    const steps: ((doc: lib.DynamoDBDocumentClient) => Promise<unknown>)[] = [
      (doc) => doc.send(new lib.PutCommand({ TableName, Item: item, ReturnConsumedCapacity: 'TOTAL' })),
      (doc) =>
        doc.send(
          new lib.PutCommand({
            TableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(PK)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      (doc) => doc.send(new lib.GetCommand({ TableName, Key: { PK, SK: 'INST#1' }, ConsistentRead: true })),
      (doc) => doc.send(new lib.GetCommand({ TableName, Key: { PK, SK: 'INST#none' } })),
      (doc) =>
        doc.send(
          new lib.UpdateCommand({
            TableName,
            Key: { PK, SK: 'INST#1' },
            UpdateExpression: 'SET amount = :n',
            ExpressionAttributeValues: { ':n': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      (doc) =>
        doc.send(
          new lib.BatchWriteCommand({
            RequestItems: {
              [TableName]: [2, 3, 4].map((n) => ({ PutRequest: { Item: { ...item, SK: `INST#${n}` } } })),
            },
          }),
        ),
      (doc) =>
        doc.send(
          new lib.QueryCommand({
            TableName,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': PK },
            Limit: 2,
            ReturnConsumedCapacity: 'TOTAL',
          }),
        ),
      (doc) =>
        doc.send(
          new lib.QueryCommand({
            TableName,
            IndexName: JOB_INDEXES.aging.indexName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': JOB_INDEXES.aging.partitionKey },
            ExpressionAttributeValues: { ':pk': `${PK}#aging` },
          }),
        ),
      (doc) =>
        doc.send(
          new lib.BatchGetCommand({
            RequestItems: {
              [TableName]: {
                Keys: [
                  { PK, SK: 'INST#2' },
                  { PK, SK: 'INST#9' },
                ],
              },
            },
          }),
        ),
      (doc) =>
        doc.send(
          new lib.ScanCommand({
            TableName,
            FilterExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': PK },
          }),
        ),
      (doc) => doc.send(new lib.QueryCommand({ TableName, KeyConditionExpression: 'PK = ' })),
      (doc) =>
        doc.send(
          new lib.DeleteCommand({
            TableName,
            Key: { PK, SK: 'INST#4' },
            ConditionExpression: 'amount = :other',
            ExpressionAttributeValues: { ':other': -1 },
          }),
        ),
      (doc) =>
        doc.send(new lib.DeleteCommand({ TableName, Key: { PK, SK: 'INST#none' }, ReturnValues: 'ALL_OLD' })),
    ];

    // Act
    const outcomes = [];
    for (const step of steps) outcomes.push(await both(step));

    // Assess
    for (const { inProcess, http } of outcomes) expect(inProcess).toEqual(http);
    expect(outcomes.map(({ inProcess }) => (inProcess.ok ? 'ok' : inProcess.name))).toEqual([
      'ok',
      'ConditionalCheckFailedException',
      ...Array(8).fill('ok'),
      'ValidationException',
      'ConditionalCheckFailedException',
      'ok',
    ]);
  });

  it('answers low-level commands as the SDK does over HTTP, table management included', async () => {
    // Prepare
    const TableName = dynamo.tableName;
    const Key = { PK: { S: uniqueId('LOAN#') }, SK: { S: 'INST#1' } };
    await dynamo.client.send(new PutItemCommand({ TableName, Item: { ...Key, n: { N: '1.50' } } }));

    // Act
    const got = await dynamo.client.send(new GetItemCommand({ TableName, Key }));
    const gotOverHttp = await overHttp.send(new GetItemCommand({ TableName, Key }));
    const table = await dynamo.client.send(new DescribeTableCommand({ TableName }));

    // Assess
    expect(comparable(got)).toEqual(comparable(gotOverHttp));
    expect(table.Table?.CreationDateTime).toBeInstanceOf(Date);
  });
});
