/**
 * The simulator's own parts, without the handlers: scenario validation, the agenda's ordering,
 * the local SNS/EventBridge/SQS answers, cron fire times, timeline records and the portfolio.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishBatchCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { fireTimesBetween } from '../../shared/config/cron';
import { generatePortfolio } from '../../tools/lib/portfolio';
import { Agenda, type Step } from '../../tools/lib/sim/agenda';
import { busEvent } from '../../tools/lib/sim/bus-events';
import { deepMerge, formatProblems, readDefaultConfig } from '../../tools/lib/sim/config';
import { toRecords } from '../../tools/lib/sim/recording';
import { prepareScenario } from '../../tools/lib/sim/scenario';
import {
  capturingEventBridge,
  capturingSns,
  capturingSqs,
  ruleDelivery,
  UnsupportedCommandError,
} from '../../tools/local-aws';

const valid = () => ({
  start: '2026-12-01',
  end: '2026-12-31',
  borrowers: [{ borrowerId: 'b1', creditScore: 720 }],
  installments: [
    { loanId: 'L1', seq: 1, borrowerId: 'b1', dueDate: '2026-12-10', principal: 100000, interest: 1000 },
  ],
  events: [] as unknown[],
});
/** The failed debit of SIMULATION.md's example. */
const FAILED_DEBIT = {
  at: '2026-12-10T06:00',
  type: 'debit',
  loanId: 'L1',
  seq: 1,
  attemptId: 'd1',
  outcome: 'FAILED',
  reason: 'INSUFFICIENT_FUNDS',
} as const;
const problemsOf = (raw: unknown, operator: unknown = readDefaultConfig()) => {
  const result = prepareScenario(raw, operator);
  return result.ok ? [] : formatProblems(result.problems);
};

