/**
 * The state machine of RULES.md section 2, as the rules record it: what every rule returns (the new
 * state, the transitions and the events it caused), the steps that collect them in order, and the
 * move to PAID, which aging, payments and debit results all reach.
 *
 * Where each transition lives: IN_GRACE in `grace.ts`, OVERDUE and WRITTEN_OFF in `aging.ts`, PAID
 * here, SCHEDULED again (EXTEND) and RESTRUCTURED (SPLIT) in `adjustments.ts`.
 */
import type { Config } from '../config/schema';
import { dpdOn } from './dpd';
import { paidEvent } from './events';
import type { Borrower, DomainEvent, Installment, LocalDate, Status, Transition } from './types';

/** What every rule needs besides the installment: the operator configuration and its borrower. */
export interface RuleContext {
  config: Config;
  borrower: Borrower;
}

/**
 * The result of a rule: the new state (version untouched: the store bumps it), the transitions and
 * the events it caused. `duplicate` says the id was seen before and nothing changed.
 */
export interface Outcome {
  installment: Installment;
  transitions: Transition[];
  events: DomainEvent[];
  duplicate?: 'same' | 'conflicting';
}

/** Collects the changes of one rule application, in order. */
export class Steps {
  readonly transitions: Transition[] = [];
  readonly events: DomainEvent[] = [];
  constructor(public inst: Installment) {}

  /** Moves to `to` with `patch` applied; the transition carries the DPD of `dpdDay`. */
  move(to: Status, patch: Partial<Installment>, dpdDay: LocalDate): Installment {
    const from = this.inst.status;
    this.inst = { ...this.inst, ...patch, status: to };
    this.transitions.push({
      loanId: this.inst.loanId,
      seq: this.inst.seq,
      from,
      to,
      dpd: dpdOn(this.inst, dpdDay),
    });
    return this.inst;
  }

  /** Takes over the state, transitions and events of a rule applied first (the aging due by a day). */
  add(other: { installment: Installment; transitions: Transition[]; events: DomainEvent[] }): void {
    this.inst = other.installment;
    this.transitions.push(...other.transitions);
    this.events.push(...other.events);
  }

  outcome(installment = this.inst): Outcome {
    return { installment, transitions: this.transitions, events: this.events };
  }
}

/** No change; with `duplicate` when the id was seen before. */
export const unchanged = (inst: Installment, duplicate?: 'same' | 'conflicting'): Outcome =>
  duplicate
    ? { installment: inst, transitions: [], events: [], duplicate }
    : { installment: inst, transitions: [], events: [] };

/**
 * PAID on `on`, with `InstallmentPaid`: records `paidOn`, `dpdAtPayment` (the real DPD) and leaves
 * `paidLate` to `everOverdue`. A written-off installment keeps its write-off day, where DPD and
 * penalty froze.
 */
export function closePaid(steps: Steps, on: LocalDate): void {
  const inst = steps.inst;
  const closedOn = inst.status === 'WRITTEN_OFF' && inst.closedOn ? inst.closedOn : on;
  const paid = steps.move('PAID', { paidOn: on, dpdAtPayment: dpdOn(inst, on), bucket: null, closedOn }, on);
  steps.events.push(paidEvent(paid));
}
