/**
 * The commands: `npm run report` on a timeline file, `simulate --report` (the timeline on stdout
 * unchanged) and `simulate --compare` (the README example over a small scenario). Mistakes are one
 * line on stderr, exit 2, never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStartArgs } from '../../tools/lib/sim/start';
import { runReportCli } from '../../tools/report/cli';
import { runWhatIf } from '../../tools/report/what-if';
import { event, notification, transition } from './records';

const ROOT = join(import.meta.dirname, '..', '..');
const SMALL = join(ROOT, 'test', 'simulator', 'fixtures', 'small.json');
const dir = mkdtempSync(join(tmpdir(), 'report-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the report command in-process; returns its exit code and what it wrote. */
async function report(args: string[], stdin = '') {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => {
    stdout += c;
  });
  err.on('data', (c) => {
    stderr += c;
  });
  const code = await runReportCli(args, { stdin: Readable.from([stdin]), stdout: out, stderr: err });
  return { code, stdout, stderr };
}

function spawnTool(tool: string, args: string[]) {
  const env = { ...process.env };
  for (const name of ['POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_DISABLED', 'POWERTOOLS_DEV'])
    delete env[name];
  const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'tools', tool), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const TIMELINE = [
  notification('2027-01-03', 'L1', '1', 'UPCOMING', '2027-01-10#7', { push: 'p', sms: 'Reminder' }),
  transition('2027-01-10', 'L1', '1', 'SCHEDULED', 'PAID', 0, '06:00'),
  event('2027-01-11', 'CollectionPaused', 'L2', null, { reason: 'HARDSHIP' }),
  { type: 'final', loanId: 'L1', seq: '1', status: 'PAID', dueDate: '2027-01-10' },
]
  .map((r) => JSON.stringify(r))
  .join('\n');

describe('npm run report', () => {
  it('writes one self-contained HTML page from a timeline file', async () => {
    // Prepare
    const timeline = join(dir, 'run.jsonl');
    writeFileSync(timeline, `${TIMELINE}\n`);
    // Act
    const { code, stderr } = await report(['--timeline', timeline, '--title', 'Nightly <export>']);
    // Assess
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /^report: 4 records \(0 of unknown types, 0 malformed\), 2027-01-03 to 2027-01-11 -> .*run\.html \(\d+ KB\)\n$/,
    );
    const html = readFileSync(join(dir, 'run.html'), 'utf8');
    expect(html).toContain('<title>Nightly &lt;export&gt;</title>');
    expect(html).toContain('id="report-data"');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org)/);
  });

  it('reads stdin with --timeline - and takes the SMS price from --config', async () => {
    // Prepare
    const config = join(dir, 'price.json');
    writeFileSync(config, JSON.stringify({ report: { smsPricePerPartFen: 7 } }));
    const out = join(dir, 'stdin.html');
    // Act
    const { code } = await report(['--timeline', '-', '--out', out, '--config', config], TIMELINE);
    // Assess
    expect(code).toBe(0);
    const data = JSON.parse(/id="report-data">(.*?)<\/script>/s.exec(readFileSync(out, 'utf8'))?.[1] ?? '{}');
    expect(data.data.sms.totals).toMatchObject({ parts: 1, costFen: 7 });
    expect(data.data.loanEvents).toEqual({ CollectionPaused: 1 });
  });

  it.each<[string, string[], string]>([
    ['an unknown option', ['--timline', 'x.jsonl'], 'report: unknown option --timline (see --help)'],
    ['an option without its value', ['--timeline'], 'report: option --timeline needs a value (see --help)'],
    ['a stray argument', ['x.jsonl'], 'report: unexpected argument x.jsonl (see --help)'],
    ['no --timeline', [], 'report: --timeline FILE is required (see --help)'],
    [
      'a missing file',
      ['--timeline', '/nonexistent/run.jsonl'],
      'report: cannot read --timeline /nonexistent/run.jsonl (ENOENT)',
    ],
  ])('answers %s with one line, exit 2', async (_name, args, line) => {
    const { code, stdout, stderr } = await report(args);
    expect({ code, stdout, stderr }).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });

  it('names the path of a bad --config value', async () => {
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ report: { smsPricePerPartFen: -1 } }));
    const { code, stderr } = await report(['--timeline', '-', '--config', config]);
    expect(code).toBe(2);
    expect(stderr).toBe(`--config ${config}: report.smsPricePerPartFen: expected at least 0\n`);
  });

  it('prints its usage with --help, and a bad option as one line from the real command', () => {
    const help = spawnTool('report.ts', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run --silent report -- --timeline FILE/);
    const bad = spawnTool('report.ts', ['--bogus']);
    expect(bad).toEqual({ code: 2, stdout: '', stderr: 'report: unknown option --bogus (see --help)\n' });
  });
});

