/**
 * Observability: alarms to the ops-alerts topic, and one dashboard. Metric names come from
 * `shared/telemetry-names.ts`; Powertools adds the `service` dimension to every metric.
 */
import { Duration } from 'aws-cdk-lib';
import {
  type Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Config } from '../../shared/config/schema';
import type { Channel } from '../../shared/rules/types';
import { JOBS, type Job } from '../../shared/table-layout';
import { METRIC, METRICS_NAMESPACE, SERVICE_NAME } from '../../shared/telemetry-names';
import { longestSilenceMinutes, MAX_SILENCE_MINUTES } from '../schedule-gap';

/** How late a run may be (Scheduler retries for up to an hour) before its absence alarms. */
const HEARTBEAT_GRACE_MINUTES = 60;
const FIVE_MINUTES = Duration.minutes(5);
const DAY = Duration.days(1);

export interface ObservabilityProps {
  readonly config: Config;
  readonly envName: string;
  readonly alarmTopic: ITopic;
  /** Every function, by a readable name. */
  readonly functions: Record<string, IFunction>;
  /** Every dead-letter queue, by a readable name. */
  readonly deadLetterQueues: Record<string, IQueue>;
  /** The delivery queue of each channel (backlog alarm and dashboard), with its readable name. */
  readonly deliveryQueues?: Record<Channel, { title: string; queue: IQueue }>;
}

const serviceMetric = (metricName: string, period: Duration, dimensions: Record<string, string> = {}) =>
  new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME, ...dimensions },
    statistic: 'Sum',
    period,
  });

/** One line per value of `dimension` (whatever values the functions emit). */
const byDimension = (metricName: string, dimension: string, period: Duration, label: string) =>
  new MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},service,${dimension}} service="${SERVICE_NAME}" MetricName="${metricName}"', 'Sum', ${period.toSeconds()})`,
    usingMetrics: {},
    label,
    period,
  });

/** The alarm's hourly evaluation window for a job: its longest silence plus grace, at most 7 days. */
export function heartbeatHours(expressions: readonly string[]): number {
  const minutes = Math.min(MAX_SILENCE_MINUTES, longestSilenceMinutes(expressions) + HEARTBEAT_GRACE_MINUTES);
  return Math.min(MAX_SILENCE_MINUTES / 60, Math.ceil(minutes / 60));
}

