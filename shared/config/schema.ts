/**
 * The operator configuration: one zod schema, the single source of its types.
 * Defaults live in `config/default.json`; `config/<env>.json` deep-merges over it.
 *
 * Objects are strict (an unknown key is a typo until proven otherwise). Field checks sit on the
 * fields; checks that relate fields to each other live in `crossFieldProblems`, which runs even when
 * other fields are invalid, so one pass reports every problem.
 */
import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import { CHANNELS, NOTIFICATION_KINDS } from '../rules/types';
import { minutesOfDay, parseCron } from './cron';

/** Credit scores a borrower can have (RULES.md 1); the tiers must cover exactly this range. */
export const SCORE_MIN = 350;
export const SCORE_MAX = 950;
/** The jobs whose runs send messages to borrowers, hence must fire inside the send window. */
export const NOTIFYING_JOBS = ['reminders', 'failedDebits'] as const;

/** `z.strictObject` whose unknown-key message lists the keys it expects. */
function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  const expected = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown key (expected one of: ${expected})` : undefined,
  });
}

const channel = z.enum(CHANNELS, { error: () => `expected a channel: ${CHANNELS.join(', ')}` });
const channelList = z.array(channel).min(1, 'expected at least one channel');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:mm (00:00..23:59)');
const int = (min: number, max: number) =>
  z
    .number({ error: 'expected a number' })
    .int('expected a whole number')
    .min(min, `expected at least ${min}`)
    .max(max, `expected at most ${max}`);
const cronExpression = z.string().superRefine((expr, ctx) => {
  const parsed = parseCron(expr);
  if (!parsed.ok)
    ctx.addIssue({ code: 'custom', message: `invalid EventBridge Scheduler cron: ${parsed.message}` });
});
const timeZone = z.string().superRefine((zone, ctx) => {
  if (!isIanaTimeZone(zone))
    ctx.addIssue({ code: 'custom', message: 'expected an IANA time zone (e.g. Asia/Shanghai)' });
});

export const creditTierSchema = strict({
  tier: z.string().min(1),
  minScore: int(SCORE_MIN, SCORE_MAX),
  maxScore: int(SCORE_MIN, SCORE_MAX),
  graceDays: int(0, 30),
});

export const bucketSchema = strict({
  name: z.string().min(1),
  minDpd: int(1, 3650),
  maxDpd: int(1, 3650).nullable(),
});

type OtherKind = Exclude<(typeof NOTIFICATION_KINDS)[number], 'UPCOMING'>;
const otherKinds = Object.fromEntries(
  NOTIFICATION_KINDS.filter((k) => k !== 'UPCOMING').map((k) => [k, channelList]),
) as Record<OtherKind, typeof channelList>;

const baseSchema = strict({
  timeZone,
  creditTiers: z.array(creditTierSchema).min(1),
  penalty: strict({ dailyRatePpm: int(0, 10_000) }), // at most 1 % a day
  writeOffAtDpd: int(1, 3650),
  buckets: z.array(bucketSchema).min(1),
  escalation: strict({
    manualInterventionAtDpd: int(1, 3650),
    creditReportAtDpd: int(1, 3650),
    creditReportNoticeDays: int(0, 365),
  }),
  reminders: strict({
    upcoming: strict({
      daysBefore: z.array(int(1, 60)).min(1),
      channels: z.record(z.string(), channelList),
    }),
  }),
  notificationChannels: strict(otherKinds),
  overdue: strict({ repeatEveryDays: int(1, 30) }),
  atRisk: strict({
    lookbackDays: int(1, 366),
    tiers: z.array(z.string().min(1)),
    channels: channelList,
  }),
  sendWindow: strict({ start: hhmm, end: hhmm }),
  maxNotificationsPerBorrowerPerDay: int(1, 20),
  retry: strict({ maxRetries: int(0, 10), untilDpd: int(0, 3650) }),
  adjustments: strict({
    untilDpd: int(0, 3650),
    maxExtensionDays: int(1, 365),
    maxExtensions: int(0, 12),
    maxSplitParts: int(2, 60),
    splitIntervalDays: int(1, 365),
  }),
  schedules: strict({
    aging: z.array(cronExpression).min(1),
    reminders: z.array(cronExpression).min(1),
    failedDebits: z.array(cronExpression).min(1),
  }),
  jobs: strict({
    shards: int(1, 256),
    shardsPerWorkItem: int(1, 256),
    catchUpDays: int(0, 31),
    concurrency: int(1, 64),
  }),
  operations: strict({
    alertEmails: z.array(z.email()),
    failedDebitRatioAlarmThreshold: z.number().gt(0, 'expected more than 0').lte(1, 'expected at most 1'),
  }),
  // The portfolio report (tools/report, docs/report.md): not read by the functions.
  report: strict({
    smsPricePerPartFen: int(0, 10_000),
    earlyWarning: strict({
      baselineDays: int(1, 365),
      minBaselineDays: int(1, 365),
      sigmas: z
        .number({ error: 'expected a number' })
        .gt(0, 'expected more than 0')
        .lte(10, 'expected at most 10'),
      minFailedDebits: int(1, 1_000_000),
    }),
  }),
});

/** One cross-field problem: where, and what was expected. */
export interface CrossFieldProblem {
  path: (string | number)[];
  message: string;
}

export const configSchema = baseSchema.superRefine(
  (value, ctx) => {
    for (const p of crossFieldProblems(value))
      ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  },
  { when: (payload) => isRecord(payload.value) },
);

/** The validated operator configuration. */
export type Config = z.infer<typeof configSchema>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when `zone` names an IANA time zone both Intl and Temporal know (not an offset like +08:00). */
export function isIanaTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    Temporal.ZonedDateTime.from({ year: 2000, month: 1, day: 1, timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const hhmmOf = (minute: number): string =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
const minuteOf = (v: unknown): number | undefined =>
  typeof v === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(v)
    ? Number(v.slice(0, 2)) * 60 + Number(v.slice(3))
    : undefined;
const intOf = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) ? v : undefined;
const arrayOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const recordOf = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {});

/**
 * The problems that relate fields to each other. Reads defensively (the input may be partly
 * invalid); each check runs when the fields it needs are well-formed, so one pass finds them all.
 */
export function crossFieldProblems(raw: unknown): CrossFieldProblem[] {
  const c = recordOf(raw);
  const out: CrossFieldProblem[] = [];
  const add = (path: (string | number)[], message: string) => out.push({ path, message });

  // Credit tiers: unique names, min <= max, together exactly SCORE_MIN..SCORE_MAX.
  const tiers = arrayOf(c.creditTiers).map((t, i) => ({ i, t: recordOf(t) }));
  const seenTiers = new Map<unknown, number>();
  for (const { i, t } of tiers) {
    if (typeof t.tier === 'string') {
      const first = seenTiers.get(t.tier);
      if (first !== undefined)
        add(['creditTiers', i, 'tier'], `duplicate tier name "${t.tier}" (also creditTiers[${first}])`);
      else seenTiers.set(t.tier, i);
    }
  }
  const ranges = tiers
    .map(({ i, t }) => ({ i, name: String(t.tier), min: intOf(t.minScore), max: intOf(t.maxScore) }))
    .filter(
      (r): r is { i: number; name: string; min: number; max: number } =>
        r.min !== undefined && r.max !== undefined,
    );
  for (const r of ranges)
    if (r.min > r.max) add(['creditTiers', r.i, 'maxScore'], `expected maxScore >= minScore (${r.min})`);
  if (ranges.length === tiers.length && ranges.length > 0 && ranges.every((r) => r.min <= r.max)) {
    const sorted = [...ranges].sort((a, b) => a.min - b.min || a.max - b.max);
    let covered = SCORE_MIN - 1;
    let coveredBy: (typeof sorted)[number] | undefined;
    for (const r of sorted) {
      if (r.min > covered + 1)
        add(
          ['creditTiers'],
          `scores ${covered + 1}..${r.min - 1} are in no tier (tiers must cover ${SCORE_MIN}..${SCORE_MAX} without gaps)`,
        );
      else if (r.min <= covered && coveredBy)
        add(
          ['creditTiers', r.i, 'minScore'],
          `tier "${r.name}" overlaps tier "${coveredBy.name}" on ${r.min}..${Math.min(covered, r.max)} (tiers must not overlap)`,
        );
      if (r.max > covered) [covered, coveredBy] = [r.max, r];
    }
    if (covered < SCORE_MAX)
      add(
        ['creditTiers'],
        `scores ${covered + 1}..${SCORE_MAX} are in no tier (tiers must cover ${SCORE_MIN}..${SCORE_MAX} without gaps)`,
      );
  }
  const atRisk = recordOf(c.atRisk);
  arrayOf(atRisk.tiers).forEach((name, i) => {
    if (typeof name === 'string' && tiers.length > 0 && !seenTiers.has(name))
      add(
        ['atRisk', 'tiers', i],
        `unknown tier "${name}" (expected one of: ${[...seenTiers.keys()].join(', ')})`,
      );
  });

  // Buckets: contiguous from DPD 1, only the last open-ended, unique names.
  const buckets = arrayOf(c.buckets).map(recordOf);
  const seenBuckets = new Map<unknown, number>();
  buckets.forEach((b, i) => {
    if (typeof b.name !== 'string') return;
    const first = seenBuckets.get(b.name);
    if (first !== undefined)
      add(['buckets', i, 'name'], `duplicate bucket name "${b.name}" (also buckets[${first}])`);
    else seenBuckets.set(b.name, i);
  });
  buckets.forEach((b, i) => {
    const min = intOf(b.minDpd);
    const max = b.maxDpd === null ? null : intOf(b.maxDpd);
    const isLast = i === buckets.length - 1;
    if (min !== undefined) {
      if (i === 0 && min !== 1) add(['buckets', 0, 'minDpd'], 'expected 1: the first bucket starts at DPD 1');
      if (i > 0) {
        const prevMax = buckets[i - 1]?.maxDpd;
        if (typeof prevMax === 'number' && min !== prevMax + 1)
          add(
            ['buckets', i, 'minDpd'],
            `expected ${prevMax + 1}: one more than buckets[${i - 1}].maxDpd (no gaps, no overlaps)`,
          );
      }
    }
    if (isLast && max !== null && max !== undefined)
      add(['buckets', i, 'maxDpd'], 'expected null: the last bucket is open-ended');
    if (!isLast && max === null)
      add(['buckets', i, 'maxDpd'], 'expected a number: only the last bucket is open-ended');
    if (min !== undefined && typeof max === 'number' && max < min)
      add(['buckets', i, 'maxDpd'], `expected maxDpd >= minDpd (${min})`);
  });

  // UPCOMING reminders: distinct days, channel keys by day or "default".
  const upcoming = recordOf(recordOf(c.reminders).upcoming);
  const seenDays = new Map<number, number>();
  arrayOf(upcoming.daysBefore).forEach((d, i) => {
    if (typeof d !== 'number') return;
    const first = seenDays.get(d);
    if (first !== undefined)
      add(
        ['reminders', 'upcoming', 'daysBefore', i],
        `duplicate of daysBefore[${first}] (${d}): days must be distinct`,
      );
    else seenDays.set(d, i);
  });
  if (isRecord(upcoming.channels)) {
    for (const key of Object.keys(upcoming.channels))
      if (key !== 'default' && !/^[1-9]\d*$/.test(key))
        add(
          ['reminders', 'upcoming', 'channels', key],
          'unknown key (expected a positive whole number of days, or "default")',
        );
    if (!('default' in upcoming.channels))
      add(
        ['reminders', 'upcoming', 'channels', 'default'],
        'required: the channels for any other daysBefore value',
      );
  }

  // Channel lists: each channel once.
  const lists: [(string | number)[], unknown][] = [
    ...Object.entries(recordOf(upcoming.channels)).map(([k, v]): [(string | number)[], unknown] => [
      ['reminders', 'upcoming', 'channels', k],
      v,
    ]),
    ...Object.entries(recordOf(c.notificationChannels)).map(([k, v]): [(string | number)[], unknown] => [
      ['notificationChannels', k],
      v,
    ]),
    [['atRisk', 'channels'], atRisk.channels],
  ];
  for (const [path, list] of lists) {
    const seen = new Set<unknown>();
    arrayOf(list).forEach((ch, i) => {
      if (seen.has(ch)) add([...path, i], `duplicate channel "${String(ch)}"`);
      seen.add(ch);
    });
  }

  // Escalation, retries and adjustments all happen before write-off.
  const esc = recordOf(c.escalation);
  const writeOff = intOf(c.writeOffAtDpd);
  const reportAt = intOf(esc.creditReportAtDpd);
  const noticeDays = intOf(esc.creditReportNoticeDays);
  const manualAt = intOf(esc.manualInterventionAtDpd);
  if (reportAt !== undefined && noticeDays !== undefined && noticeDays >= reportAt)
    add(
      ['escalation', 'creditReportNoticeDays'],
      `expected less than escalation.creditReportAtDpd (${reportAt})`,
    );
  if (writeOff !== undefined) {
    const before: [(string | number)[], number | undefined][] = [
      [['escalation', 'manualInterventionAtDpd'], manualAt],
      [['escalation', 'creditReportAtDpd'], reportAt],
    ];
    for (const [path, dpd] of before)
      if (dpd !== undefined && dpd >= writeOff)
        add(
          ['writeOffAtDpd'],
          `expected more than ${path.join('.')} (${dpd}): write-off comes after the escalations`,
        );
    const retryUntil = intOf(recordOf(c.retry).untilDpd);
    if (retryUntil !== undefined && retryUntil >= writeOff)
      add(['retry', 'untilDpd'], `expected less than writeOffAtDpd (${writeOff})`);
    const adjustUntil = intOf(recordOf(c.adjustments).untilDpd);
    if (adjustUntil !== undefined && adjustUntil >= writeOff)
      add(['adjustments', 'untilDpd'], `expected less than writeOffAtDpd (${writeOff})`);
  }

  // The report's early warning needs a baseline it can have.
  const warning = recordOf(recordOf(c.report).earlyWarning);
  const baselineDays = intOf(warning.baselineDays);
  const minBaselineDays = intOf(warning.minBaselineDays);
  if (baselineDays !== undefined && minBaselineDays !== undefined && minBaselineDays > baselineDays)
    add(
      ['report', 'earlyWarning', 'minBaselineDays'],
      `expected at most report.earlyWarning.baselineDays (${baselineDays})`,
    );

  // Send window, and every fire time of a notifying job inside it ([start, end)).
  const win = recordOf(c.sendWindow);
  const start = minuteOf(win.start);
  const end = minuteOf(win.end);
  if (start !== undefined && end !== undefined && start >= end)
    add(['sendWindow', 'end'], `expected later than sendWindow.start (${win.start})`);
  const schedules = recordOf(c.schedules);
  for (const [job, list] of Object.entries(schedules)) {
    const seen = new Map<unknown, number>();
    arrayOf(list).forEach((expr, i) => {
      const first = seen.get(expr);
      if (first !== undefined) add(['schedules', job, i], `duplicate of schedules.${job}[${first}]`);
      else seen.set(expr, i);
    });
  }
  if (start !== undefined && end !== undefined && start < end) {
    for (const job of NOTIFYING_JOBS) {
      arrayOf(schedules[job]).forEach((expr, i) => {
        if (typeof expr !== 'string') return;
        const parsed = parseCron(expr);
        if (!parsed.ok) return; // reported on the field itself
        const outside = minutesOfDay(parsed.cron).filter((m) => m < start || m >= end);
        if (outside.length === 0) return;
        const shown =
          outside.slice(0, 3).map(hhmmOf).join(', ') +
          (outside.length > 3 ? `, … (${outside.length} in all)` : '');
        add(
          ['schedules', job, i],
          `fires at ${shown}, outside the send window ${win.start}-${win.end} (end excluded): the ${job} job sends messages`,
        );
      });
    }
  }
  return out;
}
