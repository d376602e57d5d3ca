/**
 * Delivery to the borrower through the real handlers (SMS, push, e-mail and the e-mail feedback),
 * use case and DynamoDB adapters (dynalite), with SNS, SES and SQS mocked at the SDK: exactly once at
 * the borrower, still right at delivery time, waits and retries, the provider's feedback.
 */

import { MessageRejected, SendEmailCommand, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import {
  CheckIfPhoneNumberIsOptedOutCommand,
  CreatePlatformEndpointCommand,
  EndpointDisabledException,
  InvalidParameterException,
  PublishCommand,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import defaultJson from '../../config/default.json';
import { notificationBody } from '../../functions/adapters/sns/notifier';
import { addDays } from '../../shared/rules/calendar';
import { usedChannels } from '../../shared/rules/channels';
import type { Channel } from '../../shared/rules/types';
import { captureLogs } from '../support/logs';
import {
  ADDRESSES,
  aBorrower,
  aMessage,
  CONFIGURATION_SET,
  type DeliveryHarness,
  keyOf,
  startDeliveryHarness,
} from './delivery-harness';

const CHANNELS: Channel[] = ['sms', 'push', 'email'];
const meta = { $metadata: {} };
const throttling = (channel: Channel) =>
  channel === 'email'
    ? new TooManyRequestsException({ message: 'Maximum sending rate exceeded', ...meta })
    : new ThrottledException({ message: 'Rate exceeded', ...meta });
const refusal = (channel: Channel) =>
  channel === 'email'
    ? new MessageRejected({ message: 'Email address is not verified', ...meta })
    : new InvalidParameterException({ message: 'Invalid parameter', ...meta });
const timeout = () =>
  Object.assign(new Error('socket hang up after the request was written'), { name: 'TimeoutError' });

const dueInstallment = {
  loanId: 'L1',
  seq: 1,
  borrowerId: 'b1',
  dueDate: '2026-12-10',
  principal: 100_000,
  interest: 1_000,
};
/** Where each channel's provider sent it: the number, the platform endpoint of the token, the address. */
const expectedTarget = (channel: Channel) =>
  channel === 'push' ? expect.stringContaining(`/ep-${ADDRESSES.push}`) : ADDRESSES[channel];

let h: DeliveryHarness;
beforeEach(async () => {
  h = await startDeliveryHarness();
  await h.load([aBorrower()], [dueInstallment]);
  // Prepare: T-3 at 09:00 local, the UPCOMING `2026-12-10#3` is due.
  h.setClock('2026-12-07T09:00:00+08:00');
});
afterEach(async () => {
  await h.stop();
});

describe.each(CHANNELS)('%s delivery: exactly once to the borrower', (channel) => {
  it('sends the message once, to the address the profile holds now, and records it SENT with the provider id', async () => {
    // Prepare: the message still carries an older address; the worker must not use it.
    const message = aMessage(channel, { address: channel === 'sms' ? '+8613900000009' : 'stale-address' });
    h.publish(message);
    // Act
    await h.drain(channel);
    // Assess
    expect(h.sent(channel)).toEqual([expect.objectContaining({ target: expectedTarget(channel) })]);
    expect(h.sent(channel)[0]?.text).toContain(message.text);
    const record = await h.record(keyOf(message));
    expect(record).toMatchObject({
      status: 'SENT',
      borrowerId: 'b1',
      providerMessageId: expect.stringMatching(/^\w+-\d+$/),
    });
    expect(h.queued(channel)).toEqual([]);
  });

  it('sends once when the same message arrives three times (outbox republish, SNS redelivery), in one batch or three', async () => {
    // Prepare
    const message = aMessage(channel);
    h.publish(message);
    h.publish(message);
    // Act
    await h.drain(channel);
    h.publish(message);
    await h.drain(channel, 1);
    // Assess
    expect(h.sent(channel)).toHaveLength(1);
    expect(await h.history('L1', '1')).toEqual([expect.objectContaining({ channel, status: 'SENT' })]);
    expect(h.queued(channel)).toEqual([]);
  });

  it('sends once when copies of a message are handled by concurrent invocations at the same moment', async () => {
    // Prepare
    const message = aMessage(channel);
    for (let i = 0; i < 3; i++) h.publish(message);
    // Act: three invocations at once, one copy each
    await h.drain(channel, 1, { concurrent: true });
    // Assess: one claim won; the others looked again once it was settled
    expect(h.sent(channel)).toHaveLength(1);
    await h.drainLater(channel);
    expect(h.sent(channel)).toHaveLength(1);
    expect(await h.record(keyOf(message))).toMatchObject({ status: 'SENT' });
    expect(h.queued(channel)).toEqual([]);
  });

  it('sends nothing more when the function dies after the send and SQS redelivers: the claim is recorded UNCERTAIN', async () => {
    // Prepare: the write of the outcome never happens (the process died after the provider took it).
    const message = aMessage(channel);
    h.crashOnce(
      (command, input) => command === 'UpdateItemCommand' && JSON.stringify(input).includes('"SENT"'),
      'before',
    );
    h.publish(message);
    // Act: the first receive dies; SQS hands the message over again after the visibility timeout
    await h.drain(channel);
    expect(h.queued(channel)).toHaveLength(1);
    await h.drainLater(channel);
    // Assess
    expect(h.sent(channel)).toHaveLength(1);
    expect(await h.record(keyOf(message))).toMatchObject({ status: 'UNCERTAIN', code: 'INTERRUPTED' });
    expect(h.queued(channel)).toEqual([]);
  });

  it('sends once when the function dies before the claim and SQS redelivers', async () => {
    // Prepare: the claim's write dies before it reaches the table.
    const message = aMessage(channel);
    h.crashOnce(
      (command, input) => command === 'PutItemCommand' && JSON.stringify(input).includes('"SENDING"'),
      'before',
    );
    h.publish(message);
    // Act
    await h.drain(channel);
    await h.drainLater(channel);
    // Assess
    expect(h.sent(channel)).toHaveLength(1);
    expect(await h.record(keyOf(message))).toMatchObject({ status: 'SENT' });
  });

  it('decided: dying between the claim and the provider call sends nothing, and the redelivery records it UNCERTAIN (never contact twice)', async () => {
    // Prepare: the claim is written, then the process dies before the call.
    const message = aMessage(channel);
    h.crashOnce(
      (command, input) => command === 'PutItemCommand' && JSON.stringify(input).includes('"SENDING"'),
      'after',
    );
    h.publish(message);
    // Act
    await h.drain(channel);
    await h.drainLater(channel);
    // Assess
    expect(h.sent(channel)).toEqual([]);
    expect(await h.record(keyOf(message))).toMatchObject({ status: 'UNCERTAIN', code: 'INTERRUPTED' });
    expect(h.queued(channel)).toEqual([]);
  });

  it('leaves a claim younger than any attempt can live to its attempt: another copy looks again later', async () => {
    // Prepare: a claim just written by an attempt that is still running (another copy, right now).
    const message = aMessage(channel);
    h.crashOnce(
      (command, input) => command === 'PutItemCommand' && JSON.stringify(input).includes('"SENDING"'),
      'after',
    );
    h.publish(message);
    await h.drain(channel);
    // Act: a second copy arrives 10 s later
    h.advance(10);
    h.publish(message);
    await h.drain(channel);
    // Assess: not settled by the second copy, which comes back after the claim's in-flight time
    expect(await h.record(keyOf(message))).toMatchObject({ status: 'SENDING' });
    const visibility = h.sqs.commandCalls(ChangeMessageVisibilityCommand).at(-1)?.args[0].input;
    expect(visibility?.VisibilityTimeout).toBe(110);
    expect(h.sent(channel)).toEqual([]);
  });

  it('records UNCERTAIN and never resends when the provider call times out after it took the message', async () => {
    // Prepare
    const message = aMessage(channel);
    h.failNextSends(channel, { error: timeout(), afterEffect: true });
    h.publish(message);
    // Act: the message, then the same message again
    await h.drain(channel);
    h.publish(message);
    await h.drain(channel);
    // Assess: it reached the borrower once; the record says its outcome is unknown
    expect(h.sent(channel)).toHaveLength(1);
    expect(await h.record(keyOf(message))).toMatchObject({ status: 'UNCERTAIN', code: 'TimeoutError' });
    expect(h.queued(channel)).toEqual([]);
  });

  it('retries a throttled send with backoff (nothing was sent), then sends it once', async () => {
    // Prepare
    const message = aMessage(channel);
    h.failNextSends(channel, { error: throttling(channel) });
    h.publish(message);
    // Act
    await h.drain(channel);
    // Assess: back in the queue for 30 s, the claim released
    expect(h.sent(channel)).toEqual([]);
    expect(h.sqs.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input.VisibilityTimeout).toBe(30);
    expect(await h.record(keyOf(message))).toBeNull();
    // Act: SQS hands it over again
    await h.drainLater(channel);
    // Assess
    expect(h.sent(channel)).toHaveLength(1);
    expect(await h.record(keyOf(message))).toMatchObject({ status: 'SENT' });
  });

  it('backs off longer at each throttled receive (30 s, 60 s, 120 s)', async () => {
    // Prepare
    h.failNextSends(
      channel,
      { error: throttling(channel) },
      { error: throttling(channel) },
      { error: throttling(channel) },
    );
    h.publish(aMessage(channel));
    // Act
    await h.drain(channel);
    await h.drainLater(channel);
    await h.drainLater(channel);
    await h.drainLater(channel);
    // Assess
    expect(
      h.sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.VisibilityTimeout),
    ).toEqual([30, 60, 120]);
    expect(h.sent(channel)).toHaveLength(1);
  });

  it('records FAILED, without retrying, a message the provider refuses for good', async () => {
    // Prepare
    const message = aMessage(channel);
    h.failNextSends(channel, { error: refusal(channel) });
    h.publish(message);
    // Act
    await h.drain(channel);
    // Assess
    expect(h.sent(channel)).toEqual([]);
    expect(await h.record(keyOf(message))).toMatchObject({ status: 'FAILED', code: refusal(channel).name });
    expect(h.queued(channel)).toEqual([]);
  });

  it('waits when it arrives outside the send window, then sends when the window opens (08:00 local)', async () => {
    // Prepare: 21:30 local, the window is closed until 08:00
    h.setClock('2026-12-07T21:30:00+08:00');
    const message = aMessage(channel);
    h.publish(message);
    // Act
    await h.drain(channel);
    // Assess: invisible for 10 h 30 min, nothing sent, nothing recorded
    expect(h.sqs.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input.VisibilityTimeout).toBe(
      37_800,
    );
    expect(h.sent(channel)).toEqual([]);
    expect(await h.record(keyOf(message))).toBeNull();
    // Act: SQS hands it over at 08:00
    await h.drainLater(channel);
    // Assess
    expect(h.now).toBe(new Date('2026-12-08T08:00:00+08:00').toISOString());
    expect(h.sent(channel)).toHaveLength(1);
  });

  it('drops a message whose installment was paid meanwhile, recording the reason', async () => {
    // Prepare
    await h.changeInstallment('L1', '1', (inst) => ({
      ...inst,
      status: 'PAID',
      paidPrincipal: inst.principal,
      paidInterest: inst.interest,
      paidOn: '2026-12-06',
      closedOn: '2026-12-06',
      dpdAtPayment: 0,
    }));
    const message = aMessage(channel);
    h.publish(message);
    // Act
    await h.drain(channel);
    // Assess
    expect(h.sent(channel)).toEqual([]);
    expect(await h.record(keyOf(message))).toMatchObject({ status: 'DROPPED', reason: 'PAID' });
    expect(h.queued(channel)).toEqual([]);
  });

  it('drops a message for a channel whose consent was withdrawn meanwhile', async () => {
    // Prepare
    await h.putBorrower(aBorrower({ consents: { [channel]: false } }));
    const message = aMessage(channel);
    h.publish(message);
    // Act
    await h.drain(channel);
    // Assess
    expect(h.sent(channel)).toEqual([]);
    expect(await h.record(keyOf(message))).toMatchObject({ status: 'DROPPED', reason: 'NO_CONSENT' });
  });

  it('drops an UPCOMING that reaches its worker on or after its due date (a long backlog)', async () => {
    // Prepare
    h.setClock('2026-12-10T09:00:00+08:00');
    const message = aMessage(channel);
    h.publish(message);
    // Act
    await h.drain(channel);
    // Assess
    expect(h.sent(channel)).toEqual([]);
    expect(await h.record(keyOf(message))).toMatchObject({ status: 'DROPPED', reason: 'DUE_DATE_PASSED' });
  });
});

describe('SMS', () => {
  it('publishes to the number as a transactional SMS from the configured sender ID', async () => {
    // Act
    h.publish(aMessage('sms'));
    await h.drain('sms');
    // Assess
    const input = h.sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.PhoneNumber).toBe(ADDRESSES.sms);
    expect(input?.MessageAttributes).toEqual({
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
      'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'LENDER' },
    });
  });

  it('does not send to a number on the opt-out list, records OPTED_OUT and flags the number so later notifications leave SMS out', async () => {
    // Prepare
    h.optOut(ADDRESSES.sms);
    const message = aMessage('sms');
    h.publish(message);
    // Act
    await h.drain('sms');
    // Assess
    expect(h.sent('sms')).toEqual([]);
    expect(await h.record(keyOf(message))).toMatchObject({ status: 'DROPPED', reason: 'OPTED_OUT' });
    const borrower = await h.borrower('b1');
    expect(borrower?.unusable?.sms).toMatchObject({ reason: 'OPTED_OUT', address: ADDRESSES.sms });
    expect(usedChannels(['push', 'sms', 'email'], borrower as NonNullable<typeof borrower>)).toEqual([
      'email',
      'push',
    ]);
  });

  it('drops a later SMS to the flagged number without asking SNS again; a new number is used again', async () => {
    // Prepare
    h.optOut(ADDRESSES.sms);
    h.publish(aMessage('sms'));
    await h.drain('sms');
    const checks = h.sns.commandCalls(CheckIfPhoneNumberIsOptedOutCommand).length;
    // Act: another notification to the same number
    const later = aMessage('sms', { kind: 'DUE_TODAY', occurrence: '2026-12-10' });
    h.setClock('2026-12-10T09:00:00+08:00');
    h.publish(later);
    await h.drain('sms');
    // Assess
    expect(await h.record(keyOf(later))).toMatchObject({ status: 'DROPPED', reason: 'ADDRESS_UNUSABLE' });
    expect(h.sns.commandCalls(CheckIfPhoneNumberIsOptedOutCommand)).toHaveLength(checks);
    // Act: the borrower's number changes
    const borrower = await h.borrower('b1');
    await h.putBorrower({
      ...(borrower as NonNullable<typeof borrower>),
      contacts: { ...ADDRESSES, sms: '+8613900000002' },
    });
    const third = aMessage('sms', { kind: 'DEBIT_FAILED', occurrence: '2026-12-10#first' });
    h.publish(third);
    await h.drain('sms');
    // Assess
    expect(h.sent('sms')).toEqual([expect.objectContaining({ target: '+8613900000002' })]);
  });
});

