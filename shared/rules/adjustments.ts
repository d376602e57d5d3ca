/**
 * Repayment plan adjustments for hardship (RULES.md section 8): EXTEND moves the due date, SPLIT
 * restructures an installment into parts. A request is approved or rejected with the first reason
 * code that applies: NOT_FOUND, INVALID_REQUEST, NOT_ELIGIBLE_STATUS, LIMIT_EXCEEDED.
 */

import { ageInstallment } from './aging';
import { addDays, daysBetween } from './calendar';
import { dpdOn } from './dpd';
import { adjustedEvent, adjustmentRejectedEvent } from './events';
import { isClosed, newInstallment, stableJson } from './installment';
import { outstandingOn } from './outstanding';
import { penaltyToDate } from './penalty';
import type { RuleContext } from './states';
import {
  type DomainEvent,
  debitFactsSchema,
  escalationFactsSchema,
  type Installment,
  type LocalDate,
  REJECTION_CODES,
  type RejectionCode,
  reminderFactsSchema,
  type Transition,
} from './types';

/** An adjustment request as it arrives: `action`, `days` and `parts` are checked here. */
export interface AdjustmentRequest {
  requestId: string;
  loanId: string;
  seq: string;
  action: unknown;
  days?: unknown;
  parts?: unknown;
}

export type AdjustmentDecision =
  | {
      approved: true;
      /** The adjusted installment (RESTRUCTURED for a SPLIT), its receipts holding the request. */
      installment: Installment;
      /** For a SPLIT: the new parts, SCHEDULED, to be created after the original is saved. */
      parts: Installment[];
      transitions: Transition[];
      events: DomainEvent[];
    }
  | { approved: false; code: RejectionCode; events: DomainEvent[] };

/**
 * How the intake use case records a rejected request in the installment's receipts (the rule
 * returns no installment for a rejection). A redelivered request finds it and gets the same answer.
 */
export const REJECTED_RECEIPT_PREFIX = 'REJECTED:';

type Valid = { action: 'EXTEND'; days: number } | { action: 'SPLIT'; parts: number };

const isCount = (v: unknown, min: number): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min;

/** The request's own shape, before looking at the installment's state. */
function parseRequest(request: AdjustmentRequest): Valid | null {
  if (request.action === 'EXTEND')
    return isCount(request.days, 1) ? { action: 'EXTEND', days: request.days } : null;
  if (request.action === 'SPLIT')
    return isCount(request.parts, 2) ? { action: 'SPLIT', parts: request.parts } : null;
  return null;
}

const fingerprintOf = (request: Valid) => stableJson({ type: 'adjustment', ...request });

/**
 * Decides an adjustment request on `today` (its local date) and, when approved, applies it.
 * The aging due by `today` is applied first, so eligibility and the penalty carried over do not
 * depend on whether today's aging run already happened.
 *
 * EXTEND: `dueDate += days`, SCHEDULED again (a transition with dpd 0 when it was not), the old due
 * date's grace, bucket, debit, reminder and escalation facts cleared, the penalty to date carried
 * (`penaltyCarried`) and none accruing until the new due date has passed; `everOverdue` stays.
 * SPLIT: the original becomes RESTRUCTURED (closed today, its penalty to date frozen in
 * `penaltyCarried`) and its outstanding principal, interest and penalty are each split evenly
 * (remainder fen on part 1) into parts `"<seq>.1".."<seq>.<n>"`, due every `splitIntervalDays`
 * after today. A request already answered (its `requestId` in the receipts) gets the same answer
 * with no new events; an approved SPLIT returns its parts again so a crashed creation can finish.
 * @example evaluateAdjustment(inst, { requestId: 'r1', loanId: 'L1', seq: '1', action: 'EXTEND', days: 10 }, '2026-12-09', ctx)
 */
export function evaluateAdjustment(
  inst: Installment | null,
  request: AdjustmentRequest,
  today: LocalDate,
  ctx: RuleContext,
): AdjustmentDecision {
  const { requestId } = request;
  if (!inst) {
    const ref = { loanId: request.loanId, seq: request.seq, borrowerId: null, dueDate: null };
    return {
      approved: false,
      code: 'NOT_FOUND',
      events: [adjustmentRejectedEvent(ref, requestId, request.action, 'NOT_FOUND')],
    };
  }
  const answered = inst.receipts[requestId];
  if (answered !== undefined) return answerAgain(inst, answered, ctx);

  const reject = (code: RejectionCode): AdjustmentDecision => ({
    approved: false,
    code,
    events: [adjustmentRejectedEvent(inst, requestId, request.action, code)],
  });

  const valid = parseRequest(request);
  if (!valid) return reject('INVALID_REQUEST');

  const aged = ageInstallment(inst, today, ctx);
  const cur = aged.installment;
  const { adjustments } = ctx.config;
  if (isClosed(cur) || (cur.status === 'OVERDUE' && dpdOn(cur, today) > adjustments.untilDpd)) {
    return reject('NOT_ELIGIBLE_STATUS');
  }
  // The new due date must fall after the day of approval: a question only for an installment that
  // could be approved, so it comes after the status. Compared in days, so a huge `days` is left to
  // the limit check instead of overflowing the calendar.
  if (valid.action === 'EXTEND' && valid.days <= daysBetween(cur.dueDate, today))
    return reject('INVALID_REQUEST');
  if (
    valid.action === 'EXTEND' &&
    (valid.days > adjustments.maxExtensionDays || cur.extensions >= adjustments.maxExtensions)
  ) {
    return reject('LIMIT_EXCEEDED');
  }
  if (valid.action === 'SPLIT' && valid.parts > adjustments.maxSplitParts) return reject('LIMIT_EXCEEDED');

  const receipts = { ...cur.receipts, [requestId]: fingerprintOf(valid) };
  const applied =
    valid.action === 'EXTEND'
      ? extend({ ...cur, receipts }, valid.days, requestId, today)
      : split({ ...cur, receipts }, valid.parts, requestId, today, ctx);
  return {
    approved: true,
    installment: applied.installment,
    parts: applied.parts,
    transitions: [...aged.transitions, ...applied.transitions],
    events: [...aged.events, ...applied.events],
  };
}

