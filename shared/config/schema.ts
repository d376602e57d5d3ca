/**
 * The operator configuration: one zod schema, the single source of its types.
 * Defaults live in `config/default.json`; `config/<env>.json` deep-merges over it.
 *
 * Objects are strict (an unknown key is a typo until proven otherwise). Field checks sit on the
 * fields; checks that relate fields to each other live in `cross-field.ts`, and run even when other
 * fields are invalid, so one pass reports every problem.
 */
import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import { CHANNELS, NOTIFICATION_KINDS, SCORE_MAX, SCORE_MIN } from '../rules/types';
import { parseCron } from './cron';
import { crossFieldProblems, isRecord } from './cross-field';

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

const creditTierSchema = strict({
  tier: z.string().min(1),
  minScore: int(SCORE_MIN, SCORE_MAX),
  maxScore: int(SCORE_MIN, SCORE_MAX),
  graceDays: int(0, 30),
});

const bucketSchema = strict({
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
});

export const configSchema = baseSchema.superRefine(
  (value, ctx) => {
    for (const p of crossFieldProblems(value))
      ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  },
  { when: (payload) => isRecord(payload.value) },
);

/** The validated operator configuration. */
export type Config = z.infer<typeof configSchema>;

/** True when `zone` names an IANA time zone both Intl and Temporal know (not an offset like +08:00). */
function isIanaTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    Temporal.ZonedDateTime.from({ year: 2000, month: 1, day: 1, timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