describe('scenario validation', () => {
  it('accepts the example of SIMULATION.md', () => {
    // Prepare
    const scenario = {
      ...valid(),
      config: { reminders: { upcoming: { daysBefore: [5, 1] } } },
      borrowers: [
        {
          borrowerId: 'b1',
          creditScore: 720,
          locale: 'zh-CN',
          contacts: { sms: '+8613800000001', email: 'b1@example.com', push: 'tok-b1' },
          consents: { sms: true, email: true, push: true },
        },
      ],
      events: [
        FAILED_DEBIT,
        { at: '2026-12-12T14:00', type: 'payment', loanId: 'L1', seq: 1, paymentId: 'p1', amount: 101100 },
        {
          at: '2026-12-09T12:00',
          type: 'adjustment',
          loanId: 'L1',
          seq: 1,
          requestId: 'r1',
          action: 'EXTEND',
          days: 10,
        },
      ],
      retries: [{ loanId: 'L1', seq: 1, attempt: 2, outcome: 'SUCCEEDED' }],
    };
    // Act
    const result = prepareScenario(scenario, readDefaultConfig());
    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.prepared.config.reminders.upcoming.daysBefore).toEqual([5, 1]);
    expect(result.prepared.config.reminders.upcoming.channels['7']).toEqual(['push']); // merged, not replaced
    expect(result.prepared.eventInstants).toEqual([
      '2026-12-10T06:00:00+08:00',
      '2026-12-12T14:00:00+08:00',
      '2026-12-09T12:00:00+08:00',
    ]);
    expect(result.prepared.span).toEqual({
      from: '2026-12-01T00:00:00+08:00',
      to: '2027-01-01T00:00:00+08:00',
    });
  });

  it('reports every problem at once, each naming its field path', () => {
    const scenario = {
      ...valid(),
      borrowers: [{ borrowerId: 'b1', creditScore: 200, contacts: { sms: '12345' } }],
      installments: [
        { loanId: 'L1', seq: 1, borrowerId: 'b1', dueDate: '2026-12-10', principal: 100000, interest: 1000 },
        { loanId: 'L1', seq: 2, borrowerId: 'b1', dueDate: '2026-13-40', principal: 1, interest: 1 },
        { loanId: 'L1', seq: 3, borrowerId: 'b1', dueDate: '20261210', principal: 1, interest: 1 },
        { loanId: 'L1', seq: 4, borrowerId: 'b1', dueDate: '10/12/2026', principal: -1, interest: 1 },
      ],
      events: [
        { at: '2026-12-10 06:00', type: 'debit', loanId: 'L1', seq: 1, attemptId: 'd1', outcome: 'FAILED' },
      ],
      config: { maxNotificationsPerBorrowerPerDay: 0 },
    };
    expect(problemsOf(scenario)).toEqual([
      'borrowers[0].creditScore: expected an integer 350..950',
      'borrowers[0].contacts.sms: expected an E.164 phone number',
      'installments[1].dueDate: expected a real calendar date',
      'installments[2].dueDate: expected YYYY-MM-DD',
      'installments[3].dueDate: expected YYYY-MM-DD',
      'installments[3].principal: expected an amount >= 0',
      'events[0].at: expected YYYY-MM-DDTHH:mm (local) or an ISO-8601 date-time with an offset',
      'events[0].reason: a FAILED debit needs a reason',
      expect.stringMatching(/^config\.maxNotificationsPerBorrowerPerDay: /),
    ]);
  });

  it('names missing and unknown fields', () => {
    const { installments: _, ...noInstallments } = valid();
    expect(problemsOf({ ...noInstallments, retires: [] })).toEqual(
      ['installments: required (expected an array)', ': unknown field retires'].map((p) =>
        p.startsWith(':') ? p.slice(2) : p,
      ),
    );
  });

  it('rejects debits and payments for unknown installments, events outside the span, early due dates, duplicates and unknown borrowers', () => {
    const scenario = {
      ...valid(),
      installments: [
        ...valid().installments,
        { loanId: 'L1', seq: 1, borrowerId: 'b1', dueDate: '2026-12-20', principal: 1, interest: 1 },
        { loanId: 'L2', seq: 1, borrowerId: 'b9', dueDate: '2026-11-30', principal: 1, interest: 1 },
      ],
      events: [
        {
          at: '2026-12-10T06:00',
          type: 'debit',
          loanId: 'L9',
          seq: 1,
          attemptId: 'd1',
          outcome: 'SUCCEEDED',
        },
        { at: '2027-01-01T00:00', type: 'payment', loanId: 'L1', seq: 1, paymentId: 'p1', amount: 1 },
        { at: '2026-11-30T23:59', type: 'payment', loanId: 'L1', seq: 1, paymentId: 'p2', amount: 1 },
        { at: '2026-12-31T15:59:00Z', type: 'payment', loanId: 'L1', seq: 1, paymentId: 'p3', amount: 1 },
        { at: '2026-12-31T16:00:00Z', type: 'payment', loanId: 'L1', seq: 1, paymentId: 'p4', amount: 1 },
        {
          at: '2026-12-09T12:00',
          type: 'adjustment',
          loanId: 'L9',
          seq: 1,
          requestId: 'r1',
          action: 'EXTEND',
          days: 3,
        },
      ],
      retries: [{ loanId: 'L7', seq: 1, attempt: 1, outcome: 'SUCCEEDED' }],
    };
    expect(problemsOf(scenario)).toEqual([
      'installments[1].seq: duplicate installment L1/1 (first at installments[0])',
      'installments[2].borrowerId: unknown borrower "b9"',
      'installments[2].dueDate: before start (2026-12-01)',
      'events[0].loanId: unknown installment L9/1',
      "events[1].at: outside the scenario's days 2026-12-01..2026-12-31",
      "events[2].at: outside the scenario's days 2026-12-01..2026-12-31",
      "events[4].at: outside the scenario's days 2026-12-01..2026-12-31",
      'retries[0].loanId: unknown installment L7/1',
    ]);
  });

  it('checks the scenario against the merged configuration: its time zone decides the span', () => {
    const scenario = {
      ...valid(),
      config: { timeZone: 'UTC' },
      events: [
        {
          at: '2026-12-31T20:00:00Z',
          type: 'payment',
          loanId: 'L1',
          seq: 1,
          paymentId: 'p1',
          amount: 1,
        },
      ],
    };
    expect(problemsOf(scenario)).toEqual([]);
    expect(problemsOf({ ...scenario, config: { timeZone: 'Mars/Olympus' } })).toEqual([
      'config.timeZone: expected an IANA time zone (e.g. Asia/Shanghai)',
      // checked in the operator's time zone meanwhile
      "events[0].at: outside the scenario's days 2026-12-01..2026-12-31",
    ]);
  });

  it('deep-merges objects and replaces arrays', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, e: 2 })).toEqual({
      a: { b: 1, c: [3] },
      d: 1,
      e: 2,
    });
  });
});

