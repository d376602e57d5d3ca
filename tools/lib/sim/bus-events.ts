/** A scenario event as the lender's systems put it on the bus (SIMULATION.md `events`). */
import { formatInstant } from '../../../shared/rules/calendar';
import type { BusEvent } from '../../local-aws';
import type { ScenarioEvent } from './scenario';

/**
 * The EventBridge event of a scenario event at instant `at`: `seq` as a string, its own time with
 * the local offset; `days` and `parts` of an adjustment passed as given.
 */
export function busEvent(event: ScenarioEvent, at: string, timeZone: string): BusEvent {
  const seq = String(event.seq);
  const local = formatInstant(at, timeZone);
  const given = <K extends string>(key: K, value: unknown) => (value === undefined ? {} : { [key]: value });
  switch (event.type) {
    case 'debit':
      return {
        detailType: 'DebitAttemptCompleted',
        source: 'lender.payments',
        time: at,
        detail: {
          loanId: event.loanId,
          seq,
          attemptId: event.attemptId,
          outcome: event.outcome,
          ...given('reason', event.reason),
          ...given('amount', event.amount),
          attemptedAt: local,
        },
      };
    case 'payment':
      return {
        detailType: 'RepaymentReceived',
        source: 'lender.payments',
        time: at,
        detail: {
          loanId: event.loanId,
          seq,
          paymentId: event.paymentId,
          amount: event.amount,
          receivedAt: local,
        },
      };
    case 'adjustment':
      return {
        detailType: 'RepaymentPlanAdjustmentRequested',
        source: 'lender.app',
        time: at,
        detail: {
          requestId: event.requestId,
          loanId: event.loanId,
          seq,
          action: event.action,
          ...given('days', event.days),
          ...given('parts', event.parts),
          requestedAt: local,
        },
      };
  }
}
