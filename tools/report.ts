/**
 * `npm run --silent report -- --timeline FILE [--out FILE.html] [--config FILE] [--title TEXT]`:
 * one self-contained HTML report of a timeline. See docs/report.md.
 */
import { runReportCli } from './report/cli';

runReportCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`report failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
