/**
 * Schedules: one EventBridge Scheduler schedule per fire time of `schedules.<job>`, in the operator's
 * time zone (Scheduler, not an events rule, because rules only know UTC and so drift by an hour
 * with daylight saving), all invoking the dispatch function with `{ job, scheduledTime }`.
 */
import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleGroup,
  ScheduleTargetInput,
  TimeWindow,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Config } from '../../shared/config/schema';
import { JOBS, type Job } from '../../shared/table-layout';
import { deadLetterQueue } from './secure-queue';

export interface SchedulesProps {
  readonly config: Config;
  readonly dispatch: IFunction;
  /** Names the group, so two environments in one account do not collide. */
  readonly envName: string;
}

export class Schedules extends Construct {
  readonly group: ScheduleGroup;
  readonly deadLetterQueue: Queue;
  readonly schedules: { job: Job; expression: string; schedule: Schedule }[] = [];

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    this.group = new ScheduleGroup(this, 'Group', {
      scheduleGroupName: `repayment-sentinel-${props.envName}`,
    });
    this.deadLetterQueue = deadLetterQueue(
      this,
      'DeadLetters',
      'the job schedules (invocations that failed every retry)',
    );
    const timeZone = TimeZone.of(props.config.timeZone);
    const stack = Stack.of(this);
    // One role for every schedule: invoke dispatch, send to the DLQ; assumable by this account's
    // Scheduler only.
    const role = new Role(this, 'InvokeRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'EventBridge Scheduler: invoke the dispatch function, dead-letter failed invocations',
    });
    const dispatchLogicalId = stack.getLogicalId(props.dispatch.node.defaultChild as CfnFunction);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${dispatchLogicalId}.Arn>:*]`,
      reason:
        'lambda:InvokeFunction on the dispatch function and its qualified ARNs (versions/aliases), added by grantInvoke; the wildcard covers qualifiers of that one function only.',
    });

    for (const job of JOBS) {
      props.config.schedules[job].forEach((expression, index) => {
        const target = new LambdaInvoke(props.dispatch, {
          role,
          // The scheduled time, not the delivery time: a retried or late invocation works on its own day.
          input: ScheduleTargetInput.fromObject({ job, scheduledTime: ContextAttribute.scheduledTime }),
          deadLetterQueue: this.deadLetterQueue,
          // Dispatch is idempotent per day, so retrying is safe; after an hour the job is late
          // enough for the heartbeat alarm, and the message waits in the DLQ.
          retryAttempts: 5,
          maxEventAge: Duration.hours(1),
        });
        const schedule = new Schedule(this, `${job}-${index}`, {
          description: `${job} run ${index + 1} of ${props.config.schedules[job].length}: ${expression} ${props.config.timeZone}`,
          schedule: ScheduleExpression.expression(expression, timeZone),
          scheduleGroup: this.group,
          target,
          // Exactly at the configured local time: the send window and the day boundary depend on it.
          timeWindow: TimeWindow.off(),
        });
        this.schedules.push({ job, expression, schedule });
      });
    }
  }
}
