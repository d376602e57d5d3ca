/**
 * The Powertools logger and metrics: one instance each for the whole process. Log lines carry ids
 * and counts only, never a phone number, e-mail address, device token or message text.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../shared/telemetry-names';

export const logger = new Logger({ serviceName: SERVICE_NAME });
/** Metrics that tell whether they are disabled (`POWERTOOLS_METRICS_DISABLED`, as in the simulator). */
class ServiceMetrics extends Metrics {
  get off(): boolean {
    return this.isDisabled();
  }
}

export const metrics = new ServiceMetrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

/** Adds `value` to a count metric, with at most one dimension (a single-metric EMF blob when dimensioned). */
export function count(name: string, value = 1, dimension?: { name: string; value: string }): void {
  if (value === 0) return;
  if (!dimension) {
    metrics.addMetric(name, MetricUnit.Count, value);
    return;
  }
  // A single metric is a new Metrics instance: not worth making when metrics are disabled (simulator).
  if (metrics.off) return;
  const single = metrics.singleMetric();
  single.addDimension(dimension.name, dimension.value);
  single.addMetric(name, MetricUnit.Count, value);
}

/** Adds 1 to a count metric with several dimensions (a single-metric EMF blob). */
export function countWith(name: string, dimensions: Record<string, string>): void {
  if (metrics.off) return;
  const single = metrics.singleMetric();
  for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
  single.addMetric(name, MetricUnit.Count, 1);
}
