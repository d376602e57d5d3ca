/**
 * Intake: debit results, payments and adjustment requests take effect at once (RULES.md sections
 * 4, 7, 8).
 *
 * Primary course:
 * 1. Read the installment (strongly consistent); unknown -> NOT_FOUND.
 * 2. Apply the rule (which dedupes by the event's own id through the installment's receipts).
 * 3. Commit conditionally on the version read; on a concurrent write, re-read and apply again, so a
 *    payment always lands on the latest state and never loses to an aging run.
 * 4. Publish the outbox exactly once per occurrence.
 */

import { evaluateAdjustment, REJECTED_RECEIPT_PREFIX } from '../../shared/rules/adjustments';
import { formatInstant, localDateOf } from '../../shared/rules/calendar';
import { recordDebitResult } from '../../shared/rules/debit-results';
import { compareSeq } from '../../shared/rules/installment';
import { nextActionDates } from '../../shared/rules/next-actions';
import { outstandingOn } from '../../shared/rules/outstanding';
import { applyPayment, splitPaymentAcrossParts } from '../../shared/rules/payments';
import type { Outcome } from '../../shared/rules/states';
import type { Installment } from '../../shared/rules/types';
import { METRIC } from '../../shared/telemetry-names';
import type { IntakeEvent, RepaymentPlanAdjustmentRequested } from '../schemas/intake-events';
import { count, logger } from '../wiring/telemetry';
import type { Deps } from './deps';
import { commitChange, flushOutboxes, isNoop, newLeaseOwner, publishOnce } from './outbox';

export type IntakeResult =
  | { result: 'APPLIED' | 'DUPLICATE' | 'CONFLICTING_DUPLICATE' | 'REJECTED'; code?: string }
  | { result: 'NOT_FOUND' };

const MAX_ATTEMPTS = 8;

export async function takeIn(deps: Deps, event: IntakeEvent): Promise<IntakeResult> {
  switch (event.type) {
    case 'DebitAttemptCompleted': {
      const d = event.detail;
      const on = localDateOf(d.attemptedAt, deps.config.timeZone);
      if (d.outcome === 'FAILED') {
        count(METRIC.debitsFailed);
      } else count(METRIC.debitsSucceeded);
      return applyToInstallment(deps, d.loanId, d.seq, d.attemptedAt, async (inst) => {
        if (d.outcome === 'FAILED') await deps.borrowers.recordFailedDebit(inst.borrowerId, on);
        if (inst.status === 'RESTRUCTURED') {
          if (d.outcome === 'FAILED') return null;
          await payParts(deps, inst, d.attemptId, d.amount, d.attemptedAt);
          return null;
        }
        return recordDebitResult(
          inst,
          { attemptId: d.attemptId, outcome: d.outcome, reason: d.reason, amount: d.amount, attemptedOn: on },
          { config: deps.config, borrower: await borrowerOf(deps, inst) },
        );
      });
    }
    case 'RepaymentReceived': {
      const d = event.detail;
      const on = localDateOf(d.receivedAt, deps.config.timeZone);
      return applyToInstallment(deps, d.loanId, d.seq, d.receivedAt, async (inst) => {
        if (inst.status === 'RESTRUCTURED') {
          await payParts(deps, inst, d.paymentId, d.amount, d.receivedAt);
          return null;
        }
        return applyPayment(
          inst,
          { paymentId: d.paymentId, amount: d.amount, receivedOn: on },
          { config: deps.config, borrower: await borrowerOf(deps, inst) },
        );
      });
    }
    case 'RepaymentPlanAdjustmentRequested':
      return adjust(deps, event.detail);
  }
}

async function borrowerOf(deps: Deps, inst: Installment) {
  const borrower = await deps.borrowers.getBorrower(inst.borrowerId);
  if (!borrower) throw new Error(`borrower of installment ${inst.loanId}/${inst.seq} not found`);
  return borrower;
}

/**
 * Applies `rule` to the latest state of one installment until its write wins. `rule` returns null
 * when it did its work elsewhere (a RESTRUCTURED installment's parts).
 */
async function applyToInstallment(
  deps: Deps,
  loanId: string,
  seq: string,
  eventTime: string,
  rule: (inst: Installment) => Promise<Outcome | null>,
): Promise<IntakeResult> {
  const ctx = {
    at: formatInstant(eventTime, deps.config.timeZone),
    today: localDateOf(eventTime, deps.config.timeZone),
    owner: newLeaseOwner(),
  };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const inst = await deps.installments.getInstallment(loanId, seq);
    if (!inst) return { result: 'NOT_FOUND' };
    const outcome = await rule(inst);
    if (!outcome) return { result: 'APPLIED' };
    if (outcome.duplicate) {
      if (outcome.duplicate === 'conflicting') {
        count(METRIC.conflictingDuplicates);
        logger.warn('ignored a duplicate id with different content; the first wins', { loanId, seq });
      }
      // A redelivery after a crash may find the first delivery's outbox still unpublished.
      await flushOutboxes(deps, [inst], ctx);
      return { result: outcome.duplicate === 'same' ? 'DUPLICATE' : 'CONFLICTING_DUPLICATE' };
    }
    const change = {
      installment: outcome.installment,
      transitions: outcome.transitions,
      events: outcome.events,
    };
    if (isNoop(inst, change)) return { result: 'APPLIED' };
    const saved = await commitChange(deps, inst, change, ctx);
    if (!saved.saved) continue;
    for (const entry of saved.audit) deps.audit.record(entry);
    await flushOutboxes(deps, [saved.installment], ctx);
    return { result: 'APPLIED' };
  }
  throw new Error(`installment ${loanId}/${seq}: too many concurrent writes`);
}

