/** The cloud's audit log: one INFO line per entry. Every field is an id, a code or a number. */
import type { AuditLog } from '../../ports/audit';
import { logger } from '../../wiring/telemetry';

export const loggerAuditLog: AuditLog = {
  record(entry) {
    logger.info('audit', { audit: entry });
  },
};
