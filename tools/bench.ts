/**
 * `npm run bench [-- --installments N --due-fraction F --latency-ms L --growth --rss --json FILE]`
 *
 * The daily jobs at scale, side by side with the naive design: seeds an embedded store, runs the
 * benchmark day's aging, reminders and failed-debits jobs through the real code with SNS and
 * EventBridge counted at the SDK level, runs the naive baseline on the same data, and reports reads,
 * capacity, writes, calls, wall time and peak RSS against the floor. Progress goes to stderr, the
 * table to stdout, the JSON to `--json FILE`. See docs/scale.md.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { quietPowertools } from './local-aws/powertools';

const USAGE = `usage: npm run bench -- [--installments N] [--due-fraction F] [--latency-ms L] [--growth] [--rss]
                        [--rss-due-items A,B] [--shards S] [--config FILE] [--day YYYY-MM-DD] [--seed S]
                        [--json FILE]
  --installments N   installments in the table (default 200,000; 20,000 with --growth, grown 10x)
  --due-fraction F   share of them on the day's job indexes (default: the book's own, about 0.012)
  --latency-ms L     add L ms to every AWS call, and run our code one shard at a time too
  --growth           run the same day again on a table 10x larger (the extra need nothing that day)
  --rss              peak RSS of our run at 10,000 and 100,000 due items, each in its own process
  --config FILE      operator configuration deep-merged over config/default.json
  --json FILE        write the report as JSON`;

async function main(): Promise<void> {
  // Before the handlers' modules load (they read it then).
  quietPowertools();
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const v = args.values;
  const { DEFAULTS, runBench } = await import('./lib/bench/run-bench');
  const { formatReport, toJson } = await import('./lib/bench/report');
  const number = (
    name: string,
    text: string | undefined,
    fallback: number,
    check: (n: number) => boolean,
  ) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || !check(n)) {
      process.stderr.write(`--${name}: invalid value ${text}\n${USAGE}\n`);
      process.exit(2);
    }
    return n;
  };
  const latencyMs = number('latency-ms', v['latency-ms'], 0, (n) => n >= 0);
  const growth = v.growth ?? false;
  const installments = number(
    'installments',
    v.installments,
    growth ? DEFAULTS.installmentsWithGrowth : DEFAULTS.installments,
    (n) => Number.isInteger(n) && n >= 10,
  );
  const dueFraction =
    v['due-fraction'] === undefined
      ? undefined
      : number('due-fraction', v['due-fraction'], 0, (n) => n > 0 && n <= 1);
  const rssDueItems = v['rss-due-items']
    ? v['rss-due-items']
        .split(',')
        .map((s) => number('rss-due-items', s, 0, (n) => Number.isInteger(n) && n > 0))
    : v.rss
      ? DEFAULTS.rssDueItems
      : [];
  const shards =
    v.shards === undefined ? undefined : number('shards', v.shards, 16, (n) => Number.isInteger(n) && n >= 1);
  const day = v.day ?? DEFAULTS.day;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
    process.stderr.write(`--day: expected YYYY-MM-DD\n${USAGE}\n`);
    process.exit(2);
  }

  const report = await runBench({
    installments,
    ...(dueFraction === undefined ? {} : { dueFraction }),
    latencyMs,
    growth,
    rssDueItems,
    rssDueFraction: DEFAULTS.rssDueFraction,
    day,
    seed: number('seed', v.seed, DEFAULTS.seed, Number.isInteger),
    ...(shards ? { config: { jobs: { shards } } } : {}),
    ...(v.config ? { configFile: v.config } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${formatReport(report)}\n`);
  if (v.json) writeFileSync(v.json, `${JSON.stringify(toJson(report), null, 2)}\n`);
}

function parse() {
  return parseArgs({
    options: {
      installments: { type: 'string' },
      'due-fraction': { type: 'string' },
      'latency-ms': { type: 'string' },
      growth: { type: 'boolean' },
      rss: { type: 'boolean' },
      'rss-due-items': { type: 'string' },
      shards: { type: 'string' },
      config: { type: 'string' },
      day: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
}

main().catch((error) => {
  if ((error as Error).name === 'ConfigInvalidError') {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
