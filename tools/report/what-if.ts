/**
 * `simulate --compare A.json B.json [--scenario FILE] [--report FILE.html]`: the same scenario (or,
 * without one, `npm start`'s default synthetic portfolio) simulated under two operator
 * configurations, and one report with both side by side and the differences that matter.
 *
 * Primary course:
 * 1. Read and check both configurations (each deep-merged over config/default.json), and the
 *    scenario under each; every problem is reported, named by its file and path.
 * 2. Simulate A, then B, through the real handlers, each timeline going straight into its report
 *    builder (nothing is kept but the report's counters).
 * 3. Compare the two reports and write one HTML page; print what changes on stderr.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type Config, configSchema } from '../../shared/config/schema';
import { generatePortfolio } from '../lib/portfolio';
import { formatProblems, type Problem, readOperatorConfig, validateConfig } from '../lib/sim/config';
import { progressBar } from '../lib/sim/progress';
import { runPrepared } from '../lib/sim/run';
import { type PreparedScenario, prepareScenario } from '../lib/sim/scenario';
import { headline } from './compare';
import type { ReportData } from './model';
import { kilobytes, reportBuilder, writeComparisonHtml } from './write';

export interface WhatIfOptions {
  /** The two operator configuration files (each deep-merged over config/default.json). */
  configs: [string, string];
  /** A scenario file; without one, the default synthetic portfolio of `npm start`. */
  scenario?: string;
  /** Where the HTML report goes. */
  report: string;
}

/** The default portfolio of `npm start` (tools/lib/sim/start.ts). */
const DEFAULT_PORTFOLIO = { seed: 42, borrowers: 2000, days: 120, start: '2026-12-01', failureRate: 0.15 };

/** Names for the two sides: the files' base names, or their paths when those are alike. */
export function sideLabels(a: string, b: string): { a: string; b: string } {
  const short = (f: string) => basename(f).replace(/\.json$/, '');
  return short(a) !== short(b) ? { a: short(a), b: short(b) } : { a, b };
}

function readScenario(file: string): { ok: true; raw: unknown } | { ok: false; problem: Problem } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return {
      ok: false,
      problem: {
        path: `scenario ${file}`,
        message: `cannot read (${(error as NodeJS.ErrnoException).code})`,
      },
    };
  }
  try {
    return { ok: true, raw: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      problem: { path: `scenario ${file}`, message: `not valid JSON (${(error as Error).message})` },
    };
  }
}

/** Runs both sides and writes the comparison; returns the exit code (2 for invalid input). */
export async function runWhatIf(
  opts: WhatIfOptions,
  err: NodeJS.WriteStream = process.stderr,
): Promise<number> {
  const problems: Problem[] = [];
  const raws: unknown[] = [];
  for (const file of opts.configs) {
    const read = readOperatorConfig(file);
    const checked = read.ok ? validateConfig(read.raw) : read;
    if (!checked.ok)
      problems.push(...checked.problems.map((p) => ({ ...p, path: `--compare ${file}: ${p.path}` })));
    else raws.push((read as { raw: unknown }).raw);
  }
  const scenarioFile = opts.scenario;
  const scenario = scenarioFile ? readScenario(scenarioFile) : undefined;
  if (scenario && !scenario.ok) problems.push(scenario.problem);
  if (problems.length > 0) return fail(err, problems);

  const [rawA, rawB] = raws as [unknown, unknown];
  const configA: Config = configSchema.parse(rawA);
  // One scenario for both sides: the portfolio's exact payments are worked out with A's tiers and penalty.
  const raw = scenario?.ok ? scenario.raw : generatePortfolio({ ...DEFAULT_PORTFOLIO, config: configA });
  const described = scenarioFile
    ? `scenario ${scenarioFile}`
    : `the default synthetic portfolio (seed ${DEFAULT_PORTFOLIO.seed}, ${DEFAULT_PORTFOLIO.borrowers} borrowers, ${DEFAULT_PORTFOLIO.days} days from ${DEFAULT_PORTFOLIO.start})`;
  const prepared: PreparedScenario[] = [];
  opts.configs.forEach((file, i) => {
    const result = prepareScenario(raw, i === 0 ? rawA : rawB);
    if (result.ok) prepared.push(result.prepared);
    else
      problems.push(
        ...result.problems.map((p) => ({
          ...p,
          path: `${scenarioFile ?? 'portfolio'} (with ${file}): ${p.path}`,
        })),
      );
  });
  if (problems.length > 0) return fail(err, problems);

  const labels = sideLabels(...opts.configs);
  const reports: ReportData[] = [];
  for (const [i, side] of prepared.entries()) {
    const label = i === 0 ? labels.a : labels.b;
    const builder = reportBuilder(side.config, `${label}: ${described}`, {
      from: side.scenario.start,
      to: side.scenario.end,
    });
    const progress = progressBar(err, `simulating ${label}`);
    try {
      await runPrepared(side, {
        keepTimeline: false,
        onRecord: (record) => builder.add(record),
        onProgress: (done) => progress.update(done),
      });
    } finally {
      progress.done();
    }
    reports.push(builder.build());
  }
  const [a, b] = reports as [ReportData, ReportData];
  const bytes = await writeComparisonHtml(opts.report, a, b, labels, described);
  err.write(
    `${[`compare: A ${labels.a}, B ${labels.b}, over ${described}`, ...headline(a, b, labels).map((l) => `  ${l}`), `report: ${opts.report} (${kilobytes(bytes)})`].join('\n')}\n`,
  );
  return 0;
}

function fail(err: NodeJS.WritableStream, problems: Problem[]): number {
  err.write(`${formatProblems(problems).join('\n')}\n`);
  return 2;
}
