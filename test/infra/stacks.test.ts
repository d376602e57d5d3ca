/**
 * The default environment's stacks, synthesised once: storage, messaging, schedules, queues,
 * functions, least privilege, observability and cdk-nag.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { CfnPolicy, Role } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_WIRING, WORKER_TIMEOUT } from '../../infra/constructs/jobs';
import type { SentinelFunction } from '../../infra/constructs/sentinel-function';
import { LAMBDA_ENV_LIMIT_BYTES } from '../../infra/function-environment';
import { configSchema } from '../../shared/config/schema';
import { JOB_INDEXES, JOBS, TABLE_KEYS } from '../../shared/table-layout';
import { METRIC } from '../../shared/telemetry-names';
import {
  asArray,
  configFor,
  policyStatements,
  type Synthesised,
  synthesise,
  unacknowledgedFindings,
} from './support';

const ALERT_EMAILS = ['ops@example.com', 'oncall@example.com'];

let s: Synthesised;

beforeAll(() => {
  // Prepare: the default config, plus two alert e-mails to see their subscriptions.
  const config = configFor({ env: 'default' });
  s = synthesise({ ...config, operations: { ...config.operations, alertEmails: ALERT_EMAILS } });
});
afterAll(() => s?.cleanup());

const functionsByName = (): Record<string, SentinelFunction> => ({
  dispatch: s.stateless.jobs.dispatch,
  ...Object.fromEntries(JOBS.map((job) => [job, s.stateless.jobs.workers[job]])),
  intake: s.stateless.intake.function,
});

/** The statements of the one policy attached to `fn`'s role, resolved as in the template. */
function statementsOf(fn: SentinelFunction): Record<string, unknown>[] {
  const role = fn.role as Role;
  const policy = role.node.findChild('DefaultPolicy').node.defaultChild as CfnPolicy;
  const logicalId = Stack.of(fn).getLogicalId(policy);
  const resource = s.statelessTemplate.toJSON().Resources[logicalId];
  return resource.Properties.PolicyDocument.Statement;
}

const actionsOf = (statements: Record<string, unknown>[]) =>
  statements.flatMap((st) => asArray(st.Action as string | string[])).sort();

/** Statements that mention `fragment` (a resource name, an output name) anywhere in their resources. */
const onResource = (statements: Record<string, unknown>[], fragment: string) =>
  statements.filter((st) => JSON.stringify(st.Resource).includes(fragment));

describe('cdk-nag (AWS Solutions)', () => {
  it('reports no unacknowledged finding on the synthesised app', () => {
    // Assess: synth already ran the plugin (it throws on a finding); ask it again for the list,
    // and read the validation report CDK wrote next to the templates.
    expect(unacknowledgedFindings(s.app)).toEqual([]);
    const report = JSON.parse(readFileSync(join(s.outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports).toEqual([]);
  });

  it('does report a finding that nobody acknowledged (the check is not vacuous)', () => {
    // Prepare: a queue with no DLQ, no encryption and no TLS policy, outside the app.
    const app = new App();
    new Queue(new Stack(app, 'Scratch'), 'Bare', { encryption: QueueEncryption.UNENCRYPTED });
    // Act
    const findings = unacknowledgedFindings(app);
    // Assess
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('AwsSolutions-SQS3'),
        expect.stringContaining('AwsSolutions-SQS4'),
      ]),
    );
  });

  it('scopes every acknowledgement to a resource, never a stack or the app, each with a reason', () => {
    const acknowledged: { path: string; id: string; reason: string }[] = [];
    const visit = (node: IConstruct) => {
      for (const entry of node.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          acknowledged.push({ path: node.node.path, id, reason });
        }
      }
      for (const child of node.node.children) visit(child);
    };
    visit(s.app);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const a of acknowledged) {
      expect(Stack.isStack(s.app.node.findChild(a.path.split('/')[0] as string))).toBe(true);
      expect(a.path.split('/').length, `${a.id} on ${a.path}`).toBeGreaterThan(2);
      expect(a.reason.length, `${a.id} on ${a.path}`).toBeGreaterThan(40);
    }
  });
});

