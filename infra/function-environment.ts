/**
 * The environment every function receives, and the check that it fits Lambda's limit: 4 KB for all
 * keys and values together. The operator config travels as JSON in SENTINEL_CONFIG.
 */
import { Token } from 'aws-cdk-lib';
import type { Config } from '../shared/config/schema';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../shared/telemetry-names';

export const LAMBDA_ENV_LIMIT_BYTES = 4 * 1024;
/** What an unresolved value (an ARN, a queue URL, a name) may take once deployed: generous. */
const TOKEN_ALLOWANCE_BYTES = 200;
/** Variables the grant helpers add later (topic ARN, queue URLs) and NODE_OPTIONS. */
const LATER_VARIABLES_ALLOWANCE_BYTES = 3 * (30 + TOKEN_ALLOWANCE_BYTES) + 40;

export class EnvironmentTooLargeError extends Error {
  override name = 'EnvironmentTooLargeError';
}

/** Bytes `environment` takes against the limit, counting each token at its allowance. */
function environmentBytes(environment: Record<string, string>): number {
  let bytes = 0;
  for (const [key, value] of Object.entries(environment)) {
    bytes +=
      Buffer.byteLength(key) + (Token.isUnresolved(value) ? TOKEN_ALLOWANCE_BYTES : Buffer.byteLength(value));
  }
  return bytes;
}

export function commonEnvironment(opts: {
  config: Config;
  tableName: string;
  eventBusName: string;
  logLevel?: string;
}): Record<string, string> {
  const environment = {
    TABLE_NAME: opts.tableName,
    EVENT_BUS_NAME: opts.eventBusName,
    SENTINEL_CONFIG: JSON.stringify(opts.config),
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: opts.logLevel ?? 'INFO',
  };
  const bytes = environmentBytes(environment) + LATER_VARIABLES_ALLOWANCE_BYTES;
  if (bytes > LAMBDA_ENV_LIMIT_BYTES) {
    throw new EnvironmentTooLargeError(
      `the functions' environment would take about ${bytes} bytes (SENTINEL_CONFIG alone ${environment.SENTINEL_CONFIG.length}); Lambda allows ${LAMBDA_ENV_LIMIT_BYTES}. Shorten the operator config (fewer tiers, buckets or channel lists).`,
    );
  }
  return environment;
}
