/** E-mail through Amazon SES: the email delivery queue's worker (functions/use-cases/deliver.ts). */
import { makeDeliveryWorker } from './wiring/delivery-worker';

export const handler = makeDeliveryWorker('email');