describe('storage (stateful)', () => {
  it('has PK/SK string keys, on-demand billing, PITR, deletion protection, KMS encryption and TTL', () => {
    s.statefulTemplate.resourceCountIs('AWS::DynamoDB::Table', 1);
    s.statefulTemplate.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        // SSEEnabled without a key id: KMS with the AWS managed key aws/dynamodb.
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    });
  });

  it('has one sparse GSI per job, named from shared/table-layout.ts, projecting ALL', () => {
    const table = Object.values(s.statefulTemplate.findResources('AWS::DynamoDB::Table'))[0];
    const indexes = table?.Properties.GlobalSecondaryIndexes as Record<string, unknown>[];
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(JOBS.map((j) => JOB_INDEXES[j].indexName).sort());
    for (const job of JOBS) {
      expect(indexes).toContainEqual({
        IndexName: JOB_INDEXES[job].indexName,
        KeySchema: [
          { AttributeName: JOB_INDEXES[job].partitionKey, KeyType: 'HASH' },
          { AttributeName: JOB_INDEXES[job].sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      });
    }
  });
});

describe('messaging (stateful)', () => {
  it('encrypts both topics with their own rotating customer-managed keys', () => {
    s.statefulTemplate.resourceCountIs('AWS::SNS::Topic', 2);
    const topics = s.statefulTemplate.findResources('AWS::SNS::Topic');
    const keyIds = Object.values(topics).map((t) => JSON.stringify(t.Properties.KmsMasterKeyId));
    expect(new Set(keyIds).size).toBe(2);
    const keys = s.statefulTemplate.findResources('AWS::KMS::Key');
    expect(Object.keys(keys)).toHaveLength(2);
    for (const key of Object.values(keys)) expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  it('denies publishing to either topic without TLS', () => {
    const policies = s.statefulTemplate.findResources('AWS::SNS::TopicPolicy');
    expect(Object.keys(policies)).toHaveLength(2);
    for (const policy of Object.values(policies)) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('lets CloudWatch use the ops-alerts key (alarms publish to an encrypted topic), not the notifications key', () => {
    const cloudwatchStatements = Object.values(s.statefulTemplate.findResources('AWS::KMS::Key')).filter(
      (k) => JSON.stringify(k.Properties.KeyPolicy).includes('cloudwatch.amazonaws.com'),
    );
    expect(cloudwatchStatements).toHaveLength(1);
  });

  it('subscribes every operations.alertEmails address to the ops-alerts topic', () => {
    for (const email of ALERT_EMAILS) {
      s.statefulTemplate.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: email,
      });
    }
    s.statefulTemplate.resourceCountIs('AWS::SNS::Subscription', ALERT_EMAILS.length);
  });

  it('has a custom event bus with an archive for replay', () => {
    s.statefulTemplate.resourceCountIs('AWS::Events::EventBus', 1);
    s.statefulTemplate.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: Match.anyValue(),
      RetentionDays: Match.anyValue(),
    });
  });
});

