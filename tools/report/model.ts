/**
 * The report's data: what `buildReport` derives from a timeline and what the HTML page draws. Plain
 * JSON (it is embedded in the page). Per-day series are arrays aligned with `days`. How each figure
 * is derived: docs/report.md.
 */

export type Counts = Record<string, number>;

/** Stacked series over `days`: `series[name][i]` on `days[i]`, names in drawing order. */
export interface DailySeries {
  order: string[];
  series: Record<string, number[]>;
}

export interface EarlyWarningSettings {
  /** Calendar days before a due date whose failed-debit rates form its baseline. */
  baselineDays: number;
  /** Due dates (with installments due) the baseline needs before a day is judged. */
  minBaselineDays: number;
  /** The control limit: baseline + sigmas x the binomial standard error of the day. */
  sigmas: number;
  /** A day is flagged only with at least this many failed debits. */
  minFailedDebits: number;
}

export interface ReportSettings {
  title: string;
  smsPricePerPartFen: number;
  earlyWarning: EarlyWarningSettings;
  /** Days after entering a bucket within which a roll or cure counts (30). */
  rateWindowDays: number;
}

/** One due date of the early-warning chart. */
export interface WarningPoint {
  day: string;
  due: number;
  failed: number;
  rate: number;
  /** Pooled failed-debit rate of the baseline days; null when the baseline is too short. */
  baseline: number | null;
  /** baseline + sigmas x sqrt(baseline (1 - baseline) / due); null without a baseline. */
  upper: number | null;
  z: number | null;
  flagged: boolean;
}

/** Recovery after a failed debit, by the number of retries requested before the payment. */
export interface RetryRow {
  /** 0: the failed debit itself; N: retry N. */
  attempt: number;
  /** Failed debits that reached this step (retry N requested). */
  reached: number;
  /** Paid after this step and before the next retry was requested. */
  recovered: number;
  /** Of `recovered`, paid within 24 hours of the retry request (null for step 0). */
  recoveredWithin24h: number | null;
  rate: number | null;
}

/** Roll and cure of the installments entering one bucket. */
export interface BucketRates {
  bucket: string;
  /** Entries whose whole window lies inside the timeline (the cohort). */
  entries: number;
  /** Entries too recent to judge (window not over at the timeline's last day). */
  immature: number;
  rolled: number;
  curedPaid: number;
  curedCurrent: number;
  restructured: number;
  stayed: number;
  rollRate: number | null;
  cureRate: number | null;
  /** The same shares weighted by the outstanding at entry (fen). */
  balance: {
    entries: number;
    rolled: number;
    cured: number;
    rollRate: number | null;
    cureRate: number | null;
  };
}

export interface ReportData {
  settings: ReportSettings;
  source: {
    /** Records read, by type (unknown types included). */
    byType: Counts;
    ignored: number;
    malformed: number;
    firstDay: string | null;
    lastDay: string | null;
    installments: number;
    loans: number;
  };
  days: string[];
  states: DailySeries;
  buckets: DailySeries;
  notifications: {
    byKind: DailySeries;
    byChannel: DailySeries;
    skipsByReason: DailySeries;
    totals: {
      sent: number;
      byKind: Counts;
      messagesByChannel: Counts;
      skipped: number;
      skipsByReason: Counts;
      skipsByKind: Counts;
    };
  };
  sms: {
    /** SMS parts per day by encoding (GSM-7, UCS-2; `unknown` when the text is not in the timeline). */
    partsByEncoding: DailySeries;
    costFen: number[];
    totals: {
      messages: number;
      parts: number;
      costFen: number;
      byEncoding: Record<string, { messages: number; parts: number }>;
    };
  };
  debits: {
    totals: {
      failed: number;
      dueInstallments: number;
      hardDeclineNotices: number;
      retriesRequested: number;
      resultsMissing: number;
      recovered: number;
    };
    outcomes: {
      paidInGrace: number;
      paidLate: number;
      restructured: number;
      writtenOff: number;
      unpaid: number;
    };
    /** Retries requested per day, by attempt. */
    retriesByAttempt: DailySeries;
    /** Failed debits (by their first sign) and their payments, per day. */
    failedPerDay: number[];
    recoveredPerDay: number[];
    byRetry: RetryRow[];
  };
  earlyWarning: { points: WarningPoint[]; flagged: string[] };
  rates: { windowDays: number; buckets: BucketRates[] };
  penalty: { accruedFen: number; collectedFen: number; frozenOnSplitFen: number };
  finals: { byStatus: Counts; byBucket: Counts; outstandingFen: number };
  events: Counts;
  /** Loan-level events (seq null): pauses and resumes. */
  loanEvents: Counts;
}

/** One figure of a what-if comparison. */
export interface Difference {
  section: string;
  metric: string;
  unit: 'count' | 'fen' | 'rate';
  a: number | null;
  b: number | null;
  /** True when the difference is one an operator or a risk team acts on (messages, cost, recoveries, rates, penalty). */
  key: boolean;
}

export interface ComparisonData {
  labels: { a: string; b: string };
  scenario: string;
  a: ReportData;
  b: ReportData;
  differences: Difference[];
  /** Sentences for the top of the page. */
  headline: string[];
}
