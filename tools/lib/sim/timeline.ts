/**
 * The timeline of SIMULATION.md: record types, their field order on a line, the `final` records,
 * and the summary counted from the records as they are written.
 */
import type { Config } from '../../../shared/config/schema';
import { bucketFor } from '../../../shared/rules/buckets-escalation';
import { dpdOn } from '../../../shared/rules/dpd';
import { compareSeq } from '../../../shared/rules/installment';
import { outstandingOn } from '../../../shared/rules/outstanding';
import { penaltyToDate } from '../../../shared/rules/penalty';
import type { Installment, LocalDate } from '../../../shared/rules/types';

/** A notification occurrence, sent or skipped. */
interface OccurrenceRecord {
  at: string;
  borrowerId: string;
  loanId: string;
  seq: string;
  kind: string;
  occurrence: string;
}
export interface NotificationRecord extends OccurrenceRecord {
  type: 'notification';
  channels: string[];
  messages: Record<string, string>;
}
interface NotificationSkippedRecord extends OccurrenceRecord {
  type: 'notification_skipped';
  reason: 'CAP' | 'UNREACHABLE';
}
interface TransitionRecord {
  type: 'transition';
  at: string;
  loanId: string;
  seq: string;
  from: string;
  to: string;
  dpd: number;
}
export interface EventRecord {
  type: 'event';
  at: string;
  detailType: string;
  loanId: string;
  seq: string;
  detail: Record<string, unknown>;
}
export interface FinalRecord {
  type: 'final';
  loanId: string;
  seq: string;
  status: string;
  dueDate: string;
  dpd: number;
  bucket: string | null;
  graceDays: number | null;
  penaltyAccrued: number;
  paid: number;
  outstanding: number;
  overpaid: number;
}
export type TimedRecord = NotificationRecord | NotificationSkippedRecord | TransitionRecord | EventRecord;
export type TimelineRecord = TimedRecord | FinalRecord;

/** Orders installments (or `final` records) by `loanId`, then `seq` numerically. */
export const compareInstallments = (
  a: { loanId: string; seq: string },
  b: { loanId: string; seq: string },
) => (a.loanId < b.loanId ? -1 : a.loanId > b.loanId ? 1 : compareSeq(a.seq, b.seq));

/** The `final` record of an installment as it stands on the last day of the run. */
export function finalRecord(inst: Installment, endDay: LocalDate, config: Config): FinalRecord {
  const dpd = dpdOn(inst, endDay);
  return {
    type: 'final',
    loanId: inst.loanId,
    seq: inst.seq,
    status: inst.status,
    dueDate: inst.dueDate,
    dpd,
    bucket: inst.status === 'OVERDUE' ? bucketFor(dpd, config) : null,
    graceDays: inst.graceDays ?? null,
    penaltyAccrued: penaltyToDate(inst, endDay),
    paid: inst.paidPrincipal + inst.paidInterest + inst.paidPenalty,
    outstanding: outstandingOn(inst, endDay).total,
    overpaid: inst.overpaid,
  };
}

/** One JSON line, fields in the contract's order (`type` first). */
export function toJsonLine(record: TimelineRecord): string {
  return JSON.stringify(record);
}

type Counts = Record<string, number>;
const bump = (counts: Counts, key: string, by = 1) => {
  counts[key] = (counts[key] ?? 0) + by;
};
/** Counts with their keys sorted, so the summary prints the same way every time. */
const sorted = (counts: Counts): Counts =>
  Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export interface SimulationSummary {
  days: number;
  steps: { jobRuns: number; events: number; retryAnswers: number };
  notifications: { total: number; byKind: Counts; byChannel: Counts };
  skipped: { total: number; byReason: Counts; byKind: Counts };
  events: { total: number; byDetailType: Counts };
  transitions: { total: number; byTo: Counts; graceToPaid: number };
  debits: { failed: number; succeeded: number };
  retries: { requested: number; answeredSucceeded: number; answeredFailed: number };
  installments: { total: number; byStatus: Counts; byBucket: Counts };
  penalty: { accrued: number; collected: number };
  /** Intake or work records a handler reported failed after every redelivery. */
  deadLettered: { intake: number; work: number };
}

