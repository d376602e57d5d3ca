/**
 * From timeline records to the report's data (docs/report.md says how each figure is derived).
 *
 * Primary course:
 * 1. `add` each record as it is read (or as the simulator writes it): counters per day are bumped,
 *    and per installment only its state and bucket changes and the facts of each due date's debit
 *    are kept (never message texts), so a long timeline streams through.
 * 2. `build` replays each installment's changes into end-of-day counts by state and bucket, judges
 *    each bucket entry for roll and cure, each failed debit for its recovery, and each due date's
 *    failed-debit rate against its baseline.
 */
import { dayRange } from './days';
import { flagFailedDebitDays } from './early-warning';
import type { Counts, DailySeries, ReportData, ReportSettings, RetryRow } from './model';
import { byTime, type Change, rollAndCureRates } from './rates';
import {
  detailNumber,
  detailString,
  type EventRecord,
  eventDueDate,
  type FinalRecord,
  installmentId,
  LOCAL_DATE,
  occurrenceDueDate,
  type ReportRecord,
  readRecord,
} from './records';
import { smsParts } from './sms';

/** Orders in which series are stacked (unknown names follow, sorted). */
export const STATE_ORDER = ['SCHEDULED', 'IN_GRACE', 'OVERDUE', 'WRITTEN_OFF', 'PAID', 'RESTRUCTURED'];
export const KIND_ORDER = [
  'UPCOMING',
  'DUE_TODAY',
  'DEBIT_FAILED',
  'GRACE_LAST_DAY',
  'OVERDUE',
  'CREDIT_REPORT_WARNING',
];
export const CHANNEL_ORDER = ['push', 'sms', 'email'];
export const REASON_ORDER = ['CAP', 'UNREACHABLE'];
const ENCODING_ORDER = ['GSM-7', 'UCS-2', 'unknown'];
const DAY_MS = 86_400_000;

export const DEFAULT_SETTINGS: ReportSettings = {
  title: 'Portfolio report',
  smsPricePerPartFen: 5,
  earlyWarning: { baselineDays: 28, minBaselineDays: 7, sigmas: 3, minFailedDebits: 3 },
  rateWindowDays: 30,
};

interface Installment {
  loanId: string;
  seq: string;
  changes: Change[];
  /** The day a split part came to be (the SPLIT's day). */
  bornDay?: string;
  final?: FinalRecord;
}

/** What the timeline tells about the debit of one installment for one due date. */
interface DebitCase {
  /** The first sign of a failed debit (epoch ms, day), if any. */
  failedAt?: { t: number; day: string };
  hardNotice: boolean;
  retries: Map<number, { t: number; day: string }>;
  paid?: { t: number; day: string; paidLate: boolean };
  adjusted: boolean;
  writtenOff: boolean;
}

type DayCounts = Map<string, Counts>;
const bump = (counts: Counts, key: string, by = 1) => {
  counts[key] = (counts[key] ?? 0) + by;
};
const bumpDay = (map: DayCounts, day: string, key: string, by = 1) => {
  const counts = map.get(day) ?? {};
  map.set(day, counts);
  bump(counts, key, by);
};
/** Running sums: [1, 2, 3] -> [1, 3, 6]. */
export function runningSum(values: readonly number[]): number[] {
  const out: number[] = [];
  let sum = 0;
  for (const v of values) {
    sum += v;
    out.push(sum);
  }
  return out;
}
const ordered = (names: Iterable<string>, preferred: readonly string[]) => {
  const set = new Set(names);
  return [...preferred.filter((n) => set.has(n)), ...[...set].filter((n) => !preferred.includes(n)).sort()];
};

/**
 * Builds the report of a timeline, one record at a time.
 *
 * @example
 * const builder = new ReportBuilder({ ...DEFAULT_SETTINGS, smsPricePerPartFen: 4 });
 * for (const line of lines) builder.addLine(line);
 * const data = builder.build();
 */
export class ReportBuilder {
  private readonly settings: ReportSettings;
  private idx = 0;
  private readonly byType: Counts = {};
  private ignored = 0;
  private malformed = 0;
  private firstDay: string | null = null;
  private lastDay: string | null = null;
  private readonly installments = new Map<string, Installment>();
  private readonly cases = new Map<string, DebitCase>();
  /** Installments due on each date (ids). */
  private readonly due = new Map<string, Set<string>>();
  private readonly sentByKind: DayCounts = new Map();
  private readonly messagesByChannel: DayCounts = new Map();
  private readonly skipsByReason: DayCounts = new Map();
  private readonly skipsByKind: Counts = {};
  private readonly smsPartsByEncoding: DayCounts = new Map();
  private readonly smsMessagesByEncoding: Counts = {};
  private readonly events: Counts = {};
  private readonly loanEvents: Counts = {};
  private penaltyCollected = 0;
  private penaltyFrozen = 0;

