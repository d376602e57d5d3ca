/**
 * The report as one self-contained HTML page: tables written here, charts drawn in the browser by
 * the inlined script (`bundle.ts`) from the report data embedded in the page. No network at view
 * time, and the same data always gives the same page.
 */
import { chartsScript } from './bundle';
import { formatCount, formatRate, formatYuan } from './format';
import type { BucketRates, ComparisonData, Counts, Difference, ReportData } from './model';

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const chart = (name: string, side: string, caption: string) =>
  `<figure><figcaption>${escapeHtml(caption)}</figcaption><div class="chart" data-chart="${name}" data-side="${side}"></div></figure>`;

function table(head: string[], body: (string | number)[][], opts: { numeric?: boolean } = {}): string {
  const cell = (v: string | number, i: number) =>
    `<td${i > 0 && opts.numeric !== false ? ' class="num"' : ''}>${typeof v === 'number' ? formatCount(v) : v}</td>`;
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${body
    .map((row) => `<tr>${row.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const countsTable = (title: string, counts: Counts, order: string[] = Object.keys(counts)) =>
  table(
    [title, 'count'],
    [
      ...order.filter((k) => k in counts),
      ...Object.keys(counts)
        .filter((k) => !order.includes(k))
        .sort(),
    ].map((k) => [escapeHtml(k), counts[k] ?? 0]),
  );

const note = (html: string) => `<p class="note">${html}</p>`;

/** The figures at the top of a report. */
function tiles(d: ReportData): string {
  const m1 = d.rates.buckets[0];
  const tile = (label: string, value: string, sub = '') =>
    `<div class="tile"><div class="label">${escapeHtml(label)}</div><div class="value">${value}</div>${sub ? `<div class="sub">${sub}</div>` : ''}</div>`;
  return `<div class="tiles">${[
    tile(
      'notifications sent',
      formatCount(d.notifications.totals.sent),
      `${formatCount(d.notifications.totals.skipped)} skipped`,
    ),
    tile('SMS parts', formatCount(d.sms.totals.parts), `${formatCount(d.sms.totals.messages)} messages`),
    tile(
      'SMS cost',
      formatYuan(d.sms.totals.costFen),
      `at ${formatYuan(d.settings.smsPricePerPartFen)} a part`,
    ),
    tile(
      'failed debits',
      formatCount(d.debits.totals.failed),
      `${formatCount(d.debits.totals.recovered)} paid since`,
    ),
    tile(
      `${m1?.bucket ?? 'M1'} roll rate`,
      formatRate(m1?.rollRate ?? null),
      m1 ? `${formatCount(m1.entries)} entries, ${d.rates.windowDays} days` : '',
    ),
    tile(
      `${m1?.bucket ?? 'M1'} cure rate`,
      formatRate(m1?.cureRate ?? null),
      m1 ? `${formatCount(m1.curedPaid)} paid, ${formatCount(m1.curedCurrent)} current` : '',
    ),
    tile(
      'penalty collected',
      formatYuan(d.penalty.collectedFen),
      `${formatYuan(d.penalty.accruedFen)} accrued`,
    ),
    tile(
      'early-warning days',
      formatCount(d.earlyWarning.flagged.length),
      d.earlyWarning.flagged.slice(0, 3).join(', ') + (d.earlyWarning.flagged.length > 3 ? ', …' : ''),
    ),
  ].join('')}</div>`;
}

function ratesTable(rows: BucketRates[], windowDays: number): string {
  return table(
    [
      'entered',
      `entries (${windowDays} days observed)`,
      'rolled',
      'cured: paid',
      'cured: current',
      'restructured',
      'stayed',
      'roll rate',
      'cure rate',
      'roll rate by balance',
      'cure rate by balance',
      'too recent',
    ],
    rows.map((r) => [
      escapeHtml(r.bucket),
      r.entries,
      r.rolled,
      r.curedPaid,
      r.curedCurrent,
      r.restructured,
      r.stayed,
      formatRate(r.rollRate),
      formatRate(r.cureRate),
      formatRate(r.balance.rollRate),
      formatRate(r.balance.cureRate),
      r.immature,
    ]),
  );
}

/** The sections of one report; `side` names the data the charts draw (`single`, `a` or `b`). */
function sections(d: ReportData, side: string): Record<string, string> {
  const n = d.notifications.totals;
  const ew = d.earlyWarning;
  const s = d.settings.earlyWarning;
  return {
    installments: [
      chart('states', side, 'Installments by state, at the end of each day'),
      chart('buckets', side, 'Overdue installments by delinquency bucket, at the end of each day'),
      note(
        'Replayed from the <code>transition</code> records and <code>DelinquencyBucketChanged</code> events; an installment counts from the first day (a split part from its split).',
      ),
      countsTable('state at the end', d.finals.byStatus, [
        'SCHEDULED',
        'IN_GRACE',
        'OVERDUE',
        'WRITTEN_OFF',
        'PAID',
        'RESTRUCTURED',
      ]),
    ].join(''),
    notifications: [
      chart('notifications-by-kind', side, 'Notifications sent per day, by kind'),
      chart(
        'messages-by-channel',
        side,
        'Messages per day, by channel (a notification sends one per channel)',
      ),
      chart('skips-by-reason', side, 'Notifications skipped per day, by reason'),
      `<div class="row">${countsTable('kind', n.byKind, ['UPCOMING', 'DUE_TODAY', 'DEBIT_FAILED', 'GRACE_LAST_DAY', 'OVERDUE', 'CREDIT_REPORT_WARNING'])}${countsTable('channel', n.messagesByChannel, ['push', 'sms', 'email'])}${countsTable('skipped, by reason', n.skipsByReason, ['CAP', 'UNREACHABLE'])}${countsTable('skipped, by kind', n.skipsByKind)}</div>`,
    ].join(''),
    sms: [
      chart('sms-parts', side, 'SMS parts per day, by encoding'),
      chart('sms-cost', side, 'SMS cost, cumulative'),
      table(
        ['encoding', 'messages', 'parts', 'cost'],
        [
          ...Object.entries(d.sms.totals.byEncoding).map(([e, v]) => [
            e,
            v.messages,
            v.parts,
            formatYuan(v.parts * d.settings.smsPricePerPartFen),
          ]),
          ['all', d.sms.totals.messages, d.sms.totals.parts, formatYuan(d.sms.totals.costFen)],
        ],
      ),
      note(
        `GSM-7 (every character in the GSM 03.38 alphabet; extension characters count 2): 160 septets in one part, else 153 a part. Otherwise UCS-2: 70 UTF-16 code units, else 67 a part. Price: ${formatYuan(d.settings.smsPricePerPartFen)} a part (<code>report.smsPricePerPartFen</code>).`,
      ),
    ].join(''),
    debits: [
      chart(
        'failed-and-recovered',
        side,
        'Failed debits (by the day of their first sign) and payments after them',
      ),
      chart('retries-by-attempt', side, 'Retries requested per day, by attempt'),
      chart('recovery-by-retry', side, 'Paid after each step, before the next retry was requested'),
      table(
        ['step', 'reached', 'paid before the next retry', 'of which within 24 h of the request', 'share'],
        d.debits.byRetry.map((r) => [
          r.attempt === 0 ? 'failed debit' : `retry ${r.attempt}`,
          r.reached,
          r.recovered,
          r.recoveredWithin24h === null ? '–' : formatCount(r.recoveredWithin24h),
          formatRate(r.rate),
        ]),
      ),
      `<div class="row">${table(
        ['failed debits, outcome', 'count'],
        [
          ['paid within grace', d.debits.outcomes.paidInGrace],
          ['paid after becoming overdue', d.debits.outcomes.paidLate],
          ['extended or split', d.debits.outcomes.restructured],
          ['written off', d.debits.outcomes.writtenOff],
          ['unpaid at the end', d.debits.outcomes.unpaid],
          ['all', d.debits.totals.failed],
        ],
      )}${table(
        ['debits', 'count'],
        [
          ['installment due dates seen', d.debits.totals.dueInstallments],
          ['failed debits', d.debits.totals.failed],
          ['hard declines after soft ones (DEBIT_FAILED #hard)', d.debits.totals.hardDeclineNotices],
          ['retries requested', d.debits.totals.retriesRequested],
          ['debit results missing', d.debits.totals.resultsMissing],
        ],
      )}</div>`,
      note(
        'A failed debit is an installment due date with a <code>DEBIT_FAILED</code> notification or skip, a <code>DebitRetryRequested</code>, or an <code>InstallmentEnteredGrace</code> at DPD 0. The timeline holds no debit results: a payment is credited to the last retry requested before it, whoever made it.',
      ),
    ].join(''),
    rates: [
      chart(
        'roll-and-cure',
        side,
        `Roll and cure rates: what became of each bucket entry within ${d.rates.windowDays} days`,
      ),
      ratesTable(d.rates.buckets, d.rates.windowDays),
      note(
        `Entry cohorts: each <code>DelinquencyBucketChanged</code> into a bucket, with its whole ${d.rates.windowDays}-day window inside the timeline. Roll: moved to a later bucket (or written off); cure: paid in full, or current again (extended). Restructured: split.`,
      ),
    ].join(''),
    warning: [
      chart('early-warning', side, 'Failed-debit rate by due date, against its trailing baseline'),
      ew.flagged.length === 0
        ? note('No due date stands out.')
        : table(
            ['due date', 'due', 'failed', 'rate', 'baseline', 'upper limit', 'z'],
            ew.points
              .filter((p) => p.flagged)
              .map((p) => [
                p.day,
                p.due,
                p.failed,
                formatRate(p.rate),
                formatRate(p.baseline),
                formatRate(p.upper),
                p.z === null ? '–' : p.z.toFixed(1),
              ]),
          ),
      note(
        `p-chart: the baseline is the pooled failed-debit rate of the due dates in the ${s.baselineDays} days before (at least ${s.minBaselineDays} of them); a date is flagged above baseline + ${s.sigmas} × √(p(1−p)/due) with at least ${s.minFailedDebits} failed debits.`,
      ),
    ].join(''),
    penalty: [
      `<div class="row">${table(
        ['penalty interest', 'amount'],
        [
          ['accrued (final records)', formatYuan(d.penalty.accruedFen)],
          ['collected (InstallmentPaid)', formatYuan(d.penalty.collectedFen)],
          ['frozen into split parts', formatYuan(d.penalty.frozenOnSplitFen)],
          ['outstanding at the end (all)', formatYuan(d.finals.outstandingFen)],
        ],
        { numeric: true },
      )}${countsTable('events', d.events)}${Object.keys(d.loanEvents).length > 0 ? countsTable('loan events', d.loanEvents) : ''}</div>`,
    ].join(''),
  };
}

const SECTION_TITLES: Record<string, string> = {
  installments: 'Installments by state and bucket',
  notifications: 'Notifications',
  sms: 'SMS parts and cost',
  debits: 'Failed debits, retries and recovery',
  rates: 'Roll and cure rates',
  warning: 'Early warning: failed-debit rate',
  penalty: 'Penalty interest and events',
};

function sourceLine(d: ReportData): string {
  const s = d.source;
  const records = Object.values(s.byType).reduce((a, b) => a + b, 0);
  return `${s.firstDay ?? '–'} to ${s.lastDay ?? '–'} · ${formatCount(s.installments)} installments of ${formatCount(s.loans)} loans · ${formatCount(records)} records${
    s.ignored + s.malformed > 0
      ? ` (${formatCount(s.ignored)} of unknown types ignored, ${formatCount(s.malformed)} malformed)`
      : ''
  }`;
}

const STYLE = `
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#222;background:#fafafa}
body{margin:0 auto;max-width:1280px;padding:16px 24px 48px}
h1{font-size:22px;margin:8px 0 2px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:14px;margin:8px 0}
.meta{color:#666;font-size:13px;margin:0 0 12px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(118px,1fr));gap:8px;margin:12px 0}
.tile{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:8px 10px}
.tile .label{font-size:12px;color:#666}.tile .value{font-size:19px;font-weight:600;margin-top:2px;white-space:nowrap}.tile .sub{font-size:11px;color:#888}
figure{margin:10px 0 14px;background:#fff;border:1px solid #eee;border-radius:6px;padding:8px}
figcaption{font-size:13px;font-weight:600;margin-bottom:4px}
.chart{min-height:80px;width:100%}
.chart figure{margin:0;border:0;padding:0;background:none}
.chart[data-error]{color:#b00}
table{border-collapse:collapse;font-size:12.5px;margin:8px 16px 8px 0;background:#fff}
th,td{border:1px solid #e3e3e3;padding:3px 8px;text-align:left}th{background:#f3f3f3;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.row{display:flex;flex-wrap:wrap;align-items:flex-start}
.note{font-size:12px;color:#555;max-width:980px}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:16px}.pair>div{min-width:0}
tr.changed td{background:#fff8e6}tr.key td:first-child{font-weight:600}td.sub{padding-left:22px}
footer{margin-top:32px;font-size:12px;color:#666}
code{font-size:90%}
`;

async function page(title: string, body: string, data: unknown): Promise<string> {
  const json = JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  const script = await chartsScript();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
<footer>Built from the timeline alone (SIMULATION.md records) by <code>tools/report</code>; how each figure is derived: docs/report.md. Charts drawn with Observable Plot and d3 (ISC licence), inlined: this page needs no network.</footer>
<script type="application/json" id="report-data">${json}</script>
<script>${script}</script>
</body>
</html>
`;
}

/**
 * The HTML page of one report.
 *
 * @example writeFileSync('report.html', await renderReportHtml(buildReportFromText(timeline)));
 */
export async function renderReportHtml(d: ReportData): Promise<string> {
  const body = [
    `<header><h1>${escapeHtml(d.settings.title)}</h1><p class="meta">${escapeHtml(sourceLine(d))}</p></header>`,
    tiles(d),
    ...Object.entries(sections(d, 'single')).map(
      ([id, html]) => `<section id="${id}"><h2>${SECTION_TITLES[id]}</h2>${html}</section>`,
    ),
  ].join('\n');
  return page(d.settings.title, body, { mode: 'single', data: d });
}

function formatValue(unit: Difference['unit'], v: number | null): string {
  if (v === null) return '–';
  if (unit === 'fen') return formatYuan(v);
  if (unit === 'rate') return formatRate(v);
  return formatCount(v);
}

function formatDelta(d: Difference): string {
  if (d.a === null || d.b === null) return '–';
  const delta = d.b - d.a;
  if (delta === 0) return '=';
  const sign = delta > 0 ? '+' : '−';
  const abs = Math.abs(delta);
  const value =
    d.unit === 'fen'
      ? formatYuan(abs)
      : d.unit === 'rate'
        ? `${(abs * 100).toFixed(1)} pt`
        : formatCount(abs);
  const pct = d.unit !== 'rate' && d.a !== 0 ? ` (${sign}${((abs / Math.abs(d.a)) * 100).toFixed(1)} %)` : '';
  return `${sign}${value}${pct}`;
}

function differencesTable(diffs: Difference[], labels: { a: string; b: string }): string {
  let section = '';
  const rows = diffs.map((d) => {
    const head = d.section !== section ? `<tr><th colspan="4">${escapeHtml(d.section)}</th></tr>` : '';
    section = d.section;
    const changed = d.a !== d.b;
    const cls = [changed ? 'changed' : '', d.key ? 'key' : ''].filter(Boolean).join(' ');
    const indented = d.metric.startsWith('  ');
    return `${head}<tr${cls ? ` class="${cls}"` : ''}><td${indented ? ' class="sub"' : ''}>${escapeHtml(d.metric.trim())}</td><td class="num">${formatValue(d.unit, d.a)}</td><td class="num">${formatValue(d.unit, d.b)}</td><td class="num">${formatDelta(d)}</td></tr>`;
  });
  return `<table class="differences"><thead><tr><th>figure</th><th>${escapeHtml(labels.a)}</th><th>${escapeHtml(labels.b)}</th><th>difference (B − A)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The HTML page of a what-if comparison: the differences first, then both reports side by side. */
export async function renderComparisonHtml(c: ComparisonData): Promise<string> {
  const title = `What-if: ${c.labels.a} vs ${c.labels.b}`;
  const a = sections(c.a, 'a');
  const b = sections(c.b, 'b');
  const body = [
    `<header><h1>${escapeHtml(title)}</h1><p class="meta">${escapeHtml(c.scenario)} · A: ${escapeHtml(sourceLine(c.a))}</p></header>`,
    `<section id="headline"><h2>What changes</h2><ul>${c.headline.map((h) => `<li>${escapeHtml(h)}</li>`).join('')}</ul></section>`,
    `<section id="overlay"><h2>Both configurations</h2><div class="pair"><div>${chart('compare-notifications', 'compare', 'Notifications sent per day')}</div><div>${chart('compare-sms-cost', 'compare', 'SMS cost, cumulative')}</div><div>${chart('compare-kinds', 'compare', 'Notifications sent, by kind')}</div><div>${chart('compare-rates', 'compare', 'Roll and cure rates by bucket')}</div></div></section>`,
    `<section id="differences"><h2>Differences</h2>${differencesTable(c.differences, c.labels)}${note('Highlighted rows differ; bold rows are the figures that matter most (messages and SMS cost, recoveries, roll and cure rates, penalty).')}</section>`,
    `<section><h2>Side by side</h2><div class="pair"><div>${tiles(c.a)}</div><div>${tiles(c.b)}</div></div></section>`,
    ...Object.keys(a).map(
      (id) =>
        `<section id="${id}"><h2>${SECTION_TITLES[id]}</h2><div class="pair"><div><h3>A: ${escapeHtml(c.labels.a)}</h3>${a[id]}</div><div><h3>B: ${escapeHtml(c.labels.b)}</h3>${b[id]}</div></div></section>`,
    ),
  ].join('\n');
  return page(title, body, { mode: 'compare', comparison: c });
}
