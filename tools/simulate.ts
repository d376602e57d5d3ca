/**
 * `npm run --silent simulate -- --scenario FILE [--config FILE] [--out FILE] [--report FILE.html]`
 *
 * Runs a scenario through the deployed handlers on an embedded store and writes its timeline
 * (JSON Lines) to stdout or `--out`; a short summary goes to stderr. An invalid scenario or
 * configuration exits 2 with one message per problem on stderr, nothing on stdout and no `--out`
 * file. `--report` also writes the portfolio report of the timeline; `--compare A.json B.json`
 * runs the scenario (or the default portfolio) under two configurations and writes one report of
 * both (docs/report.md). See SIMULATION.md and docs/simulator.md.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FaultInjector, formatFaultReport, parseFaultSpec } from './lib/faults';
import {
  formatProblems,
  type Problem,
  readDefaultConfig,
  readOperatorConfig,
  validateConfig,
} from './lib/sim/config';
import { openAtomic } from './lib/sim/output';
import { progressBar } from './lib/sim/progress';
import { runPrepared } from './lib/sim/run';
import { prepareScenario } from './lib/sim/scenario';
import { formatSummary, toJsonLine } from './lib/sim/timeline';
import { runWhatIf } from './report/what-if';
import { kilobytes, reportBuilder, writeReportHtml } from './report/write';

const USAGE = [
  'usage: npm run --silent simulate -- --scenario FILE [--config FILE] [--out FILE] [--faults SPEC] [--report FILE.html]',
  '       npm run --silent simulate -- --compare A.json B.json [--scenario FILE] [--report FILE.html]',
].join('\n');
const COMPARE_REPORT = '.tmp/compare.html';

function fail(code: number, lines: string[]): never {
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(code);
}

function readJson(
  file: string,
  label: string,
): { ok: true; value: unknown } | { ok: false; problem: Problem } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return {
      ok: false,
      problem: {
        path: `${label} ${file}`,
        message: `cannot read (${(error as NodeJS.ErrnoException).code})`,
      },
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      problem: { path: `${label} ${file}`, message: `not valid JSON (${(error as Error).message})` },
    };
  }
}

async function main(): Promise<void> {
  let args: {
    scenario?: string;
    config?: string;
    out?: string;
    faults?: string;
    report?: string;
    compare?: string;
    help?: boolean;
  };
  let positionals: string[];
  try {
    ({ values: args, positionals } = parseArgs({
      options: {
        scenario: { type: 'string' },
        config: { type: 'string' },
        out: { type: 'string' },
        faults: { type: 'string' },
        report: { type: 'string' },
        compare: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    fail(2, [(error as Error).message, USAGE]);
  }
  if (args.help) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  if (args.compare !== undefined) {
    // `--compare A.json B.json`: B is the one positional argument.
    const [b, ...extra] = positionals;
    if (b === undefined || extra.length > 0)
      fail(2, ['--compare takes two configuration files: --compare A.json B.json', USAGE]);
    const unused = (['config', 'out', 'faults'] as const).filter((k) => args[k] !== undefined);
    if (unused.length > 0) fail(2, [`--${unused[0]} is not used with --compare`, USAGE]);
    const code = await runWhatIf({
      configs: [args.compare, b],
      ...(args.scenario ? { scenario: args.scenario } : {}),
      report: args.report ?? COMPARE_REPORT,
    });
    if (code !== 0) process.exit(code);
    return;
  }
  if (positionals.length > 0) fail(2, [`unexpected argument ${positionals[0]}`, USAGE]);
  if (!args.scenario) fail(2, ['--scenario FILE is required', USAGE]);

  const problems: Problem[] = [];
  let faults: FaultInjector | undefined;
  if (args.faults !== undefined) {
    try {
      faults = new FaultInjector(parseFaultSpec(args.faults));
    } catch (error) {
      problems.push({ path: '--faults', message: (error as Error).message });
    }
  }
  const scenario = readJson(args.scenario, 'scenario');
  if (!scenario.ok) problems.push(scenario.problem);
  const operator = readOperatorConfig(args.config);
  let operatorRaw: unknown;
  if (!operator.ok) problems.push(...operator.problems.map((p) => ({ ...p, path: `--config ${p.path}` })));
  else {
    const checked = validateConfig(operator.raw);
    if (checked.ok) operatorRaw = operator.raw;
    else
      problems.push(...checked.problems.map((p) => ({ ...p, path: `--config ${args.config}: ${p.path}` })));
  }
  if (scenario.ok) {
    // With a broken operator configuration, the scenario is still checked (over the defaults), and
    // only its own problems are reported.
    const prepared = prepareScenario(scenario.value, operatorRaw ?? readDefaultConfig());
    if (!prepared.ok) {
      problems.push(
        ...prepared.problems.filter((p) => operatorRaw !== undefined || !p.path.startsWith('config.')),
      );
    } else if (problems.length === 0) {
      const report = args.report
        ? { file: args.report, title: `Simulation report: ${args.scenario}` }
        : undefined;
      await run(prepared.prepared, args.out, faults, report);
      return;
    }
  }
  fail(2, formatProblems(problems));
}

async function run(
  prepared: Parameters<typeof runPrepared>[0],
  out: string | undefined,
  faults: FaultInjector | undefined,
  report: { file: string; title: string } | undefined,
): Promise<void> {
  const file = out ? openAtomic(out) : undefined;
  const lines: string[] = [];
  const progress = progressBar();
  const builder = report
    ? reportBuilder(prepared.config, report.title, {
        from: prepared.scenario.start,
        to: prepared.scenario.end,
      })
    : undefined;
  try {
    const { summary, redrives } = await runPrepared(prepared, {
      keepTimeline: false,
      ...(faults ? { faults } : {}),
      onRecord: (record) => {
        lines.push(toJsonLine(record));
        builder?.add(record);
      },
      onProgress: (done) => progress.update(done),
    });
    progress.done();
    const text = lines.length > 0 ? `${lines.join('\n')}\n` : '';
    if (file) {
      await file.write(text);
      await file.commit();
    } else
      await new Promise<void>((resolve, reject) =>
        process.stdout.write(text, (e) => (e ? reject(e) : resolve())),
      );
    process.stderr.write(`${formatSummary(summary).join('\n')}\n`);
    if (report && builder)
      process.stderr.write(
        `report: ${report.file} (${kilobytes(await writeReportHtml(report.file, builder.build()))})\n`,
      );
    if (faults) process.stderr.write(`${formatFaultReport(faults, redrives).join('\n')}\n`);
  } catch (error) {
    progress.done();
    file?.abort();
    throw error;
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `simulation failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
