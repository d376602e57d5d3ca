/**
 * Delivery to the borrower: the notifications topic fans out to one queue per channel (a
 * subscription filtered on the `channel` message attribute, raw message delivery), each drained by
 * its delivery function at the channel's configured rate; the SES configuration set whose event
 * destination brings bounces and complaints back through EventBridge to the feedback function.
 *
 *   notifications topic ──filter channel=sms──▶ sms queue (DLQ) ──▶ deliver-sms ──▶ SNS SMS
 *                       ──filter channel=push─▶ push queue (DLQ) ─▶ deliver-push ─▶ SNS mobile push
 *                       ──filter channel=email▶ email queue (DLQ) ▶ deliver-email ▶ SES ─┐
 *   SES configuration set ─bounce, complaint─▶ default bus ─rule─▶ feedback queue (DLQ) ─▶ email-feedback
 *
 * Provider identities (SMS sender, platform applications, SES identity) are set up outside CDK and
 * named in `delivery.*` of the configuration (docs/operations.md).
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  ConfigurationSet,
  EmailSendingEvent,
  EventDestination,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { type ITopic, SubscriptionFilter } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Config } from '../../shared/config/schema';
import { CHANNELS, type Channel } from '../../shared/rules/types';
import { deadLetterQueue, QueueWithDlq } from './secure-queue';
import { SentinelFunction } from './sentinel-function';

/** Per channel: the handler file and the readable name of its resources. */
export const DELIVERY_WIRING: Record<Channel, { handlerFile: string; title: string }> = {
  sms: { handlerFile: 'deliver-sms', title: 'Sms' },
  push: { handlerFile: 'deliver-push', title: 'Push' },
  email: { handlerFile: 'deliver-email', title: 'Email' },
};

/**
 * A delivery takes a few calls per message; 30 s bounds a batch and keeps a SENDING claim far
 * younger than the 120 s after which a redelivery takes it as abandoned
 * (`CLAIM_IN_FLIGHT_SECONDS`, functions/use-cases/deliver.ts).
 */
export const DELIVERY_TIMEOUT = Duration.seconds(30);
/** AWS's guidance for SQS event sources: visibility at least 6x the function timeout. */
export const DELIVERY_QUEUE_VISIBILITY = Duration.seconds(DELIVERY_TIMEOUT.toSeconds() * 6);
/**
 * Receives before the DLQ. A wait for the send window takes one or two, each throttled attempt one
 * (backoff 30 s doubling to 15 min): twelve rides out about 1 h 45 min of throttling, then the DLQ
 * alarm calls an operator and a redrive sends what is left, once.
 */
export const DELIVERY_MAX_RECEIVES = 12;
/** A batch's paced sends must leave room in the timeout: at most 15 s of pacing per batch. */
const PACED_SECONDS_PER_BATCH = 15;

/** Records per invocation: 10, fewer when the channel's pace would not fit them in the timeout. */
export function deliveryBatchSize(rate: { maxConcurrency: number; maxPerSecond: number }): number {
  const secondsPerSend = rate.maxConcurrency / rate.maxPerSecond;
  return Math.max(1, Math.min(10, Math.floor(PACED_SECONDS_PER_BATCH / secondsPerSend)));
}

/** The name of the SES configuration set: configured, else one per environment. */
export const configurationSetName = (config: Config, envName: string) =>
  config.delivery.email.configurationSetName ?? `repayment-sentinel-${envName}`;

/** The endpoint ARNs of a platform application: `…:app/GCM/<name>` → `…:endpoint/GCM/<name>/*`. */
export const endpointArnsOf = (applicationArn: string) =>
  `${applicationArn.replace(':app/', ':endpoint/')}/*`;

export interface DeliveryProps {
  readonly config: Config;
  readonly envName: string;
  readonly environment: Record<string, string>;
  readonly table: ITable;
  readonly notificationsTopic: ITopic;
}

export class Delivery extends Construct {
  readonly queues: Record<Channel, QueueWithDlq>;
  readonly functions: Record<Channel, SentinelFunction>;
  readonly configurationSet: ConfigurationSet;
  /** Its name, known at synth (IAM, the rule and the function's environment use it as a literal). */
  readonly configurationSetName: string;
  readonly feedbackQueue: QueueWithDlq;
  /** SES events EventBridge could not deliver to the feedback queue. */
  readonly feedbackRuleDeadLetterQueue: Queue;
  readonly feedbackRule: Rule;
  readonly feedbackFunction: SentinelFunction;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    const { config } = props;
    const stack = Stack.of(this);

