/**
 * `config:check` as an operator runs it: the real CLI in a child process; the summary it shares with
 * `npm start`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import defaultJson from '../../config/default.json';
import prodJson from '../../config/prod.json';
import { validateConfig } from '../../shared/config/load';
import { dormantSchedules, formatConfigSummary, formatSchedulePreview } from '../../tools/lib/config-summary';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string) => join('test', 'config', 'fixtures', name);
const scratch = mkdtempSync(join(tmpdir(), 'sentinel-config-cli-'));
/** An environment file must sit in config/ to be one: this test's own, removed afterwards. */
const readyEnvironment = join('config', `cli-test-${process.pid}.json`);
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(join(ROOT, readyEnvironment), { force: true });
});

function run(tool: string, args: string[] = []) {
  const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join('tools', tool), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const configCheck = (...args: string[]) => run('config-check.ts', args);
const NO_STACK = /^\s+at /m;

describe('config:check', () => {
  it('prints the summary and the schedule preview of the defaults, exit 0', () => {
    // Act
    const result = configCheck();
    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Configuration: config/default.json');
    expect(result.stdout).toMatch(/credit tiers\s+S 750\.\.950 \(grace 3 days\)/);
    expect(result.stdout).toMatch(/send window\s+08:00-21:00/);
    for (const expr of [
      'cron(30 0 * * ? *)',
      'cron(0 9 * * ? *)',
      'cron(0 10 * * ? *)',
      'cron(0 16 * * ? *)',
    ])
      expect(result.stdout).toContain(expr);
    // three fire times per schedule, each in local time and UTC
    expect(result.stdout.match(/ 00:30 \+08:00 {2}= {2}\d{4}-\d\d-\d\d 16:30 UTC/g)).toHaveLength(3);
    expect(result.stdout.match(/ 16:00 \+08:00 {2}= {2}\d{4}-\d\d-\d\d 08:00 UTC/g)).toHaveLength(3);
  });

  it('merges an environment file over the defaults (config/prod.json with its delivery providers named)', () => {
    // Prepare: an environment file beside prod.json, naming what an operator sets up outside CDK
    writeFileSync(
      join(ROOT, readyEnvironment),
      JSON.stringify({
        ...prodJson,
        delivery: {
          sms: { senderId: 'LENDER' },
          push: { platformApplications: { fcm: 'arn:aws:sns:ap-east-1:123456789012:app/GCM/lender-app' } },
          email: { fromAddress: 'reminders@lender.example', identity: 'lender.example' },
        },
      }),
    );
    // Act
    const result = configCheck(readyEnvironment);
    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`config/default.json + ${readyEnvironment}`);
    expect(result.stdout).toMatch(/jobs\s+32 shards/);
  });

  it('tells what an environment file lacks for a real environment (config/prod.json as shipped): exit 2, one line per key', () => {
    // Act
    const result = configCheck('config/prod.json');
    // Assess
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toBe('config/prod.json: not ready for a real environment');
    expect(lines.slice(1).map((l) => l.trim().split(':')[0])).toEqual([
      'delivery.sms.senderId',
      'delivery.email.fromAddress',
      'delivery.email.identity',
      'delivery.push.platformApplications.fcm',
    ]);
    expect(result.stderr).not.toMatch(NO_STACK);
  });

  it('accepts an override with weekday-only failed debits and other UPCOMING days', () => {
    const result = configCheck(fixture('simulation-example.json'));
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/UPCOMING\s+T-5, T-1/);
    expect(result.stdout).toContain('cron(0 10,16 ? * MON-FRI *)');
    const lines = result.stdout.split('\n');
    const at = lines.indexOf('    cron(0 10,16 ? * MON-FRI *)');
    expect(lines.slice(at + 1, at + 4)).toEqual([
      expect.stringMatching(/^ {6}(Mon|Tue|Wed|Thu|Fri) \S+ (10|16):00 \+08:00/),
      expect.stringMatching(/^ {6}(Mon|Tue|Wed|Thu|Fri) \S+ (10|16):00 \+08:00/),
      expect.stringMatching(/^ {6}(Mon|Tue|Wed|Thu|Fri) \S+ (10|16):00 \+08:00/),
    ]);
  });

  it.each([
    ['a tier gap', 'tier-gap.json', 'creditTiers: scores 690..699 are in no tier'],
    [
      'an unknown channel',
      'unknown-channel.json',
      'notificationChannels.OVERDUE[1]: expected a channel: push, sms, email',
    ],
    [
      'a reminders schedule at 22:00',
      'reminders-at-22.json',
      'schedules.reminders[0]: fires at 22:00, outside the send window',
    ],
    [
      'a malformed cron',
      'malformed-cron.json',
      'schedules.aging[0]: invalid EventBridge Scheduler cron: expected 6 fields',
    ],
    ['a schedule that never fires again', 'never-fires.json', 'schedules.aging[0]: never fires after'],
    ['a missing file', 'no-such-file.json', 'no-such-file.json: file not found'],
    ['JSON that is not an object', 'not-an-object.json', 'not-an-object.json: expected a JSON object'],
  ])('rejects %s: exit 2, the path on stderr, nothing on stdout', (_name, file, line) => {
    // Act
    const result = configCheck(fixture(file));
    // Assess
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(`${fixture(file)}: invalid configuration`);
    expect(result.stderr).toContain(line);
    expect(result.stderr).not.toMatch(NO_STACK);
  });

  it('rejects bad JSON naming the file, without a stack trace', () => {
    // Prepare
    const file = join(scratch, 'bad.json');
    writeFileSync(file, '{ "jobs": { "shards": 32, } ');
    // Act
    const result = configCheck(file);
    // Assess
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${file}: not valid JSON`);
    expect(result.stderr).not.toMatch(NO_STACK);
  });

  it('reports several problems at once, one line each', () => {
    // Act
    const result = configCheck(fixture('several-problems.json'));
    // Assess
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^creditTiers: scores 750\.\.759 are in no tier/),
        expect.stringMatching(/^notificationChannels\.DUE_TODAY\[1\]: expected a channel/),
        expect.stringMatching(/^maxNotificationPerBorrowerPerDay: unknown key/),
        expect.stringMatching(/^reminders\.upcoming\.daysBefore\[2\]: duplicate/),
        expect.stringMatching(/^schedules\.reminders\[1\]: fires at 21:00/),
        expect.stringMatching(/^schedules\.failedDebits\[0\]: invalid EventBridge Scheduler cron: rate\(\)/),
      ]),
    );
    expect(lines).toHaveLength(6);
  });

  it('refuses extra arguments with the usage, exit 2', () => {
    const result = configCheck('a.json', 'b.json');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/usage: npm run --silent config:check -- \[FILE\]/);
  });
});

describe('config summary', () => {
  const config = (() => {
    const result = validateConfig(defaultJson);
    if (!result.ok) throw new Error('defaults invalid');
    return result.config;
  })();

  it('says every rule number in words', () => {
    // Act
    const text = formatConfigSummary(config).join('\n');
    // Assess
    for (const expected of [
      /penalty\s+500 ppm = 0\.05 % a day \(¥0\.50 a day on ¥1,000\.00 of principal\)/,
      /buckets\s+M1 DPD 1-30, M2 DPD 31-60, M3 DPD 61-90, M3\+ DPD 91\+/,
      /escalation\s+manual intervention at DPD 3; credit report at DPD 30, 7 days after the warning \(sent from DPD 23\)/,
      /write-off\s+at DPD 180/,
      /UPCOMING\s+T-7, T-3, T-1 \(T-7: push; T-3: push, sms; T-1: push, sms, email; other days: push, sms\)/,
      /CREDIT_REPORT_WARNING\s+sms, email, push/,
      /daily cap\s+3 notifications per borrower per day/,
      /debit retries\s+up to 3 per due date, while DPD <= 7/,
    ])
      expect(text).toMatch(expected);
  });

  it('previews the next fire times in local time and UTC, from the given instant', () => {
    // Act
    const lines = formatSchedulePreview(config, '2026-12-01T00:00:00+08:00', 2);
    // Assess
    expect(lines).toEqual([
      'Schedules (Asia/Shanghai; next 2 fire times after 2026-12-01T00:00:00+08:00)',
      '  aging',
      '    cron(30 0 * * ? *)',
      '      Tue 2026-12-01 00:30 +08:00  =  2026-11-30 16:30 UTC',
      '      Wed 2026-12-02 00:30 +08:00  =  2026-12-01 16:30 UTC',
      '  reminders (sends messages: inside 08:00-21:00)',
      '    cron(0 9 * * ? *)',
      '      Tue 2026-12-01 09:00 +08:00  =  2026-12-01 01:00 UTC',
      '      Wed 2026-12-02 09:00 +08:00  =  2026-12-02 01:00 UTC',
      '  failedDebits (sends messages: inside 08:00-21:00)',
      '    cron(0 10 * * ? *)',
      '      Tue 2026-12-01 10:00 +08:00  =  2026-12-01 02:00 UTC',
      '      Wed 2026-12-02 10:00 +08:00  =  2026-12-02 02:00 UTC',
      '    cron(0 16 * * ? *)',
      '      Tue 2026-12-01 16:00 +08:00  =  2026-12-01 08:00 UTC',
      '      Wed 2026-12-02 16:00 +08:00  =  2026-12-02 08:00 UTC',
    ]);
  });

  it('finds schedules that never fire after now', () => {
    // Prepare
    const stale = { ...config, schedules: { ...config.schedules, aging: ['cron(30 0 * * ? 2027)'] } };
    // Act / Assess
    expect(dormantSchedules(stale, '2026-12-01T00:00:00Z')).toEqual([]);
    expect(dormantSchedules(stale, '2028-01-01T00:00:00Z')).toEqual([
      { path: 'schedules.aging[0]', message: 'never fires after 2028-01-01T00:00:00Z' },
    ]);
  });
});
