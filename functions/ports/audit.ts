/**
 * The audit trail: state transitions and skipped notifications, recorded after the write that made
 * them durable. In the cloud it is a structured log line (ids only); the simulator writes it to the
 * timeline.
 */
import type { NotificationKind, Status } from '../../shared/rules/types';
import { logger } from '../wiring/telemetry';

export type AuditEntry =
  | { type: 'transition'; at: string; loanId: string; seq: string; from: Status; to: Status; dpd: number }
  | {
      type: 'notification_skipped';
      at: string;
      borrowerId: string;
      loanId: string;
      seq: string;
      kind: NotificationKind;
      occurrence: string;
      reason: 'CAP' | 'UNREACHABLE';
    };

export interface AuditLog {
  record(entry: AuditEntry): void;
}

/** The cloud's audit log: one INFO line per entry. Every field is an id, a code or a number. */
export const loggerAuditLog: AuditLog = {
  record(entry) {
    logger.info('audit', { audit: entry });
  },
};
