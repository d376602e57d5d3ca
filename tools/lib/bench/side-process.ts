/**
 * A measured run in its own process, so that its peak RSS is its own: receives a `RunSpec` over IPC,
 * runs that side of the benchmark against the store's endpoint, sends back the result.
 */
import type { RunSpec } from './measure';
import { runSide } from './run-side';

process.once('message', async (spec: RunSpec) => {
  try {
    const result = await runSide(spec);
    process.send?.({ ok: true, result }, () => process.exit(0));
  } catch (error) {
    const e = error as Error;
    process.send?.({ ok: false, error: `${e.name}: ${e.message}\n${e.stack ?? ''}` }, () => process.exit(1));
  }
});
