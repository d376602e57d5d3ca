/**
 * Operator configuration for the simulator: `config/default.json`, or `--config FILE` deep-merged
 * over it, then the scenario's own `config` deep-merged over that (arrays replace arrays).
 *
 * `validateConfig` and `formatProblems` follow the contract of `shared/config/load.ts`; until that
 * module lands they are implemented here on the same schema (see `docs/simulator.md`).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Config, configSchema } from '../../../shared/config/schema';

export interface Problem {
  path: string;
  message: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: Problem[] };

const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('../../../config/default.json', import.meta.url));

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` deep-merged onto `base`: objects merge key by key, everything else (arrays included) replaces. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(base[key], value);
  return out;
}

/** A zod issue path as the spec writes it: `reminders.upcoming.daysBefore[2]`. */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' || out.endsWith('.') ? String(key) : `.${String(key)}`;
  }
  return out.endsWith('.') ? out.slice(0, -1) : out;
}

/** Validates a raw (merged) configuration; every problem is named by its path, prefixed. */
export function validateConfig(raw: unknown, opts: { pathPrefix?: string } = {}): ConfigResult {
  const prefix = opts.pathPrefix ?? '';
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => ({ path: formatPath(i.path, prefix), message: i.message })),
    };
  }
  const problems: Problem[] = [];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: parsed.data.timeZone });
  } catch {
    problems.push({ path: `${prefix}timeZone`, message: 'expected an IANA time zone (e.g. Asia/Shanghai)' });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: parsed.data };
}

/** One readable line per problem: `path: message`. */
export function formatProblems(problems: readonly Problem[]): string[] {
  return problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
}

/** The raw default configuration (`config/default.json`). */
export function readDefaultConfig(): unknown {
  return JSON.parse(readFileSync(DEFAULT_CONFIG_FILE, 'utf8'));
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
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return {
      ok: false,
      problems: [
        { path: file, message: `cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})` },
      ],
    };
  }
  try {
    return { ok: true, raw: deepMerge(base, JSON.parse(text)) };
  } catch {
    return { ok: false, problems: [{ path: file, message: 'not valid JSON' }] };
  }
}
