/**
 * CDK entry (`cdk.json`): `npx cdk synth -c env=<name>` loads `config/<name>.json` over
 * `config/default.json`, validates it with the operator-config schema, and builds the stacks of
 * that environment. `-c configFile=<path>` merges another file instead (a candidate change, to see
 * its template before committing it). An invalid config stops here with one line per problem,
 * naming its path, and exit code 1.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { formatProblems, loadConfig } from '../shared/config/load';
import { EnvironmentTooLargeError } from './function-environment';
import { addSentinelStacks } from './sentinel-app';

const CONFIG_DIR = fileURLToPath(new URL('../config', import.meta.url));

const app = new App();
const envName = String(app.node.tryGetContext('env') ?? 'default');
const configFile: unknown = app.node.tryGetContext('configFile');
// A mistyped environment must not quietly deploy the defaults under a new name.
const envFile = join(CONFIG_DIR, `${envName}.json`);
if (typeof configFile !== 'string' && envName !== 'default' && !existsSync(envFile)) {
  process.stderr.write(`repayment-sentinel: no config for environment "${envName}" (expected ${envFile})\n`);
  process.exit(1);
}
const loaded =
  typeof configFile === 'string' ? loadConfig({ file: configFile }) : loadConfig({ env: envName });
if (!loaded.ok) {
  process.stderr.write(
    `repayment-sentinel: config "${typeof configFile === 'string' ? configFile : envName}" is invalid:\n${formatProblems(
      loaded.problems,
    )
      .map((line: string) => `  ${line}`)
      .join('\n')}\n`,
  );
  process.exit(1);
}

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
try {
  addSentinelStacks(app, {
    config: loaded.config,
    envName,
    // Environment-agnostic when no credentials are around (offline synth); pinned when deploying.
    ...(account && region ? { env: { account, region } } : {}),
  });
} catch (error) {
  if (!(error instanceof EnvironmentTooLargeError)) throw error;
  process.stderr.write(`repayment-sentinel: config "${envName}" cannot be deployed: ${error.message}\n`);
  process.exit(1);
}
app.synth();
