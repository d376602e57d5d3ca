/**
 * Registration: borrowers and their installments enter the store (the loan system's hand-over; the
 * simulator and the benchmark load their portfolios through here).
 *
 * Primary course:
 * 1. Validate each borrower and build each installment with the rules' factory.
 * 2. Write them in batches, each installment with its first next-action dates.
 */
import type { Config } from '../../shared/config/schema';
import { localDateOf } from '../../shared/rules/calendar';
import { type NewInstallmentInput, newInstallment } from '../../shared/rules/installment';
import { nextActionDates } from '../../shared/rules/next-actions';
import { type Borrower, borrowerSchema } from '../../shared/rules/types';
import type { BorrowerStore, InstallmentStore } from '../ports';

export async function registerPortfolio(
  deps: { config: Config; installments: InstallmentStore; borrowers: BorrowerStore },
  borrowers: Borrower[],
  installments: NewInstallmentInput[],
  now: string,
): Promise<{ borrowers: number; installments: number }> {
  const today = localDateOf(now, deps.config.timeZone);
  await deps.borrowers.putBorrowers(borrowers.map((b) => borrowerSchema.parse(b)));
  const items = installments.map((input) => {
    const inst = newInstallment(input, deps.config);
    return { inst, next: nextActionDates(inst, today, deps.config) };
  });
  await deps.installments.putInstallments(items);
  return { borrowers: borrowers.length, installments: items.length };
}
