/**
 * The embedded store's client, in process: requests go straight to dynalite's request listener as
 * lightweight request/response objects (no socket, no HTTP parsing), and item operations skip the
 * SDK's schema serde, retries, user agent and signing, which cost more CPU than dynalite itself.
 * Dynalite still receives the same JSON body and target header, and validates and answers them as
 * over HTTP. Table management keeps the SDK's full stack (its output has timestamps to parse).
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

/** Dynalite's answer to one request: status, headers and the JSON text of its body. */
export interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  text: string;
}

/** Hands one request to dynalite's request listener, in process. */
export type Exchange = (request: OutgoingRequest) => Promise<Answer>;

/** An {@link Exchange} with `listener` (dynalite's): fake request and response objects, no socket. */
export function inProcessExchange(listener: RequestListener): Exchange {
  return (request) =>
    new Promise((resolve, reject) => {
      const req = fakeRequest(request);
      const res = new FakeResponse(resolve);
      try {
        listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
        const body = bodyBytes(request.body);
        if (body.length > 0) req.emit('data', body);
        req.emit('end');
      } catch (error) {
        reject(error);
      }
    });
}

/** A Smithy `HttpHandler` over an {@link Exchange}: give it to a client as `requestHandler`. */
export function inProcessHandler(exchange: Exchange) {
  return {
    metadata: { handlerProtocol: 'in-process' },
    handle: async (request: OutgoingRequest): Promise<{ response: IncomingResponse }> => {
      const { statusCode, headers, text } = await exchange(request);
      return { response: { statusCode, headers, body: Buffer.from(text, 'utf8') } };
    },
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

/** Below this many characters a text body cannot reach dynalite's 16 MB request limit in UTF-8. */
const SAFE_TEXT_LENGTH = Math.floor((16 * 1024 * 1024) / 3);

/**
 * The body as dynalite's request listener takes it: bytes, or a short text as is (dynalite only
 * gathers the chunks and reads them back as text, so one text chunk skips an encode and a decode).
 */
function bodyBytes(body: unknown): Buffer | string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body.length < SAFE_TEXT_LENGTH ? body : Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('the in-process transport takes string or byte bodies only');
}

/** What dynalite calls on a response: headers, a status, one `end` with the whole body. */
class FakeResponse {
  statusCode = 200;
  private readonly headers: Record<string, string> = {};
  constructor(private readonly done: (answer: Answer) => void) {}
  setHeader(name: string, value: string | number): void {
    this.headers[name.toLowerCase()] = String(value);
  }
  getHeader(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }
  end(body?: string | Uint8Array): void {
    const text =
      body === undefined ? '' : typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    this.done({ statusCode: this.statusCode, headers: this.headers, text });
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
  'httpAuthSchemeMiddleware',
  'httpSigningMiddleware',
];

type Stack = dynamodb.DynamoDBClient['middlewareStack'];

/**
 * Puts `client` on the light path: its serializer writes the (already marshalled) input as JSON and
 * hands it to `exchange`, its deserializer reads dynalite's JSON answer back, throwing the SDK's
 * exception classes (by `__type`) for errors. Commands outside {@link LIGHT_OPERATIONS} are sent
 * through `fallback`.
 */
export function useLightProtocol(
  client: { middlewareStack: Stack },
  exchange: Exchange,
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
      const request = lightRequest(operation, args.input);
      return next({ ...args, request });
    },
    { name: 'serializerMiddleware', step: 'serialize', override: true },
  );
  stack.add(
    () => async (args) => {
      const response = await exchange(args.request as OutgoingRequest);
      return { response, output: readAnswer(response) as never };
    },
    { name: 'deserializerMiddleware', step: 'deserialize', override: true },
  );
}

/** The request of a light operation: its (marshalled) input as JSON, marked as signed. */
export function lightRequest(operation: string, input: unknown): OutgoingRequest & Record<string, unknown> {
  return {
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
    body: toJson(input),
  };
}

/** The output of dynalite's answer (attribute values as sent) with `$metadata`; an error answer throws. */
export function readAnswer(answer: Answer): Record<string, unknown> {
  const data = fromJson(answer.text);
  const $metadata = {
    httpStatusCode: answer.statusCode,
    requestId: answer.headers['x-amzn-requestid'],
    extendedRequestId: undefined,
    cfId: undefined,
    attempts: 1,
    totalRetryDelay: 0,
  };
  if (answer.statusCode >= 300) throw serviceError(data, answer.statusCode, $metadata);
  data.$metadata = $metadata;
  return data;
}

/**
 * JSON of a marshalled input. Binary attribute values (`B`, `BS`) travel as base64, as the SDK's
 * serializer writes them: a replacer is slow, so only when the plain text shows bytes (`{"0":..}`).
 */
function toJson(input: unknown): string {
  const text = JSON.stringify(input);
  return text.includes('"B":{') || text.includes('"BS":[') ? JSON.stringify(input, bytesAsBase64) : text;
}

/** The output of a JSON answer, binary attribute values back as bytes. */
function fromJson(text: string): Record<string, unknown> {
  if (!text) return {};
  const binary = text.includes('"B":"') || text.includes('"BS":[');
  return JSON.parse(text, binary ? base64AsBytes : undefined) as Record<string, unknown>;
}

function bytesAsBase64(_key: string, value: unknown): unknown {
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
