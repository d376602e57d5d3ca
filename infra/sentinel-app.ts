/**
 * The whole system as a CDK app: a stateful and a stateless stack per environment, checked by
 * cdk-nag (AWS Solutions) on every synth: an unacknowledged finding fails the synth. Each accepted
 * finding is acknowledged next to the resource it concerns, with its reason.
 * Used by `infra/app.ts` and by the infra tests.
 */
import { type App, type Environment, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Config } from '../shared/config/schema';
import { StatefulStack } from './stacks/stateful-stack';
import { StatelessStack } from './stacks/stateless-stack';

export interface SentinelStacks {
  stateful: StatefulStack;
  stateless: StatelessStack;
}

export function stackNames(envName: string) {
  return {
    stateful: `RepaymentSentinel-${envName}-Stateful`,
    stateless: `RepaymentSentinel-${envName}-Stateless`,
  };
}

/** Adds the two stacks of `envName` to `app` and registers cdk-nag on the app. */
export function addSentinelStacks(
  app: App,
  opts: { config: Config; envName: string; env?: Environment },
): SentinelStacks {
  const names = stackNames(opts.envName);
  const stateful = new StatefulStack(app, names.stateful, {
    stackName: names.stateful,
    description: `repayment-sentinel (${opts.envName}): table, topics, keys, event bus`,
    config: opts.config,
    terminationProtection: true,
    ...(opts.env ? { env: opts.env } : {}),
  });
  const stateless = new StatelessStack(app, names.stateless, {
    stackName: names.stateless,
    description: `repayment-sentinel (${opts.envName}): functions, queues, schedules, intake, alarms`,
    config: opts.config,
    envName: opts.envName,
    stateful,
    ...(opts.env ? { env: opts.env } : {}),
  });
  stateless.addStackDependency(stateful);
  for (const stack of [stateful, stateless]) {
    Tags.of(stack).add('app', 'repayment-sentinel');
    Tags.of(stack).add('environment', opts.envName);
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stateful, stateless };
}
