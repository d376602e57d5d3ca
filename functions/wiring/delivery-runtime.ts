/**
 * The composition root of the delivery functions: per channel, the delivery use case's ports (the
 * DynamoDB delivery log and contact book, the channel's sender on SNS or SES, the send pacer) and
 * the SQS redelivery of the function's own queue; the ports of the e-mail feedback handler. Built
 * from the runtime (`runtime.ts`) at first use, anew after `configureRuntime`.
 */
import type { Channel } from '../../shared/rules/types';
import { DynamoContactBook, DynamoDeliveryLog, DynamoPushEndpoints } from '../adapters/dynamodb/deliveries';
import { SesEmailSender } from '../adapters/ses/email-sender';
import { SnsPushSender } from '../adapters/sns/push-sender';
import { SnsSmsSender } from '../adapters/sns/sms-sender';
import { SqsRedelivery } from '../adapters/sqs/redelivery';
import type { ChannelSender, Redelivery } from '../ports/delivery';
import type { DeliverDeps } from '../use-cases/deliver';
import type { EmailFeedbackDeps } from '../use-cases/email-feedback';
import { type AwsClients, getClients } from './aws-clients';
import { createPacer, paceIntervalMs } from './pacer';
import { getRuntime, type Runtime } from './runtime';

export interface DeliveryWiring {
  deps: DeliverDeps;
  redelivery: Redelivery;
}

const built = new WeakMap<Runtime, Partial<Record<Channel, DeliveryWiring>>>();

/** The delivery function of `channel`'s ports. */
export function getDelivery(channel: Channel): DeliveryWiring {
  const runtime = getRuntime();
  const byChannel = built.get(runtime) ?? {};
  built.set(runtime, byChannel);
  byChannel[channel] ??= buildDelivery(runtime, channel);
  return byChannel[channel];
}

/** The e-mail feedback handler's ports. */
export function getEmailFeedback(): EmailFeedbackDeps {
  const { doc, env, deps } = getRuntime();
  return {
    contacts: new DynamoContactBook(doc, env.TABLE_NAME),
    deliveries: new DynamoDeliveryLog(doc, env.TABLE_NAME),
    clock: deps.clock,
  };
}

function buildDelivery(runtime: Runtime, channel: Channel): DeliveryWiring {
  const clients = getClients();
  const { doc, env, deps } = runtime;
  const table = env.TABLE_NAME;
  const settings = deps.config.delivery[channel];
  return {
    deps: {
      config: deps.config,
      installments: deps.installments,
      borrowers: deps.borrowers,
      deliveries: new DynamoDeliveryLog(doc, table),
      contacts: new DynamoContactBook(doc, table),
      sender: senderFor(channel, runtime, clients),
      clock: deps.clock,
      pace: createPacer(paceIntervalMs(settings), runtime.sleep),
    },
    redelivery: new SqsRedelivery(clients.sqs, env.DELIVERY_QUEUE_URL ?? 'unset'),
  };
}

function senderFor(channel: Channel, runtime: Runtime, clients: AwsClients): ChannelSender {
  const { config, clock } = runtime.deps;
  switch (channel) {
    case 'sms':
      return new SnsSmsSender(required(clients.snsDirect, 'snsDirect'), config.delivery.sms);
    case 'push':
      return new SnsPushSender(
        required(clients.snsDirect, 'snsDirect'),
        new DynamoPushEndpoints(runtime.doc, runtime.env.TABLE_NAME, clock),
        config.delivery.push,
      );
    case 'email':
      return new SesEmailSender(
        required(clients.ses, 'ses'),
        config.delivery.email,
        runtime.env.SES_CONFIGURATION_SET ?? 'unset',
      );
  }
}

function required<T>(client: T | undefined, name: string): T {
  if (!client) throw new Error(`the AWS client factory provides no "${name}" client, which delivery needs`);
  return client;
}
