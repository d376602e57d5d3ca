/// <reference lib="dom" />
/**
 * The report page's charts (runs in the browser, bundled into the page by `bundle.ts`). Reads the
 * report data embedded in the page and draws every `[data-chart]` element with Observable Plot.
 * A chart that fails is marked `data-error` and logged with console.error (the browser test fails
 * on either); one that draws is marked `data-drawn`.
 */
import { areaY, barY, dot, gridY, lineY, plot, rectY, ruleY, text } from '@observablehq/plot';
import type { ComparisonData, DailySeries, ReportData } from '../model';

type Page = { mode: 'single'; data: ReportData } | { mode: 'compare'; comparison: ComparisonData };
interface Ctx {
  width: number;
  /** The other side's data in a comparison, to share the y scale of a pair of charts. */
  other?: ReportData;
  labels?: { a: string; b: string };
}
type Chart = (data: ReportData, ctx: Ctx) => Element;
type CompareChart = (cmp: ComparisonData, ctx: Ctx) => Element;

const COLORS: Record<string, string> = {
  SCHEDULED: '#9ecae1',
  IN_GRACE: '#fdae6b',
  OVERDUE: '#e6550d',
  WRITTEN_OFF: '#636363',
  PAID: '#74c476',
  RESTRUCTURED: '#9e9ac8',
  M1: '#fdd0a2',
  M2: '#fd8d3c',
  M3: '#d94801',
  'M3+': '#7f2704',
  UPCOMING: '#6baed6',
  DUE_TODAY: '#3182bd',
  DEBIT_FAILED: '#e6550d',
  GRACE_LAST_DAY: '#fdae6b',
  OVERDUE_KIND: '#de2d26',
  CREDIT_REPORT_WARNING: '#756bb1',
  push: '#6baed6',
  sms: '#fd8d3c',
  email: '#74c476',
  CAP: '#fdae6b',
  UNREACHABLE: '#969696',
  'GSM-7': '#fdae6b',
  'UCS-2': '#e6550d',
  unknown: '#bdbdbd',
};
const FALLBACK = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const A_COLOR = '#636363';
const B_COLOR = '#e6550d';

function runningSum(values: readonly number[]): number[] {
  const out: number[] = [];
  let sum = 0;
  for (const v of values) {
    sum += v;
    out.push(sum);
  }
  return out;
}
const dateOf = (day: string) => new Date(`${day}T00:00:00Z`);
/** Yuan ticks for an axis reaching `maxFen`: whole yuan from ¥100 up, else fen too. */
const yuanTicks = (maxFen: number) => (fen: number) =>
  `¥${(fen / 100).toLocaleString('en-US', maxFen >= 10_000 ? { maximumFractionDigits: 0 } : { minimumFractionDigits: 2 })}`;
const percent = (r: number) => `${Math.round(r * 100)}%`;

function colorScale(order: string[], rename: (name: string) => string = (n) => n) {
  return {
    legend: true,
    domain: order,
    range: order.map((n, i) => COLORS[rename(n)] ?? FALLBACK[i % FALLBACK.length]),
  };
}

/** A series as rows for Plot: one per day and name. */
function rows(days: string[], s: DailySeries) {
  const out: { date: Date; name: string; value: number }[] = [];
  days.forEach((day, i) => {
    const date = dateOf(day);
    for (const name of s.order) out.push({ date, name, value: s.series[name]?.[i] ?? 0 });
  });
  return out;
}

/** The largest stacked total of a series (both sides of a comparison), for a shared y scale. */
function stackedMax(...sides: (DailySeries | undefined)[]): number {
  let max = 0;
  for (const s of sides) {
    if (!s) continue;
    const length = Math.max(0, ...s.order.map((n) => s.series[n]?.length ?? 0));
    for (let i = 0; i < length; i++)
      max = Math.max(
        max,
        s.order.reduce((sum, n) => sum + (s.series[n]?.[i] ?? 0), 0),
      );
  }
  return max;
}

/** A chart with nothing to draw says so (and is marked `data-empty`). */
function empty(ctx: Ctx, message: string): Element {
  const chart = plot({
    width: ctx.width,
    height: 120,
    axis: null,
    marks: [text([message], { frameAnchor: 'middle', fontSize: 13, fill: '#666' })],
  });
  chart.setAttribute('data-empty', 'true');
  return chart;
}

