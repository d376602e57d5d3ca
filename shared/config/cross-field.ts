/**
 * The configuration checks that relate fields to each other, one function per concern: credit tiers,
 * buckets, UPCOMING reminders, channel lists, escalation and write-off, schedules and the send window,
 * the e-mail sender, the report's early warning.
 *
 * They read the raw input defensively (it may be partly invalid): each check runs when the fields it
 * needs are well-formed, so one pass reports every problem, field errors included.
 */
import { SCORE_MAX, SCORE_MIN } from '../rules/types';
import { minutesOfDay, parseCron } from './cron';

/** The jobs whose runs send messages to borrowers, hence must fire inside the send window. */
export const NOTIFYING_JOBS = ['reminders', 'failedDebits'] as const;

type Path = (string | number)[];

/** One cross-field problem: where, and what was expected. */
export interface CrossFieldProblem {
  path: Path;
  message: string;
}

type Add = (path: Path, message: string) => void;
type Raw = Record<string, unknown>;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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
const recordOf = (v: unknown): Raw => (isRecord(v) ? v : {});

/** Reports every value of `values` seen before (by `key`), naming the first place it was seen. */
function reportDuplicates<T>(
  values: T[],
  key: (value: T) => unknown,
  report: (value: T, index: number, firstIndex: number) => void,
): Map<unknown, number> {
  const seen = new Map<unknown, number>();
  values.forEach((value, i) => {
    const k = key(value);
    if (k === undefined) return;
    const first = seen.get(k);
    if (first !== undefined) report(value, i, first);
    else seen.set(k, i);
  });
  return seen;
}

/**
 * The problems that relate fields to each other.
 * @example crossFieldProblems({ sendWindow: { start: '21:00', end: '08:00' } }) // [{ path: ['sendWindow', 'end'], message: 'expected later than sendWindow.start (21:00)' }]
 */
export function crossFieldProblems(raw: unknown): CrossFieldProblem[] {
  const c = recordOf(raw);
  const out: CrossFieldProblem[] = [];
  const add: Add = (path, message) => out.push({ path, message });
  creditTierProblems(c, add);
  bucketProblems(c, add);
  upcomingProblems(c, add);
  channelListProblems(c, add);
  escalationProblems(c, add);
  scheduleProblems(c, add);
  emailSenderProblems(c, add);
  reportProblems(c, add);
  return out;
}

/** Credit tiers: unique names, min <= max, together exactly SCORE_MIN..SCORE_MAX; at-risk tiers exist. */
function creditTierProblems(c: Raw, add: Add): void {
  const tiers = arrayOf(c.creditTiers).map((t, i) => ({ i, t: recordOf(t) }));
  const names = reportDuplicates(
    tiers,
    ({ t }) => (typeof t.tier === 'string' ? t.tier : undefined),
    ({ t }, i, first) =>
      add(['creditTiers', i, 'tier'], `duplicate tier name "${String(t.tier)}" (also creditTiers[${first}])`),
  );
  const ranges = tiers
    .map(({ i, t }) => ({ i, name: String(t.tier), min: intOf(t.minScore), max: intOf(t.maxScore) }))
    .filter((r): r is ScoreRange => r.min !== undefined && r.max !== undefined);
  for (const r of ranges)
    if (r.min > r.max) add(['creditTiers', r.i, 'maxScore'], `expected maxScore >= minScore (${r.min})`);
  if (ranges.length === tiers.length && ranges.length > 0 && ranges.every((r) => r.min <= r.max))
    scoreCoverageProblems(ranges, add);
  arrayOf(recordOf(c.atRisk).tiers).forEach((name, i) => {
    if (typeof name === 'string' && tiers.length > 0 && !names.has(name))
      add(
        ['atRisk', 'tiers', i],
        `unknown tier "${name}" (expected one of: ${[...names.keys()].join(', ')})`,
      );
  });
}

interface ScoreRange {
  i: number;
  name: string;
  min: number;
  max: number;
}

