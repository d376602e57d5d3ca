/**
 * Timeline records (SIMULATION.md) as the report reads them: checked field by field, tolerant of
 * what it does not know. A record of an unknown type, an event of an unknown detail type, extra
 * fields and `seq: null` (an event about a whole loan) are fine; a record missing a field the report
 * needs is counted as malformed and left out, never thrown on: a timeline exported from production
 * must draw.
 */

/** A record with a time: `day` is the local calendar date of `at` (its first 10 characters). */
interface Timed {
  at: string;
  day: string;
  /** `at` as epoch milliseconds, to order records written with different offsets. */
  t: number;
}

export interface NotificationRecord extends Timed {
  type: 'notification';
  borrowerId: string;
  loanId: string;
  seq: string;
  kind: string;
  occurrence: string;
  channels: string[];
  messages: Record<string, string>;
}
export interface SkipRecord extends Timed {
  type: 'notification_skipped';
  borrowerId: string;
  loanId: string;
  seq: string;
  kind: string;
  occurrence: string;
  reason: string;
}
export interface TransitionRecord extends Timed {
  type: 'transition';
  loanId: string;
  seq: string;
  from: string;
  to: string;
  dpd: number;
}
export interface EventRecord extends Timed {
  type: 'event';
  detailType: string;
  loanId: string;
  /** Null for an event about a whole loan (CollectionPaused, CollectionResumed, ...). */
  seq: string | null;
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
  penaltyAccrued: number;
  paid: number;
  outstanding: number;
  overpaid: number;
}
export type ReportRecord = NotificationRecord | SkipRecord | TransitionRecord | EventRecord | FinalRecord;

export type ReadResult =
  | { ok: true; record: ReportRecord }
  | { ok: false; why: 'unknown-type' | 'malformed'; message: string };

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
export const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const num = (v: unknown): number => (isNumber(v) ? v : 0);

/** The fields each type needs, by type (anything else a record carries is ignored). */
const NEEDS: Record<ReportRecord['type'], Record<string, (v: unknown) => boolean>> = {
  notification: {
    loanId: isString,
    seq: isString,
    kind: isString,
    occurrence: isString,
    channels: (v) => Array.isArray(v) && v.every(isString),
  },
  notification_skipped: { loanId: isString, seq: isString, kind: isString, reason: isString },
  transition: { loanId: isString, seq: isString, from: isString, to: isString },
  event: { detailType: isString, loanId: isString, seq: (v) => v === null || isString(v) },
  final: { loanId: isString, seq: isString, status: isString },
};

/** Reads one parsed JSON line as a report record. */
export function readRecord(raw: unknown): ReadResult {
  if (!isRecord(raw) || !isString(raw.type)) return { ok: false, why: 'malformed', message: 'no type' };
  const type = raw.type;
  if (!(type in NEEDS)) return { ok: false, why: 'unknown-type', message: `unknown type ${type}` };
  for (const [field, check] of Object.entries(NEEDS[type as ReportRecord['type']]))
    if (!check(raw[field])) return { ok: false, why: 'malformed', message: `${type}: bad ${field}` };
  if (type === 'final') {
    return {
      ok: true,
      record: {
        type,
        loanId: raw.loanId as string,
        seq: raw.seq as string,
        status: raw.status as string,
        dueDate: isString(raw.dueDate) ? raw.dueDate : '',
        dpd: num(raw.dpd),
        bucket: isString(raw.bucket) ? raw.bucket : null,
        penaltyAccrued: num(raw.penaltyAccrued),
        paid: num(raw.paid),
        outstanding: num(raw.outstanding),
        overpaid: num(raw.overpaid),
      },
    };
  }
  const at = raw.at;
  const t = isString(at) && TIMESTAMP.test(at) ? Date.parse(at) : Number.NaN;
  if (!isString(at) || Number.isNaN(t)) return { ok: false, why: 'malformed', message: `${type}: bad at` };
  const timed = { at, day: at.slice(0, 10), t };
  switch (type) {
    case 'notification':
      return {
        ok: true,
        record: {
          type,
          ...timed,
          borrowerId: isString(raw.borrowerId) ? raw.borrowerId : '',
          loanId: raw.loanId as string,
          seq: raw.seq as string,
          kind: raw.kind as string,
          occurrence: raw.occurrence as string,
          channels: raw.channels as string[],
          messages: isRecord(raw.messages)
            ? (Object.fromEntries(Object.entries(raw.messages).filter(([, v]) => isString(v))) as Record<
                string,
                string
              >)
            : {},
        },
      };
    case 'notification_skipped':
      return {
        ok: true,
        record: {
          type,
          ...timed,
          borrowerId: isString(raw.borrowerId) ? raw.borrowerId : '',
          loanId: raw.loanId as string,
          seq: raw.seq as string,
          kind: raw.kind as string,
          occurrence: isString(raw.occurrence) ? raw.occurrence : '',
          reason: raw.reason as string,
        },
      };
    case 'transition':
      return {
        ok: true,
        record: {
          type,
          ...timed,
          loanId: raw.loanId as string,
          seq: raw.seq as string,
          from: raw.from as string,
          to: raw.to as string,
          dpd: num(raw.dpd),
        },
      };
    default:
      return {
        ok: true,
        record: {
          type: 'event',
          ...timed,
          detailType: raw.detailType as string,
          loanId: raw.loanId as string,
          seq: raw.seq as string | null,
          detail: isRecord(raw.detail) ? raw.detail : {},
        },
      };
  }
}

/** `detail[field]` when it is a string. */
export const detailString = (e: EventRecord, field: string): string | undefined =>
  isString(e.detail[field]) ? (e.detail[field] as string) : undefined;

/** `detail[field]` when it is a finite number. */
export const detailNumber = (e: EventRecord, field: string): number | undefined =>
  isNumber(e.detail[field]) ? (e.detail[field] as number) : undefined;

/** The due date an event is about (`detail.dueDate`), when it names one. */
export const eventDueDate = (e: EventRecord): string | undefined => {
  const d = detailString(e, 'dueDate');
  return d !== undefined && LOCAL_DATE.test(d) ? d : undefined;
};

/** Kinds whose occurrence starts with the installment's due date (RULES.md 6); GRACE_LAST_DAY's is graceEndsOn. */
const OCCURRENCE_STARTS_WITH_DUE_DATE = new Set([
  'UPCOMING',
  'DUE_TODAY',
  'DEBIT_FAILED',
  'OVERDUE',
  'CREDIT_REPORT_WARNING',
]);

/** The due date a notification or skip is about, read from its occurrence. */
export function occurrenceDueDate(r: { kind: string; occurrence: string }): string | undefined {
  if (!OCCURRENCE_STARTS_WITH_DUE_DATE.has(r.kind)) return undefined;
  const d = r.occurrence.slice(0, 10);
  return LOCAL_DATE.test(d) ? d : undefined;
}

/** The key of an installment in the report's maps. */
export const installmentId = (loanId: string, seq: string) => `${loanId}\u0000${seq}`;
