/**
 * Send pacing: a channel's rate (`delivery.<channel>.maxPerSecond`) shared by at most
 * `maxConcurrency` concurrent invocations (the event source's limit) is held by each invocation
 * sending at most once every `maxConcurrency / maxPerSecond` seconds. One invocation runs per
 * process at a time, so a per-process pacer is a per-invocation pacer.
 */

/** Milliseconds between two sends of one invocation. @example paceIntervalMs({ maxConcurrency: 5, maxPerSecond: 10 }) // 500 */
export function paceIntervalMs(rate: { maxConcurrency: number; maxPerSecond: number }): number {
  return Math.ceil((1000 * rate.maxConcurrency) / rate.maxPerSecond);
}

/** A function that resolves at the next send slot: at least `intervalMs` after the previous one. */
export function createPacer(
  intervalMs: number,
  sleep: (ms: number) => Promise<void>,
  now: () => number = Date.now,
): () => Promise<void> {
  let next = 0;
  return async () => {
    const wait = next - now();
    next = Math.max(now(), next) + intervalMs;
    if (wait > 0) await sleep(wait);
  };
}
