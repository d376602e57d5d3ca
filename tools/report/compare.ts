/**
 * A what-if comparison of two reports (two configurations over the same scenario): the figures side
 * by side, and the few sentences an operator reads first.
 */
import { formatCount, formatRate, formatYuan } from './format';
import type { ComparisonData, Difference, ReportData } from './model';

const KINDS = ['UPCOMING', 'DUE_TODAY', 'DEBIT_FAILED', 'GRACE_LAST_DAY', 'OVERDUE', 'CREDIT_REPORT_WARNING'];
const STATES = ['SCHEDULED', 'IN_GRACE', 'OVERDUE', 'WRITTEN_OFF', 'PAID', 'RESTRUCTURED'];

const union = (preferred: string[], ...lists: string[][]) => {
  const all = new Set(lists.flat());
  return [...preferred.filter((k) => all.has(k)), ...[...all].filter((k) => !preferred.includes(k)).sort()];
};

/**
 * The figures of both reports, in the order the comparison table shows them.
 *
 * @example differences(reportA, reportB).filter((d) => d.key && d.a !== d.b)
 */
export function differences(a: ReportData, b: ReportData): Difference[] {
  const out: Difference[] = [];
  const add = (
    section: string,
    metric: string,
    unit: Difference['unit'],
    pick: (d: ReportData) => number | null | undefined,
    key = false,
  ) => out.push({ section, metric, unit, a: pick(a) ?? null, b: pick(b) ?? null, key });
  const zero = (v: number | undefined) => v ?? 0;

  const messages = 'Messages';
  add(messages, 'notifications sent', 'count', (d) => d.notifications.totals.sent, true);
  for (const kind of union(
    KINDS,
    Object.keys(a.notifications.totals.byKind),
    Object.keys(b.notifications.totals.byKind),
  ))
    add(messages, `  ${kind}`, 'count', (d) => zero(d.notifications.totals.byKind[kind]));
  for (const channel of union(
    ['push', 'sms', 'email'],
    Object.keys(a.notifications.totals.messagesByChannel),
    Object.keys(b.notifications.totals.messagesByChannel),
  ))
    add(
      messages,
      `${channel} messages`,
      'count',
      (d) => zero(d.notifications.totals.messagesByChannel[channel]),
      channel === 'sms',
    );
  add(messages, 'skipped: over the daily cap (CAP)', 'count', (d) =>
    zero(d.notifications.totals.skipsByReason.CAP),
  );
  add(messages, 'skipped: no usable channel (UNREACHABLE)', 'count', (d) =>
    zero(d.notifications.totals.skipsByReason.UNREACHABLE),
  );

  const sms = 'SMS';
  add(sms, 'SMS parts', 'count', (d) => d.sms.totals.parts, true);
  add(sms, 'SMS cost', 'fen', (d) => d.sms.totals.costFen, true);

  const debits = 'Failed debits and recoveries';
  add(debits, 'failed debits', 'count', (d) => d.debits.totals.failed);
  add(debits, 'retries requested', 'count', (d) => d.debits.totals.retriesRequested);
  add(debits, 'paid after a failed debit', 'count', (d) => d.debits.totals.recovered, true);
  add(debits, '  within grace', 'count', (d) => d.debits.outcomes.paidInGrace, true);
  add(debits, '  after becoming overdue', 'count', (d) => d.debits.outcomes.paidLate);
  add(debits, 'unpaid at the end', 'count', (d) => d.debits.outcomes.unpaid, true);
  const steps = Math.max(a.debits.byRetry.length, b.debits.byRetry.length);
  for (let i = 0; i < steps; i++)
    add(
      debits,
      i === 0 ? 'paid before any retry (share)' : `paid after retry ${i} (share)`,
      'rate',
      (d) => d.debits.byRetry[i]?.rate ?? null,
    );

  const rates = `Roll and cure rates (${a.rates.windowDays} days)`;
  const buckets = union(
    [],
    a.rates.buckets.map((r) => r.bucket),
    b.rates.buckets.map((r) => r.bucket),
  ).sort((x, y) => {
    const ix = a.rates.buckets.findIndex((r) => r.bucket === x);
    const iy = a.rates.buckets.findIndex((r) => r.bucket === y);
    return (ix < 0 ? 99 : ix) - (iy < 0 ? 99 : iy);
  });
  for (const bucket of buckets) {
    const row = (d: ReportData) => d.rates.buckets.find((r) => r.bucket === bucket);
    add(rates, `${bucket} roll rate`, 'rate', (d) => row(d)?.rollRate ?? null, true);
    add(rates, `${bucket} cure rate`, 'rate', (d) => row(d)?.cureRate ?? null, true);
  }

  const penalty = 'Penalty interest';
  add(penalty, 'accrued', 'fen', (d) => d.penalty.accruedFen, true);
  add(penalty, 'collected', 'fen', (d) => d.penalty.collectedFen, true);

  const end = 'At the end';
  for (const state of union(STATES, Object.keys(a.finals.byStatus), Object.keys(b.finals.byStatus)))
    add(end, state, 'count', (d) => zero(d.finals.byStatus[state]));
  add(end, 'outstanding', 'fen', (d) => d.finals.outstandingFen);
  add(end, 'manual interventions', 'count', (d) => zero(d.events.ManualInterventionRequired));
  add(end, 'credit bureau reports', 'count', (d) => zero(d.events.CreditBureauReportRequired));
  add(end, 'early-warning days', 'count', (d) => d.earlyWarning.flagged.length);
  return out;
}

