/**
 * The scenario format of SIMULATION.md, validated with zod, plus the checks zod cannot express
 * (unknown installments, events outside the span, duplicates). Every problem is reported at once,
 * each named by its field path (`installments[3].dueDate: expected YYYY-MM-DD`).
 */
import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import type { Config } from '../../../shared/config/schema';
import { addDays, toInstant } from '../../../shared/rules/calendar';
import { CHANNELS, declineReasonSchema, LOCAL_DATE, localeSchema } from '../../../shared/rules/types';
import { deepMerge, formatPath, type Problem, validateConfig } from './config';

/** A type error that says "required" when the field is missing. */
const expected = (message: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? `required (${message})` : message),
});

const isRealDate = (s: string) => {
  try {
    Temporal.PlainDate.from(s, { overflow: 'reject' });
    return true;
  } catch {
    return false;
  }
};
const localDate = z
  .string(expected('expected YYYY-MM-DD'))
  .regex(LOCAL_DATE, 'expected YYYY-MM-DD')
  .refine((s) => !LOCAL_DATE.test(s) || isRealDate(s), 'expected a real calendar date');

const LOCAL_MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const AT_MESSAGE = 'expected YYYY-MM-DDTHH:mm (local) or an ISO-8601 date-time with an offset';
const eventAt = z.string(expected(AT_MESSAGE)).refine((s) => {
  if (!LOCAL_MINUTE.test(s) && !WITH_OFFSET.test(s)) return false;
  try {
    if (LOCAL_MINUTE.test(s)) Temporal.PlainDateTime.from(s, { overflow: 'reject' });
    else Temporal.Instant.from(s);
    return true;
  } catch {
    return false;
  }
}, AT_MESSAGE);

const id = z.string(expected('expected a non-empty string')).min(1, 'expected a non-empty string');
const positiveInt = z
  .number(expected('expected a positive integer'))
  .int('expected a positive integer')
  .positive('expected a positive integer');
const fen = z
  .number(expected('expected an integer amount in fen'))
  .int('expected an integer amount in fen')
  .nonnegative('expected an amount >= 0');
const channelFlags = <T extends z.ZodType>(t: T) =>
  z.strictObject(
    Object.fromEntries(CHANNELS.map((c) => [c, t.optional()])) as Record<
      (typeof CHANNELS)[number],
      z.ZodOptional<T>
    >,
  );

const borrowerSchema = z.strictObject({
  borrowerId: id,
  creditScore: z
    .number(expected('expected an integer 350..950'))
    .int('expected an integer 350..950')
    .min(350, 'expected an integer 350..950')
    .max(950, 'expected an integer 350..950'),
  locale: localeSchema.optional(),
  contacts: z
    .strictObject({
      sms: z
        .string()
        .regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 phone number')
        .optional(),
      email: z.email('expected an e-mail address').optional(),
      push: z.string().min(1, 'expected a device token').optional(),
    })
    .optional(),
  consents: channelFlags(z.boolean(expected('expected true or false'))).optional(),
});

const installmentSchema = z.strictObject({
  loanId: id,
  seq: positiveInt,
  borrowerId: id,
  dueDate: localDate,
  principal: fen,
  interest: fen,
  penaltyDailyRatePpm: z
    .number(expected('expected an integer >= 0'))
    .int('expected an integer >= 0')
    .nonnegative('expected an integer >= 0')
    .optional(),
});

/** An adjustment may name a split part (`"1.2"`); debits and payments name scenario installments. */
const partSeq = z.union([positiveInt, z.string().regex(/^[1-9]\d*(\.[1-9]\d*)*$/)], {
  error: 'expected a positive integer or "<seq>.<k>"',
});

const debitEvent = z
  .strictObject({
    at: eventAt,
    type: z.literal('debit'),
    loanId: id,
    seq: positiveInt,
    attemptId: id,
    outcome: z.enum(['SUCCEEDED', 'FAILED'], expected('expected SUCCEEDED or FAILED')),
    reason: declineReasonSchema.optional(),
    amount: positiveInt.optional(),
  })
  .refine((e) => e.outcome === 'SUCCEEDED' || e.reason !== undefined, {
    message: 'a FAILED debit needs a reason',
    path: ['reason'],
  });