/**
 * A payment to a RESTRUCTURED installment goes to its parts in seq order. Each part dedupes the
 * payment by a part-scoped id, so a redelivery after a crash halfway pays only the parts not yet paid.
 */
async function payParts(
  deps: Deps,
  parent: Installment,
  paymentId: string,
  amount: number | undefined,
  receivedAt: string,
): Promise<void> {
  const on = localDateOf(receivedAt, deps.config.timeZone);
  const parts = (await deps.installments.getParts(parent.loanId, parent.seq)).sort((a, b) =>
    compareSeq(a.seq, b.seq),
  );
  const already = parts.filter((p) => p.receipts[`${paymentId}@${parent.seq}`] !== undefined);
  if (already.length > 0) {
    // Part of this payment was applied before a crash: finish with the plan recorded on those parts.
    const plan = JSON.parse(already[0]?.receipts[`${paymentId}@${parent.seq}#plan`] ?? '[]') as {
      seq: string;
      amount: number;
    }[];
    await applyPlan(deps, parent, paymentId, plan, on, receivedAt);
    return;
  }
  const total = amount ?? parts.reduce((sum, p) => sum + outstandingOn(p, on).total, 0);
  const plan = splitPaymentAcrossParts(parts, total, on);
  await applyPlan(deps, parent, paymentId, plan, on, receivedAt);
}

async function applyPlan(
  deps: Deps,
  parent: Installment,
  paymentId: string,
  plan: { seq: string; amount: number }[],
  on: string,
  receivedAt: string,
): Promise<void> {
  const partPaymentId = `${paymentId}@${parent.seq}`;
  for (const { seq, amount } of plan) {
    if (amount <= 0) continue;
    await applyToInstallment(deps, parent.loanId, seq, receivedAt, async (part) => {
      const outcome = applyPayment(
        part,
        { paymentId: partPaymentId, amount, receivedOn: on },
        { config: deps.config, borrower: await borrowerOf(deps, part) },
      );
      if (outcome.duplicate) return outcome;
      const receipts = { ...outcome.installment.receipts, [`${partPaymentId}#plan`]: JSON.stringify(plan) };
      return { ...outcome, installment: { ...outcome.installment, receipts } };
    });
  }
}

async function adjust(deps: Deps, d: RepaymentPlanAdjustmentRequested): Promise<IntakeResult> {
  const today = localDateOf(d.requestedAt, deps.config.timeZone);
  const ctx = { at: formatInstant(d.requestedAt, deps.config.timeZone), today, owner: newLeaseOwner() };
  const { requestedAt: _, ...request } = d;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const inst = await deps.installments.getInstallment(d.loanId, d.seq);
    const answered = inst?.receipts[d.requestId];
    if (inst && answered?.startsWith(REJECTED_RECEIPT_PREFIX)) {
      await flushOutboxes(deps, [inst], ctx);
      return { result: 'DUPLICATE', code: answered.slice(REJECTED_RECEIPT_PREFIX.length) };
    }
    const borrower = inst ? await borrowerOf(deps, inst) : null;
    // A NOT_FOUND decision never reads the borrower.
    const decision = evaluateAdjustment(inst, request, today, {
      config: deps.config,
      borrower: borrower as NonNullable<typeof borrower>,
    });
    if (!decision.approved) {
      if (!inst) {
        // No installment to hold the answer: a claim item makes it exactly once.
        await publishOnce(deps, decision.events);
        return { result: 'REJECTED', code: decision.code };
      }
      const receipts = { ...inst.receipts, [d.requestId]: `${REJECTED_RECEIPT_PREFIX}${decision.code}` };
      const rejected = { installment: { ...inst, receipts }, events: decision.events };
      const saved = await commitChange(deps, inst, rejected, ctx);
      if (!saved.saved) continue;
      await flushOutboxes(deps, [saved.installment], ctx);
      return { result: 'REJECTED', code: decision.code };
    }
    if (!inst) return { result: 'NOT_FOUND' };
    const change = {
      installment: decision.installment,
      transitions: decision.transitions,
      events: decision.events,
    };
    if (isNoop(inst, change)) {
      await createParts(deps, decision.parts, today);
      await flushOutboxes(deps, [inst], ctx);
      return { result: 'DUPLICATE' };
    }
    const saved = await commitChange(deps, inst, change, ctx);
    if (!saved.saved) continue;
    for (const entry of saved.audit) deps.audit.record(entry);
    // Parts are created after the original is RESTRUCTURED: a redelivery recreates any a crash missed.
    await createParts(deps, decision.parts, today);
    await flushOutboxes(deps, [saved.installment], ctx);
    return { result: 'APPLIED' };
  }
  throw new Error(`installment ${d.loanId}/${d.seq}: too many concurrent writes`);
}

async function createParts(deps: Deps, parts: Installment[], today: string): Promise<void> {
  for (const part of parts) {
    await deps.installments.createInstallment(part, nextActionDates(part, today, deps.config));
  }
}
