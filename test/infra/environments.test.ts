/**
 * Environments: the prod config synthesises (cdk-nag clean, its own schedules), the real CLI
 * synthesises offline, and an invalid config stops the synth with the problems named by path.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackNames } from '../../infra/sentinel-app';
import { JOBS } from '../../shared/table-layout';
import { configFor, PROJECT_ROOT, type Synthesised, synthesise, unacknowledgedFindings } from './support';

const scratch = mkdtempSync(join(tmpdir(), 'sentinel-env-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * A full synth bundles every function with esbuild (nine of them): on a busy shared machine that
 * takes well over a minute.
 */
const SYNTH_TIMEOUT_MS = 240_000;

/** `npx cdk synth` as an operator runs it: no credentials, no network, no notices. */
function cdkSynth(args: string[]) {
  const outdir = mkdtempSync(join(scratch, 'out-'));
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', outdir, ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    timeout: SYNTH_TIMEOUT_MS,
  });
  return { ...result, outdir };
}

describe('prod environment', () => {
  let prod: Synthesised;
  const prodFile = join(PROJECT_ROOT, 'config', 'prod.json');

  beforeAll(() => {
    // Prepare: config/prod.json when present; otherwise an override of the same kind.
    const file = existsSync(prodFile) ? prodFile : join(scratch, 'prod.json');
    if (file !== prodFile) {
      writeFileSync(
        file,
        JSON.stringify({
          schedules: { failedDebits: ['cron(0 10 * * ? *)', 'cron(0 13 * * ? *)', 'cron(0 16 * * ? *)'] },
          operations: { alertEmails: ['ops@example.com'], failedDebitRatioAlarmThreshold: 0.15 },
        }),
      );
    }
    prod = synthesise(configFor({ file }), 'prod');
  });
  afterAll(() => prod?.cleanup());

  it('synthesises with nothing unacknowledged by cdk-nag', () => {
    expect(unacknowledgedFindings(prod.app)).toEqual([]);
    expect(prod.stateful.stackName).toBe(stackNames('prod').stateful);
  });

  it('has exactly one schedule per fire time of the prod config', () => {
    const expected = JOBS.reduce((n, job) => n + prod.config.schedules[job].length, 0);
    prod.statelessTemplate.resourceCountIs('AWS::Scheduler::Schedule', expected);
  });

  it('uses the prod failed-debit threshold', () => {
    const alarms = Object.values(prod.statelessTemplate.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map((a) => a.Properties.Threshold)).toContain(
      prod.config.operations.failedDebitRatioAlarmThreshold,
    );
  });
});

describe('the CDK CLI', () => {
  it(
    'synthesises the default environment offline',
    () => {
      const result = cdkSynth([]);
      expect(result.status, result.stderr).toBe(0);
      const names = stackNames('default');
      for (const name of [names.stateful, names.stateless]) {
        expect(existsSync(join(result.outdir, `${name}.template.json`))).toBe(true);
      }
    },
    SYNTH_TIMEOUT_MS,
  );

  it('stops on an invalid config with one readable line per problem, naming its path, and no stack trace', () => {
    const bad = join(scratch, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ jobs: { shards: 0 }, operations: { failedDebitRatioAlarmThreshold: 2 } }),
    );
    const result = cdkSynth(['-c', `configFile=${bad}`]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('is invalid');
    expect(result.stderr).toMatch(/jobs\.shards/);
    expect(result.stderr).toMatch(/operations\.failedDebitRatioAlarmThreshold/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(result.outdir, 'manifest.json'))).toBe(false);
  });

  it('stops on an unknown environment name', () => {
    const result = cdkSynth(['-c', 'env=no-such-environment']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('no-such-environment');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
