/**
 * What a real environment needs on top of a valid configuration: the provider identities an operator
 * sets up outside CDK (docs/operations.md, "Delivery: set up outside CDK") and names in
 * `delivery.*`. `config/default.json` leaves them null for local use; `config:check` of an
 * environment file (`config/<env>.json`, what `cdk deploy -c env=<env>` deploys) reports each one
 * missing by its path.
 */
import { dirname, resolve } from 'node:path';
import type { Channel } from '../rules/types';
import { CONFIG_DIR, type ConfigProblem } from './load';
import type { Config } from './schema';

/** The channels some notification of `config` may use (kind channels and at-risk channels). */
export function configuredChannels(config: Config): Set<Channel> {
  return new Set<Channel>([
    ...Object.values(config.reminders.upcoming.channels).flat(),
    ...Object.values(config.notificationChannels).flat(),
    ...config.atRisk.channels,
  ]);
}

/**
 * The delivery settings a real environment lacks, one problem per missing key, for the channels the
 * configuration uses: an SMS sender (sender ID or origination number), the SES From address and
 * identity, the platform application of the default push platform.
 *
 * @example readinessProblems(defaults) // [{ path: 'delivery.sms.senderId', message: 'required in a real environment … ' }, …]
 */
export function readinessProblems(config: Config): ConfigProblem[] {
  const { sms, push, email } = config.delivery;
  const used = configuredChannels(config);
  const problems: ConfigProblem[] = [];
  const missing = (path: string, what: string) =>
    problems.push({ path, message: `required in a real environment: ${what} (docs/operations.md)` });
  if (used.has('sms') && sms.senderId === null && sms.originationNumber === null)
    missing(
      'delivery.sms.senderId',
      'the registered SMS sender ID, or delivery.sms.originationNumber for an origination number',
    );
  if (used.has('email')) {
    if (email.fromAddress === null) missing('delivery.email.fromAddress', 'the From address of reminders');
    if (email.identity === null) missing('delivery.email.identity', 'the SES identity verified for sending');
  }
  if (used.has('push') && push.platformApplications[push.defaultPlatform] === null)
    missing(
      `delivery.push.platformApplications.${push.defaultPlatform}`,
      `the SNS platform application of delivery.push.defaultPlatform (${push.defaultPlatform})`,
    );
  return problems;
}

/**
 * True when `file` is an environment file: `config/<env>.json` other than `default.json`, the files
 * `cdk deploy -c env=<env>` deploys. Other override files (a simulation's, a candidate) are not.
 */
export function isEnvironmentFile(file: string, configDir = CONFIG_DIR): boolean {
  const path = resolve(file);
  const dir = resolve(configDir);
  return dirname(path) === dir && path.endsWith('.json') && path !== resolve(dir, 'default.json');
}
