/** EventBridge's side of intake: an event as the rule puts it on the intake queue. */
import { LOCAL_ACCOUNT, LOCAL_REGION } from './names';
import { awsTime } from './scheduler';

export interface BusEvent {
  detailType: string;
  /** `lender.payments` or `lender.app`. */
  source: string;
  detail: Record<string, unknown>;
  /** When it was put on the bus (an instant). */
  time: string;
}

let events = 0;

/** The envelope the EventBridge rule delivers to its SQS target, as JSON. */
export function ruleDelivery(event: BusEvent): string {
  return JSON.stringify({
    version: '0',
    id: `local-event-${++events}`,
    'detail-type': event.detailType,
    source: event.source,
    account: LOCAL_ACCOUNT,
    time: awsTime(event.time),
    region: LOCAL_REGION,
    resources: [],
    detail: event.detail,
  });
}
