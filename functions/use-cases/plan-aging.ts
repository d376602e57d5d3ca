/** The aging job's rules for one borrower's installments (RULES.md sections 2, 3, 5). */
import { ageInstallment } from '../../shared/rules/aging';
import type { GroupPlanner } from './scheduled-job';

export const planAging: GroupPlanner = async (deps, borrower, installments, { today }) =>
  installments.map((inst) => {
    const outcome = ageInstallment(inst, today, { config: deps.config, borrower });
    return { installment: outcome.installment, transitions: outcome.transitions, events: outcome.events };
  });
