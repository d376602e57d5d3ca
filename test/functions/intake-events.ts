/** Intake events of the handler tests: the details of debit results and payments, and a bare envelope. */

/** The detail of a failed debit of `loanId`/1 (`DebitAttemptCompleted`). */
export const failedDebit = (
  loanId: string,
  reason = 'INSUFFICIENT_FUNDS',
  attemptedAt = '2026-12-10T06:00:00+08:00',
  attemptId = `d-${loanId}`,
) => ({ loanId, seq: '1', attemptId, outcome: 'FAILED', reason, attemptedAt });

/** The detail of a successful debit of `loanId`/1 with no amount: it takes the whole outstanding. */
export const succeededDebit = (loanId: string, attemptedAt = '2026-12-10T06:00:00+08:00') => ({
  loanId,
  seq: '1',
  attemptId: `d-${loanId}`,
  outcome: 'SUCCEEDED',
  attemptedAt,
});

/** The detail of a payment of `amount` fen on `loanId`/1 (`RepaymentReceived`). */
export const payment = (
  loanId: string,
  paymentId: string,
  amount: unknown,
  receivedAt = '2026-12-08T12:00:00+08:00',
) => ({ loanId, seq: '1', paymentId, amount, receivedAt });

/** An intake message body: the envelope's detail-type and detail, nothing else. */
export const envelope = (detailType: string, detail: unknown) =>
  JSON.stringify({ 'detail-type': detailType, detail });
