/**
 * Synthesises the app the way `infra/app.ts` does (cdk.json feature flags, cdk-nag registered), once
 * per test file, into a temporary directory, and hands out the two templates.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnPolicy, Role } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addSentinelStacks, type SentinelStacks } from '../../infra/sentinel-app';
import { formatProblems, loadConfig } from '../../shared/config/load';
import type { Config } from '../../shared/config/schema';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

export interface Synthesised extends SentinelStacks {
  app: App;
  config: Config;
  assembly: CloudAssembly;
  stateful: SentinelStacks['stateful'];
  statefulTemplate: Template;
  statelessTemplate: Template;
  outdir: string;
  cleanup: () => void;
}

/** Loads a config as the app does; throws the readable problems if it is invalid. */
export function configFor(opts: { env?: string; file?: string }): Config {
  const loaded = loadConfig(opts);
  if (!loaded.ok) throw new Error(formatProblems(loaded.problems).join('\n'));
  return loaded.config;
}

/** Builds and synthesises the app (cdk-nag runs: an unacknowledged finding throws here). */
export function synthesise(config: Config, envName = 'test'): Synthesised {
  const outdir = mkdtempSync(join(tmpdir(), 'sentinel-cdk-'));
  // No esbuild bundling here: these tests read templates; the CLI synth test bundles every function.
  const app = new App({
    context: { ...cdkJson.context, env: envName, 'aws:cdk:bundling-stacks': [] },
    outdir,
  });
  const stacks = addSentinelStacks(app, { config, envName });
  const assembly = app.synth();
  return {
    ...stacks,
    app,
    config,
    assembly,
    statefulTemplate: Template.fromStack(stacks.stateful),
    statelessTemplate: Template.fromStack(stacks.stateless),
    outdir,
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** What AWS Solutions reports on the built app beyond the acknowledged findings. */
export function unacknowledgedFindings(app: App): string[] {
  const report = new AwsSolutionsChecks(undefined, { verbose: false }).validateScope(app);
  return report.violations.flatMap((v) =>
    v.violatingResources.map(
      (r) => `${v.ruleName} at ${(r as { constructPath?: string }).constructPath ?? r.resourceLogicalId}`,
    ),
  );
}

/** Every statement of every IAM policy in `template`, by policy logical id. */
export function policyStatements(
  template: Template,
): { policy: string; statement: Record<string, unknown> }[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.entries(policies).flatMap(([policy, resource]) =>
    (resource.Properties.PolicyDocument.Statement as Record<string, unknown>[]).map((statement) => ({
      policy,
      statement,
    })),
  );
}

export const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The statements of the one policy attached to `fn`'s role, as resolved in the template of its stack. */
export function roleStatements(synthesised: Synthesised, fn: IFunction): Record<string, unknown>[] {
  const role = fn.role as Role;
  const policy = role.node.findChild('DefaultPolicy').node.defaultChild as CfnPolicy;
  const stack = Stack.of(fn);
  const template =
    stack === synthesised.stateless ? synthesised.statelessTemplate : synthesised.statefulTemplate;
  return template.toJSON().Resources[stack.getLogicalId(policy)].Properties.PolicyDocument.Statement;
}

/** Every action of `statements`, sorted. */
export const actionsIn = (statements: Record<string, unknown>[]) =>
  statements.flatMap((st) => asArray(st.Action as string | string[])).sort();
