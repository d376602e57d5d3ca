import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import defaultJson from '../../config/default.json';
import {
  type ConfigProblem,
  deepMerge,
  formatPath,
  formatProblems,
  loadConfig,
  loadDefaultConfig,
  validateConfig,
} from '../../shared/config/load';
import { type Config, configSchema } from '../../shared/config/schema';

const scratch = mkdtempSync(join(tmpdir(), 'sentinel-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The problems of the defaults with `override` deep-merged over them (empty when valid). */
function problemsWith(override: unknown): ConfigProblem[] {
  const result = validateConfig(deepMerge(defaultJson, override));
  return result.ok ? [] : result.problems;
}

const valid = (): Config => {
  const result = validateConfig(defaultJson);
  if (!result.ok) throw new Error(formatProblems(result.problems).join('\n'));
  return result.config;
};

describe('config/default.json', () => {
  it('validates', () => {
    // Act
    const result = validateConfig(defaultJson);
    // Assess
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(configSchema.parse(defaultJson)).toEqual(defaultJson);
  });

  it('is what loadDefaultConfig and loadConfig() return', () => {
    expect(loadDefaultConfig()).toEqual(defaultJson);
    expect(loadConfig()).toEqual({ ok: true, config: defaultJson });
    expect(loadConfig({ env: 'default' })).toEqual({ ok: true, config: defaultJson });
  });

  describe('holds every default of RULES.md', () => {
    const c = valid();

    it('time zone Asia/Shanghai (1)', () => expect(c.timeZone).toBe('Asia/Shanghai'));

    it('credit tiers S/A/B/C with grace 3/2/1/0 (2)', () => {
      expect(c.creditTiers).toEqual([
        { tier: 'S', minScore: 750, maxScore: 950, graceDays: 3 },
        { tier: 'A', minScore: 700, maxScore: 749, graceDays: 2 },
        { tier: 'B', minScore: 650, maxScore: 699, graceDays: 1 },
        { tier: 'C', minScore: 350, maxScore: 649, graceDays: 0 },
      ]);
    });

    it('penalty 500 ppm a day (3), write-off at DPD 180 (2)', () => {
      expect(c.penalty.dailyRatePpm).toBe(500);
      expect(c.writeOffAtDpd).toBe(180);
    });

    it('buckets M1 1-30, M2 31-60, M3 61-90, M3+ 91 and up (5)', () => {
      expect(c.buckets).toEqual([
        { name: 'M1', minDpd: 1, maxDpd: 30 },
        { name: 'M2', minDpd: 31, maxDpd: 60 },
        { name: 'M3', minDpd: 61, maxDpd: 90 },
        { name: 'M3+', minDpd: 91, maxDpd: null },
      ]);
    });

    it('escalation at DPD 3 and 30, credit report 7 days after the warning (5)', () => {
      expect(c.escalation).toEqual({
        manualInterventionAtDpd: 3,
        creditReportAtDpd: 30,
        creditReportNoticeDays: 7,
      });
    });

    it('UPCOMING 7/3/1 days before: 7 push; 3 push, sms; 1 push, sms, email; other push, sms (6)', () => {
      expect(c.reminders.upcoming.daysBefore).toEqual([7, 3, 1]);
      expect(c.reminders.upcoming.channels).toEqual({
        '7': ['push'],
        '3': ['push', 'sms'],
        '1': ['push', 'sms', 'email'],
        default: ['push', 'sms'],
      });
    });

    it('channels of the other kinds (6)', () => {
      expect(c.notificationChannels).toEqual({
        DUE_TODAY: ['push', 'sms'],
        DEBIT_FAILED: ['push', 'sms', 'email'],
        GRACE_LAST_DAY: ['push', 'sms'],
        OVERDUE: ['push', 'sms', 'email'],
        CREDIT_REPORT_WARNING: ['sms', 'email', 'push'],
      });
    });

    it('OVERDUE every 3 days; at-risk over 90 days, tier C, push/sms/email (6)', () => {
      expect(c.overdue.repeatEveryDays).toBe(3);
      expect(c.atRisk).toEqual({ lookbackDays: 90, tiers: ['C'], channels: ['push', 'sms', 'email'] });
    });

    it('send window 08:00-21:00 and a cap of 3 a day (6)', () => {
      expect(c.sendWindow).toEqual({ start: '08:00', end: '21:00' });
      expect(c.maxNotificationsPerBorrowerPerDay).toBe(3);
    });

    it('retries: 3 per due date, until DPD 7 (7)', () => {
      expect(c.retry).toEqual({ maxRetries: 3, untilDpd: 7 });
    });

    it('adjustments: until DPD 30, extend 30 days once, split up to 12 parts every 30 days (8)', () => {
      expect(c.adjustments).toEqual({
        untilDpd: 30,
        maxExtensionDays: 30,
        maxExtensions: 1,
        maxSplitParts: 12,
        splitIntervalDays: 30,
      });
    });

    it('schedules: aging 00:30, reminders 09:00, failed debits 10:00 and 16:00 daily (9)', () => {
      expect(c.schedules).toEqual({
        aging: ['cron(30 0 * * ? *)'],
        reminders: ['cron(0 9 * * ? *)'],
        failedDebits: ['cron(0 10 * * ? *)', 'cron(0 16 * * ? *)'],
      });
    });
  });
});

describe('config/prod.json', () => {
  it('validates over the defaults and changes what an environment override should', () => {
    // Act
    const result = loadConfig({ env: 'prod' });
    // Assess
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (!result.ok) return;
    expect(result.config.jobs.shards).toBe(32);
    expect(result.config.operations.alertEmails.length).toBeGreaterThan(0);
    expect(result.config.schedules.reminders).toHaveLength(2);
    expect(result.config.creditTiers).toEqual(defaultJson.creditTiers);
  });
});

describe('validation problems (path and what was expected)', () => {
  const tiers = (...ranges: [string, number, number][]) =>
    ranges.map(([tier, minScore, maxScore]) => ({ tier, minScore, maxScore, graceDays: 0 }));
  const buckets = (...bs: [string, number, number | null][]) =>
    bs.map(([name, minDpd, maxDpd]) => ({ name, minDpd, maxDpd }));

  it.each<[string, unknown, string, RegExp]>([
    [
      'a tier gap',
      { creditTiers: tiers(['S', 750, 950], ['B', 650, 689], ['C', 350, 649]) },
      'creditTiers',
      /690\.\.749 are in no tier/,
    ],
    [
      'a tier overlap',
      { creditTiers: tiers(['S', 700, 950], ['A', 650, 720], ['C', 350, 649]) },
      'creditTiers[0].minScore',
      /overlaps tier "A" on 700\.\.720/,
    ],
    [
      'tiers not reaching 950',
      { creditTiers: tiers(['S', 650, 900], ['C', 350, 649]) },
      'creditTiers',
      /901\.\.950 are in no tier/,
    ],
    [
      'tiers not starting at 350',
      { creditTiers: tiers(['S', 650, 950], ['C', 400, 649]) },
      'creditTiers',
      /350\.\.399 are in no tier/,
    ],
    [
      'a score out of range',
      { creditTiers: tiers(['S', 650, 999], ['C', 350, 649]) },
      'creditTiers[0].maxScore',
      /at most 950/,
    ],
    [
      'minScore above maxScore',
      { creditTiers: tiers(['S', 650, 950], ['C', 649, 350]) },
      'creditTiers[1].maxScore',
      /maxScore >= minScore/,
    ],
    [
      'a duplicate tier name',
      { creditTiers: tiers(['S', 650, 950], ['S', 350, 649]) },
      'creditTiers[1].tier',
      /duplicate tier name "S"/,
    ],
    [
      'an at-risk tier that does not exist',
      { atRisk: { tiers: ['D'] } },
      'atRisk.tiers[0]',
      /unknown tier "D".*S, A, B, C/,
    ],
    [
      'a bucket gap',
      { buckets: buckets(['M1', 1, 30], ['M2', 32, null]) },
      'buckets[1].minDpd',
      /expected 31/,
    ],
    [
      'a bucket overlap',
      { buckets: buckets(['M1', 1, 30], ['M2', 30, null]) },
      'buckets[1].minDpd',
      /expected 31/,
    ],
    [
      'buckets not starting at DPD 1',
      { buckets: buckets(['M1', 2, 30], ['M2', 31, null]) },
      'buckets[0].minDpd',
      /expected 1/,
    ],
    [
      'a closed last bucket',
      { buckets: buckets(['M1', 1, 30], ['M2', 31, 60]) },
      'buckets[1].maxDpd',
      /expected null/,
    ],
    [
      'an open bucket before the last',
      { buckets: buckets(['M1', 1, null], ['M2', 31, null]) },
      'buckets[0].maxDpd',
      /only the last/,
    ],
    [
      'a duplicate bucket name',
      { buckets: buckets(['M1', 1, 30], ['M1', 31, null]) },
      'buckets[1].name',
      /duplicate bucket name/,
    ],
    [
      'a repeated daysBefore',
      { reminders: { upcoming: { daysBefore: [7, 3, 3] } } },
      'reminders.upcoming.daysBefore[2]',
      /duplicate of daysBefore\[1\]/,
    ],
    [
      'a zero daysBefore',
      { reminders: { upcoming: { daysBefore: [7, 0] } } },
      'reminders.upcoming.daysBefore[1]',
      /at least 1/,
    ],
    [
      'an UPCOMING channel key that is not a day',
      { reminders: { upcoming: { channels: { seven: ['push'] } } } },
      'reminders.upcoming.channels.seven',
      /positive whole number of days, or "default"/,
    ],
    [
      'an UPCOMING channel key 0',
      { reminders: { upcoming: { channels: { '0': ['push'] } } } },
      'reminders.upcoming.channels.0',
      /positive whole number/,
    ],
    [
      'an unknown channel',
      { notificationChannels: { OVERDUE: ['push', 'fax'] } },
      'notificationChannels.OVERDUE[1]',
      /expected a channel: push, sms, email/,
    ],
    [
      'an unknown UPCOMING channel',
      { reminders: { upcoming: { channels: { '7': ['pager'] } } } },
      'reminders.upcoming.channels.7[0]',
      /expected a channel/,
    ],
    [
      'a duplicate channel',
      { atRisk: { channels: ['sms', 'sms'] } },
      'atRisk.channels[1]',
      /duplicate channel "sms"/,
    ],
    [
      'an empty channel list',
      { notificationChannels: { DUE_TODAY: [] } },
      'notificationChannels.DUE_TODAY',
      /at least one channel/,
    ],
    [
      'notice days not below the report DPD',
      { escalation: { creditReportNoticeDays: 30 } },
      'escalation.creditReportNoticeDays',
      /less than escalation.creditReportAtDpd \(30\)/,
    ],
    [
      'write-off before the credit report',
      { writeOffAtDpd: 30, retry: { untilDpd: 7 }, adjustments: { untilDpd: 20 } },
      'writeOffAtDpd',
      /more than escalation.creditReportAtDpd \(30\)/,
    ],
    [
      'retries until write-off',
      { retry: { untilDpd: 180 } },
      'retry.untilDpd',
      /less than writeOffAtDpd \(180\)/,
    ],
    [
      'adjustments until write-off',
      { adjustments: { untilDpd: 200 } },
      'adjustments.untilDpd',
      /less than writeOffAtDpd/,
    ],
    [
      'a send window that ends before it starts',
      { sendWindow: { start: '21:00', end: '08:00' } },
      'sendWindow.end',
      /later than sendWindow.start/,
    ],
    [
      'a send window time that is not HH:mm',
      { sendWindow: { start: '8:00' } },
      'sendWindow.start',
      /expected HH:mm/,
    ],
    ['an unknown time zone', { timeZone: 'Asia/Beijing' }, 'timeZone', /IANA time zone/],
    ['an offset instead of a zone', { timeZone: '+08:00' }, 'timeZone', /IANA time zone/],
    [
      'a malformed cron',
      { schedules: { aging: ['cron(30 0 * *)'] } },
      'schedules.aging[0]',
      /invalid EventBridge Scheduler cron: expected 6 fields/,
    ],
    [
      'a rate expression',
      { schedules: { aging: ['rate(1 day)'] } },
      'schedules.aging[0]',
      /rate\(\) expressions are not supported/,
    ],
    [
      'reminders at 22:00',
      { schedules: { reminders: ['cron(0 22 * * ? *)'] } },
      'schedules.reminders[0]',
      /fires at 22:00, outside the send window 08:00-21:00/,
    ],
    [
      'reminders at 21:00 (the end is outside)',
      { schedules: { reminders: ['cron(0 21 * * ? *)'] } },
      'schedules.reminders[0]',
      /fires at 21:00/,
    ],
    [
      'failed debits at 07:59',
      { schedules: { failedDebits: ['cron(0 10 * * ? *)', 'cron(59 7 * * ? *)'] } },
      'schedules.failedDebits[1]',
      /fires at 07:59/,
    ],
    [
      'failed debits every hour',
      { schedules: { failedDebits: ['cron(0 * * * ? *)'] } },
      'schedules.failedDebits[0]',
      /00:00, 01:00, 02:00, … \(11 in all\)/,
    ],
    [
      'a duplicate schedule',
      { schedules: { aging: ['cron(30 0 * * ? *)', 'cron(30 0 * * ? *)'] } },
      'schedules.aging[1]',
      /duplicate of schedules.aging\[0\]/,
    ],
    ['an empty schedule list', { schedules: { aging: [] } }, 'schedules.aging', /.+/],
    [
      'a penalty above 1 % a day',
      { penalty: { dailyRatePpm: 10_001 } },
      'penalty.dailyRatePpm',
      /at most 10000/,
    ],
    ['a fractional penalty rate', { penalty: { dailyRatePpm: 0.5 } }, 'penalty.dailyRatePpm', /whole number/],
    [
      'a cap of 0',
      { maxNotificationsPerBorrowerPerDay: 0 },
      'maxNotificationsPerBorrowerPerDay',
      /at least 1/,
    ],
    ['too many retries', { retry: { maxRetries: 11 } }, 'retry.maxRetries', /at most 10/],
    ['a split into 1 part', { adjustments: { maxSplitParts: 1 } }, 'adjustments.maxSplitParts', /at least 2/],
    ['0 shards', { jobs: { shards: 0 } }, 'jobs.shards', /at least 1/],
    [
      'an alarm threshold above 1',
      { operations: { failedDebitRatioAlarmThreshold: 2 } },
      'operations.failedDebitRatioAlarmThreshold',
      /at most 1/,
    ],
    [
      'a bad alert e-mail',
      { operations: { alertEmails: ['ops-at-example'] } },
      'operations.alertEmails[0]',
      /.+/,
    ],
    [
      'an unknown top-level key (typo)',
      { maxNotificationPerBorrowerPerDay: 3 },
      'maxNotificationPerBorrowerPerDay',
      /unknown key \(expected one of: timeZone, /,
    ],
    [
      'an unknown nested key (typo)',
      { retry: { maxRetry: 3 } },
      'retry.maxRetry',
      /unknown key \(expected one of: maxRetries, untilDpd\)/,
    ],
    [
      'an unknown notification kind',
      { notificationChannels: { REMINDER: ['sms'] } },
      'notificationChannels.REMINDER',
      /unknown key/,
    ],
    [
      'an unknown key in a tier',
      { creditTiers: [{ tier: 'S', minScore: 350, maxScore: 950, graceDays: 1, grace: 2 }] },
      'creditTiers[0].grace',
      /unknown key/,
    ],
  ])('reports %s', (_name, override, path, message) => {
    // Act
    const problems = problemsWith(override);
    // Assess
    const found = problems.filter((p) => p.path === path);
    expect(found, formatProblems(problems).join('\n')).not.toEqual([]);
    expect(found.map((p) => p.message).join('\n')).toMatch(message);
  });

  it.each<[string, unknown]>([
    [
      'reminders at 08:00 and 20:59',
      { schedules: { reminders: ['cron(0 8 * * ? *)', 'cron(59 20 * * ? *)'] } },
    ],
    [
      'failed debits every 30 minutes in the window',
      { schedules: { failedDebits: ['cron(0/30 8-20 ? * MON-FRI *)'] } },
    ],
    [
      'aging at night (it sends nothing)',
      { schedules: { aging: ['cron(30 0 * * ? *)', 'cron(0 23 L * ? *)'] } },
    ],
    [
      'a wider send window with a later run',
      { sendWindow: { end: '22:00' }, schedules: { reminders: ['cron(30 21 * * ? *)'] } },
    ],
    [
      'the SIMULATION.md example: daysBefore [5, 1] keeps the merged channel keys',
      { reminders: { upcoming: { daysBefore: [5, 1] } } },
    ],
    ['a scenario write-off at DPD 40', { writeOffAtDpd: 40 }],
    ['UTC', { timeZone: 'UTC' }],
    ['tiers in any order', { creditTiers: tiers(['C', 350, 649], ['S', 650, 950]) }],
  ])('accepts %s', (_name, override) => {
    expect(formatProblems(problemsWith(override))).toEqual([]);
  });

  it('reports every problem at once, field and cross-field together', () => {
    // Prepare
    const override = {
      creditTiers: tiers(['S', 760, 950], ['C', 350, 749]),
      notificationChannels: { DUE_TODAY: ['push', 'wechat'] },
      schedules: { reminders: ['cron(0 22 * * ? *)'], aging: ['cron(30 0 * *)'] },
      jobs: { shards: 0 },
    };
    // Act
    const paths = problemsWith(override).map((p) => p.path);
    // Assess
    expect(paths).toEqual(
      expect.arrayContaining([
        'creditTiers',
        'notificationChannels.DUE_TODAY[1]',
        'schedules.reminders[0]',
        'schedules.aging[0]',
        'jobs.shards',
      ]),
    );
  });

  it('requires the "default" UPCOMING channels (an override file cannot remove it, a raw config can)', () => {
    // Prepare
    const raw = structuredClone(defaultJson) as {
      reminders: { upcoming: { channels: Record<string, unknown> } };
    };
    delete raw.reminders.upcoming.channels.default;
    // Act
    const result = validateConfig(raw);
    // Assess
    expect(result.ok ? [] : formatProblems(result.problems)).toEqual([
      'reminders.upcoming.channels.default: required: the channels for any other daysBefore value',
    ]);
  });

  it('names a missing section and a wrong type', () => {
    // Prepare
    const { retry: _retry, ...withoutRetry } = defaultJson;
    // Act
    const missing = validateConfig(withoutRetry);
    const wrongType = validateConfig(deepMerge(defaultJson, { writeOffAtDpd: '180' }));
    // Assess
    expect(missing.ok ? [] : missing.problems.map((p) => p.path)).toEqual(['retry']);
    expect(wrongType.ok ? [] : wrongType.problems.map((p) => p.path)).toContain('writeOffAtDpd');
  });

  it('prefixes every path for the simulator (config.)', () => {
    // Act
    const result = validateConfig(
      deepMerge(defaultJson, { reminders: { upcoming: { daysBefore: [7, 7] } }, oops: 1 }),
      {
        pathPrefix: 'config.',
      },
    );
    // Assess
    expect(result.ok ? [] : result.problems.map((p) => p.path).sort()).toEqual([
      'config.oops',
      'config.reminders.upcoming.daysBefore[1]',
    ]);
  });

  it('rejects something that is not an object with one problem', () => {
    const result = validateConfig([1, 2]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toHaveLength(1);
  });
});

describe('deepMerge', () => {
  it.each([
    ['objects merge recursively', { a: { b: 1, c: 2 } }, { a: { c: 3 } }, { a: { b: 1, c: 3 } }],
    ['arrays replace arrays', { a: [7, 3, 1] }, { a: [5] }, { a: [5] }],
    ['scalars replace', { a: 1, b: 'x' }, { b: 'y' }, { a: 1, b: 'y' }],
    ['null replaces', { a: { b: 1 } }, { a: null }, { a: null }],
    ['an object replaces a scalar', { a: 1 }, { a: { b: 2 } }, { a: { b: 2 } }],
    ['new keys are added', { a: 1 }, { b: 2 }, { a: 1, b: 2 }],
    ['undefined override keeps the base', { a: 1 }, undefined, { a: 1 }],
  ])('%s', (_name, base, override, expected) => {
    expect(deepMerge(base, override)).toEqual(expected);
  });

  it('does not modify its inputs', () => {
    // Prepare
    const base = { a: { b: [1] } };
    const override = { a: { c: 2 } };
    // Act
    const merged = deepMerge(base, override) as { a: { b: number[] } };
    merged.a.b = [9];
    // Assess
    expect(base).toEqual({ a: { b: [1] } });
    expect(override).toEqual({ a: { c: 2 } });
  });

  it('keeps every leaf of the override and every base key the override does not mention', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (base, over) => {
          const merged = deepMerge(base, over) as Record<string, unknown>;
          for (const [k, v] of Object.entries(over))
            if (typeof v !== 'object' || v === null || Array.isArray(v)) expect(merged[k]).toEqual(v);
          for (const [k, v] of Object.entries(base)) if (!(k in over)) expect(merged[k]).toEqual(v);
        },
      ),
    );
  });

  it('keeps a `__proto__` key of a JSON file as a key, so the schema reports it', () => {
    // Prepare
    const over = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    // Act
    const merged = deepMerge({ a: 0 }, over) as Record<string, unknown>;
    // Assess
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged).sort()).toEqual(['__proto__', 'a']);
  });
});

