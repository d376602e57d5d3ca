/** Small builders for adapter tests. */

import type { NextActionDates } from '../../shared/rules/next-actions';
import { type Borrower, borrowerSchema, type Installment, installmentSchema } from '../../shared/rules/types';

export const NO_DATES: NextActionDates = { aging: null, reminders: null, failedDebits: null };

export function anInstallment(overrides: Partial<Installment> = {}): Installment {
  return installmentSchema.parse({
    loanId: 'L-1',
    seq: '1',
    borrowerId: 'B-1',
    dueDate: '2026-12-10',
    principal: 100_000,
    interest: 1_000,
    penaltyDailyRatePpm: 500,
    status: 'SCHEDULED',
    ...overrides,
  });
}

export function aBorrower(overrides: Partial<Borrower> = {}): Borrower {
  return borrowerSchema.parse({
    borrowerId: 'B-1',
    creditScore: 720,
    locale: 'zh-CN',
    contacts: { sms: '+8613800138000', email: 'b1@example.com', push: 'device-token-1' },
    ...overrides,
  });
}

let counter = 0;
/** A fresh id per call, so tests sharing one table do not see each other's items. */
export const uniqueId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;