/** Stacked areas (levels) or stacked daily bars (flows) of a series. */
function stacked(
  kind: 'area' | 'bars',
  pick: (d: ReportData) => DailySeries,
  yLabel: string,
  rename?: (name: string) => string,
): Chart {
  return (data, ctx) => {
    const s = pick(data);
    if (data.days.length === 0 || s.order.length === 0) return empty(ctx, 'nothing in this timeline');
    const max = stackedMax(s, ctx.other ? pick(ctx.other) : undefined);
    const r = rows(data.days, s);
    const options = { x: 'date', y: 'value', fill: 'name', order: s.order, tip: true } as const;
    return plot({
      width: ctx.width,
      height: 260,
      marginLeft: 56,
      x: { type: 'utc', label: null },
      y: { label: yLabel, grid: true, domain: [0, Math.max(1, max)], nice: true },
      color: colorScale(s.order, rename),
      marks: [
        kind === 'area' ? areaY(r, options) : rectY(r, { ...options, interval: 'day', inset: 0 }),
        ruleY([0]),
      ],
    });
  };
}

const CHARTS: Record<string, Chart> = {
  states: stacked('area', (d) => d.states, 'installments'),
  buckets: stacked('area', (d) => d.buckets, 'overdue installments'),
  'notifications-by-kind': stacked(
    'bars',
    (d) => d.notifications.byKind,
    'notifications sent',
    (n) => (n === 'OVERDUE' ? 'OVERDUE_KIND' : n),
  ),
  'messages-by-channel': stacked('bars', (d) => d.notifications.byChannel, 'messages'),
  'skips-by-reason': stacked('bars', (d) => d.notifications.skipsByReason, 'skipped'),
  'sms-parts': stacked('bars', (d) => d.sms.partsByEncoding, 'SMS parts'),
  'retries-by-attempt': stacked('bars', (d) => d.debits.retriesByAttempt, 'retries requested'),

  'sms-cost': (data, ctx) => {
    if (data.days.length === 0) return empty(ctx, 'nothing in this timeline');
    const cumulative = (d: ReportData) => {
      const sums = runningSum(d.days.map((_, i) => d.sms.costFen[i] ?? 0));
      return d.days.map((day, i) => ({ date: dateOf(day), fen: sums[i] ?? 0 }));
    };
    const r = cumulative(data);
    const max = Math.max(r.at(-1)?.fen ?? 0, ctx.other ? (cumulative(ctx.other).at(-1)?.fen ?? 0) : 0);
    return plot({
      width: ctx.width,
      height: 220,
      marginLeft: 64,
      x: { type: 'utc', label: null },
      y: {
        label: 'SMS cost, cumulative',
        grid: true,
        domain: [0, Math.max(1, max)],
        tickFormat: yuanTicks(max),
      },
      marks: [lineY(r, { x: 'date', y: 'fen', stroke: B_COLOR, strokeWidth: 2, tip: true }), ruleY([0])],
    });
  },

  'failed-and-recovered': (data, ctx) => {
    if (data.days.length === 0) return empty(ctx, 'nothing in this timeline');
    const r = data.days.map((day, i) => ({
      date: dateOf(day),
      failed: data.debits.failedPerDay[i] ?? 0,
      recovered: data.debits.recoveredPerDay[i] ?? 0,
    }));
    return plot({
      width: ctx.width,
      height: 240,
      marginLeft: 48,
      x: { type: 'utc', label: null },
      y: { label: 'installments', grid: true },
      color: {
        legend: true,
        domain: ['failed debits', 'paid after a failed debit'],
        range: ['#e6550d', '#31a354'],
      },
      marks: [
        rectY(r, {
          x: 'date',
          interval: 'day',
          y: 'failed',
          fill: () => 'failed debits',
          inset: 0,
          tip: true,
        }),
        lineY(r, { x: 'date', y: 'recovered', stroke: () => 'paid after a failed debit', strokeWidth: 1.5 }),
        ruleY([0]),
      ],
    });
  },

  'early-warning': (data, ctx) => {
    const points = data.earlyWarning.points.map((p) => ({ ...p, date: dateOf(p.day) }));
    if (points.length === 0) return empty(ctx, 'no installment due in this timeline');
    const judged = points.filter((p) => p.upper !== null);
    // Small days have wide limits: the scale follows the rates and baselines, the limit is clipped.
    const top = Math.min(
      1,
      Math.max(
        0.05,
        1.15 * Math.max(...points.map((p) => p.rate)),
        2 * Math.max(0, ...judged.map((p) => p.baseline ?? 0)),
      ),
    );
    return plot({
      width: ctx.width,
      height: 260,
      marginLeft: 48,
      x: { type: 'utc', label: null },
      y: { label: 'failed-debit rate (by due date)', grid: true, tickFormat: percent, domain: [0, top] },
      r: { range: [1.5, 6] },
      color: {
        legend: true,
        domain: ['rate', 'baseline', 'upper control limit', 'flagged'],
        range: ['#3182bd', '#636363', '#fd8d3c', '#de2d26'],
      },
      marks: [
        lineY(judged, { x: 'date', y: 'baseline', stroke: () => 'baseline', strokeWidth: 1.5 }),
        lineY(judged, {
          x: 'date',
          y: 'upper',
          stroke: () => 'upper control limit',
          strokeDasharray: '4,3',
          curve: 'step',
          clip: true,
        }),
        dot(points, {
          x: 'date',
          y: 'rate',
          r: 'due',
          fill: () => 'rate',
          fillOpacity: 0.6,
          clip: true,
          tip: true,
        }),
        dot(
          points.filter((p) => p.flagged),
          { x: 'date', y: 'rate', r: 7, stroke: () => 'flagged', strokeWidth: 2 },
        ),
        ruleY([0]),
      ],
    });
  },

  'recovery-by-retry': (data, ctx) => {
    const r = data.debits.byRetry
      .filter((s) => s.reached > 0)
      .map((s) => ({
        step: s.attempt === 0 ? 'before any retry' : `after retry ${s.attempt}`,
        rate: s.rate ?? 0,
        label: `${s.recovered} / ${s.reached}`,
      }));
    if (r.length === 0) return empty(ctx, 'no failed debit in this timeline');
    return plot({
      width: ctx.width,
      height: 240,
      marginLeft: 48,
      x: { label: null, domain: r.map((s) => s.step) },
      y: { label: 'paid before the next retry', grid: true, tickFormat: percent, domain: [0, 1] },
      marks: [
        barY(r, { x: 'step', y: 'rate', fill: '#31a354', tip: true }),
        text(r, { x: 'step', y: 'rate', text: 'label', dy: -8 }),
        ruleY([0]),
      ],
    });
  },

  'roll-and-cure': (data, ctx) => {
    const r = data.rates.buckets.flatMap((b) => [
      { bucket: b.bucket, measure: 'roll', rate: b.rollRate, n: b.entries },
      { bucket: b.bucket, measure: 'cure', rate: b.cureRate, n: b.entries },
    ]);
    const drawn = r.filter((x) => x.rate !== null);
    if (drawn.length === 0) return empty(ctx, `no bucket entry with ${data.rates.windowDays} days observed`);
    return plot({
      width: ctx.width,
      height: 240,
      marginLeft: 48,
      fx: { label: null, domain: data.rates.buckets.map((b) => b.bucket) },
      x: { axis: null, domain: ['roll', 'cure'] },
      y: {
        label: `share within ${data.rates.windowDays} days of entry`,
        tickFormat: percent,
        domain: [0, 1],
      },
      color: { legend: true, domain: ['roll', 'cure'], range: ['#e6550d', '#31a354'] },
      marks: [
        gridY({ strokeOpacity: 0.1 }),
        barY(drawn, { fx: 'bucket', x: 'measure', y: 'rate', fill: 'measure', tip: true }),
        text(drawn, {
          fx: 'bucket',
          x: 'measure',
          y: 'rate',
          text: (d: { rate: number }) => percent(d.rate),
          dy: -8,
        }),
        ruleY([0]),
      ],
    });
  },
};