const paymentEvent = z.strictObject({
  at: eventAt,
  type: z.literal('payment'),
  loanId: id,
  seq: positiveInt,
  paymentId: id,
  amount: positiveInt,
});
/** `action`, `days` and `parts` are passed as given: the system itself rejects a malformed request. */
const adjustmentEvent = z.strictObject({
  at: eventAt,
  type: z.literal('adjustment'),
  loanId: id,
  seq: partSeq,
  requestId: id,
  action: z.string(expected('expected EXTEND or SPLIT')),
  days: z.number(expected('expected a number')).optional(),
  parts: z.number(expected('expected a number')).optional(),
});
const eventSchema = z.discriminatedUnion('type', [debitEvent, paymentEvent, adjustmentEvent], {
  error: 'expected type debit, payment or adjustment',
});

const retrySchema = z.strictObject({
  loanId: id,
  seq: positiveInt,
  attempt: positiveInt,
  outcome: z.enum(['SUCCEEDED', 'FAILED'], expected('expected SUCCEEDED or FAILED')),
  /** Optional extension: the decline reason of a scripted FAILED answer (default: the previous one). */
  reason: declineReasonSchema.optional(),
});

const scenarioSchema = z.strictObject({
  config: z.record(z.string(), z.unknown(), expected('expected an object')).optional(),
  start: localDate,
  end: localDate,
  borrowers: z.array(borrowerSchema, expected('expected an array')),
  installments: z.array(installmentSchema, expected('expected an array')),
  events: z.array(eventSchema, expected('expected an array')).default([]),
  retries: z.array(retrySchema, expected('expected an array')).default([]),
});

type Scenario = z.infer<typeof scenarioSchema>;
type ScenarioBorrower = Scenario['borrowers'][number];
type ScenarioInstallment = Scenario['installments'][number];
export type ScenarioEvent = Scenario['events'][number];
type ScenarioRetry = Scenario['retries'][number];

/** A scenario ready to run: validated, with its merged configuration and each event's instant. */
export interface PreparedScenario {
  scenario: Scenario;
  config: Config;
  /** `events[i].at` as an ISO instant with the local offset. */
  eventInstants: string[];
  /** `[start 00:00, end + 1 day 00:00)` local, as instants. */
  span: { from: string; to: string };
}

type PrepareResult = { ok: true; prepared: PreparedScenario } | { ok: false; problems: Problem[] };

export const installmentKey = (loanId: string, seq: number | string) => `${loanId}/${seq}`;

/**
 * Validates `raw` as a scenario and merges its `config` over `operatorConfig` (raw, already merged
 * over the defaults). Returns every problem found: schema, configuration (paths `config.…`) and the
 * scenario's own consistency.
 */
export function prepareScenario(raw: unknown, operatorConfig: unknown): PrepareResult {
  const problems: Problem[] = [];
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      problems.push({ path: formatPath(issue.path), message: issueMessage(issue) });
  }
  const scenarioConfig =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw)
      ? (raw as { config?: unknown }).config
      : undefined;
  const merged = deepMerge(operatorConfig, isObject(scenarioConfig) ? scenarioConfig : undefined);
  const config = validateConfig(merged, { pathPrefix: 'config.' });
  if (!config.ok) problems.push(...config.problems);

  // The consistency checks need a time zone: the merged one, else the operator's. When the schema
  // failed they still run on the parts that are valid, so every problem is reported at once.
  const timeZone = config.ok ? config.config.timeZone : fallbackTimeZone(operatorConfig);
  const consistency = checkConsistency(
    parsed.success
      ? { ...parsed.data, ...namedKeys(parsed.data.installments, parsed.data.borrowers) }
      : validParts(raw),
    timeZone,
  );
  problems.push(...consistency.problems);
  if (!parsed.success || !config.ok || problems.length > 0) return { ok: false, problems };
  const scenario = parsed.data;
  return {
    ok: true,
    prepared: {
      scenario,
      config: config.config,
      eventInstants: consistency.eventInstants,
      span: consistency.span,
    },
  };
}

/** The scenario's elements that are valid on their own, each with its index (null: invalid). */
interface PartialScenario {
  start?: string;
  end?: string;
  borrowers: (ScenarioBorrower | null)[];
  installments: (ScenarioInstallment | null)[];
  events: (ScenarioEvent | null)[];
  retries: (ScenarioRetry | null)[];
  /** Keys named by every installment and ids of every borrower, valid or not: what events may refer to. */
  installmentKeys: Set<string>;
  borrowerIds: Set<string>;
}