/** Tiers cover SCORE_MIN..SCORE_MAX without gaps or overlaps. */
function scoreCoverageProblems(ranges: ScoreRange[], add: Add): void {
  const gap = (from: number, to: number) =>
    `scores ${from}..${to} are in no tier (tiers must cover ${SCORE_MIN}..${SCORE_MAX} without gaps)`;
  const sorted = [...ranges].sort((a, b) => a.min - b.min || a.max - b.max);
  let covered = SCORE_MIN - 1;
  let coveredBy: ScoreRange | undefined;
  for (const r of sorted) {
    if (r.min > covered + 1) add(['creditTiers'], gap(covered + 1, r.min - 1));
    else if (r.min <= covered && coveredBy)
      add(
        ['creditTiers', r.i, 'minScore'],
        `tier "${r.name}" overlaps tier "${coveredBy.name}" on ${r.min}..${Math.min(covered, r.max)} (tiers must not overlap)`,
      );
    if (r.max > covered) [covered, coveredBy] = [r.max, r];
  }
  if (covered < SCORE_MAX) add(['creditTiers'], gap(covered + 1, SCORE_MAX));
}

/** Buckets: contiguous from DPD 1, only the last open-ended, unique names. */
function bucketProblems(c: Raw, add: Add): void {
  const buckets = arrayOf(c.buckets).map(recordOf);
  reportDuplicates(
    buckets,
    (b) => (typeof b.name === 'string' ? b.name : undefined),
    (b, i, first) =>
      add(['buckets', i, 'name'], `duplicate bucket name "${String(b.name)}" (also buckets[${first}])`),
  );
  buckets.forEach((b, i) => {
    const min = intOf(b.minDpd);
    const max = b.maxDpd === null ? null : intOf(b.maxDpd);
    const isLast = i === buckets.length - 1;
    if (min !== undefined) {
      if (i === 0 && min !== 1) add(['buckets', 0, 'minDpd'], 'expected 1: the first bucket starts at DPD 1');
      const prevMax = i > 0 ? buckets[i - 1]?.maxDpd : undefined;
      if (typeof prevMax === 'number' && min !== prevMax + 1)
        add(
          ['buckets', i, 'minDpd'],
          `expected ${prevMax + 1}: one more than buckets[${i - 1}].maxDpd (no gaps, no overlaps)`,
        );
    }
    if (isLast && max !== null && max !== undefined)
      add(['buckets', i, 'maxDpd'], 'expected null: the last bucket is open-ended');
    if (!isLast && max === null)
      add(['buckets', i, 'maxDpd'], 'expected a number: only the last bucket is open-ended');
    if (min !== undefined && typeof max === 'number' && max < min)
      add(['buckets', i, 'maxDpd'], `expected maxDpd >= minDpd (${min})`);
  });
}