describe('agenda', () => {
  it('takes steps in time order; within a minute events (file order), then retry answers, then jobs', () => {
    // Prepare
    const agenda = new Agenda();
    const job = (at: string, j: 'aging' | 'reminders' | 'failedDebits'): Step => ({
      kind: 'job',
      at,
      job: j,
    });
    const answer = (at: string): Step => ({
      kind: 'retryAnswer',
      at,
      loanId: 'L',
      seq: '1',
      attempt: 1,
      occurrence: 'x',
      outcome: 'FAILED',
    });
    agenda.add(job('2026-12-02T10:00:00+08:00', 'failedDebits'));
    agenda.add(answer('2026-12-02T10:00:00+08:00'));
    agenda.add({ kind: 'event', at: '2026-12-02T10:00:00+08:00', index: 1 });
    agenda.add({ kind: 'event', at: '2026-12-02T10:00:00+08:00', index: 0 });
    agenda.add({ kind: 'event', at: '2026-12-02T10:00:30+08:00', index: 2 });
    agenda.add(job('2026-12-02T09:00:00+08:00', 'reminders'));
    agenda.add(job('2026-12-02T00:30:00+08:00', 'aging'));
    agenda.add({ kind: 'event', at: '2026-12-01T16:30:00Z', index: 3 }); // 00:30 local
    // Act
    const order: string[] = [];
    for (let s = agenda.take(); s; s = agenda.take()) {
      order.push(s.kind === 'event' ? `event${s.index}` : s.kind === 'job' ? s.job : 'answer');
    }
    // Assess
    expect(order).toEqual([
      'event3',
      'aging',
      'reminders',
      'event1',
      'event0',
      'event2',
      'answer',
      'failedDebits',
    ]);
  });

  it('accepts steps added while it is being taken', () => {
    const agenda = new Agenda();
    agenda.add({ kind: 'event', at: '2026-12-02T10:00:00+08:00', index: 0 });
    agenda.add({ kind: 'event', at: '2026-12-02T12:00:00+08:00', index: 1 });
    expect(agenda.take()).toMatchObject({ index: 0 });
    agenda.add({
      kind: 'retryAnswer',
      at: '2026-12-02T11:00:00+08:00',
      loanId: 'L',
      seq: '1',
      attempt: 1,
      occurrence: 'x',
      outcome: 'SUCCEEDED',
    });
    expect(agenda.take()?.kind).toBe('retryAnswer');
    expect(agenda.take()).toMatchObject({ index: 1 });
    expect(agenda.take()).toBeUndefined();
  });
});

describe('local AWS answers', () => {
  it('captures PublishBatch, PutEvents and SendMessageBatch entries and answers success without a network', async () => {
    // Prepare
    const seen: string[] = [];
    const sinks = {
      published: (_t: string, entries: { Message?: string }[]) =>
        seen.push(...entries.map((e) => `sns:${e.Message}`)),
      putEvents: (entries: { DetailType?: string }[]) =>
        seen.push(...entries.map((e) => `eb:${e.DetailType}`)),
      sentMessages: (url: string, entries: { MessageBody?: string }[]) =>
        seen.push(...entries.map((e) => `sqs:${url}:${e.MessageBody}`)),
    };
    const sns = capturingSns(sinks);
    const eb = capturingEventBridge(sinks);
    const sqs = capturingSqs(sinks);
    // Act
    const published = await sns.send(
      new PublishBatchCommand({
        TopicArn: 'arn:t',
        PublishBatchRequestEntries: [
          { Id: '0', Message: 'a' },
          { Id: '1', Message: 'b' },
        ],
      }),
    );
    const put = await eb.send(
      new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'X', Detail: '{}' }] }),
    );
    const sent = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: 'q1', Entries: [{ Id: '0', MessageBody: 'm' }] }),
    );
    await sns.send(new PublishCommand({ TopicArn: 'arn:t', Message: 'c' }));
    // Assess
    expect(seen).toEqual(['sns:a', 'sns:b', 'eb:X', 'sqs:q1:m', 'sns:c']);
    expect(published.Successful?.map((s) => s.Id)).toEqual(['0', '1']);
    expect(published.Failed).toEqual([]);
    expect(put.FailedEntryCount).toBe(0);
    expect(put.Entries?.[0]?.EventId).toBeTruthy();
    expect(sent.Successful?.map((s) => s.Id)).toEqual(['0']);
    await expect(
      sns.send(new SubscribeCommand({ TopicArn: 'arn:t', Protocol: 'sms' })),
    ).rejects.toBeInstanceOf(UnsupportedCommandError);
  });
});

