/**
 * The local kit re-drives with the deployed settings: its queue and schedule settings are those of
 * the synthesised stacks (visibility timeout, maxReceiveCount, batch size, Scheduler retries).
 */
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { addSentinelStacks, type SentinelStacks } from '../../infra/sentinel-app';
import { JOBS } from '../../shared/table-layout';
import { DEPLOYED, type QueueSettings } from '../../tools/local-aws/settings';
import { configFor } from '../infra/support';

let s: SentinelStacks & { statelessTemplate: Template };
beforeAll(() => {
  // The stacks as the app builds them, without bundling the functions (not looked at here).
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = addSentinelStacks(app, { config: configFor({}), envName: 'test' });
  s = { ...stacks, statelessTemplate: Template.fromStack(stacks.stateless) };
});

/** The settings of the queue `queue` and of the event source mapping that feeds `fn` from it. */
function deployedQueue(stack: Stack, template: Template, queue: unknown, fn: unknown): QueueSettings {
  const queueId = stack.getLogicalId(queue as never);
  const fnId = stack.getLogicalId(fn as never);
  const props = template.toJSON().Resources[queueId].Properties;
  const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).find(
    (m) => m.Properties.FunctionName.Ref === fnId,
  );
  return {
    maxReceives: props.RedrivePolicy.maxReceiveCount,
    visibilityMs: props.VisibilityTimeout * 1000,
    batchSize: mapping?.Properties.BatchSize,
  };
}

describe('the local kit', () => {
  it('re-drives SQS messages as the deployed work and intake queues do', () => {
    // Act
    const stack = s.stateless;
    const work = JOBS.map((job) =>
      deployedQueue(
        stack,
        s.statelessTemplate,
        stack.jobs.workQueues[job].queue.node.defaultChild,
        stack.jobs.workers[job].node.defaultChild,
      ),
    );
    const intake = deployedQueue(
      stack,
      s.statelessTemplate,
      stack.intake.queue.queue.node.defaultChild,
      stack.intake.function.node.defaultChild,
    );
    // Assess
    for (const queue of work) expect(queue).toEqual(DEPLOYED.workQueue);
    expect(intake).toEqual(DEPLOYED.intakeQueue);
  });

  it('retries a dispatch as the deployed schedules do', () => {
    const schedules = Object.values(s.statelessTemplate.findResources('AWS::Scheduler::Schedule'));
    expect(schedules.length).toBeGreaterThan(0);
    for (const schedule of schedules)
      expect(schedule.Properties.Target.RetryPolicy.MaximumRetryAttempts).toBe(DEPLOYED.scheduleRetries);
  });
});
