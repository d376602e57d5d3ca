/**
 * The soak comparison: the same synthetic portfolio simulated twice, clean and with faults, and what
 * a consumer saw compared.
 *
 * Primary course:
 * 1. Generate the portfolio (seeded) and prepare it as a scenario.
 * 2. Run it clean, then with the fault plan (SDK faults, crashed invocations, re-drives: see
 *    docs/simulator.md), recording every SNS message and EventBridge event as delivered, repeats
 *    included, and every final installment state.
 * 3. In the faulted run, account for each repeat the at-least-once window explains: the entries of a
 *    publish answered with a timeout after it took effect (the SDK sends them again), and the parts
 *    an invocation published and still left on their items when it ended (checked in the store right
 *    after it: it died, or the removal write failed after the publish; a later run publishes them
 *    again).
 * 4. Compare: notifications (loanId, seq, kind, occurrence, channels), events (detailType and
 *    occurrence identity), final states. Lost: in the clean run only; extra or different: mismatches;
 *    a repeat no injected fault explains: a duplicate.
 */
import { performance } from 'node:perf_hooks';
import type { Installment } from '../../shared/rules/types';
import { FaultInjector, type InjectedFault, parseFaultSpec } from './faults';
import { generatePortfolio, type PortfolioArgs } from './portfolio';
import { readDefaultConfig } from './sim/config';
import { type Delivery, type Redrives, runPrepared } from './sim/run';
import { prepareScenario } from './sim/scenario';
import type { TimelineRecord } from './sim/timeline';

export interface SoakOptions extends PortfolioArgs {
  /** The fault plan of the faulted run (docs/simulator.md). */
  faults: string;
}

export const DEFAULT_SOAK: SoakOptions = {
  borrowers: 1000,
  days: 90,
  seed: 42,
  start: '2026-12-01',
  faults: 'rate=0.1,crash=0.2,seed=42',
};

/** What one run delivered and left. */
interface Observed {
  /** Deliveries per message (loanId|seq|kind|occurrence|channel). */
  messages: Map<string, number>;
  /** Deliveries per event (detailType|loanId|seq|occurrence). */
  events: Map<string, number>;
  /** Final record per installment, as JSON. */
  finals: Map<string, string>;
  /** Repeats the at-least-once window explains, per message or event key. */
  explained: Map<string, number>;
  /** Per key: the invocations that delivered it and what explained a repeat (for the report's traces). */
  history: Map<string, string[]>;
  /** Deliveries by a call still in flight when its invocation had ended (work going on after a crash). */
  lateDeliveries: number;
  /** Per invocation: its kind, the faults injected in it (non-DynamoDB read faults), how it ended. */
  invocations: Map<number, string[]>;
  wallMs: number;
  redrives: Redrives;
}

interface Comparison {
  compared: number;
  lost: string[];
  extra: string[];
  /** Occurrences delivered on other channels than in the clean run. */
  different: string[];
}

interface SoakReport {
  options: SoakOptions;
  clean: { wallMs: number; duplicates: number };
  faulted: {
    wallMs: number;
    injector: FaultInjector;
    redrives: Redrives;
    /** Consumer-visible repeats explained by the at-least-once window (timeout after effect, crash after publish). */
    atLeastOnceRepeats: { messages: number; events: number };
    /** Repeats nothing injected explains: the system sent an occurrence twice. */
    duplicates: string[];
    /** Deliveries made by a call still in flight after its invocation had ended. */
    lateDeliveries: number;
    /** For each duplicate: which invocations delivered it, what they met, how they ended. */
    traces: string[];
  };
  notifications: Comparison;
  events: Comparison;
  finals: { compared: number; mismatched: string[] };
  /** True when nothing was lost, nothing mismatched and nothing duplicated. */
  ok: boolean;
}

const messageKey = (b: Record<string, unknown>) =>
  [b.loanId, b.seq, b.kind, b.occurrence, b.channel].map(String).join('|');
const eventKey = (detailType: string, d: Record<string, unknown>) =>
  [detailType, d.loanId, d.seq, d.occurrence].map(String).join('|');
