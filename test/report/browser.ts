/**
 * Opens a report in headless Chromium (Debian's `chromium`, driven by playwright-core; nothing is
 * downloaded) with every network request refused, and says what drew: each chart element, console
 * errors, page errors, requests that tried to leave the page. Takes a screenshot when asked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags the project runs Chromium with (root in CI: no sandbox; no background traffic). */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChartState {
  chart: string;
  side: string;
  drawn: boolean;
  /** Drew a message instead of data (nothing of its kind in the timeline). */
  empty: boolean;
  error: string | null;
  /** Elements inside the chart's svg elements (marks, axes, legends). */
  svgElements: number;
  /** Mark groups Plot drew (`g[aria-label]` other than axes). */
  marks: number;
}

export interface PageCheck {
  charts: ChartState[];
  consoleErrors: string[];
  pageErrors: string[];
  /** Requests to anything but the report file itself. */
  requests: string[];
  /** Milliseconds from navigation to every chart drawn (or failed). */
  drawMs: number;
}

/** One headless Chromium (a fresh profile, network refused) that checks report pages. */
export interface ReportBrowser {
  /** Loads `file` (an HTML report) and checks its charts; a screenshot of the full page goes to `screenshot`. */
  check(file: string, opts?: { screenshot?: string; clipHeight?: number }): Promise<PageCheck>;
  close(): Promise<void>;
}

export async function openReportBrowser(opts: { width?: number } = {}): Promise<ReportBrowser> {
  const width = opts.width ?? 1280;
  const profile = mkdtempSync(join(tmpdir(), 'report-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width, height: 900 },
    offline: true,
  });
  return {
    async check(file, checkOpts = {}) {
      const url = pathToFileURL(file).href;
      const result: PageCheck = { charts: [], consoleErrors: [], pageErrors: [], requests: [], drawMs: 0 };
      const page = await context.newPage();
      try {
        await page.route('**/*', (route) => {
          if (route.request().url() === url) return route.continue();
          result.requests.push(route.request().url());
          return route.abort();
        });
        page.on('console', (m) => {
          if (m.type() === 'error') result.consoleErrors.push(m.text());
        });
        page.on('pageerror', (e) => result.pageErrors.push(e.message));
        const began = Date.now();
        await page.goto(url, { waitUntil: 'load' });
        // The page's script draws synchronously before `load`; this only waits out a slow machine.
        await page
          .waitForFunction(() => document.body.dataset.chartsDrawn !== undefined, undefined, {
            timeout: 5_000,
          })
          .catch(() => undefined);
        result.drawMs = Date.now() - began;
        result.charts = await page.$$eval('[data-chart]', (els) =>
          els.map((el) => {
            const h = el as HTMLElement;
            return {
              chart: h.dataset.chart ?? '',
              side: h.dataset.side ?? '',
              drawn: h.dataset.drawn === 'true',
              empty: h.dataset.empty === 'true',
              error: h.dataset.error ?? null,
              svgElements: h.querySelectorAll('svg *').length,
              marks: h.querySelectorAll(
                'svg g[aria-label]:not([aria-label$="axis"]):not([aria-label$="tick"])',
              ).length,
            };
          }),
        );
        if (checkOpts.screenshot)
          await page.screenshot({
            path: checkOpts.screenshot,
            ...(checkOpts.clipHeight === undefined
              ? { fullPage: true }
              : { fullPage: true, clip: { x: 0, y: 0, width, height: checkOpts.clipHeight } }),
          });
      } finally {
        await page.close();
      }
      return result;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** {@link ReportBrowser.check} in a browser of its own. */
export async function checkReportPage(
  file: string,
  opts: { screenshot?: string; width?: number; clipHeight?: number } = {},
): Promise<PageCheck> {
  const browser = await openReportBrowser(opts.width === undefined ? {} : { width: opts.width });
  try {
    return await browser.check(file, opts);
  } finally {
    await browser.close();
  }
}

/** What is wrong with a checked page: every problem, one line each (none when every chart drew). */
export function pageProblems(check: PageCheck, expectedCharts: string[] = []): string[] {
  const problems: string[] = [
    ...check.consoleErrors.map((e) => `console error: ${e}`),
    ...check.pageErrors.map((e) => `page error: ${e}`),
    ...check.requests.map((u) => `network request: ${u}`),
  ];
  if (check.charts.length === 0) problems.push('no chart element on the page');
  for (const c of check.charts) {
    const name = `${c.chart} (${c.side})`;
    if (c.error !== null) problems.push(`${name}: ${c.error}`);
    else if (!c.drawn) problems.push(`${name}: not drawn`);
    else if (c.empty ? c.svgElements < 1 : c.svgElements < 5 || c.marks < 1)
      problems.push(`${name}: drew an empty chart`);
  }
  const present = new Set(check.charts.map((c) => c.chart));
  for (const name of expectedCharts) if (!present.has(name)) problems.push(`${name}: missing from the page`);
  return problems;
}
