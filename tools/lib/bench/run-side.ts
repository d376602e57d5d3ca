/** Runs one side of the benchmark (in this process). */
import { runBaseline } from './baseline';
import type { RunSpec, SideResult } from './measure';
import { runOurs } from './ours';

export function runSide(spec: RunSpec): Promise<SideResult> {
  return spec.side === 'ours' ? runOurs(spec) : runBaseline(spec);
}
