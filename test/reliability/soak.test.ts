/**
 * The soak comparison at a reduced size (`npm run soak` runs it at full size): the same portfolio
 * simulated clean and with 10 % of AWS calls faulted and 1 invocation in 5 crashed, re-driven as AWS
 * would. Nothing lost, nothing mismatched, nothing duplicated.
 */
import { describe, expect, it } from 'vitest';
import { formatSoakReport, runSoak } from '../../tools/lib/soak';

describe('soak comparison', () => {
  it('sends the same notifications, emits the same events and ends in the same states with faults and crashes as without', async () => {
    // Act
    const report = await runSoak({
      borrowers: 100,
      days: 40,
      seed: 42,
      start: '2026-12-01',
      faults: 'rate=0.1,crash=0.2,seed=42',
    });
    // Assess: the faults really happened and were re-driven
    const injector = report.faulted.injector;
    const crashed = Object.values(injector.counts.invocations).reduce((n, v) => n + v.crashed, 0);
    expect(injector.totalInjected()).toBeGreaterThan(500);
    for (const kind of ['throttle', 'server', 'timeout-before', 'timeout-after', 'partial'] as const)
      expect(Object.values(injector.counts.injected).some((s) => s[kind] > 0)).toBe(true);
    expect(crashed).toBeGreaterThan(20);
    expect(report.faulted.redrives.redelivered.work).toBeGreaterThan(0);
    // ... and changed nothing a consumer or the books would see
    expect(report.notifications.compared).toBeGreaterThan(300);
    expect(report.notifications).toMatchObject({ lost: [], extra: [], different: [] });
    expect(report.events).toMatchObject({ lost: [], extra: [], different: [] });
    expect(report.finals.mismatched).toEqual([]);
    expect(report.clean.duplicates).toBe(0);
    expect(report.faulted.duplicates).toEqual([]);
    expect(report.ok, formatSoakReport(report).join('\n')).toBe(true);
  }, 120_000);
});
