/**
 * The embedded store's client, in process: requests go straight to dynalite's request listener as
 * lightweight request/response objects (no socket, no HTTP parsing), and item operations skip the
 * SDK's schema serde, retries, user agent and signing, which cost more CPU than dynalite itself.
 * Dynalite still receives the same JSON body and target header, and validates and answers them as
 * over HTTP; the document client's marshalling runs unchanged on both sides.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import * as dynamodb from '@aws-sdk/client-dynamodb';

/** The part of the SDK's `HttpRequest` this transport reads. */
interface OutgoingRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/** The response as the SDK's `HttpResponse` duck-types it (`statusCode` and `headers`). */
interface IncomingResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * A Smithy `HttpHandler` that hands each request to `listener` (dynalite's) in process. Give it to
 * a client as `requestHandler`.
 */
export function inProcessHandler(listener: RequestListener) {
  return {
    metadata: { handlerProtocol: 'in-process' },
    handle: (request: OutgoingRequest): Promise<{ response: IncomingResponse }> =>
      new Promise((resolve, reject) => {
        const req = fakeRequest(request);
        const res = new FakeResponse((response) => resolve({ response }));
        try {
          listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
          const body = bodyBytes(request.body);
          if (body.length > 0) req.emit('data', body);
          req.emit('end');
        } catch (error) {
          reject(error);
        }
      }),
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  };
}

function fakeRequest(request: OutgoingRequest): EventEmitter {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) query.append(name, v ?? '');
  }
  const search = query.size > 0 ? `?${query}` : '';
  return Object.assign(new EventEmitter(), {
    method: request.method,
    url: `${request.path}${search}`,
    headers,
  });
}

function bodyBytes(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('the in-process transport takes string or byte bodies only');
}

/** What dynalite calls on a response: headers, a status, one `end` with the whole body. */
class FakeResponse {
  statusCode = 200;
  private readonly headers: Record<string, string> = {};
  constructor(private readonly done: (response: IncomingResponse) => void) {}
  setHeader(name: string, value: string | number): void {
    this.headers[name.toLowerCase()] = String(value);
  }
  getHeader(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }
  end(body?: string | Uint8Array): void {
    const bytes =
      body === undefined ? new Uint8Array() : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    this.done({ statusCode: this.statusCode, headers: this.headers, body: bytes });
  }
}

/**
 * Operations whose input and output are plain JSON of attribute values (no timestamps): these take
 * the light path. Any other command goes through `fallback`, a client with the SDK's full stack.
 */
const LIGHT_OPERATIONS = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
]);

/** Middlewares a local, unsigned, never-throttled store has no use for on the light path. */
const TRANSPORT_MIDDLEWARES = [
  'contentLengthMiddleware',
  'getUserAgentMiddleware',
  'hostHeaderMiddleware',
  'recursionDetectionMiddleware',
  'retryMiddleware',
  'httpSigningMiddleware',
];

type Stack = dynamodb.DynamoDBClient['middlewareStack'];
type Send = (request: OutgoingRequest) => Promise<{ response: IncomingResponse }>;

/**
 * Puts `client` on the light path: its serializer writes the (already marshalled) input as JSON and
 * hands it to `send`, its deserializer reads dynalite's JSON answer back, throwing the SDK's
 * exception classes (by `__type`) for errors. Commands outside {@link LIGHT_OPERATIONS} are sent
 * through `fallback`.
 */
export function useLightProtocol(
  client: { middlewareStack: Stack },
  send: Send,
  fallback: dynamodb.DynamoDBClient,
) {
  const stack = client.middlewareStack;
  for (const name of TRANSPORT_MIDDLEWARES) stack.remove(name);
  stack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      if (!LIGHT_OPERATIONS.has(operation)) {
        const Command = (
          dynamodb as unknown as Record<string, new (input: unknown) => dynamodb.GetItemCommand>
        )[`${operation}Command`];
        if (!Command) throw new Error(`the embedded store does not know the command ${context.commandName}`);
        return { output: (await fallback.send(new Command(args.input))) as never, response: {} };
      }
      const request = {
        method: 'POST',
        protocol: 'http:',
        hostname: 'embedded',
        path: '/',
        query: {},
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${operation}`,
          'x-amz-date': '20260101T000000Z',
          authorization: 'AWS4-HMAC-SHA256 Credential=local/local, SignedHeaders=host, Signature=0',
        },
        body: JSON.stringify(args.input, bytesAsBase64),
      };
      return next({ ...args, request });
    },
    { name: 'serializerMiddleware', step: 'serialize', override: true },
  );
  stack.add(
    () => async (args) => {
      const { response } = await send(args.request as OutgoingRequest);
      const text = Buffer.from(response.body).toString('utf8');
      const data = (text ? JSON.parse(text, /"BS?":/.test(text) ? base64AsBytes : undefined) : {}) as Record<
        string,
        unknown
      >;
      const $metadata = {
        httpStatusCode: response.statusCode,
        requestId: response.headers['x-amzn-requestid'],
        extendedRequestId: undefined,
        cfId: undefined,
        attempts: 1,
        totalRetryDelay: 0,
      };
      if (response.statusCode >= 300) throw serviceError(data, response.statusCode, $metadata);
      return { response, output: { ...data, $metadata } as never };
    },
    { name: 'deserializerMiddleware', step: 'deserialize', override: true },
  );
}

/** Binary attribute values (`B`, `BS`) travel as base64, as the SDK's serializer writes them. */
function bytesAsBase64(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return value;
}

/** ... and come back as bytes. */
function base64AsBytes(key: string, value: unknown): unknown {
  if (key === 'B' && typeof value === 'string') return toBytes(value);
  if (key === 'BS' && Array.isArray(value) && value.every((v) => typeof v === 'string'))
    return value.map(toBytes);
  return value;
}
const toBytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));

type ServiceExceptionClass = new (
  options: Record<string, unknown>,
) => dynamodb.DynamoDBServiceException & Record<string, unknown>;

/** Dynalite's error answer as the SDK would throw it: its exception class, `message`, extra fields. */
function serviceError(
  data: Record<string, unknown>,
  statusCode: number,
  $metadata: Record<string, unknown>,
): dynamodb.DynamoDBServiceException {
  const name = String(data.__type ?? 'UnknownError')
    .split('#')
    .at(-1) as string;
  const message = String(data.message ?? data.Message ?? 'UnknownError');
  const $fault = statusCode < 500 ? 'client' : 'server';
  const Known = (dynamodb as unknown as Record<string, unknown>)[name];
  const error =
    typeof Known === 'function' && Known.prototype instanceof dynamodb.DynamoDBServiceException
      ? new (Known as ServiceExceptionClass)({ $metadata, message })
      : (new dynamodb.DynamoDBServiceException({
          name,
          $fault,
          $metadata,
          message,
        }) as dynamodb.DynamoDBServiceException & Record<string, unknown>);
  Object.assign(error, { $fault, $metadata });
  for (const [key, value] of Object.entries(data)) {
    if (key === '__type' || key === 'message' || key === 'Message' || value === undefined) continue;
    if (error[key] === undefined || error[key] === '') error[key] = value;
  }
  error.message = message;
  return error;
}
