/**
 * The report in a real browser: a small simulated portfolio's report and a what-if comparison,
 * opened in headless Chromium with the network refused. Every chart must draw (its element holds
 * an svg with marks), with no console or page error; screenshots are kept in .tmp/report-test/.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePortfolio } from '../../tools/lib/portfolio';
import { runSimulation } from '../../tools/lib/sim/run';
import { buildReport, ReportBuilder } from '../../tools/report/build';
import { compareReports } from '../../tools/report/compare';
import { renderComparisonHtml, renderReportHtml } from '../../tools/report/html';
import type { ReportData } from '../../tools/report/model';
import { CHROMIUM, openReportBrowser, pageProblems, type ReportBrowser } from './browser';

const ARTIFACTS = join(import.meta.dirname, '..', '..', '.tmp', 'report-test');
const CHARTS = [
  'states',
  'buckets',
  'notifications-by-kind',
  'messages-by-channel',
  'skips-by-reason',
  'sms-parts',
  'sms-cost',
  'failed-and-recovered',
  'retries-by-attempt',
  'recovery-by-retry',
  'roll-and-cure',
  'early-warning',
];
const COMPARE_CHARTS = [
  'compare-notifications',
  'compare-sms-cost',
  'compare-kinds',
  'compare-rates',
  ...CHARTS,
];

/** A small portfolio (40 borrowers, 70 days) simulated through the real handlers: its timeline. */
async function simulatedTimeline(): Promise<{ records: unknown[]; span: { from: string; to: string } }> {
  const scenario = generatePortfolio({ seed: 7, borrowers: 40, days: 70, failureRate: 0.3 });
  const { timeline } = await runSimulation(scenario);
  return { records: timeline, span: { from: scenario.start, to: scenario.end } };
}

const reportOf = (records: unknown[], span: { from: string; to: string }, title: string) => {
  const builder = new ReportBuilder({ title }, span);
  for (const r of records) builder.add(r);
  return builder.build();
};

async function write(name: string, html: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, name);
  writeFileSync(file, html);
  return file;
}

describe('the report in headless Chromium', () => {
  let run: Awaited<ReturnType<typeof simulatedTimeline>>;
  let report: ReportData;
  let browser: ReportBrowser;
  const checkReportPage = (file: string, opts?: { screenshot?: string }) => browser.check(file, opts);

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (as .ci/run does)`);
    [browser, run] = await Promise.all([openReportBrowser(), simulatedTimeline()]);
    report = reportOf(run.records, run.span, 'Browser test: 40 borrowers, 70 days');
  }, 120_000);
  afterAll(() => browser?.close());

  it('draws every chart of a simulated run, without errors or network, and keeps a screenshot', async () => {
    // Prepare
    const file = await write('report.html', await renderReportHtml(report));
    const screenshot = join(ARTIFACTS, 'report.png');
    // Act
    const check = await checkReportPage(file, { screenshot });
    // Assess
    expect(pageProblems(check, CHARTS)).toEqual([]);
    expect(check.charts.map((c) => c.chart)).toEqual(CHARTS);
    expect(check.charts.filter((c) => c.empty)).toEqual([]);
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
  });

  it('fails when a chart does not draw', async () => {
    // Prepare: series the charts cannot read.
    const broken = { ...report, states: null, sms: { ...report.sms, costFen: 'x' } } as unknown as ReportData;
    const file = await write('broken.html', await renderReportHtml(broken));
    // Act
    const problems = pageProblems(await checkReportPage(file));
    // Assess: the broken charts are named, and their console errors reported.
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^states \(single\): /),
        expect.stringMatching(/^console error: chart states \(single\) failed/),
      ]),
    );
  });

  it('fails on a page whose charts were never drawn (no script)', async () => {
    const html = (await renderReportHtml(buildReport([]))).replace(/<script>[\s\S]*<\/script>/, '');
    const problems = pageProblems(await checkReportPage(await write('no-script.html', html)));
    expect(problems).toContain('states (single): not drawn');
  });

  it('draws an empty timeline’s report with a message in each chart', async () => {
    const file = await write('empty.html', await renderReportHtml(buildReport([])));
    const check = await checkReportPage(file);
    expect(pageProblems(check, CHARTS)).toEqual([]);
    expect(check.charts.every((c) => c.empty)).toBe(true);
  });

  it('draws a what-if comparison: both sides and the overlays', async () => {
    // Prepare: the same run without its T-7 reminders (the comparison itself is tested in cli.test.ts).
    const b = reportOf(
      run.records.filter((r) => !(r as { occurrence?: string }).occurrence?.endsWith('#7')),
      run.span,
      'without T-7',
    );
    const html = await renderComparisonHtml(
      compareReports(report, b, { a: 'all reminders', b: 'without T-7' }, 'test portfolio'),
    );
    const file = await write('compare.html', html);
    // Act
    const check = await checkReportPage(file, { screenshot: join(ARTIFACTS, 'compare.png') });
    // Assess
    expect(pageProblems(check, COMPARE_CHARTS)).toEqual([]);
    expect(check.charts.filter((c) => c.side === 'a')).toHaveLength(CHARTS.length);
    expect(check.charts.filter((c) => c.side === 'b')).toHaveLength(CHARTS.length);
  }, 120_000);
});
