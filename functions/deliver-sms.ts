/** SMS through SNS direct publish: the sms delivery queue's worker (functions/use-cases/deliver.ts). */
import { makeDeliveryWorker } from './wiring/delivery-worker';

export const handler = makeDeliveryWorker('sms');
