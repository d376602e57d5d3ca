/**
 * Fault injection at the AWS SDK level: middleware on a client's stack, so the real adapters, the
 * SDK's own retries and the use cases all meet the faults as they would meet AWS's.
 *
 * Primary course:
 * 1. `parseFaultSpec` reads a plan (`rate=0.1,crash=0.2,seed=7`, see docs/simulator.md): the share of
 *    attempts faulted per service, the mix of fault kinds, the share of invocations that die.
 * 2. `FaultInjector.attach(client, service)` puts two middlewares on a client: at the top, the crash
 *    switch (counts the invocation's calls; after the k-th call took effect the invocation dies:
 *    {@link InjectedCrashError}, and every later call of that invocation dies too; an invocation
 *    armed beyond its last call dies after that call, before it answers); under the SDK's
 *    retry middleware (added, with no backoff, where a client has none), the faults of one attempt:
 *    throttling, 5xx, a timeout before or after the request took effect, a batch answer with some
 *    entries failed.
 * 3. `invoke(kind, fn)` runs one Lambda invocation (a dispatch, an SQS batch, an intake delivery) in
 *    its own async context: faults and crashes apply inside invocations only (never to loading a
 *    portfolio or reading the final state), and a crashed invocation's stragglers stay dead.
 * Everything is drawn from one seeded PRNG, so a run with the same plan injects the same faults.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ConfiguredRetryStrategy, getRetryPlugin } from '@smithy/core/retry';
import type { Redrives } from '../local-aws';
import { seededRandom } from './portfolio';

const SERVICES = ['dynamodb', 'sns', 'eventbridge', 'sqs'] as const;
type Service = (typeof SERVICES)[number];
const FAULT_KINDS = ['throttle', 'server', 'timeout-before', 'timeout-after', 'partial'] as const;
type FaultKind = (typeof FAULT_KINDS)[number];

interface FaultPlan {
  /** Share of SDK attempts faulted, per service. */
  rates: Record<Service, number>;
  /** Relative weights of the fault kinds (a batch-only kind is skipped for other commands). */
  kinds: Record<FaultKind, number>;
  /** Share of invocations armed to die after a random call. */
  crash: number;
  seed: number;
  /** SDK attempts per call on a faulted client (the SDK default is 3). */
  maxAttempts: number;
}

/** A plan that injects nothing. */
const NO_FAULTS: FaultPlan = {
  rates: { dynamodb: 0, sns: 0, eventbridge: 0, sqs: 0 },
  kinds: { throttle: 1, server: 1, 'timeout-before': 1, 'timeout-after': 1, partial: 1 },
  crash: 0,
  seed: 1,
  maxAttempts: 3,
};

export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
}

/**
 * Reads a fault plan: comma-separated `key=value` pairs. `rate` (all services), `dynamodb`, `sns`,
 * `eventbridge`, `sqs` (one service; 0..1), `kinds` (`throttle/server/timeout-after`, each optionally
 * weighted `throttle:3`; default all five alike), `crash` (0..1), `seed` (integer), `attempts` (1..10).
 *
 * @example
 * parseFaultSpec('rate=0.1,crash=0.2,seed=7');
 * parseFaultSpec('sns=0.3,kinds=partial/timeout-after:2');
 */