function validParts(raw: unknown): PartialScenario {
  const r = isObject(raw) ? raw : {};
  const each = <T>(value: unknown, schema: z.ZodType<T>): (T | null)[] =>
    Array.isArray(value) ? value.map((v) => schema.safeParse(v).data ?? null) : [];
  return {
    start: localDate.safeParse(r.start).data,
    end: localDate.safeParse(r.end).data,
    borrowers: each(r.borrowers, borrowerSchema),
    installments: each(r.installments, installmentSchema),
    events: each(r.events, eventSchema),
    retries: each(r.retries, retrySchema),
    ...namedKeys(r.installments, r.borrowers),
  };
}

function namedKeys(installments: unknown, borrowers: unknown) {
  const list = (v: unknown) => (Array.isArray(v) ? v.filter(isObject) : []);
  return {
    installmentKeys: new Set(list(installments).map((i) => installmentKey(String(i.loanId), String(i.seq)))),
    borrowerIds: new Set(list(borrowers).map((b) => String(b.borrowerId))),
  };
}

function checkConsistency(scenario: PartialScenario, timeZone: string) {
  const problems: Problem[] = [];
  const { start, end } = scenario;
  if (start && end && end < start) problems.push({ path: 'end', message: `before start (${start})` });
  const span =
    start && end
      ? { from: toInstant(`${start}T00:00`, timeZone), to: toInstant(`${addDays(end, 1)}T00:00`, timeZone) }
      : { from: '', to: '' };

  const borrowers = new Map<string, number>();
  scenario.borrowers.forEach((b, i) => {
    if (!b) return;
    const first = borrowers.get(b.borrowerId);
    if (first !== undefined) {
      problems.push({
        path: `borrowers[${i}].borrowerId`,
        message: `duplicate borrower "${b.borrowerId}" (first at borrowers[${first}])`,
      });
    } else borrowers.set(b.borrowerId, i);
  });
  const installments = new Map<string, number>();
  scenario.installments.forEach((inst, i) => {
    if (!inst) return;
    const key = installmentKey(inst.loanId, inst.seq);
    const first = installments.get(key);
    if (first !== undefined) {
      problems.push({
        path: `installments[${i}].seq`,
        message: `duplicate installment ${key} (first at installments[${first}])`,
      });
    } else installments.set(key, i);
    if (!scenario.borrowerIds.has(inst.borrowerId)) {
      problems.push({
        path: `installments[${i}].borrowerId`,
        message: `unknown borrower "${inst.borrowerId}"`,
      });
    }
    if (start && inst.dueDate < start)
      problems.push({ path: `installments[${i}].dueDate`, message: `before start (${start})` });
  });
  const eventInstants = scenario.events.map((event, i) => {
    if (!event) return '';
    const instant = toInstant(event.at, timeZone);
    const ms = Date.parse(instant);
    if (span.from && (ms < Date.parse(span.from) || ms >= Date.parse(span.to))) {
      problems.push({ path: `events[${i}].at`, message: `outside the scenario's days ${start}..${end}` });
    }
    if (
      event.type !== 'adjustment' &&
      !scenario.installmentKeys.has(installmentKey(event.loanId, event.seq))
    ) {
      problems.push({
        path: `events[${i}].loanId`,
        message: `unknown installment ${installmentKey(event.loanId, event.seq)}`,
      });
    }
    return instant;
  });
  scenario.retries.forEach((r, i) => {
    if (r && !scenario.installmentKeys.has(installmentKey(r.loanId, r.seq))) {
      problems.push({
        path: `retries[${i}].loanId`,
        message: `unknown installment ${installmentKey(r.loanId, r.seq)}`,
      });
    }
  });
  return { problems, eventInstants, span };
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  return issue.message;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function fallbackTimeZone(operatorConfig: unknown): string {
  const tz = isObject(operatorConfig) ? operatorConfig.timeZone : undefined;
  if (typeof tz === 'string') {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return tz;
    } catch {
      // fall through
    }
  }
  return 'Asia/Shanghai';
}
