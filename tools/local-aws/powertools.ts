/**
 * Quiet Powertools for local runs: the handlers log and emit metrics to stdout, which holds the
 * simulator's timeline, and Powertools Metrics warns on stderr after every invocation that emitted
 * no metric. Variables an operator or a test set are kept.
 */

/** The environment a local run of the handlers needs, where it is not set already. */
const QUIET_ENV: Readonly<Record<string, string>> = {
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_DEV: 'false',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_REGION: 'ap-east-1',
};

/**
 * Sets each variable of {@link QUIET_ENV} that is unset or empty in `env` (Powertools rejects an
 * empty boolean). Call it before the handlers' modules load: their Powertools instances read it then.
 */
export function quietPowertools(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  for (const [name, value] of Object.entries(QUIET_ENV)) if (!env[name]) env[name] = value;
  return env;
}

const EMPTY_METRICS_WARNING = 'No application metrics to publish.';

/** Drops Powertools' "No application metrics to publish" lines from stderr until the returned undo is called. */
export function muteEmptyMetricsWarning(): () => void {
  const original = process.stderr.write;
  process.stderr.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    if (typeof chunk === 'string' && chunk.startsWith(EMPTY_METRICS_WARNING)) return true;
    return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof process.stderr.write;
  return () => {
    process.stderr.write = original;
  };
}