/** Charts of a comparison that overlay both configurations. */
const COMPARE_CHARTS: Record<string, CompareChart> = {
  'compare-notifications': (cmp, ctx) => {
    const perDay = (d: ReportData, config: string) =>
      d.days.map((day, i) => ({
        date: dateOf(day),
        config,
        sent: d.notifications.byKind.order.reduce(
          (s, k) => s + (d.notifications.byKind.series[k]?.[i] ?? 0),
          0,
        ),
      }));
    const r = [...perDay(cmp.a, cmp.labels.a), ...perDay(cmp.b, cmp.labels.b)];
    if (r.length === 0) return empty(ctx, 'nothing in these timelines');
    return plot({
      width: ctx.width,
      height: 240,
      marginLeft: 48,
      x: { type: 'utc', label: null },
      y: { label: 'notifications sent per day', grid: true },
      color: { legend: true, domain: [cmp.labels.a, cmp.labels.b], range: [A_COLOR, B_COLOR] },
      marks: [lineY(r, { x: 'date', y: 'sent', stroke: 'config', strokeWidth: 1.5, tip: true }), ruleY([0])],
    });
  },
  'compare-sms-cost': (cmp, ctx) => {
    const cumulative = (d: ReportData, config: string) => {
      const sums = runningSum(d.days.map((_, i) => d.sms.costFen[i] ?? 0));
      return d.days.map((day, i) => ({ date: dateOf(day), config, fen: sums[i] ?? 0 }));
    };
    const r = [...cumulative(cmp.a, cmp.labels.a), ...cumulative(cmp.b, cmp.labels.b)];
    if (r.length === 0) return empty(ctx, 'nothing in these timelines');
    return plot({
      width: ctx.width,
      height: 240,
      marginLeft: 64,
      x: { type: 'utc', label: null },
      y: {
        label: 'SMS cost, cumulative',
        grid: true,
        tickFormat: yuanTicks(Math.max(0, ...r.map((x) => x.fen))),
      },
      color: { legend: true, domain: [cmp.labels.a, cmp.labels.b], range: [A_COLOR, B_COLOR] },
      marks: [lineY(r, { x: 'date', y: 'fen', stroke: 'config', strokeWidth: 2, tip: true }), ruleY([0])],
    });
  },
  'compare-kinds': (cmp, ctx) => {
    const kinds = [...new Set([...cmp.a.notifications.byKind.order, ...cmp.b.notifications.byKind.order])];
    if (kinds.length === 0) return empty(ctx, 'no notification in these timelines');
    const r = kinds.flatMap((kind) => [
      { kind, config: cmp.labels.a, sent: cmp.a.notifications.totals.byKind[kind] ?? 0 },
      { kind, config: cmp.labels.b, sent: cmp.b.notifications.totals.byKind[kind] ?? 0 },
    ]);
    return plot({
      width: ctx.width,
      height: 240,
      marginLeft: 56,
      marginBottom: 40,
      fx: { label: null, domain: kinds, tickFormat: (k: string) => k.replaceAll('_', ' ').toLowerCase() },
      x: { axis: null, domain: [cmp.labels.a, cmp.labels.b] },
      y: { label: 'notifications sent', grid: true },
      color: { legend: true, domain: [cmp.labels.a, cmp.labels.b], range: [A_COLOR, B_COLOR] },
      marks: [barY(r, { fx: 'kind', x: 'config', y: 'sent', fill: 'config', tip: true }), ruleY([0])],
    });
  },
  'compare-rates': (cmp, ctx) => {
    const r = [cmp.a, cmp.b].flatMap((d, side) =>
      d.rates.buckets.flatMap((b) =>
        (['roll', 'cure'] as const).map((measure) => ({
          group: `${b.bucket} ${measure}`,
          config: side === 0 ? cmp.labels.a : cmp.labels.b,
          rate: measure === 'roll' ? b.rollRate : b.cureRate,
        })),
      ),
    );
    const drawn = r.filter((x) => x.rate !== null);
    if (drawn.length === 0) return empty(ctx, 'no bucket entry observed long enough');
    return plot({
      width: ctx.width,
      height: 240,
      marginLeft: 48,
      marginBottom: 40,
      fx: { label: null, domain: [...new Set(r.map((x) => x.group))] },
      x: { axis: null, domain: [cmp.labels.a, cmp.labels.b] },
      y: { label: 'share within the window', tickFormat: percent, domain: [0, 1] },
      color: { legend: true, domain: [cmp.labels.a, cmp.labels.b], range: [A_COLOR, B_COLOR] },
      marks: [
        gridY({ strokeOpacity: 0.1 }),
        barY(drawn, { fx: 'group', x: 'config', y: 'rate', fill: 'config', tip: true }),
        ruleY([0]),
      ],
    });
  },
};