export class Observability extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;
  /** The evaluation window, in hours, of each job's "did not run" alarm. */
  readonly heartbeatHours: Partial<Record<Job, number>> = {};

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const action = new SnsAction(props.alarmTopic);
    const alarm = (alarmId: string, create: (id: string) => Alarm) => {
      const created = create(alarmId);
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
    };

    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, (alarmId) =>
        fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }).createAlarm(this, alarmId, {
          alarmName: `repayment-sentinel-${props.envName}-${alarmId}`,
          alarmDescription: `${name}: the function failed (an invocation threw or timed out). See docs/operations.md#function-errors.`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
      alarm(`${name}Throttles`, (alarmId) =>
        fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }).createAlarm(this, alarmId, {
          alarmName: `repayment-sentinel-${props.envName}-${alarmId}`,
          alarmDescription: `${name}: invocations were throttled (account concurrency exhausted?). See docs/operations.md#throttles.`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(`${name}DeadLetters`, (alarmId) =>
        queue
          .metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' })
          .createAlarm(this, alarmId, {
            alarmName: `repayment-sentinel-${props.envName}-${alarmId}`,
            alarmDescription: `${name}: messages are waiting in a dead-letter queue. See docs/operations.md#dead-letter-messages.`,
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
      );
    }

    for (const job of JOBS) {
      const hours = heartbeatHours(props.config.schedules[job]);
      this.heartbeatHours[job] = hours;
      // Hourly datapoints: "no JobRunCompleted in any of the last N hours", N just above the longest
      // gap between two fire times. No data at all is the very thing to catch: missing = breaching.
      alarm(`${job}DidNotRun`, (alarmId) =>
        serviceMetric(METRIC.jobRunCompleted, Duration.hours(1), { job }).createAlarm(this, alarmId, {
          alarmName: `repayment-sentinel-${props.envName}-${alarmId}`,
          alarmDescription: `The ${job} job completed no dispatch in the last ${hours} hours (schedules: ${props.config.schedules[job].join(', ')}). See docs/operations.md#job-did-not-run.`,
          threshold: 1,
          evaluationPeriods: hours,
          datapointsToAlarm: hours,
          comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
          treatMissingData: TreatMissingData.BREACHING,
        }),
      );
    }

    const failed = serviceMetric(METRIC.debitsFailed, DAY);
    const succeeded = serviceMetric(METRIC.debitsSucceeded, DAY);
    const failedRatio = new MathExpression({
      expression: 'FILL(failed, 0) / (FILL(failed, 0) + FILL(succeeded, 0))',
      usingMetrics: { failed, succeeded },
      label: 'Failed-debit ratio (24 h)',
      period: DAY,
    });
    const threshold = props.config.operations.failedDebitRatioAlarmThreshold;
    alarm('FailedDebitRatio', (alarmId) =>
      failedRatio.createAlarm(this, alarmId, {
        alarmName: `repayment-sentinel-${props.envName}-${alarmId}`,
        alarmDescription: `More than ${threshold * 100}% of the debit attempts reported in the last 24 hours failed (operations.failedDebitRatioAlarmThreshold). See docs/operations.md#failed-debit-ratio.`,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        // No debits reported: nothing to judge.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    if (props.deliveryQueues) this.addDeliveryAlarms(props, alarm);

    const HOUR = Duration.hours(1);
    const graph = (title: string, left: IMetric[], width = 12) =>
      new GraphWidget({ title, left, width, height: 6 });
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `repayment-sentinel-${props.envName}`,
      defaultInterval: Duration.days(7),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# repayment-sentinel (${props.envName})\nJobs in ${props.config.timeZone}: ${JOBS.map((j) => `**${j}** ${props.config.schedules[j].join(', ')}`).join(' · ')}. Alarms and what to do: docs/operations.md.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph('Job runs completed, by job', [byDimension(METRIC.jobRunCompleted, 'job', HOUR, 'runs')]),
      graph('Installments processed, by job', [byDimension(METRIC.itemsProcessed, 'job', HOUR, 'items')]),
    );
    this.dashboard.addWidgets(
      graph('Notifications sent, by kind', [
        byDimension(METRIC.notificationsSent, 'kind', HOUR, 'by kind'),
        serviceMetric(METRIC.notificationsSent, HOUR).with({ label: 'all kinds' }),
      ]),
      graph('Messages sent, by channel', [byDimension(METRIC.messagesSent, 'channel', HOUR, 'by channel')]),
    );
    this.dashboard.addWidgets(
      graph('Transitions, by new state', [byDimension(METRIC.transitions, 'to', HOUR, 'transitions')]),
      graph('Delinquency bucket changes, by bucket', [
        byDimension(METRIC.bucketChanges, 'bucket', HOUR, 'changes'),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Debit results', [
        serviceMetric(METRIC.debitsFailed, HOUR).with({ label: 'failed' }),
        serviceMetric(METRIC.debitsSucceeded, HOUR).with({ label: 'succeeded' }),
        serviceMetric(METRIC.retriesRequested, HOUR).with({ label: 'retries requested' }),
      ]),
      new SingleValueWidget({
        title: `Failed-debit ratio, last 24 h (alarm above ${threshold})`,
        metrics: [failedRatio],
        width: 12,
        height: 6,
      }),
    );
    this.dashboard.addWidgets(
      graph(
        'Function errors',
        Object.entries(props.functions).map(([name, fn]) =>
          fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum', label: name }),
        ),
      ),
      graph(
        'Dead-letter queue depth',
        Object.entries(props.deadLetterQueues).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: FIVE_MINUTES,
            statistic: 'Maximum',
            label: name,
          }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph('Data and delivery problems', [
        serviceMetric(METRIC.corruptItems, HOUR).with({ label: 'corrupt items skipped' }),
        byDimension(METRIC.intakeRejected, 'reason', HOUR, 'intake rejected'),
        serviceMetric(METRIC.conflictingDuplicates, HOUR).with({ label: 'conflicting duplicates' }),
        serviceMetric(METRIC.publishRetries, HOUR).with({ label: 'publish retries (outbox)' }),
        byDimension(METRIC.publishRetries, 'target', HOUR, 'publish retries (batch)'),
      ]),
      graph(
        'Function throttles',
        Object.entries(props.functions).map(([name, fn]) =>
          fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum', label: name }),
        ),
      ),
    );
    if (props.deliveryQueues) {
      const queues = Object.entries(props.deliveryQueues) as [Channel, { title: string; queue: IQueue }][];
      this.dashboard.addWidgets(
        graph(
          'Delivery backlog: age of the oldest message, by channel (s)',
          queues.map(([channel, { queue }]) =>
            queue.metricApproximateAgeOfOldestMessage({
              period: FIVE_MINUTES,
              statistic: 'Maximum',
              label: channel,
            }),
          ),
        ),
        graph(
          'Delivery queue depth, by channel',
          queues.map(([channel, { queue }]) =>
            queue.metricApproximateNumberOfMessagesVisible({
              period: FIVE_MINUTES,
              statistic: 'Maximum',
              label: channel,
            }),
          ),
        ),
      );
      this.dashboard.addWidgets(
        graph('Deliveries, by channel and outcome', [deliveriesBy('outcome', HOUR)]),
        graph('Deliveries dropped, by channel and reason; e-mail feedback', [
          deliveriesBy('reason', HOUR, METRIC.deliveriesDropped),
          byDimension(METRIC.emailFeedback, 'type', HOUR, 'e-mail feedback'),
        ]),
      );
    }
  }

  /**
   * Per channel: a backlog alarm (the oldest message older than `delivery.backlogAlarmMinutes`)
   * and an alarm on any delivery recorded UNCERTAIN (its provider call may or may not have reached
   * the borrower; it is not sent again).
   */
  private addDeliveryAlarms(
    props: ObservabilityProps,
    alarm: (id: string, create: (id: string) => Alarm) => void,
  ) {
    const minutes = props.config.delivery.backlogAlarmMinutes;
    for (const [channel, { title, queue }] of Object.entries(props.deliveryQueues ?? {})) {
      alarm(`${title}DeliveryBacklog`, (alarmId) =>
        queue
          .metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' })
          .createAlarm(this, alarmId, {
            alarmName: `repayment-sentinel-${props.envName}-${alarmId}`,
            alarmDescription: `${channel} deliveries: the oldest message has waited more than ${minutes} minutes (delivery.backlogAlarmMinutes). See docs/operations.md#delivery-backlog.`,
            threshold: minutes * 60,
            evaluationPeriods: 1,
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
      );
      alarm(`${title}DeliveryUncertain`, (alarmId) =>
        serviceMetric(METRIC.deliveries, FIVE_MINUTES, { channel, outcome: 'UNCERTAIN' }).createAlarm(
          this,
          alarmId,
          {
            alarmName: `repayment-sentinel-${props.envName}-${alarmId}`,
            alarmDescription: `${channel} deliveries: a message's provider call may or may not have reached the borrower (recorded UNCERTAIN, not sent again). See docs/operations.md#uncertain-deliveries.`,
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          },
        ),
      );
    }
  }
}

/** One line per (channel, `dimension`) of a delivery metric. */
const deliveriesBy = (dimension: string, period: Duration, metricName: string = METRIC.deliveries) =>
  new MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},service,channel,${dimension}} service="${SERVICE_NAME}" MetricName="${metricName}"', 'Sum', ${period.toSeconds()})`,
    usingMetrics: {},
    label: `by channel and ${dimension}`,
    period,
  });
