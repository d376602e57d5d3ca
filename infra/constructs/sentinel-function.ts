/**
 * The one way this app builds a Lambda function: Node.js 22 on ARM64, bundled locally by esbuild
 * as ESM with source maps, explicit memory and timeout, its own log group, and a role that starts
 * with nothing but writing to that log group. Everything else is granted by the helpers below, each
 * naming the exact actions and resources, and setting the environment variable that goes with it.
 */
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The DynamoDB item and query actions a function may be granted (never a wildcard). */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:Query';

export interface SentinelFunctionProps {
  /** The handler file under `functions/`, without extension (`dispatch`, `failed-debits`). */
  readonly handlerFile: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** Variables every function of the app receives (table, bus, config, Powertools). */
  readonly environment: Record<string, string>;
  readonly logRetention?: RetentionDays;
}

export class SentinelFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: SentinelFunctionProps) {
    // Audit entries (transitions, skipped notices) are log lines: keep them a year, and keep them
    // when the stateless stack is replaced.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // An explicit role instead of the default one: no AWSLambdaBasicExecutionRole managed policy
    // (which may write to any log group), only this function's own log group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}: its log group plus what the grant helpers add`,
    });
    super(scope, id, {
      entry: `${PROJECT_ROOT}functions/${props.handlerFile}.ts`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role,
      logGroup,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the pinned SDK rather than use the runtime's copy: what the tests ran is what runs.
        externalModules: [],
        mainFields: ['module', 'main'],
        // Some CommonJS dependencies call require() for Node built-ins inside the ESM bundle.
        banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the runtime this project is built and tested for (esbuild target node22, Node 22 LTS); moving to nodejs24.x is a deliberate upgrade with its own test run, not a side effect of a CDK bump.',
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
  }

  /**
   * Allows `actions` on the table's items, and `dynamodb:Query` on the named indexes only
   * (`indexes`), never on `index/*`.
   */
  grantTable(table: ITable, actions: readonly TableAction[], indexes: readonly string[] = []): this {
    if (actions.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({ actions: [...new Set(actions)].sort(), resources: [table.tableArn] }),
      );
    }
    if (indexes.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: indexes.map((name) => `${table.tableArn}/index/${name}`),
        }),
      );
    }
    return this;
  }

  /**
   * Allows publishing to `topic` (sns:Publish also authorises PublishBatch) and the two KMS calls an
   * encrypted topic makes on the publisher's behalf; sets NOTIFICATIONS_TOPIC_ARN.
   */
  grantPublish(topic: ITopic, key: IKey): this {
    this.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sns.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
    this.addEnvironment('NOTIFICATIONS_TOPIC_ARN', topic.topicArn);
    return this;
  }

  /** Allows PutEvents on `bus` only (EVENT_BUS_NAME is common to every function). */
  grantPutEvents(bus: IEventBus): this {
    this.addToRolePolicy(
      new PolicyStatement({ actions: ['events:PutEvents'], resources: [bus.eventBusArn] }),
    );
    return this;
  }

  /**
   * Allows SendMessage (which also authorises SendMessageBatch) on `queue` and sets `envName` to its
   * URL. SSE-SQS queues need no KMS permission.
   */
  grantSend(queue: IQueue, envName: string): this {
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
      }),
    );
    this.addEnvironment(envName, queue.queueUrl);
    return this;
  }

  /**
   * Consumes `queue` with partial batch responses (a failed record is retried alone), at most
   * `maxConcurrency` concurrent invocations.
   */
  consume(queue: IQueue, options: { batchSize: number; maxConcurrency: number }): this {
    this.addEventSource(
      new SqsEventSource(queue, {
        batchSize: options.batchSize,
        reportBatchItemFailures: true,
        // SQS event sources accept 2..1000.
        maxConcurrency: Math.min(1000, Math.max(2, options.maxConcurrency)),
      }),
    );
    return this;
  }
}
