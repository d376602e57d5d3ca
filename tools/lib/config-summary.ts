/**
 * The readable summary of a validated operator configuration and its schedule preview, shared by
 * `npm start` and `npm run config:check`. Pure: the caller passes `now`.
 */
import { Temporal } from 'temporal-polyfill';
import { nextFireTimes } from '../../shared/config/cron';
import { NOTIFYING_JOBS } from '../../shared/config/cross-field';
import type { ConfigProblem } from '../../shared/config/load';
import type { Config } from '../../shared/config/schema';
import { JOBS } from '../../shared/table-layout';

const LABEL_WIDTH = 23;
const row = (label: string, text: string): string => `  ${label.padEnd(LABEL_WIDTH)}${text}`;
const list = (items: readonly string[]): string => (items.length > 0 ? items.join(', ') : '(none)');
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Fen per day on 1 000 yuan of principal, to make a ppm rate concrete. */
function penaltyExample(ppm: number): string {
  const fen = Math.floor((100_000 * ppm) / 1_000_000);
  return `${(ppm / 10_000).toFixed(2)} % a day (¥${(fen / 100).toFixed(2)} a day on ¥1,000.00 of principal)`;
}

/**
 * The configuration in readable lines, one section per concern of RULES.md.
 *
 * @example formatConfigSummary(config, { source: 'config/default.json' })[0] // 'Configuration: config/default.json'
 */
export function formatConfigSummary(config: Config, opts: { source?: string } = {}): string[] {
  const c = config;
  const upcomingChannels = Object.entries(c.reminders.upcoming.channels)
    .sort(([a], [b]) => (a === 'default' ? 1 : b === 'default' ? -1 : Number(b) - Number(a)))
    .map(([days, channels]) => `${days === 'default' ? 'other days' : `T-${days}`}: ${channels.join(', ')}`);
  const warnFrom = c.escalation.creditReportAtDpd - c.escalation.creditReportNoticeDays;
  return [
    `Configuration: ${opts.source ?? 'config/default.json'}`,
    row('time zone', c.timeZone),
    row(
      'credit tiers',
      c.creditTiers
        .map((t) => `${t.tier} ${t.minScore}..${t.maxScore} (grace ${plural(t.graceDays, 'day')})`)
        .join('; '),
    ),
    row('penalty', `${c.penalty.dailyRatePpm} ppm = ${penaltyExample(c.penalty.dailyRatePpm)}`),
    row(
      'buckets',
      c.buckets.map((b) => `${b.name} DPD ${b.minDpd}${b.maxDpd === null ? '+' : `-${b.maxDpd}`}`).join(', '),
    ),
    row(
      'escalation',
      `manual intervention at DPD ${c.escalation.manualInterventionAtDpd}; credit report at DPD ${c.escalation.creditReportAtDpd}, ` +
        `${plural(c.escalation.creditReportNoticeDays, 'day')} after the warning (sent from DPD ${warnFrom})`,
    ),
    row('write-off', `at DPD ${c.writeOffAtDpd}`),
    row(
      'UPCOMING',
      `${c.reminders.upcoming.daysBefore.map((d) => `T-${d}`).join(', ')} (${upcomingChannels.join('; ')})`,
    ),
    ...Object.entries(c.notificationChannels).map(([kind, channels]) => row(kind, channels.join(', '))),
    row('OVERDUE repeat', `every ${plural(c.overdue.repeatEveryDays, 'day')}`),
    row(
      'at risk',
      `tier ${list(c.atRisk.tiers)} or a failed debit in the last ${plural(c.atRisk.lookbackDays, 'day')}: ` +
        `${c.atRisk.channels.join(', ')} for UPCOMING and DUE_TODAY`,
    ),
    row('send window', `${c.sendWindow.start}-${c.sendWindow.end} (${c.sendWindow.end} excluded)`),
    row('daily cap', `${plural(c.maxNotificationsPerBorrowerPerDay, 'notification')} per borrower per day`),
    row(
      'debit retries',
      `up to ${c.retry.maxRetries} per due date, while DPD <= ${c.retry.untilDpd} (soft declines only)`,
    ),
    row(
      'adjustments',
      `until DPD ${c.adjustments.untilDpd}; EXTEND up to ${plural(c.adjustments.maxExtensionDays, 'day')}, ` +
        `${c.adjustments.maxExtensions} per installment; SPLIT into up to ${c.adjustments.maxSplitParts} parts ` +
        `every ${plural(c.adjustments.splitIntervalDays, 'day')}`,
    ),
    row(
      'jobs',
      `${c.jobs.shards} shards, ${c.jobs.shardsPerWorkItem} per work item, concurrency ${c.jobs.concurrency}, ` +
        `catch-up ${plural(c.jobs.catchUpDays, 'day')}`,
    ),
    row(
      'operations',
      `alert e-mails: ${list(c.operations.alertEmails)}; failed-debit ratio alarm above ` +
        `${(c.operations.failedDebitRatioAlarmThreshold * 100).toFixed(0)} %`,
    ),
  ];
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function describeFire(iso: string, timeZone: string): string {
  const zoned = Temporal.Instant.from(iso).toZonedDateTimeISO(timeZone);
  const utc = Temporal.Instant.from(iso).toZonedDateTimeISO('UTC');
  const local = `${zoned.toPlainDate().toString()} ${zoned.toPlainTime().toString({ smallestUnit: 'minute' })}`;
  const weekday = WEEKDAYS[zoned.dayOfWeek - 1];
  const inUtc = `${utc.toPlainDate().toString()} ${utc.toPlainTime().toString({ smallestUnit: 'minute' })} UTC`;
  return `${weekday} ${local} ${zoned.offset}  =  ${inUtc}`;
}

/**
 * Each job's schedules with their next `count` fire times after `now`, in local time and UTC.
 * Notifying jobs are marked with the send window they stay inside.
 */
export function formatSchedulePreview(config: Config, now: string, count = 3): string[] {
  const lines = [`Schedules (${config.timeZone}; next ${count} fire times after ${now})`];
  for (const job of JOBS) {
    const notifying = (NOTIFYING_JOBS as readonly string[]).includes(job);
    lines.push(
      `  ${job}${notifying ? ` (sends messages: inside ${config.sendWindow.start}-${config.sendWindow.end})` : ''}`,
    );
    for (const expr of config.schedules[job]) {
      lines.push(`    ${expr}`);
      const fires = nextFireTimes(expr, config.timeZone, now, count);
      if (fires.length === 0) lines.push('      (never fires again)');
      for (const fire of fires) lines.push(`      ${describeFire(fire, config.timeZone)}`);
    }
  }
  return lines;
}

/** Schedules that never fire after `now` (a past year, 30 FEB): valid syntax, surely a mistake. */
export function dormantSchedules(config: Config, now: string): ConfigProblem[] {
  return JOBS.flatMap((job) =>
    config.schedules[job].flatMap((expr, i) =>
      nextFireTimes(expr, config.timeZone, now, 1).length === 0
        ? [{ path: `schedules.${job}[${i}]`, message: `never fires after ${now}` }]
        : [],
    ),
  );
}