export function parseFaultSpec(spec: string): FaultPlan {
  const plan: FaultPlan = structuredClone(NO_FAULTS);
  const share = (key: string, value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !(n >= 0 && n <= 1))
      throw new FaultSpecError(`${key}: expected a number 0..1`);
    return n;
  };
  for (const part of spec.split(',').filter((p) => p.trim() !== '')) {
    const [key = '', value = '', ...extra] = part.split('=').map((s) => s.trim());
    if (extra.length > 0 || !part.includes('=')) throw new FaultSpecError(`${part}: expected key=value`);
    if (key === 'rate') for (const s of SERVICES) plan.rates[s] = share(key, value);
    else if ((SERVICES as readonly string[]).includes(key)) plan.rates[key as Service] = share(key, value);
    else if (key === 'crash') plan.crash = share(key, value);
    else if (key === 'seed' || key === 'attempts') {
      const n = Number(value);
      const [min, max] = key === 'seed' ? [0, 2 ** 32 - 1] : [1, 10];
      if (!Number.isInteger(n) || n < min || n > max)
        throw new FaultSpecError(`${key}: expected an integer ${min}..${max}`);
      if (key === 'seed') plan.seed = n;
      else plan.maxAttempts = n;
    } else if (key === 'kinds') {
      const kinds = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
      for (const item of value.split('/')) {
        const [name = '', weight = '1'] = item.split(':');
        const w = Number(weight);
        if (!(FAULT_KINDS as readonly string[]).includes(name))
          throw new FaultSpecError(`kinds: unknown kind ${name} (expected ${FAULT_KINDS.join(', ')})`);
        if (!(w > 0)) throw new FaultSpecError(`kinds: ${name}: expected a positive weight`);
        kinds[name as FaultKind] = w;
      }
      plan.kinds = kinds;
    } else
      throw new FaultSpecError(
        `${key}: unknown key (expected rate, ${SERVICES.join(', ')}, kinds, crash, seed, attempts)`,
      );
  }
  return plan;
}

/** The plan as a spec string (what `parseFaultSpec` reads back). */
export function formatFaultPlan(plan: FaultPlan): string {
  const rates = SERVICES.map((s) => `${s}=${plan.rates[s]}`);
  const kinds = FAULT_KINDS.filter((k) => plan.kinds[k] > 0).map((k) => `${k}:${plan.kinds[k]}`);
  return [...rates, `kinds=${kinds.join('/')}`, `crash=${plan.crash}`, `seed=${plan.seed}`].join(',');
}

/** The invocation died (a Lambda killed mid-run). Nothing in the code under test should catch it for good. */
export class InjectedCrashError extends Error {
  override name = 'InjectedCrashError';
}

/** One injected fault, as the hooks see it. `input` is the command input as sent (may hold personal data). */
export interface InjectedFault {
  service: Service;
  command: string;
  kind: FaultKind;
  /** The entries answered failed by a partial batch answer. */
  failedEntries?: number;
  /** The command input of the attempt (for a `timeout-after`: what took effect). */
  input: Record<string, unknown>;
}

interface FaultCounts {
  /** Calls (not attempts) made inside invocations, per service. */
  calls: Record<Service, number>;
  injected: Record<Service, Record<FaultKind, number>>;
  /** Calls that met an injected fault and still succeeded (the SDK's retry absorbed it). */
  absorbedBySdkRetry: number;
  /** Calls that failed after the SDK's retries with an injected fault. */
  surfaced: number;
  /** Partial batch answers: entries answered failed. */
  entriesFailed: number;
  /** Per kind of invocation: runs, runs armed to die, runs that died. */
  invocations: Record<string, { runs: number; armed: number; crashed: number }>;
}

interface Invocation {
  kind: string;
  serial: number;
  calls: number;
  /** Die after this call (1-based), if armed. */
  crashAfter: number | null;
  crashed: boolean;
}

/** What a client's stack offers us (the SDK's `MiddlewareStack`, loosely typed). */
interface Stack {
  add(middleware: unknown, options: Record<string, unknown>): void;
  addRelativeTo(middleware: unknown, options: Record<string, unknown>): void;
  identify(): string[];
  use(plugin: unknown): void;
}
type Args = { input: Record<string, unknown> };
type Output = { output: Record<string, unknown> };
type Next = (args: Args) => Promise<Output>;
type Context = { commandName?: string; __faults?: number };

const BATCH_COMMANDS = new Set(['PublishBatchCommand', 'PutEventsCommand', 'SendMessageBatchCommand']);
/** Calls per invocation assumed before any invocation of a kind completed. */
const FIRST_GUESS_CALLS = 20;

export class FaultInjector {
  readonly counts: FaultCounts;
  /** Called for every fault injected (after the counts are updated). */
  onFault?: (fault: InjectedFault) => void;
  /** Called after each invocation (died or not), with faults suspended: to look at what it left behind. */
  afterInvocation?: (kind: string, crashed: boolean) => Promise<void>;
  private readonly random: () => number;
  private readonly context = new AsyncLocalStorage<Invocation>();
  private readonly meanCalls = new Map<string, { total: number; runs: number }>();
  private suspended = 0;
  private invocationSerial = 0;
  private inFlight = false;

