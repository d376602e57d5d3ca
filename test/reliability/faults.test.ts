/** The fault injector itself: its spec, its determinism, its crash switch, its partial batch answers. */
import { PublishBatchCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import {
  FaultInjector,
  FaultSpecError,
  formatFaultPlan,
  InjectedCrashError,
  parseFaultSpec,
} from '../../tools/lib/faults';
import { capturingSns } from '../../tools/local-aws';

const publish = (n: number) =>
  new PublishBatchCommand({
    TopicArn: 'arn:aws:sns:ap-east-1:000000000000:t',
    PublishBatchRequestEntries: Array.from({ length: n }, (_, i) => ({ Id: String(i), Message: `m${i}` })),
  });

function faultedSns(spec: string) {
  const injector = new FaultInjector(parseFaultSpec(spec));
  const delivered: string[] = [];
  const sns = capturingSns(
    { published: (_t, entries) => delivered.push(...entries.map((e) => e.Message ?? '')) },
    { retryStrategy: injector.retryStrategy() },
  );
  injector.attach(sns, 'sns');
  return { injector, sns, delivered };
}

describe('fault injection', () => {
  it('reads a spec and writes it back, and names what is wrong in a bad one', () => {
    // Act
    const plan = parseFaultSpec('rate=0.1,sns=0.5,kinds=throttle:2/partial,crash=0.2,seed=9');
    // Assess
    expect(plan.rates).toEqual({ dynamodb: 0.1, sns: 0.5, eventbridge: 0.1, sqs: 0.1 });
    expect(parseFaultSpec(formatFaultPlan(plan))).toEqual(plan);
    expect(() => parseFaultSpec('rate=2')).toThrow(FaultSpecError);
    expect(() => parseFaultSpec('kinds=gremlins')).toThrow(/unknown kind gremlins/);
    expect(() => parseFaultSpec('rain=0.1')).toThrow(/unknown key/);
  });

  it('lets the SDK retry absorb a throttled attempt, and counts it', async () => {
    // Prepare
    const { injector, sns, delivered } = faultedSns('sns=1,kinds=throttle,attempts=3');
    // Act: every attempt is throttled: the call fails after 3 attempts
    const error = await injector.invoke('test', () => sns.send(publish(2))).catch((e: Error) => e);
    // Assess
    expect((error as Error).name).toBe('ThrottlingException');
    expect(injector.counts.injected.sns.throttle).toBe(3);
    expect(injector.counts.surfaced).toBe(1);
    expect(delivered).toEqual([]);
  });

  it('answers a batch with some entries failed, delivering only the others', async () => {
    // Prepare
    const { injector, sns, delivered } = faultedSns('sns=1,kinds=partial,seed=4');
    // Act
    const run = await injector.invoke('test', () => sns.send(publish(10)));
    // Assess
    const out = run.crashed ? undefined : run.value;
    const failed = (out?.Failed ?? []).map((f) => f.Id);
    expect(failed.length).toBeGreaterThan(0);
    expect(delivered.sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `m${i}`)
        .filter((_, i) => !failed.includes(String(i)))
        .sort(),
    );
  });

  it('delivers twice when a timeout comes after the request took effect (the SDK retries it)', async () => {
    // Prepare
    const { injector, sns, delivered } = faultedSns('sns=0.999,kinds=timeout-after,attempts=2');
    // Act
    await injector.invoke('test', () => sns.send(publish(1))).catch(() => undefined);
    // Assess
    expect(delivered).toEqual(['m0', 'm0']);
  });

  it('kills an invocation after its k-th call took effect; its later calls die too; outside invocations nothing is faulted', async () => {
    // Prepare
    const { injector, sns, delivered } = faultedSns('rate=0,crash=1,seed=1');
    // Act
    const run = await injector.invoke('test', async () => {
      for (let i = 0; i < 100; i++) await sns.send(publish(1));
    });
    const afterwards = await sns.send(publish(1));
    // Assess
    expect(run.crashed).toBe(true);
    expect(delivered.length).toBeGreaterThanOrEqual(2); // k >= 1, and the call outside
    expect(delivered.length).toBeLessThan(100);
    expect(afterwards.Successful).toHaveLength(1);
    expect(injector.counts.invocations.test).toEqual({ runs: 1, armed: 1, crashed: 1 });
    expect(new InjectedCrashError('x').name).toBe('InjectedCrashError');
  });

  it('injects the same faults for the same seed', async () => {
    const run = async () => {
      const { injector, sns } = faultedSns('sns=0.3,seed=11');
      for (let i = 0; i < 50; i++)
        await injector.invoke('t', () => sns.send(publish(3))).catch(() => undefined);
      return injector.counts.injected.sns;
    };
    expect(await run()).toEqual(await run());
  });
});