describe('push', () => {
  it('creates the platform endpoint of a token once (in the FCM application) and remembers it', async () => {
    // Act: two notifications to the same token
    h.publish(aMessage('push'));
    h.publish(aMessage('push', { kind: 'DEBIT_FAILED', occurrence: '2026-12-10#first' }));
    await h.drain('push');
    // Assess
    expect(h.sent('push')).toHaveLength(2);
    const creates = h.sns.commandCalls(CreatePlatformEndpointCommand);
    expect(creates).toHaveLength(1);
    expect(creates[0]?.args[0].input).toEqual({
      PlatformApplicationArn: 'arn:aws:sns:ap-east-1:123456789012:app/GCM/lender-app',
      Token: ADDRESSES.push,
    });
    const publish = h.sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(publish?.MessageStructure).toBe('json');
    expect(
      JSON.parse(JSON.parse(publish?.Message ?? '{}').GCM).fcmV1Message.message.notification.body,
    ).toContain('¥1,010.00');
  });

  it('drops the token from the profile when SNS reports its endpoint disabled, and records ENDPOINT_DISABLED', async () => {
    // Prepare
    const message = aMessage('push');
    h.failNextSends('push', {
      error: new EndpointDisabledException({ message: 'Endpoint is disabled', ...meta }),
    });
    h.publish(message);
    // Act
    await h.drain('push');
    // Assess
    expect(h.sent('push')).toEqual([]);
    expect(await h.record(keyOf(message))).toMatchObject({ status: 'DROPPED', reason: 'ENDPOINT_DISABLED' });
    const borrower = await h.borrower('b1');
    expect(borrower?.contacts.push).toBeUndefined();
    expect(borrower?.contacts.sms).toBe(ADDRESSES.sms);
    // Act: the next push notification finds no token
    const later = aMessage('push', { kind: 'DEBIT_FAILED', occurrence: '2026-12-10#first' });
    h.publish(later);
    await h.drain('push');
    // Assess
    expect(await h.record(keyOf(later))).toMatchObject({ status: 'DROPPED', reason: 'NO_ADDRESS' });
  });
});