describe('npm start --report', () => {
  it('writes report.html beside the timeline unless told where', () => {
    expect(parseStartArgs([]).report).toBeUndefined();
    expect(parseStartArgs(['--report', 'out/book.html']).report).toBe('out/book.html');
  });
});

describe('simulate --report and --compare', () => {
  it('--report writes the report and leaves stdout the timeline, byte for byte', () => {
    // Prepare
    const html = join(dir, 'small.html');
    // Act
    const plain = spawnTool('simulate.ts', ['--scenario', SMALL]);
    const withReport = spawnTool('simulate.ts', ['--scenario', SMALL, '--report', html]);
    // Assess
    expect(withReport.code).toBe(0);
    expect(withReport.stdout).toBe(plain.stdout);
    expect(withReport.stderr).toMatch(new RegExp(`report: ${html} \\(\\d+ KB\\)`));
    expect(readFileSync(html, 'utf8')).toContain('Simulation report:');
  });

  it.each<[string, string[], string]>([
    [
      'one configuration',
      ['--compare', 'config/default.json'],
      '--compare takes two configuration files: --compare A.json B.json',
    ],
    ['--out', ['--compare', 'a.json', 'b.json', '--out', 'x.jsonl'], '--out is not used with --compare'],
    ['a stray argument without --compare', ['--scenario', SMALL, 'extra'], 'unexpected argument extra'],
  ])('--compare refuses %s, exit 2', (_name, args, first) => {
    const { code, stdout, stderr } = spawnTool('simulate.ts', args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toBe(first);
  });

  it('--compare names a bad configuration by its file and path, and writes nothing', async () => {
    const bad = join(dir, 'bad-config.json');
    writeFileSync(bad, JSON.stringify({ reminders: { upcoming: { daysBefore: [0] } } }));
    const out = join(dir, 'never.html');
    const err = new PassThrough();
    let stderr = '';
    err.on('data', (c) => {
      stderr += c;
    });
    const code = await runWhatIf(
      { configs: ['config/default.json', bad], scenario: SMALL, report: out },
      err as unknown as NodeJS.WriteStream,
    );
    expect(code).toBe(2);
    expect(stderr).toBe(`--compare ${bad}: reminders.upcoming.daysBefore[0]: expected at least 1\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('shows the message and SMS-cost difference of the README example (upcoming 5 and 1 days before)', async () => {
    // Prepare
    const out = join(dir, 'compare.html');
    const err = new PassThrough();
    let stderr = '';
    err.on('data', (c) => {
      stderr += c;
    });
    // Act
    const code = await runWhatIf(
      { configs: ['config/default.json', 'config/examples/upcoming-5-1.json'], scenario: SMALL, report: out },
      err as unknown as NodeJS.WriteStream,
    );
    // Assess
    expect(code).toBe(0);
    expect(stderr).toContain('compare: A default, B upcoming-5-1, over scenario');
    expect(stderr).toMatch(
      /upcoming-5-1 sends 2 fewer notifications \(−25\.0 %\) than default, 1 fewer SMS .*SMS cost ¥0\.35 → ¥0\.30/,
    );
    const page = JSON.parse(/id="report-data">(.*?)<\/script>/s.exec(readFileSync(out, 'utf8'))?.[1] ?? '{}');
    const diff = (metric: string) =>
      page.comparison.differences.find((d: { metric: string }) => d.metric.trim() === metric);
    expect(diff('notifications sent')).toMatchObject({ a: 8, b: 6, key: true });
    expect(diff('UPCOMING')).toMatchObject({ a: 6, b: 4 });
    expect(diff('SMS cost')).toMatchObject({ a: 35, b: 30, unit: 'fen', key: true });
  }, 120_000);
});
