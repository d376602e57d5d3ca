/**
 * `npm run --silent config:check -- [FILE]`: validates `config/default.json`, with FILE (an override
 * such as `config/prod.json`) deep-merged over it when given.
 *
 * Valid: the readable summary and the schedule preview on stdout, exit 0.
 * Invalid (a missing file and bad JSON included): a header naming the file, then one `path: message`
 * line per problem on stderr, nothing on stdout, exit 2. So is an environment file (`config/<env>.json`)
 * that lacks a delivery setting a real environment needs (`shared/config/readiness.ts`).
 */
import { type ConfigProblem, formatProblems, loadConfig } from '../shared/config/load';
import { isEnvironmentFile, readinessProblems } from '../shared/config/readiness';
import { dormantSchedules, formatConfigSummary, formatSchedulePreview } from './lib/config-summary';

const USAGE = 'usage: npm run --silent config:check -- [FILE]';

function fail(header: string, problems: readonly ConfigProblem[]): never {
  process.stderr.write(`${[header, ...formatProblems(problems).map((line) => `  ${line}`)].join('\n')}\n`);
  process.exit(2);
}

function main(argv: string[]): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (argv.length > 1 || argv.some((a) => a.startsWith('-'))) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const file = argv[0];
  const source = file ? `config/default.json + ${file}` : 'config/default.json';
  const loaded = loadConfig(file ? { file } : {});
  if (!loaded.ok) fail(`${file ?? 'config/default.json'}: invalid configuration`, loaded.problems);
  // The tool may read the clock: a schedule that will never fire again is caught here, before deploy.
  const now = new Date().toISOString();
  const dormant = dormantSchedules(loaded.config, now);
  if (dormant.length > 0) fail(`${file ?? 'config/default.json'}: invalid configuration`, dormant);
  // An environment file is deployed as it is: it must name the delivery providers.
  const missing = file && isEnvironmentFile(file) ? readinessProblems(loaded.config) : [];
  if (missing.length > 0) fail(`${file}: not ready for a real environment`, missing);
  const lines = [
    ...formatConfigSummary(loaded.config, { source }),
    '',
    ...formatSchedulePreview(loaded.config, now),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  // No stack trace for operators: a bug here still ends in one readable line.
  process.stderr.write(`config:check failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
