/**
 * Delivery infrastructure, synthesised once with every provider configured: one queue per channel
 * subscribed to the notifications topic, each with its DLQ and alarms, each function with only the
 * permissions its channel needs, the SES configuration set and its feedback path, cdk-nag clean.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIM_IN_FLIGHT_SECONDS } from '../../functions/use-cases/deliver';
import {
  DELIVERY_MAX_RECEIVES,
  DELIVERY_QUEUE_VISIBILITY,
  DELIVERY_TIMEOUT,
  DELIVERY_WIRING,
  deliveryBatchSize,
} from '../../infra/constructs/delivery';
import { LAMBDA_ENV_LIMIT_BYTES } from '../../infra/function-environment';
import { CHANNELS } from '../../shared/rules/types';
import { METRIC } from '../../shared/telemetry-names';
import {
  actionsIn,
  asArray,
  configFor,
  roleStatements,
  type Synthesised,
  synthesise,
  unacknowledgedFindings,
} from './support';

const FCM = 'arn:aws:sns:ap-east-1:123456789012:app/GCM/lender-app';
const APNS = 'arn:aws:sns:ap-east-1:123456789012:app/APNS/lender-app';

let s: Synthesised;
beforeAll(() => {
  // Prepare: the defaults with every provider named, as a real environment has them.
  const config = configFor({ env: 'default' });
  s = synthesise({
    ...config,
    delivery: {
      ...config.delivery,
      sms: { ...config.delivery.sms, senderId: 'LENDER', maxConcurrency: 4, maxPerSecond: 20 },
      push: { ...config.delivery.push, platformApplications: { fcm: FCM, apns: APNS } },
      email: {
        ...config.delivery.email,
        fromAddress: 'reminders@lender.example',
        identity: 'lender.example',
      },
    },
  });
});
afterAll(() => s?.cleanup());

const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  s.stateless.getLogicalId(construct.node.defaultChild as never);
const resources = () => s.statelessTemplate.toJSON().Resources;

describe('queues and subscriptions', () => {
  it('subscribes one queue per channel to the notifications topic: raw delivery, filtered on the channel attribute', () => {
    const subscriptions = Object.values(s.statelessTemplate.findResources('AWS::SNS::Subscription'));
    expect(subscriptions).toHaveLength(3);
    for (const channel of CHANNELS) {
      const queueId = logicalId(s.stateless.delivery.queues[channel].queue);
      s.statelessTemplate.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'sqs',
        RawMessageDelivery: true,
        FilterPolicy: { channel: [channel] },
        Endpoint: { 'Fn::GetAtt': [queueId, 'Arn'] },
      });
    }
  });

  it('gives every delivery queue a DLQ, a visibility of 6x the function timeout, past the time a claim may stay in flight', () => {
    expect(DELIVERY_TIMEOUT.toSeconds()).toBeLessThan(CLAIM_IN_FLIGHT_SECONDS);
    expect(DELIVERY_QUEUE_VISIBILITY.toSeconds()).toBeGreaterThan(CLAIM_IN_FLIGHT_SECONDS);
    for (const channel of CHANNELS) {
      const { queue, deadLetterQueue } = s.stateless.delivery.queues[channel];
      const props = resources()[logicalId(queue)].Properties;
      expect(props.VisibilityTimeout).toBe(6 * DELIVERY_TIMEOUT.toSeconds());
      expect(props.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(deadLetterQueue), 'Arn'] },
        maxReceiveCount: DELIVERY_MAX_RECEIVES,
      });
    }
  });

  it('lets SNS send to each delivery queue, from the notifications topic only', () => {
    for (const channel of CHANNELS) {
      const queueId = logicalId(s.stateless.delivery.queues[channel].queue);
      const policy = Object.values(s.statelessTemplate.findResources('AWS::SQS::QueuePolicy')).find((p) =>
        JSON.stringify(p.Properties.Queues).includes(queueId),
      );
      expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Principal: { Service: 'sns.amazonaws.com' },
          Condition: { ArnEquals: { 'aws:SourceArn': expect.anything() } },
        }),
      );
    }
  });
});

describe('rates', () => {
  it('holds each channel to its configured concurrency, with batches its pace fits in the timeout', () => {
    for (const channel of CHANNELS) {
      const settings = s.config.delivery[channel];
      s.statelessTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalId(s.stateless.delivery.functions[channel]) },
        EventSourceArn: { 'Fn::GetAtt': [logicalId(s.stateless.delivery.queues[channel].queue), 'Arn'] },
        BatchSize: deliveryBatchSize(settings),
        ScalingConfig: { MaximumConcurrency: settings.maxConcurrency },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
  });

  it('sizes batches so that paced sends take at most 15 s of the 30 s timeout', () => {
    expect(deliveryBatchSize({ maxConcurrency: 5, maxPerSecond: 50 })).toBe(10);
    expect(deliveryBatchSize({ maxConcurrency: 5, maxPerSecond: 2 })).toBe(6);
    expect(deliveryBatchSize({ maxConcurrency: 100, maxPerSecond: 1 })).toBe(1);
  });
});

describe('least privilege by channel', () => {
  const table = () => s.stateful.getLogicalId(s.stateful.storage.table.node.defaultChild as never);
  const common = ['logs:CreateLogStream', 'logs:PutLogEvents'];
  const consume = [
    'sqs:ChangeMessageVisibility',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
    'sqs:GetQueueUrl',
    'sqs:ReceiveMessage',
  ];
  const tableActions = ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

  it('SMS: direct publish and the opt-out check (resource * as IAM requires), its table items and queue, nothing else', () => {
    const statements = roleStatements(s, s.stateless.delivery.functions.sms);
    expect(actionsIn(statements)).toEqual(
      [...common, ...consume, ...tableActions, 'sns:CheckIfPhoneNumberIsOptedOut', 'sns:Publish'].sort(),
    );
    const sns = statements.filter((st) => actionsIn([st]).some((a) => a.startsWith('sns:')));
    expect(sns).toEqual([expect.objectContaining({ Resource: '*' })]);
  });

  it('push: endpoints created in the configured applications, publish to their endpoints only', () => {
    const statements = roleStatements(s, s.stateless.delivery.functions.push);
    expect(actionsIn(statements)).toEqual(
      [...common, ...consume, ...tableActions, 'sns:CreatePlatformEndpoint', 'sns:Publish'].sort(),
    );
    const create = statements.find((st) => actionsIn([st]).includes('sns:CreatePlatformEndpoint'));
    expect(asArray(create?.Resource).sort()).toEqual([APNS, FCM].sort());
    const publish = statements.find((st) => actionsIn([st]).includes('sns:Publish'));
    expect(asArray(publish?.Resource).sort()).toEqual(
      [
        'arn:aws:sns:ap-east-1:123456789012:endpoint/APNS/lender-app/*',
        'arn:aws:sns:ap-east-1:123456789012:endpoint/GCM/lender-app/*',
      ].sort(),
    );
  });

  it('e-mail: SendEmail with the configured identity through the configuration set, nothing of SNS', () => {
    const statements = roleStatements(s, s.stateless.delivery.functions.email);
    expect(actionsIn(statements)).toEqual([...common, ...consume, ...tableActions, 'ses:SendEmail'].sort());
    const send = statements.find((st) => actionsIn([st]).includes('ses:SendEmail'));
    const resource = JSON.stringify(send?.Resource);
    expect(resource).toContain(':identity/lender.example');
    expect(resource).toContain(':configuration-set/repayment-sentinel-test');
    expect(asArray(send?.Resource)).toHaveLength(2);
  });

  it('e-mail feedback: conditional updates of table items and its own queue, nothing else', () => {
    const statements = roleStatements(s, s.stateless.delivery.feedbackFunction);
    expect(actionsIn(statements)).toEqual([...common, ...consume, 'dynamodb:UpdateItem'].sort());
  });

  it('no delivery function may publish to the notifications topic, use its key, query an index or put events', () => {
    for (const fn of [
      ...Object.values(s.stateless.delivery.functions),
      s.stateless.delivery.feedbackFunction,
    ]) {
      const statements = roleStatements(s, fn);
      const text = JSON.stringify(statements);
      expect(text).not.toContain(
        s.stateful.getLogicalId(s.stateful.messaging.notificationsTopic.node.defaultChild as never),
      );
      expect(actionsIn(statements).filter((a) => /^(kms|events):|dynamodb:(Query|Scan)/.test(a))).toEqual([]);
      for (const st of statements.filter((x) => actionsIn([x]).some((a) => a.startsWith('dynamodb:'))))
        expect(JSON.stringify(st.Resource)).toContain(table());
      expect(text).not.toContain('/index/');
    }
  });
});

describe('SES feedback', () => {
  it('creates the configuration set with SES suppression, publishing bounces and complaints to the default bus', () => {
    s.statelessTemplate.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'repayment-sentinel-test',
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
    s.statelessTemplate.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayEquals(['bounce', 'complaint']),
        EventBridgeDestination: { EventBusArn: Match.anyValue() },
      }),
    });
    expect(
      JSON.stringify(s.statelessTemplate.findResources('AWS::SES::ConfigurationSetEventDestination')),
    ).toContain('event-bus/default');
  });

  it('routes the configuration set’s bounces and complaints to the feedback queue, with a DLQ', () => {
    const queueId = logicalId(s.stateless.delivery.feedbackQueue.queue);
    s.statelessTemplate.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ses'],
        'detail-type': ['Email Bounced', 'Email Complaint Received'],
        detail: { mail: { tags: { 'ses:configuration-set': [Match.anyValue()] } } },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [queueId, 'Arn'] },
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
    const rule = Object.values(s.statelessTemplate.findResources('AWS::Events::Rule')).find(
      (r) => r.Properties.EventPattern?.source?.[0] === 'aws.ses',
    );
    expect(rule?.Properties.EventBusName).toBeUndefined();
  });
});

describe('alarms and dashboard', () => {
  const alarms = () => Object.values(s.statelessTemplate.findResources('AWS::CloudWatch::Alarm'));

  it('alarms on each delivery queue’s DLQ depth and on the age of its oldest message', () => {
    for (const channel of CHANNELS) {
      const { queue, deadLetterQueue } = s.stateless.delivery.queues[channel];
      s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(deadLetterQueue), 'QueueName'] } },
        ],
        Threshold: 1,
      });
      s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `repayment-sentinel-test-${DELIVERY_WIRING[channel].title}DeliveryBacklog`,
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(queue), 'QueueName'] } }],
        Threshold: s.config.delivery.backlogAlarmMinutes * 60,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  it('alarms on any delivery recorded UNCERTAIN, per channel', () => {
    for (const channel of CHANNELS) {
      s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'RepaymentSentinel',
        MetricName: METRIC.deliveries,
        Dimensions: Match.arrayWith([
          { Name: 'channel', Value: channel },
          { Name: 'outcome', Value: 'UNCERTAIN' },
        ]),
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('alarms on errors and throttles of the delivery and feedback functions', () => {
    for (const fn of [
      ...Object.values(s.stateless.delivery.functions),
      s.stateless.delivery.feedbackFunction,
    ]) {
      for (const metric of ['Errors', 'Throttles']) {
        expect(
          alarms().some(
            (a) =>
              a.Properties.MetricName === metric &&
              JSON.stringify(a.Properties.Dimensions) ===
                JSON.stringify([{ Name: 'FunctionName', Value: { Ref: logicalId(fn) } }]),
          ),
        ).toBe(true);
      }
    }
  });

  it('shows the backlog per channel and deliveries by channel and outcome on the dashboard', () => {
    const body = JSON.stringify(
      Object.values(s.statelessTemplate.findResources('AWS::CloudWatch::Dashboard'))[0],
    );
    for (const needle of [
      'ApproximateAgeOfOldestMessage',
      METRIC.deliveries,
      METRIC.deliveriesDropped,
      METRIC.emailFeedback,
      'outcome',
    ])
      expect(body).toContain(needle);
  });
});

describe('environment', () => {
  it('gives each delivery function its queue URL (and the e-mail one its configuration set), within Lambda’s 4 KB', () => {
    for (const channel of CHANNELS) {
      const fn = s.stateless.delivery.functions[channel];
      const env = resources()[logicalId(fn)].Properties.Environment.Variables;
      expect(env.DELIVERY_QUEUE_URL).toEqual({ Ref: logicalId(s.stateless.delivery.queues[channel].queue) });
      if (channel === 'email') expect(env.SES_CONFIGURATION_SET).toBe('repayment-sentinel-test');
      // Unresolved values (ARNs, URLs, names) counted at 200 bytes each: deployed values are shorter.
      const bytes = Object.entries(env).reduce(
        (sum, [key, value]) => sum + key.length + (typeof value === 'string' ? value.length : 200),
        0,
      );
      expect(bytes, channel).toBeLessThan(LAMBDA_ENV_LIMIT_BYTES);
    }
  });
});

describe('cdk-nag', () => {
  it('reports nothing unacknowledged with every provider configured', () => {
    expect(unacknowledgedFindings(s.app)).toEqual([]);
  });
});
