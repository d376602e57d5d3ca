/**
 * The simulated payment side (SIMULATION.md `retries`): it answers every `DebitRetryRequested` one
 * hour after it, FAILED with the previous reason unless the scenario scripts that attempt's outcome.
 * Its answers are agenda steps; each becomes a `DebitAttemptCompleted` event when taken.
 */
import { formatInstant } from '../../../shared/rules/calendar';
import type { BusEvent } from '../../local-aws';
import type { Agenda, Step } from './agenda';
import { installmentKey, type PreparedScenario } from './scenario';

const ANSWER_DELAY_MS = 60 * 60 * 1000;

type RetryAnswer = Extract<Step, { kind: 'retryAnswer' }>;

export class PaymentSide {
  private readonly answered = new Set<string>();
  private readonly lastFailureReason = new Map<string, string>();

  constructor(
    private readonly prepared: PreparedScenario,
    private readonly agenda: Agenda,
  ) {}

  /** A debit result went to the system: its reason is the one a later unscripted answer repeats. */
  noteResult(loanId: string, seq: number | string, reason: string | undefined): void {
    if (reason) this.lastFailureReason.set(installmentKey(loanId, seq), reason);
  }

  /** A `DebitRetryRequested` was published at `now`: its answer goes on the agenda an hour later. */
  requested(detail: Record<string, unknown>, now: string): void {
    const loanId = String(detail.loanId);
    const seq = String(detail.seq);
    const occurrence = String(detail.occurrence ?? '');
    const attempt = Number(detail.attempt ?? occurrence.split('#').at(-1));
    const key = `${loanId}/${seq}/${occurrence}`;
    if (this.answered.has(key)) return; // a republished request (at least once) is answered once
    this.answered.add(key);
    const at = new Date(Date.parse(now) + ANSWER_DELAY_MS).toISOString();
    if (Date.parse(at) >= Date.parse(this.prepared.span.to)) return;
    const scripted = this.prepared.scenario.retries.find(
      (r) => r.loanId === loanId && String(r.seq) === seq && r.attempt === attempt,
    );
    const outcome = scripted?.outcome ?? 'FAILED';
    const reason =
      scripted?.reason ??
      (typeof detail.reason === 'string' ? detail.reason : undefined) ??
      this.lastFailureReason.get(installmentKey(loanId, seq)) ??
      'INSUFFICIENT_FUNDS';
    this.agenda.add({
      kind: 'retryAnswer',
      at,
      loanId,
      seq,
      attempt,
      occurrence,
      outcome,
      ...(outcome === 'FAILED' ? { reason } : {}),
    });
  }

  /** The answer as the payment side puts it on the bus. */
  answer(step: RetryAnswer): BusEvent {
    this.noteResult(step.loanId, step.seq, step.reason);
    const at = formatInstant(step.at, this.prepared.config.timeZone);
    return {
      detailType: 'DebitAttemptCompleted',
      source: 'lender.payments',
      time: step.at,
      detail: {
        loanId: step.loanId,
        seq: step.seq,
        attemptId: `sim-retry-${step.loanId}-${step.seq}-${step.occurrence}`,
        outcome: step.outcome,
        ...(step.reason ? { reason: step.reason } : {}),
        attemptedAt: at,
      },
    };
  }
}
