/**
 * `npm run --silent simulate -- --scenario FILE [--config FILE] [--out FILE]`
 *
 * Runs a scenario through the deployed handlers on an embedded store and writes its timeline
 * (JSON Lines) to stdout or `--out`; a short summary goes to stderr. An invalid scenario or
 * configuration exits 2 with one message per problem on stderr, nothing on stdout and no `--out`
 * file. See SIMULATION.md and docs/simulator.md.
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

const USAGE =
  'usage: npm run --silent simulate -- --scenario FILE [--config FILE] [--out FILE] [--faults SPEC]';

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
  let args: { scenario?: string; config?: string; out?: string; faults?: string; help?: boolean };
  try {
    args = parseArgs({
      options: {
        scenario: { type: 'string' },
        config: { type: 'string' },
        out: { type: 'string' },
        faults: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    fail(2, [(error as Error).message, USAGE]);
  }
  if (args.help) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
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
      await run(prepared.prepared, args.out, faults);
      return;
    }
  }
  fail(2, formatProblems(problems));
}

async function run(
  prepared: Parameters<typeof runPrepared>[0],
  out: string | undefined,
  faults: FaultInjector | undefined,
): Promise<void> {
  const file = out ? openAtomic(out) : undefined;
  const lines: string[] = [];
  const progress = progressBar();
  try {
    const { summary, redrives } = await runPrepared(prepared, {
      keepTimeline: false,
      ...(faults ? { faults } : {}),
      onRecord: (record) => {
        lines.push(toJsonLine(record));
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