/** UPCOMING reminders: distinct days, channel keys by day or "default", "default" present. */
function upcomingProblems(c: Raw, add: Add): void {
  const upcoming = recordOf(recordOf(c.reminders).upcoming);
  reportDuplicates(
    arrayOf(upcoming.daysBefore),
    (d) => (typeof d === 'number' ? d : undefined),
    (d, i, first) =>
      add(
        ['reminders', 'upcoming', 'daysBefore', i],
        `duplicate of daysBefore[${first}] (${String(d)}): days must be distinct`,
      ),
  );
  if (!isRecord(upcoming.channels)) return;
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

/** Channel lists: each channel once. */
function channelListProblems(c: Raw, add: Add): void {
  const lists: [Path, unknown][] = [
    ...Object.entries(recordOf(recordOf(recordOf(c.reminders).upcoming).channels)).map(
      ([k, v]): [Path, unknown] => [['reminders', 'upcoming', 'channels', k], v],
    ),
    ...Object.entries(recordOf(c.notificationChannels)).map(([k, v]): [Path, unknown] => [
      ['notificationChannels', k],
      v,
    ]),
    [['atRisk', 'channels'], recordOf(c.atRisk).channels],
  ];
  for (const [path, list] of lists) {
    const seen = new Set<unknown>();
    arrayOf(list).forEach((ch, i) => {
      if (seen.has(ch)) add([...path, i], `duplicate channel "${String(ch)}"`);
      seen.add(ch);
    });
  }
}

/** The credit-report notice fits before the report; escalation, retries and adjustments end before write-off. */
function escalationProblems(c: Raw, add: Add): void {
  const esc = recordOf(c.escalation);
  const writeOff = intOf(c.writeOffAtDpd);
  const reportAt = intOf(esc.creditReportAtDpd);
  const noticeDays = intOf(esc.creditReportNoticeDays);
  if (reportAt !== undefined && noticeDays !== undefined && noticeDays >= reportAt)
    add(
      ['escalation', 'creditReportNoticeDays'],
      `expected less than escalation.creditReportAtDpd (${reportAt})`,
    );
  if (writeOff === undefined) return;
  const escalations: [Path, number | undefined][] = [
    [['escalation', 'manualInterventionAtDpd'], intOf(esc.manualInterventionAtDpd)],
    [['escalation', 'creditReportAtDpd'], reportAt],
  ];
  for (const [path, dpd] of escalations)
    if (dpd !== undefined && dpd >= writeOff)
      add(
        ['writeOffAtDpd'],
        `expected more than ${path.join('.')} (${dpd}): write-off comes after the escalations`,
      );
  const limits: [Path, number | undefined][] = [
    [['retry', 'untilDpd'], intOf(recordOf(c.retry).untilDpd)],
    [['adjustments', 'untilDpd'], intOf(recordOf(c.adjustments).untilDpd)],
  ];
  for (const [path, dpd] of limits)
    if (dpd !== undefined && dpd >= writeOff) add(path, `expected less than writeOffAtDpd (${writeOff})`);
}

/** The send window is a span of the day; schedules are distinct; notifying jobs fire inside the window. */
function scheduleProblems(c: Raw, add: Add): void {
  const win = recordOf(c.sendWindow);
  const start = minuteOf(win.start);
  const end = minuteOf(win.end);
  if (start !== undefined && end !== undefined && start >= end)
    add(['sendWindow', 'end'], `expected later than sendWindow.start (${String(win.start)})`);
  const schedules = recordOf(c.schedules);
  for (const [job, list] of Object.entries(schedules))
    reportDuplicates(
      arrayOf(list),
      (expr) => expr,
      (_expr, i, first) => add(['schedules', job, i], `duplicate of schedules.${job}[${first}]`),
    );
  if (start === undefined || end === undefined || start >= end) return;
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
        `fires at ${shown}, outside the send window ${String(win.start)}-${String(win.end)} (end excluded): the ${job} job sends messages`,
      );
    });
  }
}

/** E-mail: the From address belongs to the SES identity (SES refuses any other). */
function emailSenderProblems(c: Raw, add: Add): void {
  const email = recordOf(recordOf(c.delivery).email);
  if (typeof email.fromAddress !== 'string' || typeof email.identity !== 'string') return;
  const address = (/<([^<>]+)>$/.exec(email.fromAddress)?.[1] ?? email.fromAddress).toLowerCase();
  const identity = email.identity.toLowerCase();
  if (address !== identity && !address.endsWith(`@${identity}`))
    add(
      ['delivery', 'email', 'fromAddress'],
      `expected an address of delivery.email.identity (${email.identity})`,
    );
}

/** The report's early warning needs a baseline it can have. */
function reportProblems(c: Raw, add: Add): void {
  const warning = recordOf(recordOf(c.report).earlyWarning);
  const baselineDays = intOf(warning.baselineDays);
  const minBaselineDays = intOf(warning.minBaselineDays);
  if (baselineDays !== undefined && minBaselineDays !== undefined && minBaselineDays > baselineDays)
    add(
      ['report', 'earlyWarning', 'minBaselineDays'],
      `expected at most report.earlyWarning.baselineDays (${baselineDays})`,
    );
}
