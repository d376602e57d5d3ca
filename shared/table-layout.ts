/**
 * The single-table layout shared by the data layer and the CDK table definition: attribute and
 * index names live here only. Key *values* are built in `functions/adapters/dynamodb/keys.ts`.
 */
export const TABLE_KEYS = { partitionKey: 'PK', sortKey: 'SK' } as const;

/**
 * Epoch-seconds expiry written on claim and cap items (kept well past any run that could still read
 * them). DynamoDB TTL should be enabled on it in the stack; dynalite has no TTL, which changes nothing
 * for correctness.
 */
export const TTL_ATTRIBUTE = 'expiresAt';

/** The jobs of RULES.md section 9, by their `schedules.<job>` names. */
export const JOBS = ['aging', 'reminders', 'failedDebits'] as const;
export type Job = (typeof JOBS)[number];

/**
 * One sparse GSI per scheduled job: its key attributes exist only while an installment has a next
 * action date for that job, and the partition is `<JOB>#<date>#<shard>` (write-sharded).
 */
export const JOB_INDEXES: Record<Job, { indexName: string; partitionKey: string; sortKey: string }> = {
  aging: { indexName: 'byAgingDate', partitionKey: 'agingPK', sortKey: 'agingSK' },
  reminders: { indexName: 'byRemindersDate', partitionKey: 'remindersPK', sortKey: 'remindersSK' },
  failedDebits: {
    indexName: 'byFailedDebitsDate',
    partitionKey: 'failedDebitsPK',
    sortKey: 'failedDebitsSK',
  },
};
