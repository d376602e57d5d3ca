/**
 * Storage: the single table of `docs/data-model.md`. PK/SK plus one sparse GSI per scheduled job,
 * all names from `shared/table-layout.ts`.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { JOB_INDEXES, JOBS, TABLE_KEYS, TTL_ATTRIBUTE } from '../../shared/table-layout';

export class Storage extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      // Load is two or three bursts a day plus a trickle of intake events: on-demand fits.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      /*
       * The AWS managed key (aws/dynamodb): KMS encryption at rest whose every use is in CloudTrail,
       * with no key policy to maintain and no KMS grant per function to get wrong; who reads what
       * stays decided by the per-function IAM statements on the table. A customer managed key buys
       * crypto-shredding and key-policy separation, which nothing here needs yet; switching later
       * is an online UpdateTable.
       */
      encryption: TableEncryption.AWS_MANAGED,
      // Claim and cap items expire on their own.
      timeToLiveAttribute: TTL_ATTRIBUTE,
    });
    for (const job of JOBS) {
      const index = JOB_INDEXES[job];
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        // ALL: a job reads whole installments from its index, with no GetItem per item.
        projectionType: ProjectionType.ALL,
      });
    }
  }
}
