/**
 * `npm start`: the configuration summary, then the seeded synthetic portfolio (2,000 borrowers,
 * 120 days by default) simulated through the real handlers on an embedded store, its timeline
 * written to `.tmp/start-timeline.jsonl` and a readable report printed. See docs/simulator.md.
 */
import { formatProblems, loadConfig } from '../shared/config/load';
import { formatConfigSummary } from './lib/config-summary';
import { parseStartArgs, runStart, START_USAGE } from './lib/sim/start';

let options: ReturnType<typeof parseStartArgs>;
try {
  options = parseStartArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${START_USAGE}\n`);
  process.exit(2);
}
const loaded = loadConfig(options.config ? { file: options.config } : {});
if (!loaded.ok) {
  const source = options.config ?? 'config/default.json';
  process.stderr.write(
    `${[`${source}: invalid configuration`, ...formatProblems(loaded.problems).map((l) => `  ${l}`)].join('\n')}\n`,
  );
  process.exit(2);
}
process.stdout.write(
  `${formatConfigSummary(loaded.config, { source: options.config ?? 'config/default.json' }).join('\n')}\n\n`,
);
runStart(options).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `simulation failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