  constructor(readonly plan: FaultPlan) {
    this.random = seededRandom(plan.seed);
    const perKind = () => Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
    this.counts = {
      calls: { dynamodb: 0, sns: 0, eventbridge: 0, sqs: 0 },
      injected: { dynamodb: perKind(), sns: perKind(), eventbridge: perKind(), sqs: perKind() },
      absorbedBySdkRetry: 0,
      surfaced: 0,
      entriesFailed: 0,
      invocations: {},
    };
  }

  /** The SDK retry strategy faulted clients use: the plan's attempts, no backoff (simulated time does not wait). */
  retryStrategy(): ConfiguredRetryStrategy {
    return new ConfiguredRetryStrategy(this.plan.maxAttempts, 0);
  }

  /**
   * Puts the crash switch and the fault middleware on `client`. A client whose stack has no retry
   * middleware (the embedded store's light path) gets the SDK's, with {@link retryStrategy}.
   */
  attach(client: { middlewareStack: unknown }, service: Service): void {
    const stack = client.middlewareStack as Stack;
    if (!stack.identify().some((name) => name.startsWith('retryMiddleware'))) {
      const strategy = this.retryStrategy();
      stack.use(
        getRetryPlugin({
          maxAttempts: async () => this.plan.maxAttempts,
          retryStrategy: async () => strategy,
        }),
      );
    }
    stack.add((next: Next, context: Context) => (args: Args) => this.call(service, next, context, args), {
      step: 'initialize',
      priority: 'high',
      name: `faultCrashSwitch-${service}`,
    });
    stack.addRelativeTo(
      (next: Next, context: Context) => (args: Args) => this.attempt(service, next, context, args),
      { relation: 'after', toMiddleware: 'retryMiddleware', name: `faultInjection-${service}` },
    );
  }

  /**
   * Runs one invocation of `kind` in its own context: armed to die with probability `plan.crash`
   * after a call drawn at random among the calls such invocations make. A crash is reported, not
   * thrown; any other error is thrown.
   */
  async invoke<T>(
    kind: string,
    fn: () => Promise<T>,
  ): Promise<{ crashed: true } | { crashed: false; value: T }> {
    this.counts.invocations[kind] ??= { runs: 0, armed: 0, crashed: 0 };
    const stats = this.counts.invocations[kind];
    stats.runs++;
    this.invocationSerial++;
    const mean = this.meanCalls.get(kind);
    const expected = mean ? mean.total / mean.runs : FIRST_GUESS_CALLS;
    const armed = this.plan.crash > 0 && this.random() < this.plan.crash;
    const invocation: Invocation = {
      kind,
      serial: this.invocationSerial,
      calls: 0,
      crashAfter: armed ? 1 + Math.floor(this.random() * Math.max(1, expected)) : null,
      crashed: false,
    };
    if (armed) stats.armed++;
    let value: T | undefined;
    let failure: unknown;
    this.inFlight = true;
    try {
      value = await this.context.run(invocation, fn);
    } catch (error) {
      failure = error;
    }
    this.inFlight = false;
    // Armed beyond its last call: it dies after that call, before it answers.
    if (invocation.crashAfter !== null) invocation.crashed = true;
    const inspect = this.afterInvocation;
    if (inspect) await this.suspend(() => inspect(kind, invocation.crashed));
    if (invocation.crashed) {
      stats.crashed++;
      return { crashed: true };
    }
    const m = this.meanCalls.get(kind) ?? { total: 0, runs: 0 };
    this.meanCalls.set(kind, { total: m.total + invocation.calls, runs: m.runs + 1 });
    if (failure !== undefined) throw failure;
    return { crashed: false, value: value as T };
  }

  /** The number of the invocation running or last run (1-based; 0 before the first). */
  get serial(): number {
    return this.invocationSerial;
  }

  /**
   * The number of the invocation whose async context this is (a call still in flight after its
   * invocation ended included); 0 outside invocations.
   */
  currentSerial(): number {
    return this.context.getStore()?.serial ?? 0;
  }

  /** True while the invocation numbered `serial` runs. */
  running(serial: number): boolean {
    return serial === this.invocationSerial && this.inFlight;
  }

