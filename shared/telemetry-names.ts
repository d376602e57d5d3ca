/**
 * Metric names and dimensions emitted (Powertools EMF) by the functions and read by the CDK
 * dashboard and alarms. One list, so the two cannot drift apart.
 */
export const METRICS_NAMESPACE = 'RepaymentSentinel';
export const SERVICE_NAME = 'repayment-sentinel';

export const METRIC = {
  /** 1 per completed job dispatch (dimension `job`): the heartbeat the "job did not run" alarm watches. */
  jobRunCompleted: 'JobRunCompleted',
  /** Installments a worker looked at (dimension `job`). */
  itemsProcessed: 'ItemsProcessed',
  /** Notifications sent (dimensions `kind`), and messages by `channel`. */
  notificationsSent: 'NotificationsSent',
  messagesSent: 'MessagesSent',
  /** Notifications recorded skipped (dimension `reason`: CAP or UNREACHABLE). */
  notificationsSkipped: 'NotificationsSkipped',
  /** Debit results taken in, by outcome. */
  debitsFailed: 'DebitsFailed',
  debitsSucceeded: 'DebitsSucceeded',
  retriesRequested: 'DebitRetriesRequested',
  /** State transitions (dimension `to`) and bucket changes (dimension `bucket`). */
  transitions: 'InstallmentTransitions',
  bucketChanges: 'DelinquencyBucketChanges',
  escalations: 'Escalations',
  eventsPublished: 'EventsPublished',
  /** Stored items that failed validation on read: skipped, counted. */
  corruptItems: 'CorruptItemsSkipped',
  /** Intake events rejected as malformed. */
  intakeRejected: 'IntakeRejected',
  /** A duplicate id with different content (RULES.md section 4). */
  conflictingDuplicates: 'ConflictingDuplicates',
  /** Publish entries retried after a partial batch failure. */
  publishRetries: 'PublishRetries',
  /**
   * Messages a delivery function handled, by `channel` and `outcome` (SENT, DROPPED, FAILED,
   * UNCERTAIN, DUPLICATE, WAIT, RETRY). UNCERTAIN alarms.
   */
  deliveries: 'Deliveries',
  /** Deliveries dropped, by `channel` and `reason` (shared/rules/delivery.ts). */
  deliveriesDropped: 'DeliveriesDropped',
  /** Notification messages a delivery function could not read (malformed, or for another channel). */
  deliveryMessagesRejected: 'DeliveryMessagesRejected',
  /** SES events taken in, by `type` (BOUNCED, COMPLAINED, TRANSIENT_BOUNCE). */
  emailFeedback: 'EmailFeedback',
} as const;
