/**
 * The reminders and failed-debits jobs' rules for one borrower's installments (RULES.md sections 6
 * and 7): plan every candidate of the run, rank them, apply the daily cap (reserving each slot with a
 * conditional write, so overlapping runs cannot exceed it), then record per installment what was
 * handled, the messages to send and the events to emit.
 */

import { applyDailyCap, type NotificationOutcome, rankCandidates } from '../../shared/rules/daily-cap';
import { renderMessages, splitEmail } from '../../shared/rules/messages';
import {
  markNotificationHandled,
  type NotificationCandidate,
  type NotificationPlanner,
  planFailedDebitNotices,
  planReminders,
  unreachableEvent,
} from '../../shared/rules/notifications';
import { decideRetry, markRetryRequested, retryRequestedEvent } from '../../shared/rules/retries';
import type { Borrower, Channel, DomainEvent, Installment, OutboundMessage } from '../../shared/rules/types';
import type { AuditEntry } from '../ports/audit';
import type { Deps } from './deps';
import type { Change } from './outbox';
import type { GroupPlanner, JobContext } from './scheduled-job';

const capId = (c: NotificationCandidate) => `${c.loanId}#${c.seq}#${c.kind}#${c.occurrence}`;

export const planRemindersGroup: GroupPlanner = (deps, borrower, installments, ctx) =>
  planGroup(deps, borrower, installments, ctx, planReminders);

export const planFailedDebitsGroup: GroupPlanner = async (deps, borrower, installments, ctx) => {
  const changes = await planGroup(deps, borrower, installments, ctx, planFailedDebitNotices);
  return changes.map((change) => {
    const retry = decideRetry(change.installment, ctx.today, deps.config);
    if (!retry.request) return change;
    return {
      ...change,
      installment: markRetryRequested(change.installment, ctx.today),
      events: [...(change.events ?? []), retryRequestedEvent(change.installment, retry.attempt, ctx.today)],
    };
  });
};

async function planGroup(
  deps: Deps,
  borrower: Borrower,
  installments: Installment[],
  ctx: JobContext,
  plan: NotificationPlanner,
): Promise<Change[]> {
  const candidates = installments.flatMap((inst) => plan(inst, borrower, ctx.now, deps.config));
  const decisions = await decideWithCap(deps, borrower, candidates, ctx.today);
  return installments.map((before) => {
    let inst = before;
    const messages: OutboundMessage[] = [];
    const events: DomainEvent[] = [];
    const audit: AuditEntry[] = [];
    for (const { candidate, outcome } of decisions) {
      if (candidate.loanId !== before.loanId || candidate.seq !== before.seq) continue;
      if (outcome === 'SEND') messages.push(...toMessages(candidate, inst, borrower, ctx.now, deps));
      else {
        audit.push({
          type: 'notification_skipped',
          at: ctx.at,
          borrowerId: borrower.borrowerId,
          loanId: candidate.loanId,
          seq: candidate.seq,
          kind: candidate.kind,
          occurrence: candidate.occurrence,
          reason: outcome === 'SKIP_CAP' ? 'CAP' : 'UNREACHABLE',
        });
        if (outcome === 'SKIP_UNREACHABLE') events.push(unreachableEvent(candidate));
      }
      inst = markNotificationHandled(inst, candidate, outcome, ctx.today);
    }
    return { installment: inst, messages, events, audit };
  });
}

async function decideWithCap(
  deps: Deps,
  borrower: Borrower,
  candidates: NotificationCandidate[],
  today: string,
): Promise<{ candidate: NotificationCandidate; outcome: NotificationOutcome }[]> {
  if (candidates.length === 0) return [];
  const cap = deps.config.maxNotificationsPerBorrowerPerDay;
  // Rank as if nothing were sent yet today; the reservations below, in rank order, find what is left
  // (earlier runs' sends included) with no read, and never exceed the cap under concurrency.
  const decisions = applyDailyCap(rankCandidates(candidates), 0, deps.config);
  const final: { candidate: NotificationCandidate; outcome: NotificationOutcome }[] = [];
  for (const decision of decisions) {
    if (decision.outcome !== 'SEND') {
      final.push(decision);
      continue;
    }
    const reserved = await deps.caps.reserve(borrower.borrowerId, today, capId(decision.candidate), cap);
    final.push({ candidate: decision.candidate, outcome: reserved ? 'SEND' : 'SKIP_CAP' });
  }
  return final;
}

function toMessages(
  candidate: NotificationCandidate,
  inst: Installment,
  borrower: Borrower,
  now: string,
  deps: Deps,
): OutboundMessage[] {
  const rendered = renderMessages(candidate, inst, borrower, now, deps.config);
  return candidate.channels.flatMap((channel: Channel) => {
    const text = rendered[channel];
    const address = borrower.contacts[channel];
    if (text === undefined || address === undefined) return [];
    const email = channel === 'email' ? splitEmail(text) : undefined;
    return [
      {
        borrowerId: borrower.borrowerId,
        channel,
        address,
        locale: borrower.locale,
        kind: candidate.kind,
        loanId: candidate.loanId,
        seq: candidate.seq,
        occurrence: candidate.occurrence,
        ...(email ? { subject: email.subject, text: email.body } : { text }),
      },
    ];
  });
}