describe('cron fire times', () => {
  it('lists the local fire times of EventBridge Scheduler cron expressions in a span', () => {
    const from = '2026-12-01T00:00:00+08:00';
    const to = '2026-12-03T00:00:00+08:00';
    expect(fireTimesBetween('cron(30 0 * * ? *)', 'Asia/Shanghai', from, to)).toEqual([
      '2026-12-01T00:30:00+08:00',
      '2026-12-02T00:30:00+08:00',
    ]);
    expect(fireTimesBetween('cron(0 10,16 * * ? *)', 'Asia/Shanghai', from, to)).toHaveLength(4);
    expect(
      fireTimesBetween(
        'cron(0 9 ? * MON-FRI *)',
        'Asia/Shanghai',
        '2026-12-05T00:00:00+08:00',
        '2026-12-08T00:00:00+08:00',
      ),
    ).toEqual(['2026-12-07T09:00:00+08:00']);
    expect(fireTimesBetween('cron(0/20 8 1 DEC ? 2026)', 'Asia/Shanghai', from, to)).toEqual([
      '2026-12-01T08:00:00+08:00',
      '2026-12-01T08:20:00+08:00',
      '2026-12-01T08:40:00+08:00',
    ]);
  });
});

describe('timeline records', () => {
  it('groups the channel messages of one notification into one record, channels sorted, in the order made', () => {
    // Prepare
    const msg = (channel: string, kind = 'UPCOMING', loanId = 'L1') => ({
      kind: 'message' as const,
      body: {
        borrowerId: 'b1',
        channel,
        loanId,
        seq: '1',
        kind,
        occurrence: '2026-12-10#3',
        text: `${channel} text`,
      },
    });
    const captured = [
      {
        kind: 'audit' as const,
        entry: {
          type: 'transition' as const,
          at: '2026-12-03T01:00:00.000Z',
          loanId: 'L0',
          seq: '1',
          from: 'SCHEDULED' as const,
          to: 'IN_GRACE' as const,
          dpd: 0,
        },
      },
      msg('sms'),
      msg('push'),
      msg('push', 'UPCOMING', 'L2'),
      {
        kind: 'event' as const,
        detailType: 'BorrowerUnreachable',
        detail: { loanId: 'L3', seq: '2', occurrence: 'UPCOMING#x' },
      },
      msg('email'),
    ];
    // Act
    const records = toRecords(captured, '2026-12-03T09:00:00+08:00', 'Asia/Shanghai');
    // Assess
    expect(records).toEqual([
      {
        type: 'transition',
        at: '2026-12-03T09:00:00+08:00',
        loanId: 'L0',
        seq: '1',
        from: 'SCHEDULED',
        to: 'IN_GRACE',
        dpd: 0,
      },
      {
        type: 'notification',
        at: '2026-12-03T09:00:00+08:00',
        borrowerId: 'b1',
        loanId: 'L1',
        seq: '1',
        kind: 'UPCOMING',
        occurrence: '2026-12-10#3',
        channels: ['email', 'push', 'sms'],
        messages: { email: 'email text', push: 'push text', sms: 'sms text' },
      },
      expect.objectContaining({ type: 'notification', loanId: 'L2', channels: ['push'] }),
      {
        type: 'event',
        at: '2026-12-03T09:00:00+08:00',
        detailType: 'BorrowerUnreachable',
        loanId: 'L3',
        seq: '2',
        detail: { loanId: 'L3', seq: '2', occurrence: 'UPCOMING#x' },
      },
    ]);
    expect(Object.keys(records[1] ?? {})).toEqual([
      'type',
      'at',
      'borrowerId',
      'loanId',
      'seq',
      'kind',
      'occurrence',
      'channels',
      'messages',
    ]);
  });

  it('builds intake events as the EventBridge rule delivers them: seq as a string, times with the local offset', () => {
    // Act
    const event = busEvent(
      { ...FAILED_DEBIT, reason: 'CARD_EXPIRED' },
      '2026-12-09T22:00:00.000Z',
      'Asia/Shanghai',
    );
    // Assess
    expect(event).toEqual({
      detailType: 'DebitAttemptCompleted',
      source: 'lender.payments',
      time: '2026-12-09T22:00:00.000Z',
      detail: {
        loanId: 'L1',
        seq: '1',
        attemptId: 'd1',
        outcome: 'FAILED',
        reason: 'CARD_EXPIRED',
        attemptedAt: '2026-12-10T06:00:00+08:00',
      },
    });
    expect(JSON.parse(ruleDelivery(event))).toMatchObject({
      version: '0',
      'detail-type': 'DebitAttemptCompleted',
      source: 'lender.payments',
      time: '2026-12-09T22:00:00Z',
      detail: event.detail,
    });
    const split = {
      at: 'x',
      type: 'adjustment',
      loanId: 'L1',
      seq: '1.2',
      requestId: 'r1',
      action: 'SPLIT',
      parts: 2,
    };
    expect(busEvent(split as never, '2026-12-09T04:00:00Z', 'Asia/Shanghai').detail).toEqual({
      requestId: 'r1',
      loanId: 'L1',
      seq: '1.2',
      action: 'SPLIT',
      parts: 2,
      requestedAt: '2026-12-09T12:00:00+08:00',
    });
  });
});

