/**
 * Intake: debit results, payments and adjustment requests published on the custom bus by the
 * payment side and the lender app reach the intake function through a rule and a queue (with its
 * DLQ), so a burst or an outage of the function loses nothing.
 *
 * Expected event (EventBridge envelope; `detail` as in functions/schemas/intake-events.ts):
 *   { "source": "lender.payments", "detail-type": "DebitAttemptCompleted",
 *     "detail": { "loanId", "seq", "attemptId", "outcome": "SUCCEEDED"|"FAILED", "reason"?, "amount"?, "attemptedAt" } }
 *   { "source": "lender.payments", "detail-type": "RepaymentReceived",
 *     "detail": { "loanId", "seq", "paymentId", "amount", "receivedAt" } }
 *   { "source": "lender.app", "detail-type": "RepaymentPlanAdjustmentRequested",
 *     "detail": { "requestId", "loanId", "seq", "action", "days"?, "parts"?, "requestedAt" } }
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue, QueueWithDlq } from './secure-queue';
import { SentinelFunction } from './sentinel-function';

/** Who publishes intake events: the payment side (debits, payments) and the lender app (requests). */
const INTAKE_SOURCES = ['lender.payments', 'lender.app'] as const;
const INTAKE_DETAIL_TYPES = [
  'DebitAttemptCompleted',
  'RepaymentReceived',
  'RepaymentPlanAdjustmentRequested',
] as const;

const INTAKE_TIMEOUT = Duration.seconds(30);
/** How long an outbox entry stays leased to the delivery that wrote it (functions/use-cases/outbox/lease.ts). */
const OUTBOX_LEASE = Duration.minutes(5);
/**
 * At least 6x the timeout (AWS's guidance), and longer than the outbox lease: a delivery that died
 * after saving its change comes back once the lease is over, so the redelivery publishes what the
 * dead one left, at once, instead of leaving it to the next job run (hours later after 16:00).
 */
const INTAKE_VISIBILITY = Duration.seconds(
  Math.max(INTAKE_TIMEOUT.toSeconds() * 6, OUTBOX_LEASE.toSeconds() + 60),
);

export interface IntakeProps {
  readonly environment: Record<string, string>;
  readonly table: ITable;
  readonly eventBus: IEventBus;
  readonly notificationsTopic: ITopic;
  readonly notificationsKey: IKey;
}

export class Intake extends Construct {
  readonly function: SentinelFunction;
  readonly queue: QueueWithDlq;
  /** Events the rule could not deliver to the queue. */
  readonly ruleDeadLetterQueue: Queue;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: IntakeProps) {
    super(scope, id);
    this.queue = new QueueWithDlq(this, 'Events', {
      visibilityTimeout: INTAKE_VISIBILITY,
      // A malformed or unknown-installment event fails every time: five tries, then the DLQ.
      maxReceiveCount: 5,
    });
    this.ruleDeadLetterQueue = deadLetterQueue(
      this,
      'RuleDeadLetters',
      'the intake rule (events EventBridge could not deliver)',
    );
    this.rule = new Rule(this, 'Rule', {
      description: 'Debit results, payments and adjustment requests -> intake queue',
      eventBus: props.eventBus,
      eventPattern: { source: [...INTAKE_SOURCES], detailType: [...INTAKE_DETAIL_TYPES] },
      targets: [
        new SqsQueue(this.queue.queue, {
          deadLetterQueue: this.ruleDeadLetterQueue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    this.function = new SentinelFunction(this, 'Function', {
      handlerFile: 'intake',
      description: 'Applies debit results, payments and adjustment requests',
      memorySize: 512,
      timeout: INTAKE_TIMEOUT,
      environment: props.environment,
    });
    this.function
      // Installments, borrowers (at-risk date), claims (a rejection for an unknown installment is
      // claimed, released on a failed publish) and a loan's split parts (Query on the base table).
      .grantTable(props.table, [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
      ])
      .grantPutEvents(props.eventBus)
      // It may flush an outbox entry taken over from a dead job run, which may hold reminders.
      .grantPublish(props.notificationsTopic, props.notificationsKey)
      .consume(this.queue.queue, { batchSize: 10, maxConcurrency: 10 });
  }
}
