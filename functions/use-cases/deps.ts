/**
 * What the use cases need from the world, as ports. Handlers and the simulator build it; tests pass
 * their own implementations.
 */
import type { Config } from '../../shared/config/schema';
import type {
  BorrowerStore,
  CapStore,
  ClaimStore,
  EventPublisher,
  InstallmentStore,
  Notifier,
} from '../ports';
import type { AuditLog } from '../ports/audit';

export interface Deps {
  config: Config;
  installments: InstallmentStore;
  borrowers: BorrowerStore;
  claims: ClaimStore;
  caps: CapStore;
  notifier: Notifier;
  publisher: EventPublisher;
  audit: AuditLog;
  /** Wall clock, for claim leases only: business time always comes from the schedule or the event. */
  clock: () => string;
}