describe('schedules (EventBridge Scheduler)', () => {
  it('has one schedule per configured fire time, in the configured time zone, exact, with retries and a DLQ', () => {
    const schedules = Object.values(s.statelessTemplate.findResources('AWS::Scheduler::Schedule'));
    const expected = JOBS.flatMap((job) =>
      s.config.schedules[job].map((expression) => ({ job, expression })),
    );
    expect(schedules).toHaveLength(expected.length);
    const seen = schedules.map((r) => {
      const p = r.Properties;
      expect(p.ScheduleExpressionTimezone).toBe(s.config.timeZone);
      expect(p.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
      expect(p.GroupName).toBeDefined();
      expect(p.Target.DeadLetterConfig.Arn).toBeDefined();
      expect(p.Target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
      const input = JSON.parse(p.Target.Input);
      expect(input.scheduledTime).toBe('<aws.scheduler.scheduled-time>');
      return { job: input.job, expression: p.ScheduleExpression };
    });
    expect(seen).toEqual(expect.arrayContaining(expected));
  });

  it('puts every schedule in the schedule group and targets the dispatch function', () => {
    s.statelessTemplate.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    const dispatchId = s.stateless.getLogicalId(s.stateless.jobs.dispatch.node.defaultChild as never);
    for (const r of Object.values(s.statelessTemplate.findResources('AWS::Scheduler::Schedule'))) {
      expect(r.Properties.Target.Arn).toEqual({ 'Fn::GetAtt': [dispatchId, 'Arn'] });
    }
  });

  it('uses no EventBridge rule for scheduling', () => {
    for (const rule of Object.values(s.statelessTemplate.findResources('AWS::Events::Rule'))) {
      expect(rule.Properties.ScheduleExpression).toBeUndefined();
    }
  });
});

describe('queues', () => {
  it('encrypts every queue and denies non-TLS access to each', () => {
    const queues = s.statelessTemplate.findResources('AWS::SQS::Queue');
    // 3 work queues, intake, 3 delivery queues and e-mail feedback, each with its DLQ; 3 rule/schedule DLQs.
    expect(Object.keys(queues)).toHaveLength(19);
    for (const queue of Object.values(queues)) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    const policies = Object.values(s.statelessTemplate.findResources('AWS::SQS::QueuePolicy'));
    for (const id of Object.keys(queues)) {
      const policy = policies.find((p) =>
        asArray(p.Properties.Queues).some((q) => JSON.stringify(q).includes(id)),
      );
      expect(policy, id).toBeDefined();
      expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('gives each work and intake queue a visibility timeout longer than the 5-minute outbox lease, so a redelivery after a crash takes over what the dead run left', () => {
    const queues = [
      ...JOBS.map((job) => s.stateless.jobs.workQueues[job].queue),
      s.stateless.intake.queue.queue,
    ];
    for (const queue of queues) {
      const id = s.stateless.getLogicalId(queue.node.defaultChild as never);
      expect(s.statelessTemplate.toJSON().Resources[id].Properties.VisibilityTimeout).toBeGreaterThan(300);
    }
  });

  it('gives each consumed queue (work, intake, delivery, e-mail feedback) a DLQ, and a visibility timeout of 6x its consumer timeout', () => {
    const queues = s.statelessTemplate.toJSON().Resources;
    const mappings = Object.values(s.statelessTemplate.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(JOBS.length + 1 + 3 + 1);
    for (const mapping of mappings) {
      const queueId = mapping.Properties.EventSourceArn['Fn::GetAtt'][0];
      const functionId = mapping.Properties.FunctionName.Ref;
      const queue = queues[queueId].Properties;
      expect(queue.RedrivePolicy.deadLetterTargetArn).toBeDefined();
      expect(queue.RedrivePolicy.maxReceiveCount).toBeGreaterThan(0);
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * queues[functionId].Properties.Timeout);
      expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(mapping.Properties.BatchSize).toBeLessThanOrEqual(10);
    }
  });

  it('keeps the workers on one shard per invocation', () => {
    for (const job of JOBS) {
      const fnId = s.stateless.getLogicalId(s.stateless.jobs.workers[job].node.defaultChild as never);
      s.statelessTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fnId },
        BatchSize: 1,
        ScalingConfig: { MaximumConcurrency: Match.anyValue() },
      });
    }
    expect(WORKER_TIMEOUT.toSeconds()).toBeGreaterThan(60);
  });
});

describe('functions', () => {
  it('runs all nine on nodejs22.x ARM64 with bounded memory and timeout and their own log group', () => {
    const functions = s.statelessTemplate.findResources('AWS::Lambda::Function');
    // dispatch, 3 workers, intake, 3 delivery functions, e-mail feedback
    expect(Object.keys(functions)).toHaveLength(9);
    for (const [id, fn] of Object.entries(functions)) {
      const p = fn.Properties;
      expect(p.Runtime, id).toBe('nodejs22.x');
      expect(p.Architectures, id).toEqual(['arm64']);
      expect(p.MemorySize, id).toBeGreaterThanOrEqual(128);
      expect(p.MemorySize, id).toBeLessThanOrEqual(1024);
      expect(p.Timeout, id).toBeGreaterThan(0);
      expect(p.Timeout, id).toBeLessThanOrEqual(300);
      expect(p.LoggingConfig.LogGroup, id).toBeDefined();
      expect(p.Handler, id).toBe('index.handler');
    }
    for (const logGroup of Object.values(s.statelessTemplate.findResources('AWS::Logs::LogGroup'))) {
      expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });

  it('gives every function the common environment, the validated config included, within 4 KB', () => {
    for (const [name, fn] of Object.entries(functionsByName())) {
      const id = s.stateless.getLogicalId(fn.node.defaultChild as never);
      const env = s.statelessTemplate.toJSON().Resources[id].Properties.Environment.Variables;
      expect(Object.keys(env), name).toEqual(
        expect.arrayContaining([
          'TABLE_NAME',
          'EVENT_BUS_NAME',
          'SENTINEL_CONFIG',
          'POWERTOOLS_SERVICE_NAME',
          'POWERTOOLS_METRICS_NAMESPACE',
          'POWERTOOLS_LOG_LEVEL',
        ]),
      );
      expect(configSchema.parse(JSON.parse(env.SENTINEL_CONFIG))).toEqual(s.config);
      // Unresolved values (ARNs, URLs, names) counted at 200 bytes each: deployed values are shorter.
      const bytes = Object.entries(env).reduce(
        (sum, [key, value]) => sum + key.length + (typeof value === 'string' ? value.length : 200),
        0,
      );
      expect(bytes, name).toBeLessThan(LAMBDA_ENV_LIMIT_BYTES);
    }
  });

  it('wires each queue URL variable the functions read', () => {
    const env = (fn: SentinelFunction) =>
      s.statelessTemplate.toJSON().Resources[s.stateless.getLogicalId(fn.node.defaultChild as never)]
        .Properties.Environment.Variables;
    const dispatchEnv = env(s.stateless.jobs.dispatch);
    for (const job of JOBS) {
      const queueId = s.stateless.getLogicalId(
        s.stateless.jobs.workQueues[job].queue.node.defaultChild as never,
      );
      expect(dispatchEnv[JOB_WIRING[job].queueEnv]).toEqual({ Ref: queueId });
      const workerEnv = env(s.stateless.jobs.workers[job]);
      expect(workerEnv.WORK_QUEUE_URL).toEqual({ Ref: queueId });
      expect(workerEnv[JOB_WIRING[job].queueEnv]).toEqual({ Ref: queueId });
    }
    expect(dispatchEnv.NOTIFICATIONS_TOPIC_ARN).toBeUndefined();
  });
});

describe('least privilege', () => {
  it('grants no wildcard action and no "*" resource anywhere, but the SMS statement IAM requires', () => {
    const statements = [...policyStatements(s.statelessTemplate), ...policyStatements(s.statefulTemplate)];
    expect(statements.length).toBeGreaterThan(0);
    const star = statements.filter(({ statement }) => asArray(statement.Resource).includes('*'));
    // Direct SMS publish and the opt-out check take no resource ARN (infra/constructs/delivery.ts).
    expect(star.map(({ statement }) => statement.Action)).toEqual([
      ['sns:CheckIfPhoneNumberIsOptedOut', 'sns:Publish'],
    ]);
    expect(star[0]?.policy).toContain('SmsDelivery');
    for (const { policy, statement } of statements) {
      for (const action of asArray(statement.Action as string | string[])) {
        expect(action, policy).not.toContain('*');
      }
    }
  });

  it('lets dispatch read and update the dispatch log item and send to the three work queues, nothing else', () => {
    const statements = statementsOf(s.stateless.jobs.dispatch);
    expect(actionsOf(statements)).toEqual(
      [
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:SendMessage',
      ].sort(),
    );
    expect(JSON.stringify(statements)).not.toContain('/index/');
  });

  it('lets each worker query its own index only, write items conditionally, publish, put events and use its own queue', () => {
    for (const job of JOBS) {
      const statements = statementsOf(s.stateless.jobs.workers[job]);
      const actions = actionsOf(statements);
      expect(actions).toEqual(
        expect.arrayContaining([
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:Query',
          'events:PutEvents',
          'sns:Publish',
          'sqs:SendMessage',
          'sqs:ReceiveMessage',
        ]),
      );
      expect(actions).not.toContain('dynamodb:DeleteItem');
      expect(actions).not.toContain('dynamodb:Scan');
      const query = statements.filter((st) =>
        asArray(st.Action as string | string[]).includes('dynamodb:Query'),
      );
      expect(query).toHaveLength(1);
      const queried = JSON.stringify(query[0]?.Resource);
      for (const other of JOBS) {
        expect(queried.includes(`/index/${JOB_INDEXES[other].indexName}"`)).toBe(other === job);
      }
      // Its own work queue only.
      const ownQueue = s.stateless.getLogicalId(
        s.stateless.jobs.workQueues[job].queue.node.defaultChild as never,
      );
      const sqs = statements.filter((st) => actionsOf([st]).some((a) => a.startsWith('sqs:')));
      expect(JSON.stringify(sqs.map((st) => st.Resource))).toBe(
        JSON.stringify([{ 'Fn::GetAtt': [ownQueue, 'Arn'] }]),
      );
    }
  });

  it('grants push and e-mail nothing to send with while their providers are not configured (config/default.json)', () => {
    const { push, email } = s.stateless.delivery.functions;
    expect(actionsOf(statementsOf(push)).filter((a) => a.startsWith('sns:'))).toEqual([]);
    expect(actionsOf(statementsOf(email)).filter((a) => a.startsWith('ses:'))).toEqual([]);
  });

  it('lets intake read and write the table (no index), put events and consume the intake queue', () => {
    const statements = statementsOf(s.stateless.intake.function);
    expect(actionsOf(statements)).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
        'events:PutEvents',
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
      ]),
    );
    expect(actionsOf(statements)).not.toContain('sqs:SendMessage');
    expect(JSON.stringify(statements)).not.toContain('/index/');
  });

  it('scopes publish to the notifications topic and its key (through SNS), never the ops-alerts topic', () => {
    const stateful = s.stateful;
    const notificationsTopic = stateful.getLogicalId(
      stateful.messaging.notificationsTopic.node.defaultChild as never,
    );
    const notificationsKey = stateful.getLogicalId(
      stateful.messaging.notificationsKey.node.defaultChild as never,
    );
    const opsTopic = stateful.getLogicalId(stateful.messaging.opsAlertsTopic.node.defaultChild as never);
    for (const [name, fn] of Object.entries(functionsByName())) {
      const statements = statementsOf(fn);
      expect(JSON.stringify(statements), name).not.toContain(opsTopic);
      const publish = statements.filter((st) => actionsOf([st]).includes('sns:Publish'));
      const kms = statements.filter((st) => actionsOf([st]).some((a) => a.startsWith('kms:')));
      if (name === 'dispatch') {
        expect(publish).toHaveLength(0);
        continue;
      }
      expect(publish).toHaveLength(1);
      expect(JSON.stringify(publish[0]?.Resource), name).toContain(notificationsTopic);
      expect(kms).toHaveLength(1);
      expect(actionsOf(kms)).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      expect(JSON.stringify(kms[0]?.Resource), name).toContain(notificationsKey);
      expect(JSON.stringify(kms[0]?.Condition), name).toContain('kms:ViaService');
    }
  });

  it('scopes PutEvents to the custom bus, and table actions to the table', () => {
    const bus = s.stateful.getLogicalId(s.stateful.messaging.eventBus.node.defaultChild as never);
    const table = s.stateful.getLogicalId(s.stateful.storage.table.node.defaultChild as never);
    for (const [name, fn] of Object.entries(functionsByName())) {
      const statements = statementsOf(fn);
      for (const st of onResource(statements, '')) {
        const actions = actionsOf([st]);
        if (actions.includes('events:PutEvents')) expect(JSON.stringify(st.Resource), name).toContain(bus);
        if (actions.some((a) => a.startsWith('dynamodb:')))
          expect(JSON.stringify(st.Resource), name).toContain(table);
      }
    }
  });
});

