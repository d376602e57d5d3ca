/**
 * The operator configuration: one zod schema, the single source of its types.
 * Defaults live in `config/default.json`; `config/<env>.json` deep-merges over it.
 */
import { z } from 'zod';
import { CHANNELS, NOTIFICATION_KINDS } from '../rules/types';

const channel = z.enum(CHANNELS);
const channelList = z.array(channel).min(1);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:mm (00:00..23:59)');

export const creditTierSchema = z.object({
  tier: z.string().min(1),
  minScore: z.number().int(),
  maxScore: z.number().int(),
  graceDays: z.number().int().min(0).max(30),
});

export const bucketSchema = z.object({
  name: z.string().min(1),
  minDpd: z.number().int().min(1),
  maxDpd: z.number().int().min(1).nullable(),
});

const { UPCOMING: _upcoming, ...otherKinds } = Object.fromEntries(
  NOTIFICATION_KINDS.map((k) => [k, channelList]),
);

export const configSchema = z.object({
  timeZone: z.string().min(1),
  creditTiers: z.array(creditTierSchema).min(1),
  penalty: z.object({ dailyRatePpm: z.number().int().min(0).max(10_000) }),
  writeOffAtDpd: z.number().int().min(1).max(3650),
  buckets: z.array(bucketSchema).min(1),
  escalation: z.object({
    manualInterventionAtDpd: z.number().int().min(1),
    creditReportAtDpd: z.number().int().min(1),
    creditReportNoticeDays: z.number().int().min(0),
  }),
  reminders: z.object({
    upcoming: z.object({
      daysBefore: z.array(z.number().int().positive()).min(1),
      channels: z.record(z.string(), channelList),
    }),
  }),
  notificationChannels: z.object(
    otherKinds as Record<Exclude<(typeof NOTIFICATION_KINDS)[number], 'UPCOMING'>, typeof channelList>,
  ),
  overdue: z.object({ repeatEveryDays: z.number().int().min(1) }),
  atRisk: z.object({
    lookbackDays: z.number().int().min(1),
    tiers: z.array(z.string().min(1)),
    channels: channelList,
  }),
  sendWindow: z.object({ start: hhmm, end: hhmm }),
  maxNotificationsPerBorrowerPerDay: z.number().int().min(1).max(20),
  retry: z.object({ maxRetries: z.number().int().min(0).max(10), untilDpd: z.number().int().min(0) }),
  adjustments: z.object({
    untilDpd: z.number().int().min(0),
    maxExtensionDays: z.number().int().min(1),
    maxExtensions: z.number().int().min(0),
    maxSplitParts: z.number().int().min(2),
    splitIntervalDays: z.number().int().min(1),
  }),
  schedules: z.object({
    aging: z.array(z.string()).min(1),
    reminders: z.array(z.string()).min(1),
    failedDebits: z.array(z.string()).min(1),
  }),
  jobs: z.object({
    shards: z.number().int().min(1).max(256),
    catchUpDays: z.number().int().min(0).max(31),
    concurrency: z.number().int().min(1).max(64),
  }),
  operations: z.object({
    alertEmails: z.array(z.email()),
    failedDebitRatioAlarmThreshold: z.number().gt(0).lte(1),
  }),
});

/** The validated operator configuration. */
export type Config = z.infer<typeof configSchema>;