  /**
   * @param span the days the timeline covers, when known (a simulation's `start` and `end`): the
   *   report's days and the maturity of bucket entries follow it; otherwise the first and last days
   *   of the timed records.
   */
  constructor(
    settings: Partial<ReportSettings> = {},
    private readonly span?: { from: string; to: string },
  ) {
    this.settings = {
      ...DEFAULT_SETTINGS,
      ...settings,
      earlyWarning: { ...DEFAULT_SETTINGS.earlyWarning, ...settings.earlyWarning },
    };
  }

  /** Adds one line of a JSON Lines timeline (blank lines are skipped, bad JSON counts as malformed). */
  addLine(line: string): void {
    if (line.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      this.malformed++;
      return;
    }
    this.add(raw);
  }

  /** Adds one parsed timeline record (any object: unknown types and malformed records are counted). */
  add(raw: unknown): void {
    const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
    bump(this.byType, typeof type === 'string' ? type : '(none)');
    const read = readRecord(raw);
    if (!read.ok) {
      if (read.why === 'unknown-type') this.ignored++;
      else this.malformed++;
      return;
    }
    this.take(read.record, this.idx++);
  }

  private take(r: ReportRecord, idx: number): void {
    if (r.type === 'final') {
      const inst = this.installment(r.loanId, r.seq);
      inst.final = r;
      if (LOCAL_DATE.test(r.dueDate)) this.markDue(r.loanId, r.seq, r.dueDate);
      return;
    }
    if (this.firstDay === null || r.day < this.firstDay) this.firstDay = r.day;
    if (this.lastDay === null || r.day > this.lastDay) this.lastDay = r.day;
    switch (r.type) {
      case 'notification': {
        this.installment(r.loanId, r.seq);
        bumpDay(this.sentByKind, r.day, r.kind);
        for (const channel of r.channels) bumpDay(this.messagesByChannel, r.day, channel);
        if (r.channels.includes('sms')) {
          const text = r.messages.sms;
          const sms = text === undefined ? { encoding: 'unknown', parts: 1 } : smsParts(text);
          bumpDay(this.smsPartsByEncoding, r.day, sms.encoding, sms.parts);
          bump(this.smsMessagesByEncoding, sms.encoding);
        }
        this.noteDueDate(r.loanId, r.seq, occurrenceDueDate(r));
        if (r.kind === 'DEBIT_FAILED') this.noteFailedDebitNotice(r, r.t);
        return;
      }
      case 'notification_skipped': {
        this.installment(r.loanId, r.seq);
        bumpDay(this.skipsByReason, r.day, r.reason);
        bump(this.skipsByKind, r.kind);
        this.noteDueDate(r.loanId, r.seq, occurrenceDueDate(r));
        if (r.kind === 'DEBIT_FAILED') this.noteFailedDebitNotice(r, r.t);
        return;
      }
      case 'transition':
        this.installment(r.loanId, r.seq).changes.push({
          t: r.t,
          idx,
          day: r.day,
          kind: 'state',
          from: r.from,
          to: r.to,
        });
        return;
      case 'event':
        this.takeEvent(r, idx);
        return;
    }
  }

