/**
 * The composition root reads each variable where it is needed: a function fails naming the variable
 * it lacks, and only when it needs it (the dispatch has no topic, a worker only its own queue).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { configureRuntime, getRuntime } from '../../functions/wiring/runtime';
import { loadDefaultConfig } from '../../shared/config/load';

const COMMON = {
  TABLE_NAME: 'sentinel-test',
  EVENT_BUS_NAME: 'sentinel-test',
  SENTINEL_CONFIG: JSON.stringify(loadDefaultConfig()),
};

afterEach(() => configureRuntime({}));

describe('runtime environment', () => {
  it('builds the ports a function needs without the variables it does not receive', () => {
    // Prepare: the dispatch's environment (the queue URLs, no topic)
    configureRuntime({
      env: {
        ...COMMON,
        AGING_QUEUE_URL: 'q-aging',
        REMINDERS_QUEUE_URL: 'q-rem',
        FAILED_DEBITS_QUEUE_URL: 'q-fd',
      },
    });
    // Act
    const runtime = getRuntime();
    // Assess
    expect(runtime.queues.aging).toBeDefined();
    expect(runtime.deps.config.timeZone).toBe('Asia/Shanghai');
  });

  it('fails at first use of the notifier, naming NOTIFICATIONS_TOPIC_ARN, when it is not set', () => {
    // Prepare
    configureRuntime({ env: { ...COMMON } });
    // Act / Assess
    expect(() => getRuntime().deps.notifier).toThrow('NOTIFICATIONS_TOPIC_ARN is not set');
  });

  it("fails at first use of a job's work queue, naming its variable, when it is not set", () => {
    // Prepare: the reminders worker's environment
    configureRuntime({
      env: {
        ...COMMON,
        NOTIFICATIONS_TOPIC_ARN: 'arn:aws:sns:ap-east-1:123456789012:t',
        REMINDERS_QUEUE_URL: 'q',
      },
    });
    // Act / Assess
    expect(getRuntime().queues.reminders).toBeDefined();
    expect(getRuntime().deps.notifier).toBeDefined();
    expect(() => getRuntime().queues.aging).toThrow('AGING_QUEUE_URL is not set');
    expect(() => getRuntime().queues.failedDebits).toThrow('FAILED_DEBITS_QUEUE_URL is not set');
  });
});
