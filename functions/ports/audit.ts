/**
 * The audit port: state transitions and skipped notifications, recorded after the write that made
 * them durable. In the cloud it is a structured log line (ids only, `adapters/logs/audit-log.ts`);
 * the simulator writes it to the timeline.
 */
import type { NotificationKind, Status } from '../../shared/rules/types';

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