describe('intake', () => {
  it('routes the three intake detail-types from the payment side and the lender app on the custom bus to the intake queue, with a DLQ', () => {
    const queueId = s.stateless.getLogicalId(s.stateless.intake.queue.queue.node.defaultChild as never);
    s.statelessTemplate.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.anyValue(),
      EventPattern: {
        source: ['lender.payments', 'lender.app'],
        'detail-type': ['DebitAttemptCompleted', 'RepaymentReceived', 'RepaymentPlanAdjustmentRequested'],
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [queueId, 'Arn'] },
          DeadLetterConfig: { Arn: Match.anyValue() },
          RetryPolicy: Match.anyValue(),
        }),
      ],
    });
  });
});

describe('observability', () => {
  const alarms = () => Object.values(s.statelessTemplate.findResources('AWS::CloudWatch::Alarm'));
  const opsTopic = () =>
    s.stateful.getLogicalId(s.stateful.messaging.opsAlertsTopic.node.defaultChild as never);

  it('sends every alarm (and its recovery) to the ops-alerts topic', () => {
    expect(alarms().length).toBeGreaterThan(0);
    for (const alarm of alarms()) {
      expect(JSON.stringify(alarm.Properties.AlarmActions)).toContain(opsTopic());
      expect(JSON.stringify(alarm.Properties.OKActions)).toContain(opsTopic());
    }
  });

  it('alarms on errors and throttles of every function', () => {
    for (const fn of Object.values(functionsByName())) {
      const id = s.stateless.getLogicalId(fn.node.defaultChild as never);
      for (const metric of ['Errors', 'Throttles']) {
        s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }],
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      }
    }
  });

  it('alarms on any message in each of the eleven dead-letter queues', () => {
    const dlqAlarms = alarms().filter(
      (a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible',
    );
    expect(dlqAlarms).toHaveLength(11);
    const watched = dlqAlarms.map((a) => a.Properties.Dimensions[0].Value['Fn::GetAtt'][0]).sort();
    const { delivery } = s.stateless;
    const dlqs = [
      s.stateless.schedules.deadLetterQueue,
      ...JOBS.map((j) => s.stateless.jobs.workQueues[j].deadLetterQueue),
      s.stateless.intake.queue.deadLetterQueue,
      s.stateless.intake.ruleDeadLetterQueue,
      ...Object.values(delivery.queues).map((q) => q.deadLetterQueue),
      delivery.feedbackQueue.deadLetterQueue,
      delivery.feedbackRuleDeadLetterQueue,
    ].map((q) => s.stateless.getLogicalId(q.node.defaultChild as never));
    expect(watched).toEqual(dlqs.sort());
  });

  it("alarms when a job did not run: JobRunCompleted missing counts as breaching, over its schedule's longest gap", () => {
    for (const job of JOBS) {
      s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'RepaymentSentinel',
        MetricName: METRIC.jobRunCompleted,
        Dimensions: Match.arrayWith([{ Name: 'job', Value: job }]),
        TreatMissingData: 'breaching',
        Period: 3600,
        EvaluationPeriods: s.stateless.observability.heartbeatHours[job],
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
      });
    }
    // Default schedules: aging once a day (24 h gap), failed debits at 10:00 and 16:00 (18 h gap).
    expect(s.stateless.observability.heartbeatHours.aging).toBe(25);
    expect(s.stateless.observability.heartbeatHours.failedDebits).toBe(19);
  });

  it('alarms on the failed-debit ratio over a day above operations.failedDebitRatioAlarmThreshold', () => {
    s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: s.config.operations.failedDebitRatioAlarmThreshold,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp('failed.*/.*failed.*succeeded') }),
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: METRIC.debitsFailed }),
            Period: 86400,
          }),
        }),
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: METRIC.debitsSucceeded }),
            Period: 86400,
          }),
        }),
      ]),
    });
  });

  it('has a dashboard with run counts, notifications by kind and channel, transitions, bucket changes, failed debits and errors', () => {
    const dashboards = Object.values(s.statelessTemplate.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
    for (const needle of [
      METRIC.jobRunCompleted,
      METRIC.notificationsSent,
      METRIC.messagesSent,
      'kind',
      'channel',
      METRIC.transitions,
      METRIC.bucketChanges,
      METRIC.debitsFailed,
      'Errors',
    ]) {
      expect(body).toContain(needle);
    }
  });
});