describe('loadConfig', () => {
  const write = (name: string, text: string) => {
    const file = join(scratch, name);
    writeFileSync(file, text);
    return file;
  };

  it('merges an explicit file, then the overrides, over the defaults', () => {
    // Prepare
    const file = write(
      'over.json',
      JSON.stringify({ jobs: { shards: 8 }, reminders: { upcoming: { daysBefore: [5, 1] } } }),
    );
    // Act
    const result = loadConfig({ file, overrides: { jobs: { concurrency: 4 } } });
    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.jobs).toEqual({ shards: 8, shardsPerWorkItem: 16, catchUpDays: 7, concurrency: 4 });
    expect(result.config.reminders.upcoming.daysBefore).toEqual([5, 1]);
    expect(result.config.reminders.upcoming.channels).toEqual(defaultJson.reminders.upcoming.channels);
  });

  it('reads <configDir>/default.json and <configDir>/<env>.json', () => {
    // Prepare
    const dir = mkdtempSync(join(scratch, 'dir-'));
    writeFileSync(join(dir, 'default.json'), JSON.stringify(defaultJson));
    writeFileSync(join(dir, 'staging.json'), JSON.stringify({ writeOffAtDpd: 90 }));
    // Act
    const result = loadConfig({ env: 'staging', configDir: dir });
    // Assess
    expect(result.ok && result.config.writeOffAtDpd).toBe(90);
  });

  it.each([
    ['a missing file', () => ({ file: join(scratch, 'nope.json') }), /nope\.json/, /file not found/],
    ['a missing environment', () => ({ env: 'nowhere' }), /nowhere\.json/, /file not found/],
    [
      'bad JSON',
      () => ({ file: write('bad.json', '{ "jobs": { "shards": 32, } ') }),
      /bad\.json/,
      /not valid JSON/,
    ],
    [
      'JSON that is not an object',
      () => ({ file: write('list.json', '[1, 2]') }),
      /list\.json/,
      /expected a JSON object/,
    ],
  ])('reports %s as one problem naming the file', (_name, opts, path, message) => {
    // Act
    const result = loadConfig(opts());
    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.path).toMatch(path);
    expect(result.problems[0]?.message).toMatch(message);
  });
});

describe('formatting', () => {
  it('writes paths with dots and [index]', () => {
    expect(formatPath(['reminders', 'upcoming', 'daysBefore', 2])).toBe('reminders.upcoming.daysBefore[2]');
    expect(formatPath(['creditTiers', 0, 'tier'], 'config.')).toBe('config.creditTiers[0].tier');
    expect(formatPath([], 'config.')).toBe('config');
  });

  it('writes one "path: message" line per problem', () => {
    expect(
      formatProblems([
        { path: 'jobs.shards', message: 'expected at least 1' },
        { path: '', message: 'no path' },
      ]),
    ).toEqual(['jobs.shards: expected at least 1', 'no path']);
  });
});
