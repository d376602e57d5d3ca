/**
 * Loading the operator configuration: `config/default.json`, deep-merged with an environment file
 * (`config/<env>.json`) or an explicit override file, then with in-memory overrides, then validated.
 * Every failure, a missing file and bad JSON included, comes back as a problem naming its path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { type Config, configSchema } from './schema';

/** One configuration problem: where (`reminders.upcoming.daysBefore[2]`, or a file) and what was expected. */
export interface ConfigProblem {
  path: string;
  message: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] };

/** Thrown by `loadDefaultConfig` when `config/default.json` itself is invalid. */
export class ConfigInvalidError extends Error {
  override name = 'ConfigInvalidError';
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`${source} is invalid:\n${formatProblems(problems).join('\n')}`);
  }
}

/** The project's `config/` folder. */
export const CONFIG_DIR = fileURLToPath(new URL('../../config', import.meta.url));

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `override` merged onto `base`: objects merge key by key, recursively; arrays and scalars replace.
 * Neither input is modified.
 *
 * @example deepMerge({ a: { b: 1, c: [1, 2] } }, { a: { c: [3] } }) // { a: { b: 1, c: [3] } }
 */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  // Defined, not assigned: a `__proto__` key of a JSON file stays a key (and is then reported unknown).
  for (const [key, value] of Object.entries(override)) {
    const merged = deepMerge(Object.hasOwn(base, key) ? base[key] : undefined, value);
    Object.defineProperty(out, key, { value: merged, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A zod issue path written the way the docs write it: `reminders.upcoming.daysBefore[2]`. */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' || out.endsWith('.') ? String(key) : `.${String(key)}`;
  }
  return out.endsWith('.') ? out.slice(0, -1) : out;
}

function problemsOf(error: z.ZodError, prefix: string): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // One line per unknown key, at the key itself: the operator looks for the typo there.
      for (const key of issue.keys)
        out.push({ path: formatPath([...issue.path, key], prefix), message: issue.message });
    } else out.push({ path: formatPath(issue.path, prefix), message: issue.message });
  }
  return out;
}

/**
 * Validates a raw (already merged) configuration. Problem paths start with `pathPrefix`
 * (the simulator passes `'config.'`).
 *
 * @example validateConfig({ ...raw, jobs: { shards: 0 } }) // { ok: false, problems: [{ path: 'jobs.shards', ... }] }
 */
export function validateConfig(raw: unknown, opts: { pathPrefix?: string } = {}): ConfigResult {
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, problems: problemsOf(parsed.error, opts.pathPrefix ?? '') };
}

/** One readable line per problem: `path: message`. */
export function formatProblems(problems: readonly ConfigProblem[]): string[] {
  return problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
}

/** Reads a JSON file; a missing file or bad JSON is a problem naming the file. */
export function readJsonFile(
  file: string,
): { ok: true; value: unknown } | { ok: false; problems: ConfigProblem[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory'
          : `cannot be read (${code ?? 'error'})`;
    return { ok: false, problems: [{ path: file, message: why }] };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, problems: [{ path: file, message: `not valid JSON (${(error as Error).message})` }] };
  }
}

/**
 * Loads the configuration: `<configDir>/default.json`, deep-merged with `<configDir>/<env>.json`
 * (env `'default'` or none: no second file) or with `file` (which wins over `env`), then with
 * `overrides`, then validated.
 *
 * @example loadConfig({ env: 'prod' }) // { ok: true, config } when config/prod.json is valid
 */
export function loadConfig(
  opts: { env?: string; file?: string; overrides?: unknown; configDir?: string } = {},
): ConfigResult {
  const dir = opts.configDir ?? CONFIG_DIR;
  const base = readJsonFile(join(dir, 'default.json'));
  if (!base.ok) return base;
  let merged = base.value;
  const overrideFile =
    opts.file ?? (opts.env && opts.env !== 'default' ? join(dir, `${opts.env}.json`) : undefined);
  if (overrideFile !== undefined) {
    const override = readJsonFile(overrideFile);
    if (!override.ok) return override;
    if (!isPlainObject(override.value))
      return { ok: false, problems: [{ path: overrideFile, message: 'expected a JSON object' }] };
    merged = deepMerge(merged, override.value);
  }
  return validateConfig(deepMerge(merged, opts.overrides));
}

/**
 * The validated defaults of `config/default.json`.
 *
 * @throws ConfigInvalidError naming every problem, when the defaults themselves are invalid
 */
export function loadDefaultConfig(): Config {
  const loaded = loadConfig();
  if (!loaded.ok) throw new ConfigInvalidError('config/default.json', loaded.problems);
  return loaded.config;
}
