/** Send pacing: a channel's rate held by each of its concurrent invocations (functions/wiring/pacer.ts). */
import { describe, expect, it } from 'vitest';
import { createPacer, paceIntervalMs } from '../../functions/wiring/pacer';

describe('send pacing', () => {
  it('gives each invocation an equal share of the channel rate: maxConcurrency / maxPerSecond seconds between sends', () => {
    expect(paceIntervalMs({ maxConcurrency: 5, maxPerSecond: 10 })).toBe(500);
    expect(paceIntervalMs({ maxConcurrency: 2, maxPerSecond: 14 })).toBe(143);
  });

  it('lets the first send go at once, then waits out the interval since the previous slot', async () => {
    // Prepare: a clock that moves only when something sleeps (or the test moves it)
    let now = 1_000;
    const waits: number[] = [];
    const pace = createPacer(
      500,
      async (ms) => {
        waits.push(ms);
        now += ms;
      },
      () => now,
    );
    // Act: three sends back to back, then one after a long pause
    await pace();
    await pace();
    now += 100;
    await pace();
    now += 5_000;
    await pace();
    // Assess
    expect(waits).toEqual([500, 400]);
  });

  it('never exceeds the rate over any run of sends (maxPerSecond across maxConcurrency invocations)', async () => {
    const rate = { maxConcurrency: 4, maxPerSecond: 20 };
    let now = 0;
    const sends: number[] = [];
    const pace = createPacer(
      paceIntervalMs(rate),
      async (ms) => {
        now += ms;
      },
      () => now,
    );
    for (let i = 0; i < 50; i++) {
      await pace();
      sends.push(now);
      now += i % 3; // some work between sends
    }
    // One invocation: at most maxPerSecond / maxConcurrency sends in any second.
    for (const t of sends) expect(sends.filter((s) => s >= t && s < t + 1_000).length).toBeLessThanOrEqual(5);
  });
});