  private takeEvent(e: EventRecord, idx: number): void {
    bump(this.events, e.detailType);
    if (e.seq === null) {
      bump(this.loanEvents, e.detailType);
      return;
    }
    const inst = this.installment(e.loanId, e.seq);
    const dueDate = eventDueDate(e);
    this.noteDueDate(e.loanId, e.seq, dueDate);
    const debit = dueDate ? this.debitCase(e.loanId, e.seq, dueDate) : undefined;
    switch (e.detailType) {
      case 'DelinquencyBucketChanged': {
        const from = detailString(e, 'from') ?? null;
        const to = detailString(e, 'to') ?? null;
        inst.changes.push({
          t: e.t,
          idx,
          day: e.day,
          kind: 'bucket',
          from,
          to,
          outstanding: detailNumber(e, 'outstanding') ?? 0,
          dpd: detailNumber(e, 'dpd') ?? 0,
        });
        return;
      }
      case 'DebitRetryRequested': {
        if (!debit) return;
        const attempt = detailNumber(e, 'attempt') ?? Number(detailString(e, 'occurrence')?.split('#')[1]);
        if (Number.isInteger(attempt) && attempt > 0 && !debit.retries.has(attempt))
          debit.retries.set(attempt, { t: e.t, day: e.day });
        this.noteFailure(debit, e.t, e.day);
        return;
      }
      case 'InstallmentEnteredGrace':
        // DPD 0: a failed debit recorded on the due date moved it at once (the aging run waits for DPD 1).
        if (debit && detailNumber(e, 'dpd') === 0) this.noteFailure(debit, e.t, e.day);
        return;
      case 'InstallmentPaid':
        this.penaltyCollected += detailNumber(e, 'penaltyPaid') ?? 0;
        if (debit && !debit.paid) debit.paid = { t: e.t, day: e.day, paidLate: e.detail.paidLate === true };
        return;
      case 'InstallmentWrittenOff':
        if (debit) debit.writtenOff = true;
        return;
      case 'RepaymentPlanAdjusted': {
        if (debit) debit.adjusted = true;
        this.penaltyFrozen += detailNumber(e, 'penaltyFrozen') ?? 0;
        const schedule = e.detail.schedule;
        if (detailString(e, 'action') === 'SPLIT' && Array.isArray(schedule)) {
          for (const part of schedule) {
            const seq = (part as { seq?: unknown })?.seq;
            if (typeof seq !== 'string') continue;
            const p = this.installment(e.loanId, seq);
            p.bornDay ??= e.day;
          }
        }
        return;
      }
    }
  }

  private installment(loanId: string, seq: string): Installment {
    const id = installmentId(loanId, seq);
    let inst = this.installments.get(id);
    if (!inst) {
      inst = { loanId, seq, changes: [] };
      this.installments.set(id, inst);
    }
    return inst;
  }

  private markDue(loanId: string, seq: string, dueDate: string): void {
    const set = this.due.get(dueDate) ?? new Set<string>();
    this.due.set(dueDate, set);
    set.add(installmentId(loanId, seq));
  }

  private noteDueDate(loanId: string, seq: string, dueDate: string | undefined): void {
    if (dueDate) this.markDue(loanId, seq, dueDate);
  }

  private debitCase(loanId: string, seq: string, dueDate: string): DebitCase {
    const id = `${installmentId(loanId, seq)}\u0000${dueDate}`;
    let c = this.cases.get(id);
    if (!c) {
      c = { hardNotice: false, retries: new Map(), adjusted: false, writtenOff: false };
      this.cases.set(id, c);
    }
    return c;
  }

  private noteFailure(c: DebitCase, t: number, day: string): void {
    if (!c.failedAt || t < c.failedAt.t) c.failedAt = { t, day };
  }

  private noteFailedDebitNotice(
    r: { loanId: string; seq: string; kind: string; occurrence: string; day: string },
    t: number,
  ) {
    const dueDate = occurrenceDueDate(r);
    if (!dueDate) return;
    const c = this.debitCase(r.loanId, r.seq, dueDate);
    this.noteFailure(c, t, r.day);
    if (r.occurrence.endsWith('#hard')) c.hardNotice = true;
  }