describe('synthetic portfolio', () => {
  it('is a valid scenario, the same for the same seed and different for another', () => {
    const a = generatePortfolio({ seed: 7, borrowers: 300, days: 120 });
    expect(problemsOf(JSON.parse(JSON.stringify(a)))).toEqual([]);
    expect(JSON.stringify(generatePortfolio({ seed: 7, borrowers: 300, days: 120 }))).toBe(JSON.stringify(a));
    expect(JSON.stringify(generatePortfolio({ seed: 8, borrowers: 300, days: 120 }))).not.toBe(
      JSON.stringify(a),
    );
  });

  it('has a spread of scores, gaps in contacts and consents, failures by the given rate and mix, and hardship requests', () => {
    const s = generatePortfolio({ seed: 42, borrowers: 2000, days: 120, failureRate: 0.2 });
    const scores = s.borrowers.map((b) => b.creditScore as number);
    expect(Math.min(...scores)).toBeGreaterThanOrEqual(350);
    expect(Math.max(...scores)).toBeLessThanOrEqual(950);
    for (const [min, max] of [
      [350, 649],
      [650, 699],
      [700, 749],
      [750, 950],
    ]) {
      expect(scores.filter((x) => x >= (min as number) && x <= (max as number)).length).toBeGreaterThan(100);
    }
    expect(s.borrowers.filter((b) => !(b.contacts as Record<string, string>).email).length).toBeGreaterThan(
      300,
    );
    expect(s.borrowers.filter((b) => Object.keys(b.contacts as object).length === 0).length).toBeGreaterThan(
      0,
    );
    expect(
      s.borrowers.filter((b) => Object.values(b.consents as object).includes(false)).length,
    ).toBeGreaterThan(100);
    const debits = s.events.filter((e) => e.type === 'debit');
    const failed = debits.filter((e) => e.outcome === 'FAILED');
    expect(failed.length / debits.length).toBeGreaterThan(0.15);
    expect(failed.length / debits.length).toBeLessThan(0.25);
    const hard = failed.filter((e) =>
      ['CARD_EXPIRED', 'ACCOUNT_CLOSED', 'AUTHORIZATION_REVOKED'].includes(e.reason as string),
    );
    expect(hard.length / failed.length).toBeGreaterThan(0.15);
    expect(hard.length / failed.length).toBeLessThan(0.35);
    expect(s.retries.length).toBeGreaterThan(0);
    expect(s.events.some((e) => e.action === 'EXTEND')).toBe(true);
    expect(s.events.some((e) => e.action === 'SPLIT')).toBe(true);
    expect(s.events.some((e) => e.type === 'payment')).toBe(true);
  });
});
