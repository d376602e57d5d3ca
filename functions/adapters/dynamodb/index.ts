/**
 * The DynamoDB adapters of the storage ports, in one import: installments, borrowers, occurrence
 * claims and daily caps (and the usage counters they share). The layout is docs/data-model.md.
 */

export { DynamoBorrowerStore } from './borrowers';
export { StoreStats } from './common';
export { DynamoInstallmentStore } from './installments';
export { DynamoCapStore, DynamoClaimStore } from './occurrences';