  /** Runs `fn` with no fault and no crash (reading the store to account for a crash, say). */
  async suspend<T>(fn: () => Promise<T>): Promise<T> {
    this.suspended++;
    try {
      return await this.context.exit(fn);
    } finally {
      this.suspended--;
    }
  }

  /** Faults injected, all services and kinds. */
  totalInjected(): number {
    return SERVICES.reduce((n, s) => n + FAULT_KINDS.reduce((m, k) => m + this.counts.injected[s][k], 0), 0);
  }

  private active(): Invocation | undefined {
    return this.suspended > 0 ? undefined : this.context.getStore();
  }

  /** The crash switch: one logical call (the SDK's retries included). */
  private async call(service: Service, next: Next, context: Context, args: Args): Promise<Output> {
    const invocation = this.active();
    if (!invocation) return next(args);
    if (invocation.crashed) throw new InjectedCrashError(`${invocation.kind}: the invocation is dead`);
    invocation.calls++;
    this.counts.calls[service]++;
    context.__faults = 0;
    let result: Output;
    try {
      result = await next(args);
    } catch (error) {
      if (context.__faults > 0 && (error as Error).name !== 'InjectedCrashError') this.counts.surfaced++;
      throw this.dieIfDue(invocation, error);
    }
    if (context.__faults > 0) this.counts.absorbedBySdkRetry++;
    const died = this.dieIfDue(invocation, null);
    if (died) throw died;
    return result;
  }

  /** After the armed call took effect (whatever its answer), the invocation dies. */
  private dieIfDue(invocation: Invocation, error: unknown): unknown {
    if (invocation.crashAfter === null || invocation.calls < invocation.crashAfter) return error;
    invocation.crashed = true;
    return new InjectedCrashError(`${invocation.kind}: died after call ${invocation.calls}`);
  }

  /** One attempt, under the SDK's retry middleware. */
  private async attempt(service: Service, next: Next, context: Context, args: Args): Promise<Output> {
    const invocation = this.active();
    const rate = this.plan.rates[service];
    if (!invocation || rate === 0 || this.random() >= rate) return next(args);
    const command = context.commandName ?? '';
    const kind = this.pickKind(command);
    if (!kind) return next(args);
    context.__faults = (context.__faults ?? 0) + 1;
    this.counts.injected[service][kind]++;
    const fault: InjectedFault = { service, command, kind, input: args.input };
    switch (kind) {
      case 'throttle':
        this.onFault?.(fault);
        throw serviceError(args.input, {
          name: service === 'dynamodb' ? 'ProvisionedThroughputExceededException' : 'ThrottlingException',
          status: 400,
          message: 'Rate exceeded (injected)',
        });
      case 'server':
        this.onFault?.(fault);
        throw serviceError(args.input, {
          name: service === 'dynamodb' ? 'InternalServerError' : 'ServiceUnavailable',
          status: service === 'dynamodb' ? 500 : 503,
          message: 'Internal server error (injected)',
        });
      case 'timeout-before':
        this.onFault?.(fault);
        throw timeoutError(args.input);
      case 'timeout-after':
        await next(args);
        this.onFault?.(fault);
        throw timeoutError(args.input);
      case 'partial':
        return this.partial(fault, next, args);
    }
  }

  private pickKind(command: string): FaultKind | null {
    const kinds = FAULT_KINDS.filter(
      (k) => this.plan.kinds[k] > 0 && (k !== 'partial' || BATCH_COMMANDS.has(command)),
    );
    const total = kinds.reduce((n, k) => n + this.plan.kinds[k], 0);
    if (total === 0) return null;
    let r = this.random() * total;
    for (const k of kinds) {
      r -= this.plan.kinds[k];
      if (r < 0) return k;
    }
    return kinds.at(-1) ?? null;
  }

