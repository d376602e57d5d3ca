/**
 * `npm start`: simulates the seeded synthetic portfolio (2,000 borrowers, 120 days by default)
 * through the real handlers, writes its timeline (JSON Lines) to a file and prints what happened.
 * Options: --borrowers N, --days N, --seed N, --start YYYY-MM-DD, --config FILE, --out FILE,
 * --failure-rate F, --report FILE (default: report.html beside the timeline).
 */
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type Config, configSchema } from '../../../shared/config/schema';
import { kilobytes, reportBuilder, writeReportHtml } from '../../report/write';
import {
  generatePortfolio,
  PORTFOLIO_ARG_OPTIONS,
  type PortfolioArgs,
  readPortfolioArgs,
} from '../portfolio';
import { formatProblems, readOperatorConfig, validateConfig } from './config';
import { openAtomic } from './output';
import { progressBar } from './progress';
import { runPrepared } from './run';
import { prepareScenario } from './scenario';
import { type SimulationSummary, toJsonLine } from './timeline';

export const START_USAGE =
  'usage: npm start -- [--borrowers N] [--days N] [--seed N] [--start YYYY-MM-DD] [--failure-rate F] [--config FILE] [--out FILE] [--report FILE]';

interface StartOptions extends PortfolioArgs {
  failureRate: number;
  config?: string;
  out: string;
  /** The HTML report; default `report.html` beside the timeline. */
  report?: string;
}

/** Parses the command line; throws an Error with a readable message on a bad option. */
export function parseStartArgs(argv: string[]): StartOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...PORTFOLIO_ARG_OPTIONS,
      'failure-rate': { type: 'string' },
      config: { type: 'string' },
      out: { type: 'string' },
      report: { type: 'string' },
    },
    strict: true,
  });
  const failureRate = values['failure-rate'] === undefined ? 0.15 : Number(values['failure-rate']);
  if (!(failureRate >= 0 && failureRate <= 1)) throw new Error('--failure-rate: expected a number 0..1');
  return {
    ...readPortfolioArgs(values, { borrowers: 2000, days: 120, seed: 42, start: '2026-12-01' }),
    failureRate,
    ...(values.config ? { config: values.config } : {}),
    out: values.out ?? '.tmp/start-timeline.jsonl',
    ...(values.report ? { report: values.report } : {}),
  };
}

/** Runs the synthetic portfolio; returns the process exit code. Report on `out`, progress on `err`. */
export async function runStart(
  options: StartOptions,
  io: { out: NodeJS.WritableStream; err: NodeJS.WriteStream } = { out: process.stdout, err: process.stderr },
): Promise<number> {
  const began = performance.now();
  const operator = readOperatorConfig(options.config);
  const checked = operator.ok ? validateConfig(operator.raw) : operator;
  if (!operator.ok || !checked.ok) {
    const problems = checked.ok ? [] : checked.problems;
    io.err.write(
      `${formatProblems(problems.map((p) => ({ ...p, path: `--config ${options.config}: ${p.path}` }))).join('\n')}\n`,
    );
    return 2;
  }
  const config: Config = configSchema.parse(operator.raw);
  const scenario = generatePortfolio({
    seed: options.seed,
    borrowers: options.borrowers,
    days: options.days,
    start: options.start,
    failureRate: options.failureRate,
    config,
  });
  const prepared = prepareScenario(scenario, operator.raw);
  if (!prepared.ok) {
    io.err.write(
      `the synthetic portfolio is not a valid scenario (a bug):\n${formatProblems(prepared.problems).join('\n')}\n`,
    );
    return 1;
  }
  const file = openAtomic(options.out);
  const progress = progressBar(io.err, `simulating ${options.borrowers} borrowers, ${options.days} days`);
  let pending = '';
  let lines = 0;
  const report = reportBuilder(
    config,
    `Portfolio report: ${options.borrowers} borrowers, ${options.days} days from ${options.start} (seed ${options.seed})`,
    { from: prepared.prepared.scenario.start, to: prepared.prepared.scenario.end },
  );
  try {
    const { summary } = await runPrepared(prepared.prepared, {
      keepTimeline: false,
      onRecord: (record) => {
        pending += `${toJsonLine(record)}\n`;
        lines++;
        report.add(record);
      },
      onProgress: (done) => progress.update(done),
    });
    progress.done();
    await file.write(pending);
    await file.commit();
    const wallMs = performance.now() - began;
    io.out.write(`${formatStartReport(summary, { ...options, lines, wallMs }).join('\n')}\n`);
    const reportFile = options.report ?? join(dirname(options.out), 'report.html');
    const reportBegan = performance.now();
    const bytes = await writeReportHtml(reportFile, report.build());
    io.out.write(
      `Report: ${reportFile} (${kilobytes(bytes)}, ${((performance.now() - reportBegan) / 1000).toFixed(1)} s to build)\n`,
    );
    return 0;
  } catch (error) {
    progress.done();
    file.abort();
    throw error;
  }
}

