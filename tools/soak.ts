/**
 * `npm run soak [-- --borrowers N --days N --seed N --start YYYY-MM-DD --faults SPEC]`
 *
 * Simulates the seeded synthetic portfolio (1,000 borrowers, 90 days by default) twice, clean and
 * with faults (10 % of AWS calls faulted, 1 invocation in 5 crashed, everything re-driven as AWS
 * would), and compares what was sent, what was emitted and how every installment ended. Exits 1 on
 * any loss, mismatch or duplicate. See docs/reliability.md.
 */
import { parseArgs } from 'node:util';
import { FaultSpecError, parseFaultSpec } from './lib/faults';
import { PORTFOLIO_ARG_OPTIONS, readPortfolioArgs } from './lib/portfolio';
import { DEFAULT_SOAK, formatSoakReport, runSoak, type SoakOptions } from './lib/soak';

const USAGE =
  'usage: npm run soak -- [--borrowers N] [--days N] [--seed N] [--start YYYY-MM-DD] [--faults SPEC]';

function parse(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    options: { ...PORTFOLIO_ARG_OPTIONS, faults: { type: 'string' } },
    strict: true,
  });
  const faults = values.faults ?? DEFAULT_SOAK.faults;
  parseFaultSpec(faults);
  return { ...readPortfolioArgs(values, DEFAULT_SOAK), faults };
}

let options: SoakOptions;
try {
  options = parse(process.argv.slice(2));
} catch (error) {
  const prefix = error instanceof FaultSpecError ? '--faults: ' : '';
  process.stderr.write(`${prefix}${(error as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
runSoak(options).then(
  (report) => {
    process.stdout.write(`${formatSoakReport(report).join('\n')}\n`);
    process.exit(report.ok ? 0 : 1);
  },
  (error: unknown) => {
    process.stderr.write(
      `soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
