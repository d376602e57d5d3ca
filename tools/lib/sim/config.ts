/**
 * Operator configuration for the simulator: `config/default.json`, or `--config FILE` deep-merged
 * over it, then the scenario's own `config` deep-merged over that (arrays replace arrays). Merging,
 * validation and problem formatting are those of `shared/config/load.ts`.
 */
import { CONFIG_DIR, type ConfigProblem, deepMerge, readJsonFile } from '../../../shared/config/load';

export {
  type ConfigResult,
  deepMerge,
  formatPath,
  formatProblems,
  validateConfig,
} from '../../../shared/config/load';
export type Problem = ConfigProblem;

/** The raw default configuration (`config/default.json`). */
export function readDefaultConfig(): unknown {
  const read = readJsonFile(`${CONFIG_DIR}/default.json`);
  if (!read.ok) throw new Error(`config/default.json: ${read.problems.map((p) => p.message).join('; ')}`);
  return read.value;
}

/**
 * The raw operator configuration: the defaults, with `file` deep-merged over them. A file that
 * cannot be read or parsed is a problem named by the file, not an exception.
 */
export function readOperatorConfig(
  file?: string,
): { ok: true; raw: unknown } | { ok: false; problems: Problem[] } {
  const base = readDefaultConfig();
  if (!file) return { ok: true, raw: base };
  const read = readJsonFile(file);
  if (!read.ok) return read;
  if (typeof read.value !== 'object' || read.value === null || Array.isArray(read.value)) {
    return { ok: false, problems: [{ path: file, message: 'expected a JSON object' }] };
  }
  return { ok: true, raw: deepMerge(base, read.value) };
}