/** Fen as yuan: `¥1,234.56`. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}¥${whole}.${String(abs % 100).padStart(2, '0')}`;
}

const pct = (part: number, whole: number) => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);

/** The readable report of `npm start`. */
export function formatStartReport(
  s: SimulationSummary,
  run: {
    borrowers: number;
    days: number;
    seed: number;
    start: string;
    out: string;
    lines: number;
    wallMs: number;
  },
): string[] {
  const table = (counts: Record<string, number>, order?: readonly string[]) => {
    const keys = order
      ? [...order.filter((k) => k in counts), ...Object.keys(counts).filter((k) => !order.includes(k))]
      : Object.keys(counts);
    if (keys.length === 0) return ['    none'];
    const width = Math.max(...keys.map((k) => k.length));
    return keys.map((k) => `    ${k.padEnd(width)}  ${String(counts[k]).padStart(7)}`);
  };
  const ev = s.events.byDetailType;
  return [
    `repayment-sentinel: ${run.borrowers} borrowers, ${s.installments.total} installments, ${run.days} days from ${run.start} (seed ${run.seed})`,
    `  ${s.steps.jobRuns} scheduled job runs, ${s.steps.events} portfolio events, ${s.steps.retryAnswers} retry answers`,
    '',
    `Notifications sent: ${s.notifications.total}`,
    '  by kind:',
    ...table(s.notifications.byKind, [
      'UPCOMING',
      'DUE_TODAY',
      'DEBIT_FAILED',
      'GRACE_LAST_DAY',
      'OVERDUE',
      'CREDIT_REPORT_WARNING',
    ]),
    '  messages by channel:',
    ...table(s.notifications.byChannel, ['push', 'sms', 'email']),
    `Notifications skipped: ${s.skipped.total}`,
    ...table(s.skipped.byReason, ['CAP', 'UNREACHABLE']),
    '',
    `Debits: ${s.debits.failed} failed, ${s.debits.succeeded} succeeded (retry answers included)`,
    `  recovered in grace (IN_GRACE -> PAID): ${s.transitions.graceToPaid}`,
    `  retries requested: ${s.retries.requested}; answered SUCCEEDED ${s.retries.answeredSucceeded} (${pct(s.retries.answeredSucceeded, s.retries.answeredSucceeded + s.retries.answeredFailed)}), FAILED ${s.retries.answeredFailed}`,
    `  debit results missing: ${ev.DebitResultMissing ?? 0}`,
    '',
    'Installments at the end, by state:',
    ...table(s.installments.byStatus, [
      'SCHEDULED',
      'IN_GRACE',
      'OVERDUE',
      'PAID',
      'RESTRUCTURED',
      'WRITTEN_OFF',
    ]),
    '  overdue by bucket:',
    ...table(s.installments.byBucket),
    '',
    `Penalty interest: accrued ${yuan(s.penalty.accrued)}, collected ${yuan(s.penalty.collected)}`,
    `Escalations: manual intervention ${ev.ManualInterventionRequired ?? 0}, credit bureau reports ${ev.CreditBureauReportRequired ?? 0}, write-offs ${ev.InstallmentWrittenOff ?? 0}`,
    `Plan adjustments: approved ${ev.RepaymentPlanAdjusted ?? 0}, rejected ${ev.RepaymentPlanAdjustmentRejected ?? 0}; borrowers unreachable ${ev.BorrowerUnreachable ?? 0}`,
    ...(s.deadLettered.intake + s.deadLettered.work > 0
      ? [`Dead-lettered: ${s.deadLettered.intake} intake events, ${s.deadLettered.work} work items`]
      : []),
    '',
    `Timeline: ${run.lines} records in ${run.out}`,
    `Wall time: ${(run.wallMs / 1000).toFixed(1)} s`,
  ];
}