  /** The report of everything added so far. */
  build(): ReportData {
    const settings = this.settings;
    const firstDay = this.span?.from ?? this.firstDay;
    const lastDay = this.span?.to ?? this.lastDay;
    const days = firstDay && lastDay ? dayRange(firstDay, lastDay) : [];
    const index = new Map(days.map((d, i) => [d, i]));
    const at = (day: string | undefined) => (day === undefined ? 0 : (index.get(day) ?? 0));
    const n = days.length;

    // States and buckets at the end of each day: +1/-1 at each change, then running sums.
    const stateDelta = new Map<string, number[]>();
    const bucketDelta = new Map<string, number[]>();
    const shift = (map: Map<string, number[]>, name: string, i: number, by: number) => {
      const arr = map.get(name) ?? new Array<number>(n + 1).fill(0);
      map.set(name, arr);
      arr[i] = (arr[i] as number) + by;
    };
    const histories: Change[][] = [];
    for (const inst of this.installments.values()) {
      const changes = inst.changes.sort(byTime);
      histories.push(changes);
      if (n === 0) continue;
      const firstState = changes.find((c) => c.kind === 'state');
      let state = firstState?.from ?? inst.final?.status ?? 'SCHEDULED';
      let bucket: string | null = null;
      if (state === 'OVERDUE') {
        const firstBucket = changes.find((c) => c.kind === 'bucket');
        bucket = firstBucket ? firstBucket.from : (inst.final?.bucket ?? null);
        bucket ??= 'unknown';
      }
      const born = at(inst.bornDay);
      shift(stateDelta, state, born, 1);
      if (bucket) shift(bucketDelta, bucket, born, 1);
      for (const c of changes) {
        const i = Math.max(born, at(c.day));
        if (c.kind === 'state') {
          if (c.to === null || c.to === state) continue;
          shift(stateDelta, state, i, -1);
          shift(stateDelta, c.to, i, 1);
          if (state === 'OVERDUE' && bucket) {
            shift(bucketDelta, bucket, i, -1);
            bucket = null;
          }
          state = c.to;
        } else {
          if (bucket) shift(bucketDelta, bucket, i, -1);
          bucket = c.to;
          if (bucket) shift(bucketDelta, bucket, i, 1);
        }
      }
    }
    const running = (map: Map<string, number[]>, preferred: readonly string[]): DailySeries => {
      const order = ordered(map.keys(), preferred);
      const series: Record<string, number[]> = {};
      for (const name of order) {
        series[name] = runningSum((map.get(name) as number[]).slice(0, n));
      }
      return { order, series };
    };
    const rates = rollAndCureRates(histories, lastDay, settings.rateWindowDays);
    const bucketOrder = rates.map((r) => r.bucket);

    const daily = (map: DayCounts, preferred: readonly string[]): DailySeries => {
      const names = new Set<string>();
      for (const counts of map.values()) for (const k of Object.keys(counts)) names.add(k);
      const order = ordered(names, preferred);
      const series: Record<string, number[]> = {};
      for (const name of order) series[name] = days.map((d) => map.get(d)?.[name] ?? 0);
      return { order, series };
    };
    const total = (map: DayCounts) => {
      const out: Counts = {};
      for (const counts of map.values()) for (const [k, v] of Object.entries(counts)) bump(out, k, v);
      return out;
    };
    const sum = (counts: Counts) => Object.values(counts).reduce((a, b) => a + b, 0);

    // SMS parts and cost.
    const partsByEncoding = daily(this.smsPartsByEncoding, ENCODING_ORDER);
    const partsPerDay = days.map((_, i) =>
      partsByEncoding.order.reduce((s, e) => s + (partsByEncoding.series[e]?.[i] ?? 0), 0),
    );
    const partTotals = total(this.smsPartsByEncoding);
    const smsParts = sum(partTotals);

    // Failed debits and their recovery.
    const failedPerDay = new Array(n).fill(0);
    const recoveredPerDay = new Array(n).fill(0);
    const retryDelta = new Map<string, number[]>();
    const failedByDueDate = new Map<string, number>();
    const outcomes = { paidInGrace: 0, paidLate: 0, restructured: 0, writtenOff: 0, unpaid: 0 };
    const steps: RetryRow[] = [];
    const step = (attempt: number) => {
      while (steps.length <= attempt)
        steps.push({
          attempt: steps.length,
          reached: 0,
          recovered: 0,
          recoveredWithin24h: steps.length === 0 ? null : 0,
          rate: null,
        });
      return steps[attempt] as RetryRow;
    };
    let failed = 0;
    let hardNotices = 0;
    let retriesRequested = 0;
    let recovered = 0;
    for (const [id, c] of this.cases) {
      for (const [attempt, r] of c.retries) {
        retriesRequested++;
        const arr = retryDelta.get(String(attempt)) ?? new Array(n + 1).fill(0);
        retryDelta.set(String(attempt), arr);
        arr[at(r.day)]++;
      }
      if (!c.failedAt) continue;
      failed++;
      if (c.hardNotice) hardNotices++;
      failedPerDay[at(c.failedAt.day)]++;
      const dueDate = id.slice(id.lastIndexOf('\u0000') + 1);
      failedByDueDate.set(dueDate, (failedByDueDate.get(dueDate) ?? 0) + 1);
      step(0).reached++;
      const attempts = [...c.retries.keys()].sort((a, b) => a - b);
      for (const a of attempts) step(a).reached++;
      if (c.paid) {
        recovered++;
        recoveredPerDay[at(c.paid.day)]++;
        if (c.paid.paidLate) outcomes.paidLate++;
        else outcomes.paidInGrace++;
        // The last retry requested before the payment gets the credit.
        const paid = c.paid;
        const last = attempts.filter((a) => (c.retries.get(a) as { t: number }).t <= paid.t).pop() ?? 0;
        const row = step(last);
        row.recovered++;
        if (last > 0 && paid.t - (c.retries.get(last) as { t: number }).t <= DAY_MS)
          row.recoveredWithin24h = (row.recoveredWithin24h ?? 0) + 1;
      } else if (c.adjusted) outcomes.restructured++;
      else if (c.writtenOff) outcomes.writtenOff++;
      else outcomes.unpaid++;
    }
    for (const row of steps) row.rate = row.reached > 0 ? row.recovered / row.reached : null;
    const retryOrder = [...retryDelta.keys()].sort((a, b) => Number(a) - Number(b));
    const retriesByAttempt: DailySeries = {
      order: retryOrder.map((a) => `retry ${a}`),
      series: Object.fromEntries(
        retryOrder.map((a) => [`retry ${a}`, (retryDelta.get(a) as number[]).slice(0, n)]),
      ),
    };

    // Early warning, on the due dates inside the timeline.
    const dueDays = days.map((day) => ({
      day,
      due: this.due.get(day)?.size ?? 0,
      failed: failedByDueDate.get(day) ?? 0,
    }));
    const points = flagFailedDebitDays(dueDays, settings.earlyWarning);

    // Final records.
    const byStatus: Counts = {};
    const byBucket: Counts = {};
    let accrued = 0;
    let outstanding = 0;
    for (const inst of this.installments.values()) {
      const f = inst.final;
      if (!f) continue;
      bump(byStatus, f.status);
      if (f.bucket) bump(byBucket, f.bucket);
      accrued += f.penaltyAccrued;
      outstanding += f.outstanding;
    }
    const smsByEncoding: Record<string, { messages: number; parts: number }> = {};
    for (const e of ordered(Object.keys(this.smsMessagesByEncoding), ENCODING_ORDER))
      smsByEncoding[e] = { messages: this.smsMessagesByEncoding[e] ?? 0, parts: partTotals[e] ?? 0 };
    const sentByKind = total(this.sentByKind);
    const skipsByReason = total(this.skipsByReason);

    return {
      settings,
      source: {
        byType: this.byType,
        ignored: this.ignored,
        malformed: this.malformed,
        firstDay,
        lastDay,
        installments: this.installments.size,
        loans: new Set([...this.installments.values()].map((i) => i.loanId)).size,
      },
      days,
      states: running(stateDelta, STATE_ORDER),
      buckets: running(bucketDelta, bucketOrder),
      notifications: {
        byKind: daily(this.sentByKind, KIND_ORDER),
        byChannel: daily(this.messagesByChannel, CHANNEL_ORDER),
        skipsByReason: daily(this.skipsByReason, REASON_ORDER),
        totals: {
          sent: sum(sentByKind),
          byKind: sentByKind,
          messagesByChannel: total(this.messagesByChannel),
          skipped: sum(skipsByReason),
          skipsByReason,
          skipsByKind: { ...this.skipsByKind },
        },
      },
      sms: {
        partsByEncoding,
        costFen: partsPerDay.map((p) => p * settings.smsPricePerPartFen),
        totals: {
          messages: sum(this.smsMessagesByEncoding),
          parts: smsParts,
          costFen: smsParts * settings.smsPricePerPartFen,
          byEncoding: smsByEncoding,
        },
      },
      debits: {
        totals: {
          failed,
          dueInstallments: [...this.due.values()].reduce((s, set) => s + set.size, 0),
          hardDeclineNotices: hardNotices,
          retriesRequested,
          resultsMissing: this.events.DebitResultMissing ?? 0,
          recovered,
        },
        outcomes,
        retriesByAttempt,
        failedPerDay,
        recoveredPerDay,
        byRetry: steps,
      },
      earlyWarning: { points, flagged: points.filter((p) => p.flagged).map((p) => p.day) },
      rates: { windowDays: settings.rateWindowDays, buckets: rates },
      penalty: {
        accruedFen: accrued,
        collectedFen: this.penaltyCollected,
        frozenOnSplitFen: this.penaltyFrozen,
      },
      finals: { byStatus, byBucket, outstandingFen: outstanding },
      events: { ...this.events },
      loanEvents: { ...this.loanEvents },
    };
  }
}

/** The report of a whole timeline (records already parsed). */
export function buildReport(records: Iterable<unknown>, settings: Partial<ReportSettings> = {}): ReportData {
  const builder = new ReportBuilder(settings);
  for (const r of records) builder.add(r);
  return builder.build();
}

/** The report of a JSON Lines text. */
export function buildReportFromText(text: string, settings: Partial<ReportSettings> = {}): ReportData {
  const builder = new ReportBuilder(settings);
  for (const line of text.split('\n')) builder.addLine(line);
  return builder.build();
}