describe('e-mail', () => {
  const bounce = (tags: { Name: string; Value: string }[], bounceType = 'Permanent') => ({
    eventType: 'Bounce',
    bounce: { bounceType, bounceSubType: 'General', bouncedRecipients: [{ emailAddress: ADDRESSES.email }] },
    mail: { messageId: 'ses-1', tags: Object.fromEntries(tags.map((t) => [t.Name, [t.Value]])) },
  });
  const complaint = (tags: { Name: string; Value: string }[]) => ({
    eventType: 'Complaint',
    complaint: { complainedRecipients: [{ emailAddress: ADDRESSES.email }] },
    mail: { messageId: 'ses-1', tags: Object.fromEntries(tags.map((t) => [t.Name, [t.Value]])) },
  });

  it('sends through SES v2 from the configured address, in the configuration set, with subject and ids as tags', async () => {
    // Act
    h.publish(aMessage('email'));
    await h.drain('email');
    // Assess
    const input = h.ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.FromEmailAddress).toBe('reminders@lender.example');
    expect(input?.ConfigurationSetName).toBe(CONFIGURATION_SET);
    expect(input?.Destination).toEqual({ ToAddresses: [ADDRESSES.email] });
    expect(input?.Content?.Simple?.Subject?.Data).toBe('还款提醒');
    for (const tag of input?.EmailTags ?? []) expect(tag.Value).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['a permanent bounce', 'BOUNCED', bounce],
    ['a complaint', 'COMPLAINED', complaint],
  ] as const)(
    'suppresses the address for the borrower on %s, notes it on the delivery, and drops later e-mails to it',
    async (_name, reason, event) => {
      // Prepare: an e-mail sent
      const message = aMessage('email');
      h.publish(message);
      await h.drain('email');
      const tags = h.sent('email')[0]?.tags ?? [];
      // Act: SES reports back
      const response = await h.feedback(event(tags));
      // Assess
      expect(response.batchItemFailures).toEqual([]);
      const borrower = await h.borrower('b1');
      expect(borrower?.unusable?.email).toMatchObject({ reason, address: ADDRESSES.email });
      expect(await h.record(keyOf(message))).toMatchObject({ status: 'SENT', feedback: reason });
      expect(usedChannels(['email', 'sms'], borrower as NonNullable<typeof borrower>)).toEqual(['sms']);
      // Act: a later e-mail to the same address
      const later = aMessage('email', { kind: 'DEBIT_FAILED', occurrence: '2026-12-10#first' });
      h.publish(later);
      await h.drain('email');
      // Assess
      expect(await h.record(keyOf(later))).toMatchObject({ status: 'DROPPED', reason: 'ADDRESS_UNUSABLE' });
      expect(h.ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    },
  );

  it('takes a transient bounce as no verdict on the address', async () => {
    // Prepare
    h.publish(aMessage('email'));
    await h.drain('email');
    // Act
    await h.feedback(bounce(h.sent('email')[0]?.tags ?? [], 'Transient'));
    // Assess
    expect((await h.borrower('b1'))?.unusable).toBeUndefined();
  });

  it('rejects an SES event it cannot read (the queue dead-letters it)', async () => {
    // Act
    const response = await h.feedback({ eventType: 'Bounce', bounce: {} });
    // Assess
    expect(response.batchItemFailures).toHaveLength(1);
  });
});

