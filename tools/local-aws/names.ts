/**
 * The names of the local AWS: one region, account and credentials for every local client, and the
 * table, topic, bus and queues the handlers are configured with. Nothing checks a signature or an
 * account: the SDK only needs them to build a request.
 */
import { JOBS, type Job } from '../../shared/table-layout';

export const LOCAL_REGION = 'ap-east-1';
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
/** What a local client is built with: `new SNSClient(LOCAL_CLIENT)`. */
export const LOCAL_CLIENT = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };

export const LOCAL_TABLE = 'repayment-sentinel';
export const LOCAL_TOPIC_ARN = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:repayment-sentinel-notifications`;
export const LOCAL_EVENT_BUS = 'repayment-sentinel-local';

/** A local queue's URL and ARN, as SQS names them. */
export interface QueueName {
  url: string;
  arn: string;
}
const queueName = (name: string): QueueName => ({
  url: `https://sqs.${LOCAL_REGION}.amazonaws.com/${LOCAL_ACCOUNT}/${name}`,
  arn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`,
});
const KEBAB: Record<Job, string> = { aging: 'aging', reminders: 'reminders', failedDebits: 'failed-debits' };

/** Each job's work queue, and the intake queue (the EventBridge rule's target). */
export const LOCAL_QUEUES = {
  work: Object.fromEntries(JOBS.map((job) => [job, queueName(`${KEBAB[job]}-work`)])) as Record<
    Job,
    QueueName
  >,
  intake: queueName('intake'),
};