const bump = (map: Map<string, number>, key: string, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

/**
 * Runs the comparison.
 *
 * @example
 * const report = await runSoak({ ...DEFAULT_SOAK, borrowers: 100, days: 40 });
 * if (!report.ok) process.exitCode = 1;
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const plan = parseFaultSpec(options.faults);
  const scenario = generatePortfolio({
    seed: options.seed,
    borrowers: options.borrowers,
    days: options.days,
    start: options.start,
  });
  const prepared = prepareScenario(scenario, readDefaultConfig());
  if (!prepared.ok)
    throw new Error(`the synthetic portfolio is not a valid scenario: ${prepared.problems[0]?.message}`);
  const clean = await observe(prepared.prepared);
  const injector = new FaultInjector(plan);
  const faulted = await observe(prepared.prepared, injector);

  const repeats = (o: Observed) => {
    let explained = 0;
    const unexplained: string[] = [];
    for (const [key, n] of [...o.messages, ...o.events]) {
      const extra = n - 1;
      if (extra <= 0) continue;
      const covered = Math.min(extra, o.explained.get(key) ?? 0);
      explained += covered;
      for (let i = covered; i < extra; i++) unexplained.push(key);
    }
    return { explained, unexplained };
  };
  const faultedRepeats = repeats(faulted);
  const explainedMessages = [...faulted.messages].reduce(
    (n, [key, count]) => n + Math.min(Math.max(0, count - 1), faulted.explained.get(key) ?? 0),
    0,
  );
  const notifications = compareSets(notificationSet(clean.messages), notificationSet(faulted.messages));
  const events = compareSets(keySet(clean.events), keySet(faulted.events));
  const mismatched = [...new Set([...clean.finals.keys(), ...faulted.finals.keys()])].filter(
    (k) => clean.finals.get(k) !== faulted.finals.get(k),
  );
  const report: SoakReport = {
    options,
    clean: { wallMs: clean.wallMs, duplicates: repeats(clean).unexplained.length },
    faulted: {
      wallMs: faulted.wallMs,
      injector,
      redrives: faulted.redrives,
      atLeastOnceRepeats: {
        messages: explainedMessages,
        events: faultedRepeats.explained - explainedMessages,
      },
      duplicates: faultedRepeats.unexplained,
      lateDeliveries: faulted.lateDeliveries,
      traces: [...new Set(faultedRepeats.unexplained)].map((key) => trace(faulted, key)),
    },
    notifications,
    events,
    finals: { compared: clean.finals.size, mismatched },
    ok: false,
  };
  report.ok =
    report.clean.duplicates === 0 &&
    report.faulted.duplicates.length === 0 &&
    [notifications, events].every((c) => c.lost.length + c.extra.length + c.different.length === 0) &&
    mismatched.length === 0;
  return report;
}

async function observe(
  prepared: Parameters<typeof runPrepared>[0],
  injector?: FaultInjector,
): Promise<Observed> {
  const began = performance.now();
  const observed: Omit<Observed, 'wallMs' | 'redrives' | 'lateDeliveries'> = {
    messages: new Map(),
    events: new Map(),
    finals: new Map(),
    explained: new Map(),
    history: new Map(),
    invocations: new Map(),
  };
  const note = (map: Map<number, string[]> | Map<string, string[]>, key: never, line: string) =>
    (map as Map<unknown, string[]>).set(key, [...((map as Map<unknown, string[]>).get(key) ?? []), line]);
  /** Deliveries of the invocation running now: what a crash may leave on the items. */
  let current: { serial: number; deliveries: Delivery[] } = { serial: -1, deliveries: [] };
  let lateDeliveries = 0;
  const onDelivery = (d: Delivery) => {
    const key = d.kind === 'message' ? messageKey(d.body) : eventKey(d.detailType, d.detail);
    bump(d.kind === 'message' ? observed.messages : observed.events, key);
    if (!injector) return;
    // The invocation whose call delivered it (its async context), even if it ended meanwhile.
    const serial = injector.currentSerial();
    note(observed.history, key as never, `delivered by #${serial}`);
    if (!injector.running(serial)) {
      lateDeliveries++;
      note(observed.history, key as never, `  (#${serial} had ended: a call still in flight)`);
      return;
    }
    if (current.serial !== serial) current = { serial, deliveries: [] };
    current.deliveries.push(d);
  };
  const onRecord = (record: TimelineRecord) => {
    if (record.type === 'final')
      observed.finals.set(`${record.loanId}|${record.seq}`, JSON.stringify(record));
  };
  if (injector) {
    injector.onFault = (fault) => {
      if (fault.service !== 'dynamodb' || !/^(Get|Query)/.test(fault.command))
        note(
          observed.invocations,
          injector.serial as never,
          `${fault.service} ${fault.command} ${fault.kind}`,
        );
      for (const key of publishedKeys(fault)) {
        bump(observed.explained, key);
        note(observed.history, key as never, `#${injector.serial}: timeout after the publish took effect`);
      }
    };
    // Whatever ended the invocation (a crash, a removal write that failed after the publish, repeated
    // concurrent writes), what it published and left on the items is published again by a later run.
    injector.afterInvocation = async (kind, crashed) => {
      note(observed.invocations, injector.serial as never, `${kind} ${crashed ? 'died' : 'ended'}`);
      if (current.serial !== injector.serial) return;
      for (const key of await stillHeld(current.deliveries)) {
        bump(observed.explained, key);
        note(observed.history, key as never, `#${injector.serial}: ended with it published and still held`);
      }
    };
  }
  const { redrives } = await runPrepared(prepared, {
    keepTimeline: false,
    onRecord,
    onDelivery,
    ...(injector ? { faults: injector } : {}),
  });
  return { ...observed, redrives, lateDeliveries, wallMs: performance.now() - began };
}