describe('bad input and logs', () => {
  it('rejects a malformed message and a message of another channel: reported failed, nothing sent or recorded', async () => {
    // Prepare
    h.publish({ ...aMessage('sms'), kind: 'NOT_A_KIND' as never });
    h.publishRaw('sms', JSON.stringify(notificationBody(aMessage('push'))));
    // Act
    const [response] = await h.drain('sms');
    // Assess
    expect(response?.batchItemFailures).toHaveLength(2);
    expect(h.delivered).toEqual([]);
    expect(await h.history('L1', '1')).toEqual([]);
  });

  it('logs ids and codes, never an address or a message text, also when a send fails', async () => {
    // Prepare
    const message = aMessage('email');
    h.failNextSends('email', { error: timeout(), afterEffect: true });
    // Act
    const lines = await captureLogs('DEBUG', async () => {
      h.publish(message);
      await h.drain('email');
      h.publish(aMessage('sms'));
      await h.drain('sms');
    });
    // Assess
    const text = lines.join('\n');
    expect(text).toContain('UNCERTAIN');
    for (const secret of [ADDRESSES.email, ADDRESSES.sms, ADDRESSES.push, message.text, '¥1,010.00'])
      expect(text).not.toContain(secret);
  });

  it('keeps every record readable by installment: the contact history of L1/1', async () => {
    // Prepare
    for (const channel of CHANNELS) h.publish(aMessage(channel));
    // Act
    for (const channel of CHANNELS) await h.drain(channel);
    // Assess
    const history = await h.history('L1', '1');
    expect(history.map((r) => `${r.channel}:${r.status}`).sort()).toEqual([
      'email:SENT',
      'push:SENT',
      'sms:SENT',
    ]);
    expect(await h.history('L1', '2')).toEqual([]);
  });
});

describe('timing', () => {
  it('waits no longer than SQS allows in one go (12 hours) when the window opens later than that', async () => {
    // Prepare: a narrow window (10:00-12:00), the message arrives at 12:30
    await h.stop();
    h = await startDeliveryHarness({
      sendWindow: { start: '10:00', end: '12:00' },
      schedules: {
        ...defaultJson.schedules,
        reminders: ['cron(0 10 * * ? *)'],
        failedDebits: ['cron(0 11 * * ? *)'],
      },
    });
    await h.load([aBorrower()], [dueInstallment]);
    h.setClock('2026-12-07T12:30:00+08:00');
    h.publish(aMessage('sms'));
    // Act
    await h.drain('sms');
    await h.drainLater('sms');
    await h.drainLater('sms');
    // Assess: 43 000 s, then the rest until 10:00; sent then
    const delays = h.sqs
      .commandCalls(ChangeMessageVisibilityCommand)
      .map((c) => c.args[0].input.VisibilityTimeout);
    expect(delays).toEqual([43_000, 77_400 - 43_000]);
    expect(h.sent('sms')).toHaveLength(1);
    expect(h.now).toBe(new Date(`${addDays('2026-12-07', 1)}T10:00:00+08:00`).toISOString());
  });
});
