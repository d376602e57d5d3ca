/**
 * Environment of the benchmark's processes: Powertools quiet (the handlers log and emit metrics to
 * stdout otherwise), no SDK version notice. Imports nothing, so it can be applied before the
 * functions' modules (which read it at load) are imported.
 */
export const BENCH_ENV: Record<string, string> = {
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_DEV: 'false',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_REGION: 'ap-east-1',
};

/** Sets every variable of {@link BENCH_ENV} that is not set already. */
export function applyBenchEnv(): void {
  for (const [key, value] of Object.entries(BENCH_ENV)) process.env[key] ??= value;
}
