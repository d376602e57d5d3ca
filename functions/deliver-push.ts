/** App push through SNS mobile push (FCM, APNs): the push delivery queue's worker (functions/use-cases/deliver.ts). */
import { makeDeliveryWorker } from './wiring/delivery-worker';

export const handler = makeDeliveryWorker('push');