/** The same answer as the first time, with no new events. */
function answerAgain(inst: Installment, answered: string, ctx: RuleContext): AdjustmentDecision {
  if (answered.startsWith(REJECTED_RECEIPT_PREFIX)) {
    const code = answered.slice(REJECTED_RECEIPT_PREFIX.length);
    const known = (REJECTION_CODES as readonly string[]).includes(code);
    return { approved: false, code: known ? (code as RejectionCode) : 'INVALID_REQUEST', events: [] };
  }
  const wasSplit = inst.status === 'RESTRUCTURED' && answered.includes('"action":"SPLIT"');
  return {
    approved: true,
    installment: inst,
    parts: wasSplit ? planParts(inst, ctx) : [],
    transitions: [],
    events: [],
  };
}

interface Applied {
  installment: Installment;
  parts: Installment[];
  transitions: Transition[];
  events: DomainEvent[];
}

function extend(cur: Installment, days: number, requestId: string, today: LocalDate): Applied {
  const newDueDate = addDays(cur.dueDate, days);
  const installment: Installment = {
    ...cur,
    dueDate: newDueDate,
    status: 'SCHEDULED',
    // Penalty owed so far stays owed; the potential penalty of grace days is waived with the old date.
    penaltyCarried: penaltyToDate(cur, today),
    penaltyCheckpoint: null,
    graceDays: null,
    graceEndsOn: null,
    overdueOn: null,
    bucket: null,
    debit: debitFactsSchema.parse({}),
    reminders: reminderFactsSchema.parse({}),
    escalations: escalationFactsSchema.parse({}),
    extensions: cur.extensions + 1,
  };
  const transitions: Transition[] =
    cur.status === 'SCHEDULED'
      ? []
      : [{ loanId: cur.loanId, seq: cur.seq, from: cur.status, to: 'SCHEDULED', dpd: 0 }];
  const event = adjustedEvent(cur, requestId, 'EXTEND', {
    days,
    previousDueDate: cur.dueDate,
    newDueDate,
    penaltyCarried: installment.penaltyCarried,
    outstanding: outstandingOn(installment, today).total,
  });
  return { installment, parts: [], transitions, events: [event] };
}

function split(cur: Installment, n: number, requestId: string, today: LocalDate, ctx: RuleContext): Applied {
  const installment: Installment = {
    ...cur,
    status: 'RESTRUCTURED',
    closedOn: today,
    // Frozen: the penalty to date becomes carried and stops accruing, and stays readable.
    penaltyCarried: penaltyToDate(cur, today),
    overdueOn: null,
    penaltyCheckpoint: null,
    bucket: null,
    parts: Array.from({ length: n }, (_, i) => `${cur.seq}.${i + 1}`),
  };
  const parts = planParts(installment, ctx);
  const transition: Transition = {
    loanId: cur.loanId,
    seq: cur.seq,
    from: cur.status,
    to: 'RESTRUCTURED',
    dpd: dpdOn(installment, today),
  };
  const event = adjustedEvent(cur, requestId, 'SPLIT', {
    parts: n,
    penaltyFrozen: installment.penaltyCarried,
    schedule: parts.map((p) => ({
      seq: p.seq,
      dueDate: p.dueDate,
      principal: p.principal,
      interest: p.interest,
      penalty: p.penaltyCarried,
    })),
  });
  return { installment, parts, transitions: [transition], events: [event] };
}

/** `total` split evenly over `n` parts, the remainder fen on part 1 (k is 1-based). */
const shareOf = (total: number, n: number, k: number) => Math.floor(total / n) + (k === 1 ? total % n : 0);

/**
 * The parts of a RESTRUCTURED installment, from its stored facts alone (so a redelivered request
 * rebuilds exactly the same parts): what it still owed when split, shared over `parts`, due every
 * `splitIntervalDays` after `closedOn`, each carrying its penalty share and the original's rate.
 */
function planParts(restructured: Installment, ctx: RuleContext): Installment[] {
  const n = restructured.parts.length;
  const splitOn = restructured.closedOn ?? restructured.dueDate;
  const principal = restructured.principal - restructured.paidPrincipal;
  const interest = restructured.interest - restructured.paidInterest;
  const penalty = Math.max(0, restructured.penaltyCarried - restructured.paidPenalty);
  return restructured.parts.map((seq, i) => {
    const k = i + 1;
    const part = newInstallment(
      {
        loanId: restructured.loanId,
        seq,
        borrowerId: restructured.borrowerId,
        dueDate: addDays(splitOn, k * ctx.config.adjustments.splitIntervalDays),
        principal: shareOf(principal, n, k),
        interest: shareOf(interest, n, k),
        penaltyDailyRatePpm: restructured.penaltyDailyRatePpm,
      },
      ctx.config,
    );
    return { ...part, penaltyCarried: shareOf(penalty, n, k) };
  });
}