    this.configurationSetName = configurationSetName(config, props.envName);
    this.configurationSet = new ConfigurationSet(this, 'EmailConfigurationSet', {
      configurationSetName: this.configurationSetName,
      // SES also refuses to send again to an address that bounced or complained (its own list).
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
    });
    // SES publishes to the default bus only.
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });

    const queues = {} as Record<Channel, QueueWithDlq>;
    const functions = {} as Record<Channel, SentinelFunction>;
    for (const channel of CHANNELS) {
      const { handlerFile, title } = DELIVERY_WIRING[channel];
      const settings = config.delivery[channel];
      const queue = new QueueWithDlq(this, `${title}Queue`, {
        visibilityTimeout: DELIVERY_QUEUE_VISIBILITY,
        maxReceiveCount: DELIVERY_MAX_RECEIVES,
      });
      // The body is the message itself (raw), and each queue takes its channel's messages only.
      props.notificationsTopic.addSubscription(
        new SqsSubscription(queue.queue, {
          rawMessageDelivery: true,
          filterPolicy: { channel: SubscriptionFilter.stringFilter({ allowlist: [channel] }) },
        }),
      );
      const fn = new SentinelFunction(this, `${title}Delivery`, {
        handlerFile,
        description: `Delivers ${channel} notifications once each, at the configured rate`,
        memorySize: 256,
        timeout: DELIVERY_TIMEOUT,
        environment: props.environment,
      });
      fn
        // Delivery records (claim, settle, release), the installment and the borrower (read), the
        // profile's delivery flags, push endpoints. No query, no scan.
        .grantTable(props.table, [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
        ])
        // The rate: at most maxConcurrency invocations, each pacing its sends (functions/wiring/pacer.ts).
        .consume(queue.queue, {
          batchSize: deliveryBatchSize(settings),
          maxConcurrency: settings.maxConcurrency,
        });
      // A message that must wait is made invisible on this queue (ChangeMessageVisibility, granted by consume).
      fn.addEnvironment('DELIVERY_QUEUE_URL', queue.queue.queueUrl);
      queues[channel] = queue;
      functions[channel] = fn;
    }
    this.queues = queues;
    this.functions = functions;

    this.grantSms(functions.sms);
    this.grantPush(functions.push, config);
    this.grantEmail(functions.email, config, stack);

    this.feedbackQueue = new QueueWithDlq(this, 'EmailFeedbackQueue', {
      visibilityTimeout: DELIVERY_QUEUE_VISIBILITY,
      maxReceiveCount: 5,
    });
    this.feedbackRuleDeadLetterQueue = deadLetterQueue(
      this,
      'EmailFeedbackRuleDeadLetters',
      'the e-mail feedback rule (SES events EventBridge could not deliver)',
    );
    this.feedbackRule = new Rule(this, 'EmailFeedbackRule', {
      description: 'SES bounces and complaints of the sentinel configuration set -> e-mail feedback queue',
      eventPattern: {
        source: ['aws.ses'],
        detailType: ['Email Bounced', 'Email Complaint Received'],
        detail: { mail: { tags: { 'ses:configuration-set': [this.configurationSetName] } } },
      },
      targets: [
        new SqsQueue(this.feedbackQueue.queue, {
          deadLetterQueue: this.feedbackRuleDeadLetterQueue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
    this.feedbackFunction = new SentinelFunction(this, 'EmailFeedback', {
      handlerFile: 'email-feedback',
      description: 'Suppresses e-mail addresses that bounced or complained, for their borrower',
      memorySize: 256,
      timeout: DELIVERY_TIMEOUT,
      environment: props.environment,
    });
    this.feedbackFunction
      // The profile's flag and the delivery record's note: conditional updates only.
      .grantTable(props.table, ['dynamodb:UpdateItem'])
      .consume(this.feedbackQueue.queue, { batchSize: 10, maxConcurrency: 2 });
  }

  /**
   * Direct SMS publish and the opt-out check name no resource (a phone number is not an ARN): IAM
   * takes `*` only. Acknowledged on this role alone.
   */
  private grantSms(fn: SentinelFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['sns:CheckIfPhoneNumberIsOptedOut', 'sns:Publish'], resources: ['*'] }),
    );
    Validations.of(fn.role as Construct).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'SNS direct SMS publish (PhoneNumber) and CheckIfPhoneNumberIsOptedOut support no resource-level permission: IAM requires Resource "*" for them. The statement allows only these two actions; encrypted topics (notifications, ops alerts) still refuse this role, which has no KMS permission.',
    });
  }

  /** CreatePlatformEndpoint in the configured applications, Publish to their endpoints only. */
  private grantPush(fn: SentinelFunction, config: Config): void {
    const applications = Object.values(config.delivery.push.platformApplications).filter(
      (arn): arn is string => arn !== null,
    );
    if (applications.length === 0) return;
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['sns:CreatePlatformEndpoint'], resources: applications }),
    );
    const endpoints = applications.map(endpointArnsOf);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: endpoints }));
    for (const endpoint of endpoints) {
      Validations.of(fn.role as Construct).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${endpoint}]`,
        reason:
          'Platform endpoints are created at run time, one per device token, inside the configured platform application: the wildcard covers the endpoints of that one application only.',
      });
    }
  }

  /** SendEmail with the configured identity through this configuration set, nothing else. */
  private grantEmail(fn: SentinelFunction, config: Config, stack: Stack): void {
    fn.addEnvironment('SES_CONFIGURATION_SET', this.configurationSetName);
    const identity = config.delivery.email.identity;
    if (identity === null) return;
    const arn = (resource: string) => stack.formatArn({ service: 'ses', resource, resourceName: undefined });
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [arn(`identity/${identity}`), arn(`configuration-set/${this.configurationSetName}`)],
      }),
    );
  }
}
