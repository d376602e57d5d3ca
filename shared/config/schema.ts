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

/** A channel's send rate: the event source's maximum concurrency and the sends per second it holds. */
const sendRate = {
  maxConcurrency: int(2, 1000), // what an SQS event source accepts
  maxPerSecond: int(1, 10_000),
};
const snsPlatformApplication = (platforms: string) =>
  z
    .string()
    .regex(
      new RegExp(`^arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:app/(${platforms})/[A-Za-z0-9_.-]+$`),
      `expected an SNS platform application ARN (arn:aws:sns:<region>:<account>:app/${platforms.split('|')[0]}/<name>)`,
    );

/**
 * Delivery to the borrower (SNS SMS, SNS mobile push, SES). Provider identities are set up outside
 * CDK and named here; `null` leaves them unset (fine locally; `config:check` of an environment file
 * reports them: see `readiness.ts`).
 */
export const deliverySchema = strict({
  /** The delivery queues' backlog alarm: age of the oldest message, in minutes. */
  backlogAlarmMinutes: int(1, 720),
  sms: strict({
    ...sendRate,
    /** Alphanumeric sender ID (1-11 characters, a letter among them), where the destination allows one. */
    senderId: z
      .string()
      .regex(/^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/, 'expected 1-11 letters or digits, at least one letter')
      .nullable(),
    /** Origination number (E.164) registered for SMS, sent as AWS.MM.SMS.OriginationNumber. */
    originationNumber: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 phone number')
      .nullable(),
  }),
  push: strict({
    ...sendRate,
    /** The platform of a device token that does not say (`fcm:` / `apns:` prefix). */
    defaultPlatform: z.enum(['fcm', 'apns']),
    platformApplications: strict({
      fcm: snsPlatformApplication('GCM').nullable(),
      apns: snsPlatformApplication('APNS|APNS_SANDBOX').nullable(),
    }),
  }),
  email: strict({
    ...sendRate,
    /** `reminders@lender.example` or `Lender <reminders@lender.example>`: an address of `identity`. */
    fromAddress: z
      .string()
      .regex(/^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'expected an e-mail address')
      .nullable(),
    /** The SES identity verified for sending: a domain (`lender.example`) or one address. */
    identity: z.string().min(1).nullable(),
    /** The SES configuration set CDK creates; null: `repayment-sentinel-<env>`. */
    configurationSetName: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1-64 letters, digits, _ or -')
      .nullable(),
  }),
});

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
  delivery: deliverySchema,
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