function draw(el: HTMLElement, page: Page): void {
  const name = el.dataset.chart ?? '';
  const side = el.dataset.side ?? 'single';
  const ctx: Ctx = { width: Math.max(320, el.clientWidth || 640) };
  let chart: Element;
  if (page.mode === 'compare') {
    const cmp = page.comparison;
    ctx.labels = cmp.labels;
    if (side === 'compare') {
      const fn = COMPARE_CHARTS[name];
      if (!fn) throw new Error(`unknown chart ${name}`);
      chart = fn(cmp, ctx);
    } else {
      const fn = CHARTS[name];
      if (!fn) throw new Error(`unknown chart ${name}`);
      ctx.other = side === 'a' ? cmp.b : cmp.a;
      chart = fn(side === 'a' ? cmp.a : cmp.b, ctx);
    }
  } else {
    const fn = CHARTS[name];
    if (!fn) throw new Error(`unknown chart ${name}`);
    chart = fn(page.data, ctx);
  }
  el.replaceChildren(chart);
  if (chart.getAttribute('data-empty') === 'true') el.dataset.empty = 'true';
  el.dataset.drawn = 'true';
}

function main(): void {
  const source = document.getElementById('report-data');
  const page = JSON.parse(source?.textContent ?? 'null') as Page;
  let drawn = 0;
  for (const el of document.querySelectorAll<HTMLElement>('[data-chart]')) {
    try {
      draw(el, page);
      drawn++;
    } catch (error) {
      el.dataset.error = String((error as Error)?.message ?? error);
      el.textContent = `This chart could not be drawn: ${el.dataset.error}`;
      console.error(`chart ${el.dataset.chart} (${el.dataset.side ?? 'single'}) failed:`, error);
    }
  }
  document.body.dataset.chartsDrawn = String(drawn);
}

main();
