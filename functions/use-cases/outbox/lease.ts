/**
 * Outbox leases: an entry is reserved for the run that wrote it (or took it over) until `leaseUntil`;
 * after that a later run may take it over. Lease owners are runs, told apart within one process.
 */
import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps';

/** How long an outbox entry is reserved for the run that wrote it. */
const LEASE_SECONDS = 300;

/** This process's id; with a counter, lease owners and entry ids are unique across processes and runs. */
const PROCESS_ID = randomUUID().slice(0, 8);
let counter = 0;

/** A new lease owner, one per run (a work item, an intake event). */
export const newLeaseOwner = (): string => `${PROCESS_ID}-${++counter}`;

/** A new outbox entry id, unique for its owner. */
export const newEntryId = (owner: string): string => `${owner}.${++counter}`;

/** The end of a lease taken now (the deps' clock). */
export const leaseUntil = (deps: Pick<Deps, 'clock'>): string =>
  new Date(Date.parse(deps.clock()) + LEASE_SECONDS * 1000).toISOString();
