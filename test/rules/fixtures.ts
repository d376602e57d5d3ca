/**
 * What the rules tests share: the default configuration, one due date, a run's local time, and
 * builders of borrowers, rule contexts and installments (new, or in any stored state).
 */
import defaultJson from '../../config/default.json';
import { type Config, configSchema } from '../../shared/config/schema';
import { ageInstallment } from '../../shared/rules/aging';
import { addDays } from '../../shared/rules/calendar';
import { type NewInstallmentInput, newInstallment } from '../../shared/rules/installment';
import type { NotificationCandidate } from '../../shared/rules/notifications';
import type { RuleContext } from '../../shared/rules/states';
import {
  type Borrower,
  borrowerSchema,
  type Installment,
  installmentSchema,
  type NotificationKind,
} from '../../shared/rules/types';

/** The defaults of `config/default.json` (RULES.md). */
export const config = configSchema.parse(defaultJson);
/** The defaults changed by `patch`, validated again. */
export const withConfig = (patch: (c: Config) => void): Config => {
  const c = structuredClone(config);
  patch(c);
  return configSchema.parse(c);
};
/** The due date of installment L1/1 in every rules test. */
export const DUE = '2026-12-10';

/** A run's scheduled time: `day` at local `time` in Shanghai. */
export const at = (day: string, time = '09:00') => `${day}T${time}:00+08:00`;

export const ALL_CONTACTS = { sms: '+8613800000001', email: 'b1@example.com', push: 'tok-b1' };

/** Borrower b1, tier S (score 800), every address and every consent. */
export const borrower = (over: Record<string, unknown> = {}): Borrower =>
  borrowerSchema.parse({ borrowerId: 'b1', creditScore: 800, contacts: ALL_CONTACTS, ...over });

/** The rule context of borrower b1 with `creditScore`. */
export const ctxFor = (creditScore: number): RuleContext => ({
  config,
  borrower: borrowerSchema.parse({ borrowerId: 'b1', creditScore }),
});
/** Tier C (no grace day) and tier S (3 grace days). */
export const TIER_C = ctxFor(600);
export const TIER_S = ctxFor(800);

/** A new SCHEDULED installment L1/1 of b1 due on DUE: 100 000 principal, 1 000 interest. */
export const fresh = (patch: Partial<NewInstallmentInput> = {}): Installment =>
  newInstallment(
    { loanId: 'L1', seq: 1, borrowerId: 'b1', dueDate: DUE, principal: 100_000, interest: 1_000, ...patch },
    config,
  );

/** `start` (a fresh installment) aged daily as tier C from DUE + 1 to `day`: OVERDUE since 12-11. */
export const overdueOn = (day: string, start = fresh()): Installment => {
  let cur = start;
  for (let d = addDays(DUE, 1); d <= day; d = addDays(d, 1)) cur = ageInstallment(cur, d, TIER_C).installment;
  return cur;
};

/** Installment L1/1 in any stored state: SCHEDULED with the defaults unless `over` says otherwise. */
export const inst = (over: Record<string, unknown> = {}): Installment =>
  installmentSchema.parse({
    loanId: 'L1',
    seq: '1',
    borrowerId: 'b1',
    dueDate: DUE,
    principal: 100_000,
    interest: 1_000,
    penaltyDailyRatePpm: 500,
    status: 'SCHEDULED',
    ...over,
  });

/** IN_GRACE after the due date, tier A (2 grace days). */
export const inGrace = (over: Record<string, unknown> = {}) =>
  inst({ status: 'IN_GRACE', graceDays: 2, graceEndsOn: addDays(DUE, 2), ...over });

/** OVERDUE since DPD 1 (tier C), bucket M1. */
export const overdue = (over: Record<string, unknown> = {}) =>
  inst({
    status: 'OVERDUE',
    graceDays: 0,
    graceEndsOn: DUE,
    overdueOn: addDays(DUE, 1),
    everOverdue: true,
    bucket: 'M1',
    ...over,
  });

/** A notification candidate of L1/1 for borrower b1, push only unless `over` says otherwise. */
export const candidateFor = (
  kind: NotificationKind,
  occurrence: string,
  over: Partial<NotificationCandidate> = {},
): NotificationCandidate => ({
  loanId: 'L1',
  seq: '1',
  borrowerId: 'b1',
  kind,
  occurrence,
  dueDate: DUE,
  channels: ['push'],
  ...over,
});
