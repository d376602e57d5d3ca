/**
 * Messaging: the notifications topic (channel workers subscribe with filter policies), the
 * ops-alerts topic (alarms, operators' e-mail), and the custom event bus with an archive for replay.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface MessagingProps {
  /** `operations.alertEmails`: each gets an e-mail subscription to the ops-alerts topic. */
  readonly alertEmails: readonly string[];
  /** How long the bus archive keeps events for replay. */
  readonly archiveRetention?: Duration;
}

export class Messaging extends Construct {
  readonly notificationsKey: Key;
  readonly notificationsTopic: Topic;
  readonly opsAlertsKey: Key;
  readonly opsAlertsTopic: Topic;
  readonly eventBus: EventBus;

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // One key per topic: the key guarding borrowers' contact details is not shared with the
    // CloudWatch service principal that the alerts key must trust.
    this.notificationsKey = new Key(this, 'NotificationsKey', {
      description: 'repayment-sentinel notifications topic (borrower contact details in transit)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.notificationsTopic = new Topic(this, 'Notifications', {
      displayName: 'repayment-sentinel notifications',
      masterKey: this.notificationsKey,
      enforceSSL: true,
    });

    this.opsAlertsKey = new Key(this, 'OpsAlertsKey', {
      description: 'repayment-sentinel ops-alerts topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch alarms publish to an encrypted topic only if the key lets CloudWatch use it.
    this.opsAlertsKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.opsAlertsTopic = new Topic(this, 'OpsAlerts', {
      displayName: 'repayment-sentinel ops alerts',
      masterKey: this.opsAlertsKey,
      enforceSSL: true,
    });
    for (const email of props.alertEmails) {
      this.opsAlertsTopic.addSubscription(new EmailSubscription(email));
    }

    /*
     * Events carry ids, dates, amounts and states, never contact details: the bus keeps EventBridge's
     * default (AWS owned key) encryption. The archive lets a consumer that missed events replay them.
     */
    this.eventBus = new EventBus(this, 'Bus', { description: 'repayment-sentinel domain and intake events' });
    this.eventBus.archive('Archive', {
      description: 'Every event on the repayment-sentinel bus, for replay',
      eventPattern: { account: [stack.account] },
      retention: props.archiveRetention ?? Duration.days(90),
    });
  }
}
