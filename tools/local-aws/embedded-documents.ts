/**
 * The embedded store's document client, answered directly: a document command for an item
 * operation is marshalled as the document client marshals it (`@aws-sdk/util-dynamodb` over the
 * command's own key nodes), sent to dynalite in process and its answer unmarshalled the same way,
 * without the SDK's middleware stack (built anew for every call, it cost as much CPU as dynalite).
 * Any other command, a call with options or a callback, and every command while a middleware added
 * later sits on the client's stack (a test's probe, injected faults) take the client's usual path.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { type Exchange, lightRequest, readAnswer } from './embedded-transport';

/** The low-level operation of each document command answered directly. */
const OPERATIONS = new Map<unknown, string>([
  [GetCommand, 'GetItem'],
  [PutCommand, 'PutItem'],
  [UpdateCommand, 'UpdateItem'],
  [DeleteCommand, 'DeleteItem'],
  [QueryCommand, 'Query'],
  [ScanCommand, 'Scan'],
  [BatchGetCommand, 'BatchGetItem'],
  [BatchWriteCommand, 'BatchWriteItem'],
]);

/** lib-dynamodb's map of where attribute values sit in a command's input or output. */
type KeyNodes = Record<string, unknown> | unknown[] | null;
interface DocumentCommand {
  input: Record<string, unknown>;
  inputKeyNodes: KeyNodes;
  outputKeyNodes: KeyNodes;
}

/** Answers `doc`'s item commands through `exchange`, as {@link OPERATIONS} lists them. */
export function sendDocumentsDirectly(doc: DynamoDBDocumentClient, exchange: Exchange): void {
  const translate = doc.config.translateConfig ?? {};
  // The defaults the document client applies to these two options when it marshals.
  const marshallOptions = {
    ...translate.marshallOptions,
    convertTopLevelContainer: translate.marshallOptions?.convertTopLevelContainer ?? true,
  };
  const unmarshallOptions = {
    ...translate.unmarshallOptions,
    convertWithoutMapWrapper: translate.unmarshallOptions?.convertWithoutMapWrapper ?? true,
  };
  const toAttributes = (value: unknown) => marshall(value as Record<string, unknown>, marshallOptions);
  const fromAttributes = (value: unknown) => unmarshall(value as never, unmarshallOptions);

  const added = watchAdditions(doc.middlewareStack);
  const usual = doc.send.bind(doc) as (...args: unknown[]) => Promise<unknown>;
  const direct = async (operation: string, command: DocumentCommand) => {
    const input = processKeysInObj(command.input, toAttributes, command.inputKeyNodes);
    const output = readAnswer(await exchange(lightRequest(operation, input)));
    return processKeysInObj(output, fromAttributes, command.outputKeyNodes);
  };
  doc.send = ((command: { constructor: unknown }, ...rest: unknown[]) => {
    const operation = OPERATIONS.get(command.constructor);
    if (operation === undefined || rest.length > 0 || added.size > 0) return usual(command, ...rest);
    return direct(operation, command as unknown as DocumentCommand);
  }) as DynamoDBDocumentClient['send'];
}

type Stack = DynamoDBDocumentClient['middlewareStack'];

/** The middlewares added to `stack` from now on and not removed since (by reference, with their names). */
function watchAdditions(stack: Stack): Map<unknown, string | undefined> {
  const added = new Map<unknown, string | undefined>();
  const { add, addRelativeTo, remove } = stack;
  stack.add = ((middleware: unknown, options?: { name?: string }) => {
    added.set(middleware, options?.name);
    return add.call(stack, middleware as never, options as never);
  }) as Stack['add'];
  stack.addRelativeTo = ((middleware: unknown, options: { name?: string }) => {
    added.set(middleware, options?.name);
    return addRelativeTo.call(stack, middleware as never, options as never);
  }) as Stack['addRelativeTo'];
  stack.remove = ((toRemove: unknown) => {
    for (const [middleware, name] of added) {
      if (middleware === toRemove || (name !== undefined && name === toRemove)) added.delete(middleware);
    }
    return remove.call(stack, toRemove as never);
  }) as Stack['remove'];
  return added;
}

// What follows walks the key nodes exactly as lib-dynamodb's `marshallInput`/`unmarshallOutput` do
// (@aws-sdk/lib-dynamodb, commands/utils): `null` is the value itself, `{}` every value of a map,
// `[]` every member, `{ '*': nodes }` every entry one level down, other keys the named children.
const NEXT_LEVEL = '*';
type Convert = (value: unknown) => unknown;

function processObj(obj: unknown, convert: Convert, keyNodes: KeyNodes | undefined): unknown {
  if (obj === undefined) return undefined;
  if (keyNodes == null) return convert(obj);
  const keys = Object.keys(keyNodes);
  const goToNextLevel = keys.length === 1 && keys[0] === NEXT_LEVEL;
  if (keys.length >= 1 && !goToNextLevel) return processKeysInObj(obj, convert, keyNodes);
  if (keys.length === 0) return processAllKeysInObj(obj, convert, null);
  const next = (keyNodes as Record<string, KeyNodes>)[NEXT_LEVEL];
  const acc: Record<string, unknown> | unknown[] = Array.isArray(obj) ? [] : {};
  for (const [k, v] of Object.entries(obj ?? {})) {
    if (typeof v !== 'function') (acc as Record<string, unknown>)[k] = processObj(v, convert, next);
  }
  return acc;
}

function processKeysInObj(obj: unknown, convert: Convert, keyNodes: KeyNodes): Record<string, unknown> {
  const source = obj as Record<string, unknown>;
  let acc: Record<string, unknown>;
  if (Array.isArray(obj)) {
    acc = obj.filter((item) => typeof item !== 'function') as unknown as Record<string, unknown>;
  } else {
    acc = {};
    for (const [k, v] of Object.entries(source)) if (typeof v !== 'function') acc[k] = v;
  }
  for (const [nodeKey, nodes] of Object.entries(keyNodes ?? {})) {
    if (typeof source[nodeKey] === 'function') continue;
    const processed = processObj(source[nodeKey], convert, nodes as KeyNodes);
    if (processed !== undefined && typeof processed !== 'function') acc[nodeKey] = processed;
  }
  return acc;
}

function processAllKeysInObj(obj: unknown, convert: Convert, keyNodes: KeyNodes): unknown {
  if (Array.isArray(obj)) {
    return obj
      .filter((item) => typeof item !== 'function')
      .map((item) => processObj(item, convert, keyNodes));
  }
  const acc: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj as Record<string, unknown>)) {
    if (typeof value === 'function') continue;
    const processed = processObj(value, convert, keyNodes);
    if (processed !== undefined && typeof processed !== 'function') acc[key] = processed;
  }
  return acc;
}
