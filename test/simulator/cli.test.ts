/**
 * The real CLI, spawned as operators run it: invalid input exits 2 with one message per problem
 * naming its path, nothing on stdout and no --out file; a run is byte-for-byte reproducible.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const dir = mkdtempSync(join(tmpdir(), 'simulate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The environment an operator has: none of the test setup's Powertools settings. */
function cliEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_DISABLED', 'POWERTOOLS_DEV'])
    delete env[name];
  return env;
}

function simulate(args: string[]) {
  const result = spawnSync(
    join(ROOT, 'node_modules', '.bin', 'tsx'),
    [join(ROOT, 'tools', 'simulate.ts'), ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: cliEnv(),
      timeout: 120_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('simulate CLI', () => {
  it('exits 2 on an invalid scenario: every problem on stderr by path, nothing on stdout, no --out file', () => {
    // Prepare
    const out = join(dir, 'invalid-scenario.jsonl');
    // Act
    const { code, stdout, stderr } = simulate(['--scenario', fixture('invalid-scenario.json'), '--out', out]);
    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([
      'installments[3].dueDate: expected YYYY-MM-DD',
      'events[0].loanId: unknown installment L7/1',
    ]);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 on an invalid --config: messages name the file and the paths', () => {
    const out = join(dir, 'invalid-config.jsonl');
    const config = fixture('invalid-config.json');
    const { code, stdout, stderr } = simulate([
      '--scenario',
      fixture('small.json'),
      '--config',
      config,
      '--out',
      out,
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/invalid-config\.json: reminders\.upcoming\.daysBefore\[1\]: /);
    expect(lines[1]).toMatch(/invalid-config\.json: maxNotificationsPerBorrowerPerDay: /);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 on a scenario config that breaks the merged configuration, naming config.<path>', () => {
    const scenario = JSON.parse(readFileSync(fixture('small.json'), 'utf8'));
    scenario.config = { sendWindow: { start: '8am' } };
    const file = join(dir, 'bad-scenario-config.json');
    writeFileSync(file, JSON.stringify(scenario));
    const { code, stdout, stderr } = simulate(['--scenario', file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^config\.sendWindow\.start: /m);
  });

  it('exits 2 on a missing scenario file or a bad option, with usage', () => {
    expect(simulate(['--scenario', join(dir, 'nope.json')])).toMatchObject({ code: 2, stdout: '' });
    const bad = simulate(['--scenarios', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/usage: /);
  });

  it('writes the same timeline, byte for byte, on every run; stdout holds the timeline only', () => {
    // Act
    const first = simulate(['--scenario', fixture('small.json')]);
    const out = join(dir, 'second.jsonl');
    const second = simulate(['--scenario', fixture('small.json'), '--out', out]);
    // Assess
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(first.stdout);
    const records = first.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records.length).toBeGreaterThan(5);
    expect(records.filter((r) => r.type === 'final').map((r) => `${r.loanId}/${r.seq}`)).toEqual([
      'L1/1',
      'L2/1',
    ]);
    expect(first.stderr).toMatch(/notifications \d+/);
  });
});
