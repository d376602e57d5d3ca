/**
 * What can be replaced at will: functions, queues, schedules, the intake rule, alarms and the
 * dashboard. Depends on the stateful stack only through the resources passed in.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Config } from '../../shared/config/schema';
import { CHANNELS } from '../../shared/rules/types';
import { JOBS } from '../../shared/table-layout';
import { DELIVERY_WIRING, Delivery } from '../constructs/delivery';
import { Intake } from '../constructs/intake';
import { JOB_WIRING, Jobs } from '../constructs/jobs';
import { Observability } from '../constructs/observability';
import { Schedules } from '../constructs/schedules';
import { commonEnvironment } from '../function-environment';
import type { StatefulStack } from './stateful-stack';

export interface StatelessStackProps extends StackProps {
  readonly config: Config;
  readonly envName: string;
  readonly stateful: StatefulStack;
}

export class StatelessStack extends Stack {
  readonly jobs: Jobs;
  readonly schedules: Schedules;
  readonly intake: Intake;
  readonly delivery: Delivery;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { table } = props.stateful.storage;
    const { eventBus, notificationsTopic, notificationsKey, opsAlertsTopic } = props.stateful.messaging;
    const environment = commonEnvironment({
      config,
      tableName: table.tableName,
      eventBusName: eventBus.eventBusName,
    });

    this.jobs = new Jobs(this, 'Jobs', {
      config,
      environment,
      table,
      eventBus,
      notificationsTopic,
      notificationsKey,
    });
    this.schedules = new Schedules(this, 'Schedules', {
      config,
      dispatch: this.jobs.dispatch,
      envName: props.envName,
    });
    this.intake = new Intake(this, 'Intake', {
      environment,
      table,
      eventBus,
      notificationsTopic,
      notificationsKey,
    });
    this.delivery = new Delivery(this, 'Delivery', {
      config,
      envName: props.envName,
      environment,
      table,
      notificationsTopic,
    });

    const deliveryTitle = (channel: (typeof CHANNELS)[number]) => DELIVERY_WIRING[channel].title;
    this.observability = new Observability(this, 'Observability', {
      config,
      envName: props.envName,
      alarmTopic: opsAlertsTopic,
      functions: {
        Dispatch: this.jobs.dispatch,
        ...Object.fromEntries(JOBS.map((job) => [`${JOB_WIRING[job].title}Worker`, this.jobs.workers[job]])),
        Intake: this.intake.function,
        ...Object.fromEntries(
          CHANNELS.map((c) => [`${deliveryTitle(c)}Delivery`, this.delivery.functions[c]]),
        ),
        EmailFeedback: this.delivery.feedbackFunction,
      },
      deadLetterQueues: {
        Schedules: this.schedules.deadLetterQueue,
        ...Object.fromEntries(
          JOBS.map((job) => [`${JOB_WIRING[job].title}Work`, this.jobs.workQueues[job].deadLetterQueue]),
        ),
        IntakeEvents: this.intake.queue.deadLetterQueue,
        IntakeRule: this.intake.ruleDeadLetterQueue,
        ...Object.fromEntries(
          CHANNELS.map((c) => [`${deliveryTitle(c)}Delivery`, this.delivery.queues[c].deadLetterQueue]),
        ),
        EmailFeedback: this.delivery.feedbackQueue.deadLetterQueue,
        EmailFeedbackRule: this.delivery.feedbackRuleDeadLetterQueue,
      },
      deliveryQueues: {
        sms: { title: deliveryTitle('sms'), queue: this.delivery.queues.sms.queue },
        push: { title: deliveryTitle('push'), queue: this.delivery.queues.push.queue },
        email: { title: deliveryTitle('email'), queue: this.delivery.queues.email.queue },
      },
    });
  }
}