/** Counts the records as they are written: no record needs to be kept for the summary. */
export class SummaryBuilder {
  private readonly s: SimulationSummary = {
    days: 0,
    steps: { jobRuns: 0, events: 0, retryAnswers: 0 },
    notifications: { total: 0, byKind: {}, byChannel: {} },
    skipped: { total: 0, byReason: {}, byKind: {} },
    events: { total: 0, byDetailType: {} },
    transitions: { total: 0, byTo: {}, graceToPaid: 0 },
    debits: { failed: 0, succeeded: 0 },
    retries: { requested: 0, answeredSucceeded: 0, answeredFailed: 0 },
    installments: { total: 0, byStatus: {}, byBucket: {} },
    penalty: { accrued: 0, collected: 0 },
    deadLettered: { intake: 0, work: 0 },
  };
  private penaltyPaid = 0;

  get counters() {
    return this.s;
  }

  add(record: TimelineRecord, inst?: Installment): void {
    const s = this.s;
    switch (record.type) {
      case 'notification':
        s.notifications.total++;
        bump(s.notifications.byKind, record.kind);
        for (const channel of record.channels) bump(s.notifications.byChannel, channel);
        break;
      case 'notification_skipped':
        s.skipped.total++;
        bump(s.skipped.byReason, record.reason);
        bump(s.skipped.byKind, record.kind);
        break;
      case 'event':
        s.events.total++;
        bump(s.events.byDetailType, record.detailType);
        if (record.detailType === 'DebitRetryRequested') s.retries.requested++;
        break;
      case 'transition':
        s.transitions.total++;
        bump(s.transitions.byTo, record.to);
        if (record.from === 'IN_GRACE' && record.to === 'PAID') s.transitions.graceToPaid++;
        break;
      case 'final':
        s.installments.total++;
        bump(s.installments.byStatus, record.status);
        if (record.bucket) bump(s.installments.byBucket, record.bucket);
        s.penalty.accrued += record.penaltyAccrued;
        this.penaltyPaid += inst?.paidPenalty ?? 0;
        s.penalty.collected = this.penaltyPaid;
        break;
    }
  }

  build(): SimulationSummary {
    const s = this.s;
    return {
      ...s,
      notifications: {
        ...s.notifications,
        byKind: sorted(s.notifications.byKind),
        byChannel: sorted(s.notifications.byChannel),
      },
      skipped: { ...s.skipped, byReason: sorted(s.skipped.byReason), byKind: sorted(s.skipped.byKind) },
      events: { ...s.events, byDetailType: sorted(s.events.byDetailType) },
      transitions: { ...s.transitions, byTo: sorted(s.transitions.byTo) },
      installments: {
        ...s.installments,
        byStatus: sorted(s.installments.byStatus),
        byBucket: sorted(s.installments.byBucket),
      },
    };
  }
}

/** The short human summary of a run (stderr of `simulate`): counts by kind, state and bucket. */
export function formatSummary(s: SimulationSummary): string[] {
  const list = (counts: Counts) =>
    Object.keys(counts).length === 0
      ? 'none'
      : Object.entries(counts)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ');
  return [
    `simulated ${s.days} day(s): ${s.steps.jobRuns} job runs, ${s.steps.events} scenario events, ${s.steps.retryAnswers} retry answers`,
    `notifications ${s.notifications.total}: ${list(s.notifications.byKind)}`,
    `skipped ${s.skipped.total}: ${list(s.skipped.byReason)}`,
    `events ${s.events.total}: ${list(s.events.byDetailType)}`,
    `transitions ${s.transitions.total}: ${list(s.transitions.byTo)}`,
    `installments ${s.installments.total} by state: ${list(s.installments.byStatus)}`,
    `overdue by bucket: ${list(s.installments.byBucket)}`,
    ...(s.deadLettered.intake + s.deadLettered.work > 0
      ? [`dead-lettered: ${s.deadLettered.intake} intake, ${s.deadLettered.work} work item(s)`]
      : []),
  ];
}
