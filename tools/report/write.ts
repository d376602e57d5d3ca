/**
 * Writing a report: the settings the operator configuration gives it, and the HTML file (written
 * beside itself and renamed when complete, like the simulator's `--out`).
 */

import type { Config } from '../../shared/config/schema';
import { openAtomic } from '../lib/sim/output';
import { ReportBuilder } from './build';
import { compareReports } from './compare';
import { renderComparisonHtml, renderReportHtml } from './html';
import type { ReportData, ReportSettings } from './model';

/** The report's settings from the operator configuration (`report.*`). */
export function reportSettings(config: Pick<Config, 'report'>, title: string): Partial<ReportSettings> {
  return {
    title,
    smsPricePerPartFen: config.report.smsPricePerPartFen,
    earlyWarning: { ...config.report.earlyWarning },
  };
}

/** A builder for a timeline made under `config` (over `span`, a simulation's start and end days, when known). */
export const reportBuilder = (
  config: Pick<Config, 'report'>,
  title: string,
  span?: { from: string; to: string },
) => new ReportBuilder(reportSettings(config, title), span);

/** Writes the HTML page of a report; returns its size in bytes. */
export async function writeReportHtml(file: string, data: ReportData): Promise<number> {
  return writeHtml(file, await renderReportHtml(data));
}

/** Writes the HTML page of a what-if comparison; returns its size in bytes. */
export async function writeComparisonHtml(
  file: string,
  a: ReportData,
  b: ReportData,
  labels: { a: string; b: string },
  scenario: string,
): Promise<number> {
  return writeHtml(file, await renderComparisonHtml(compareReports(a, b, labels, scenario)));
}

async function writeHtml(file: string, html: string): Promise<number> {
  const out = openAtomic(file);
  try {
    await out.write(html);
    await out.commit();
  } catch (error) {
    out.abort();
    throw error;
  }
  return Buffer.byteLength(html);
}

/** Bytes as kilobytes, for the lines that print where a report went. */
export const kilobytes = (bytes: number) => `${Math.round(bytes / 1024)} KB`;
