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

/** Loads `file` (an HTML report) and checks its charts; a screenshot of the full page goes to `screenshot`. */
export async function checkReportPage(
  file: string,
  opts: { screenshot?: string; width?: number; clipHeight?: number } = {},
): Promise<PageCheck> {
  const profile = mkdtempSync(join(tmpdir(), 'report-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: opts.width ?? 1280, height: 900 },
    offline: true,
  });
  const url = pathToFileURL(file).href;
  const result: PageCheck = { charts: [], consoleErrors: [], pageErrors: [], requests: [], drawMs: 0 };
  try {
    await context.route('**/*', (route) => {
      if (route.request().url() === url) return route.continue();
      result.requests.push(route.request().url());
      return route.abort();
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') result.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => result.pageErrors.push(e.message));
    const began = Date.now();
    await page.goto(url, { waitUntil: 'load' });
    await page
      .waitForFunction(() => document.body.dataset.chartsDrawn !== undefined, undefined, { timeout: 30_000 })
      .catch(() => undefined);
    result.drawMs = Date.now() - began;
    result.charts = await page.$$eval('[data-chart]', (els) =>
      els.map((el) => {
        const h = el as HTMLElement;
        return {
          chart: h.dataset.chart ?? '',
          side: h.dataset.side ?? '',
          drawn: h.dataset.drawn === 'true',
          error: h.dataset.error ?? null,
          svgElements: h.querySelectorAll('svg *').length,
          marks: h.querySelectorAll('svg g[aria-label]:not([aria-label$="axis"]):not([aria-label$="tick"])')
            .length,
        };
      }),
    );
    if (opts.screenshot) {
      await page.screenshot({
        path: opts.screenshot,
        fullPage: opts.clipHeight === undefined,
        ...(opts.clipHeight !== undefined
          ? { clip: { x: 0, y: 0, width: opts.width ?? 1280, height: opts.clipHeight } }
          : {}),
      });
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return result;
}