/** A duplicate's history: its deliveries and explanations, and what each invocation involved met. */
function trace(o: Observed, key: string): string {
  const lines = o.history.get(key) ?? [];
  const serials = [...new Set(lines.flatMap((l) => /#(\d+)/.exec(l)?.[1] ?? []))].map(Number);
  return [
    key,
    ...lines.map((l) => `  ${l}`),
    ...serials.map((n) => `  #${n}: ${(o.invocations.get(n) ?? []).join('; ')}`),
  ].join('\n');
}

/** The keys of what a publish answered with a timeout after it took effect delivered (the SDK sends it again). */
function publishedKeys(fault: InjectedFault): string[] {
  if (fault.kind !== 'timeout-after') return [];
  if (fault.command === 'PublishBatchCommand') {
    const entries = (fault.input.PublishBatchRequestEntries ?? []) as { Message?: string }[];
    return entries.map((e) => messageKey(JSON.parse(e.Message ?? '{}')));
  }
  if (fault.command === 'PutEventsCommand') {
    const entries = (fault.input.Entries ?? []) as { DetailType?: string; Detail?: string }[];
    return entries.map((e) => eventKey(e.DetailType ?? '', JSON.parse(e.Detail ?? '{}')));
  }
  return [];
}

/**
 * The deliveries of an invocation whose outbox part is still on its item when it ended: published,
 * not removed, so a later run publishes them again (the at-least-once window).
 */
async function stillHeld(deliveries: Delivery[]): Promise<string[]> {
  const { getRuntime } = await import('../../functions/wiring/runtime');
  const { deps } = getRuntime();
  const items = new Map<string, Installment | null>();
  const held: string[] = [];
  for (const d of deliveries) {
    const body = d.kind === 'message' ? d.body : d.detail;
    const id = `${body.loanId}|${body.seq}`;
    if (!items.has(id))
      items.set(id, await deps.installments.getInstallment(String(body.loanId), String(body.seq)));
    const outbox = items.get(id)?.outbox ?? [];
    const found =
      d.kind === 'message'
        ? outbox.some((e) =>
            e.messages.some(
              (m) =>
                m.kind === d.body.kind && m.occurrence === d.body.occurrence && m.channel === d.body.channel,
            ),
          )
        : outbox.some((e) =>
            e.events.some((ev) => ev.detailType === d.detailType && ev.occurrence === d.detail.occurrence),
          );
    if (found) held.push(d.kind === 'message' ? messageKey(d.body) : eventKey(d.detailType, d.detail));
  }
  return held;
}

/** Notifications as occurrences with their channels: `loanId|seq|kind|occurrence` -> `push,sms`. */
function notificationSet(messages: Map<string, number>): Map<string, string> {
  const channels = new Map<string, string[]>();
  for (const key of messages.keys()) {
    const parts = key.split('|');
    const occurrence = parts.slice(0, 4).join('|');
    channels.set(occurrence, [...(channels.get(occurrence) ?? []), parts[4] as string]);
  }
  return new Map([...channels].map(([k, v]) => [k, v.sort().join(',')]));
}

const keySet = (counts: Map<string, number>) => new Map([...counts.keys()].map((k) => [k, '']));

function compareSets(clean: Map<string, string>, faulted: Map<string, string>): Comparison {
  const lost = [...clean.keys()].filter((k) => !faulted.has(k));
  const extra = [...faulted.keys()].filter((k) => !clean.has(k));
  const different = [...clean.keys()].filter((k) => faulted.has(k) && faulted.get(k) !== clean.get(k));
  return { compared: new Set([...clean.keys(), ...faulted.keys()]).size, lost, extra, different };
}

/** The report as `npm run soak` prints it. */
export function formatSoakReport(r: SoakReport): string[] {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const inj = r.faulted.injector;
  const byKind = new Map<string, number>();
  for (const service of Object.values(inj.counts.injected))
    for (const [kind, n] of Object.entries(service)) byKind.set(kind, (byKind.get(kind) ?? 0) + n);
  const crashes = Object.entries(inj.counts.invocations);
  const died = crashes.reduce((n, [, v]) => n + v.crashed, 0);
  const runs = crashes.reduce((n, [, v]) => n + v.runs, 0);
  const rd = r.faulted.redrives;
  const cmp = (name: string, c: Comparison) =>
    `  ${name}: ${c.compared} compared; lost ${c.lost.length}, extra ${c.extra.length}, different channels ${c.different.length}`;
  const sample = (label: string, keys: string[]) =>
    keys.length > 0 ? [`    ${label}: ${keys.slice(0, 5).join('; ')}${keys.length > 5 ? ' ...' : ''}`] : [];
  return [
    `soak: ${r.options.borrowers} borrowers, ${r.options.days} days from ${r.options.start} (portfolio seed ${r.options.seed})`,
    `  clean run ${s(r.clean.wallMs)}; faulted run ${s(r.faulted.wallMs)} (${r.options.faults})`,
    '',
    `Faults injected: ${inj.totalInjected()} over ${Object.values(inj.counts.calls).reduce((a, b) => a + b, 0)} AWS calls`,
    `  by kind: ${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `  by service: ${Object.entries(inj.counts.injected)
      .map(
        ([svc, kinds]) =>
          `${svc} ${Object.values(kinds).reduce((a, b) => a + b, 0)}/${inj.counts.calls[svc as keyof typeof inj.counts.calls]}`,
      )
      .join(', ')}`,
    `  absorbed by the SDK's retries: ${inj.counts.absorbedBySdkRetry} calls; failed after them: ${inj.counts.surfaced}; batch entries answered failed: ${inj.counts.entriesFailed}`,
    `Invocations crashed: ${died} of ${runs} (${crashes.map(([k, v]) => `${k} ${v.crashed}/${v.runs}`).join(', ')})`,
    `Re-drives: dispatch retries ${rd.dispatchRetries}; SQS redeliveries ${rd.redelivered.work} work items, ${rd.redelivered.intake} intake events; DLQ redriven ${rd.dlqRedriven.work} work items, ${rd.dlqRedriven.intake} intake events, ${rd.dlqRedriven.schedules} dispatches; dead for good ${rd.deadForGood.work} work items, ${rd.deadForGood.intake} intake events`,
    '',
    'Compared (clean vs faulted):',
    cmp('notification occurrences (loanId, seq, kind, occurrence, channels)', r.notifications),
    ...sample('lost', r.notifications.lost),
    ...sample('extra', r.notifications.extra),
    ...sample('different', r.notifications.different),
    cmp('events (detailType, loanId, seq, occurrence)', r.events),
    ...sample('lost', r.events.lost),
    ...sample('extra', r.events.extra),
    `  final installment states: ${r.finals.compared} compared; mismatched ${r.finals.mismatched.length}`,
    ...sample('mismatched', r.finals.mismatched),
    `Duplicates (an occurrence sent again with no injected fault to explain it): ${r.faulted.duplicates.length} (clean run: ${r.clean.duplicates})`,
    ...sample('duplicates', r.faulted.duplicates),
    `Deliveries by a call still in flight after its invocation ended: ${r.faulted.lateDeliveries}`,
    ...r.faulted.traces.slice(0, 5).map((t) => `    ${t.replaceAll('\n', '\n    ')}`),
    `At-least-once repeats (consumer-visible, explained: a timeout after the publish took effect, or an invocation that died or failed between publish and removal): ${r.faulted.atLeastOnceRepeats.messages} messages, ${r.faulted.atLeastOnceRepeats.events} events`,
    '',
    r.ok ? 'OK: nothing lost, nothing mismatched, nothing duplicated' : 'FAILED: see above',
  ];
}
