/**
 * What holds data or identity and must outlive any deployment: the table, the topics and their
 * keys, the event bus and its archive. Deployed first; rarely changes.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Config } from '../../shared/config/schema';
import { Messaging } from '../constructs/messaging';
import { Storage } from '../constructs/storage';

export interface StatefulStackProps extends StackProps {
  readonly config: Config;
}

export class StatefulStack extends Stack {
  readonly storage: Storage;
  readonly messaging: Messaging;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    this.storage = new Storage(this, 'Storage');
    this.messaging = new Messaging(this, 'Messaging', { alertEmails: props.config.operations.alertEmails });
  }
}
