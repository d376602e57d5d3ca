/**
 * An in-process, in-memory DynamoDB (dynalite) with the project's table created: for tests, the
 * simulator and the benchmark. Not for Lambda: dynalite is a development dependency.
 */
import type { RequestListener, Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/wiring/aws-clients';
import { sendDocumentsDirectly } from './embedded-documents';
import { inProcessExchange, inProcessHandler, useLightProtocol } from './embedded-transport';
import { LOCAL_CLIENT, LOCAL_CREDENTIALS, LOCAL_TABLE } from './names';
import { tableDefinition } from './table-definition';

type Dynalite = (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

export interface EmbeddedDynamo {
  /** `http://127.0.0.1:<port>`: give it to other clients (e.g. `createClients({ endpoints })`). */
  endpoint: string;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableName: string;
  stop(): Promise<void>;
}

/** Starts dynalite on a free loopback port and creates the table (with its three job indexes). */
export async function startEmbeddedDynamo(tableName = LOCAL_TABLE): Promise<EmbeddedDynamo> {
  const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const exchange = inProcessExchange(server.listeners('request')[0] as RequestListener);
  const options = {
    ...LOCAL_CLIENT,
    endpoint,
    // The embedded store checks no signature: skip SigV4 hashing, a large share of local CPU time.
    signer: {
      sign: async <T extends { headers: Record<string, string> }>(request: T) => unsignedRequest(request),
    },
    // In process, not over loopback (the server stays up for other clients, on `endpoint`).
    requestHandler: inProcessHandler(exchange),
  };
  // Table management (timestamps in its output) keeps the SDK's full stack; item operations go light.
  const fullStack = new DynamoDBClient(options);
  const client = new DynamoDBClient(options);
  useLightProtocol(client, exchange, fullStack);
  const doc = createDocumentClient(client);
  sendDocumentsDirectly(doc, exchange);
  await client.send(new CreateTableCommand(tableDefinition(tableName)));
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return {
    endpoint,
    client,
    doc,
    tableName,
    stop: async () => {
      client.destroy();
      fullStack.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/** A request marked as signed for a store that only checks the header is there. */
function unsignedRequest<T extends { headers: Record<string, string> }>(request: T): T {
  request.headers['x-amz-date'] = '20260101T000000Z';
  request.headers.authorization = `AWS4-HMAC-SHA256 Credential=${LOCAL_CREDENTIALS.accessKeyId}/local, SignedHeaders=host, Signature=0`;
  return request;
}
