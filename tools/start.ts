/**
 * `npm start`: validates the default configuration and prints its readable summary and the
 * schedule preview (next three fire times of each schedule, local time and UTC).
 * (The simulator takes this entry point over later; the summary lives in `lib/config-summary`.)
 */
import { formatProblems, loadConfig } from '../shared/config/load';
import { formatConfigSummary, formatSchedulePreview } from './lib/config-summary';

const loaded = loadConfig();
if (!loaded.ok) {
  process.stderr.write(
    `${['config/default.json: invalid configuration', ...formatProblems(loaded.problems).map((l) => `  ${l}`)].join('\n')}\n`,
  );
  process.exit(2);
}
const now = new Date().toISOString();
process.stdout.write(
  `${[...formatConfigSummary(loaded.config), '', ...formatSchedulePreview(loaded.config, now)].join('\n')}\n`,
);