  /**
   * A batch answer with some entries failed (each with probability 1/2, at least one): only the
   * others are sent on, as the service would have taken only them. Works where the answer is made
   * from the command's input (the simulator's capture, mocks); an already serialized request is not
   * rewritten.
   */
  private async partial(fault: InjectedFault, next: Next, args: Args): Promise<Output> {
    const field = fault.command === 'PublishBatchCommand' ? 'PublishBatchRequestEntries' : 'Entries';
    const entries = (args.input[field] ?? []) as Record<string, unknown>[];
    const failed = new Set<number>();
    for (let i = 0; i < entries.length; i++) if (this.random() < 0.5) failed.add(i);
    if (failed.size === 0 && entries.length > 0) failed.add(Math.floor(this.random() * entries.length));
    this.counts.entriesFailed += failed.size;
    this.onFault?.({ ...fault, failedEntries: failed.size });
    const kept = entries.filter((_, i) => !failed.has(i));
    const sent =
      kept.length > 0
        ? (await next({ ...args, input: { ...args.input, [field]: kept } })).output
        : { $metadata: { httpStatusCode: 200 } };
    const code = fault.service === 'eventbridge' ? 'ThrottlingException' : 'InternalError';
    if (fault.command === 'PutEventsCommand') {
      const answers = [...((sent.Entries ?? []) as Record<string, unknown>[])];
      const all = entries.map((_, i) =>
        failed.has(i) ? { ErrorCode: code, ErrorMessage: 'Rate exceeded (injected)' } : answers.shift(),
      );
      return { output: { ...sent, Entries: all, FailedEntryCount: failed.size } };
    }
    const refused = entries
      .filter((_, i) => failed.has(i))
      .map((e) => ({ Id: e.Id, Code: code, SenderFault: false, Message: 'injected' }));
    return {
      output: { ...sent, Failed: [...((sent.Failed ?? []) as unknown[]), ...refused] },
    };
  }
}

/**
 * An error shaped as the SDK throws a service's: name, `$fault`, `$metadata`. It carries the
 * command input as `$input`, as some SDK and validation errors carry request parameters: a logger
 * that writes an error object whole would leak what the request held, and the tests would see it.
 */
function serviceError(
  input: Record<string, unknown>,
  e: { name: string; status: number; message: string },
): Error {
  return Object.assign(new Error(e.message), {
    name: e.name,
    $fault: e.status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: e.status, attempts: 1 },
    $input: input,
  });
}

/** As the Node HTTP handler's socket timeout: no answer, whether or not the request took effect. */
function timeoutError(input: Record<string, unknown>): Error {
  return Object.assign(new Error('Connection timed out (injected)'), {
    name: 'TimeoutError',
    code: 'ETIMEDOUT',
    $metadata: {},
    $input: input,
  });
}

/** A readable report of what an injector did, and what the simulator re-drove. */
export function formatFaultReport(faults: FaultInjector, redrives?: Redrives): string[] {
  const c = faults.counts;
  const calls = SERVICES.reduce((n, s) => n + c.calls[s], 0);
  const lines = [
    `Faults (${formatFaultPlan(faults.plan)}): ${faults.totalInjected()} injected over ${calls} calls`,
  ];
  for (const service of SERVICES) {
    const kinds = FAULT_KINDS.filter((k) => c.injected[service][k] > 0).map(
      (k) => `${k} ${c.injected[service][k]}`,
    );
    lines.push(
      `  ${service.padEnd(11)} ${String(c.calls[service]).padStart(7)} calls; ${kinds.join(', ') || 'none'}`,
    );
  }
  lines.push(
    `  absorbed by the SDK's retries: ${c.absorbedBySdkRetry} calls; surfaced after them: ${c.surfaced}; batch entries answered failed: ${c.entriesFailed}`,
  );
  const inv = Object.entries(c.invocations).sort(([a], [b]) => a.localeCompare(b));
  lines.push(
    `  invocations: ${inv.map(([k, v]) => `${k} ${v.runs} (armed ${v.armed}, died ${v.crashed})`).join('; ')}`,
  );
  if (redrives) {
    lines.push(
      `  re-driven: dispatch retries ${redrives.dispatchRetries}; SQS redeliveries work ${redrives.redelivered.work}, intake ${redrives.redelivered.intake}; DLQ redriven work ${redrives.dlqRedriven.work}, intake ${redrives.dlqRedriven.intake}, dispatch ${redrives.dlqRedriven.schedules}; dead for good work ${redrives.deadForGood.work}, intake ${redrives.deadForGood.intake}`,
    );
  }
  return lines;
}
