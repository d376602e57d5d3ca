/**
 * `npm run --silent report -- --timeline FILE [--out FILE.html] [--config FILE] [--title TEXT]`:
 * the report of an existing timeline (the simulator's, or one exported from production). Problems
 * are one line each on stderr, exit 2; never a stack trace for a user's mistake.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { configSchema } from '../../shared/config/schema';
import { formatProblems, readOperatorConfig, validateConfig } from '../lib/sim/config';
import { kilobytes, reportBuilder, writeReportHtml } from './write';

export const REPORT_USAGE = `usage: npm run --silent report -- --timeline FILE [--out FILE.html] [--config FILE] [--title TEXT]

  --timeline FILE  a timeline (JSON Lines, SIMULATION.md); - reads stdin
  --out FILE.html  where to write the report (default: the timeline's name with .html)
  --config FILE    operator configuration deep-merged over config/default.json (report.* settings:
                   SMS price per part, early-warning baseline)
  --title TEXT     the report's title (default: "Portfolio report: <timeline>")
  -h, --help       this help`;

/** One line for a command-line mistake (`parseArgs` errors included), without a stack trace. */
export function optionProblem(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const quoted = /'([^']+)'/.exec(e.message ?? '')?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return `option ${quoted?.split(' ')[0] ?? ''} needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted ?? ''}`.trim();
    default:
      return (e.message ?? String(error)).split('\n')[0] as string;
  }
}

export interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Runs the command; returns the exit code. */
export async function runReportCli(
  argv: string[],
  io: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const fail = (lines: string[]) => {
    io.stderr.write(`${lines.join('\n')}\n`);
    return 2;
  };
  let values: { timeline?: string; out?: string; config?: string; title?: string; help?: boolean };
  try {
    values = parseArgs({
      args: argv,
      options: {
        timeline: { type: 'string' },
        out: { type: 'string' },
        config: { type: 'string' },
        title: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    return fail([`report: ${optionProblem(error)} (see --help)`]);
  }
  if (values.help) {
    io.stdout.write(`${REPORT_USAGE}\n`);
    return 0;
  }
  if (!values.timeline) return fail(['report: --timeline FILE is required (see --help)']);
  const timeline = values.timeline;
  const out = values.out ?? `${timeline === '-' ? 'report' : timeline.replace(/\.jsonl?$/, '')}.html`;

  const operator = readOperatorConfig(values.config);
  const checked = operator.ok ? validateConfig(operator.raw) : operator;
  if (!checked.ok)
    return fail(
      formatProblems(checked.problems.map((p) => ({ ...p, path: `--config ${values.config}: ${p.path}` }))),
    );
  const config = configSchema.parse((operator as { raw: unknown }).raw);

  const builder = reportBuilder(
    config,
    values.title ?? `Portfolio report: ${timeline === '-' ? 'stdin' : timeline}`,
  );
  const input = timeline === '-' ? io.stdin : createReadStream(timeline, { encoding: 'utf8' });
  try {
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }))
      builder.addLine(line);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return fail([`report: cannot read --timeline ${timeline} (${code})`]);
  }
  const data = builder.build();
  const bytes = await writeReportHtml(out, data);
  const records = Object.values(data.source.byType).reduce((a, b) => a + b, 0);
  io.stderr.write(
    `report: ${records} records (${data.source.ignored} of unknown types, ${data.source.malformed} malformed), ${data.source.firstDay ?? '-'} to ${data.source.lastDay ?? '-'} -> ${out} (${kilobytes(bytes)})\n`,
  );
  return 0;
}