const signed = (n: number, format: (v: number) => string) => `${n < 0 ? '−' : '+'}${format(Math.abs(n))}`;
const pct = (delta: number, base: number) =>
  base === 0 || delta === 0 ? '' : ` (${signed((delta / base) * 100, (v) => v.toFixed(1))} %)`;
/** "2,345 fewer notifications", "1 more part", "the same number of notifications". */
const moreOrFewer = (delta: number, noun: string, one = noun) =>
  delta === 0
    ? `the same number of ${noun}`
    : `${formatCount(Math.abs(delta))} ${delta < 0 ? 'fewer' : 'more'} ${Math.abs(delta) === 1 ? one : noun}`;

/** The sentences at the top of a comparison: messages and SMS cost, recoveries, rates, penalty. */
export function headline(a: ReportData, b: ReportData, labels: { a: string; b: string }): string[] {
  const out: string[] = [];
  const sent = b.notifications.totals.sent - a.notifications.totals.sent;
  const sms = (d: ReportData) => d.notifications.totals.messagesByChannel.sms ?? 0;
  const parts = b.sms.totals.parts - a.sms.totals.parts;
  const cost = b.sms.totals.costFen - a.sms.totals.costFen;
  out.push(
    `${labels.b} sends ${moreOrFewer(sent, 'notifications', 'notification')}${pct(sent, a.notifications.totals.sent)} than ${labels.a}, ${moreOrFewer(sms(b) - sms(a), 'SMS')} (${moreOrFewer(parts, 'parts', 'part')}): SMS cost ${formatYuan(a.sms.totals.costFen)} → ${formatYuan(b.sms.totals.costFen)}${cost === 0 ? '' : `, ${signed(cost, formatYuan)}${pct(cost, a.sms.totals.costFen)}`}.`,
  );
  out.push(
    `Failed debits ${formatCount(a.debits.totals.failed)} → ${formatCount(b.debits.totals.failed)}; paid after the failure ${formatCount(a.debits.totals.recovered)} → ${formatCount(b.debits.totals.recovered)}, within grace ${formatCount(a.debits.outcomes.paidInGrace)} → ${formatCount(b.debits.outcomes.paidInGrace)}.`,
  );
  const observed = (d: ReportData) => d.rates.buckets.filter((r) => r.entries > 0);
  const buckets = [...new Set([...observed(a), ...observed(b)].map((r) => r.bucket))];
  const rate = (d: ReportData, bucket: string, pick: 'rollRate' | 'cureRate') =>
    formatRate(d.rates.buckets.find((r) => r.bucket === bucket)?.[pick] ?? null);
  out.push(
    buckets.length === 0
      ? `Roll and cure rates: no bucket entry with ${a.rates.windowDays} days observed.`
      : `Roll / cure rates within ${a.rates.windowDays} days: ${buckets
          .map(
            (k) =>
              `${k} ${rate(a, k, 'rollRate')} / ${rate(a, k, 'cureRate')} → ${rate(b, k, 'rollRate')} / ${rate(b, k, 'cureRate')}`,
          )
          .join('; ')}.`,
  );
  out.push(
    `Penalty accrued ${formatYuan(a.penalty.accruedFen)} → ${formatYuan(b.penalty.accruedFen)}, collected ${formatYuan(a.penalty.collectedFen)} → ${formatYuan(b.penalty.collectedFen)}.`,
  );
  return out;
}

/** The comparison of two reports. */
export function compareReports(
  a: ReportData,
  b: ReportData,
  labels: { a: string; b: string },
  scenario: string,
): ComparisonData {
  return { labels, scenario, a, b, differences: differences(a, b), headline: headline(a, b, labels) };
}
