/**
 * From timeline records to report data: states and buckets by day, notifications and SMS cost,
 * failed debits and their recovery, and tolerance of what the report does not know.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildReport, buildReportFromText, ReportBuilder } from '../../tools/report/build';
import { addDays } from '../../tools/report/days';
import { bucketChanged, event, final, notification, skipped, transition } from './records';

/** The value of a daily series on a day. */
const on = (
  data: ReturnType<typeof buildReport>,
  series: Record<string, number[]>,
  name: string,
  day: string,
) => series[name]?.[data.days.indexOf(day)] ?? 0;

describe('installments by state and bucket, day by day', () => {
  // L1 pays on its due date; L2 fails, grace, overdue M1, M2, then paid; L3 is split into two parts.
  const records = [
    transition('2027-01-05', 'L1', '1', 'SCHEDULED', 'PAID', 0, '06:00'),
    transition('2027-01-05', 'L2', '1', 'SCHEDULED', 'IN_GRACE', 0, '06:00'),
    transition('2027-01-06', 'L2', '1', 'IN_GRACE', 'OVERDUE', 1),
    bucketChanged('2027-01-06', 'L2', '1', null, 'M1', 1),
    bucketChanged('2027-02-05', 'L2', '1', 'M1', 'M2', 31),
    transition('2027-02-07', 'L2', '1', 'OVERDUE', 'PAID', 33, '14:00'),
    event('2027-01-10', 'RepaymentPlanAdjusted', 'L3', '1', {
      action: 'SPLIT',
      schedule: [{ seq: '1.1' }, { seq: '1.2' }],
    }),
    transition('2027-01-10', 'L3', '1', 'SCHEDULED', 'RESTRUCTURED', 0),
    final('L1', '1', 'PAID', '2027-01-05'),
    final('L2', '1', 'PAID', '2027-01-05'),
    final('L3', '1', 'RESTRUCTURED', '2027-01-20'),
    final('L3', '1.1', 'SCHEDULED', '2027-02-20'),
    final('L3', '1.2', 'SCHEDULED', '2027-03-20'),
  ];
  const data = new ReportBuilder({}, { from: '2027-01-01', to: '2027-02-28' });
  for (const r of records) data.add(r);
  const d = data.build();

  it('covers the span day by day', () => {
    expect(d.days[0]).toBe('2027-01-01');
    expect(d.days.at(-1)).toBe('2027-02-28');
    expect(d.days).toHaveLength(59);
  });

  it.each<[string, Record<string, number>]>([
    ['2027-01-01', { SCHEDULED: 3, PAID: 0 }],
    ['2027-01-05', { SCHEDULED: 1, IN_GRACE: 1, PAID: 1 }],
    ['2027-01-06', { SCHEDULED: 1, OVERDUE: 1, PAID: 1 }],
    ['2027-01-10', { SCHEDULED: 2, OVERDUE: 1, PAID: 1, RESTRUCTURED: 1 }],
    ['2027-02-07', { SCHEDULED: 2, OVERDUE: 0, PAID: 2, RESTRUCTURED: 1 }],
  ])('states at the end of %s', (day, counts) => {
    for (const [state, n] of Object.entries(counts))
      expect([state, on(d, d.states.series, state, day)]).toEqual([state, n]);
  });

  it.each<[string, Record<string, number>]>([
    ['2027-01-05', { M1: 0, M2: 0 }],
    ['2027-01-06', { M1: 1, M2: 0 }],
    ['2027-02-05', { M1: 0, M2: 1 }],
    ['2027-02-07', { M1: 0, M2: 0 }],
  ])('buckets at the end of %s (leaving OVERDUE leaves the bucket)', (day, counts) => {
    for (const [bucket, n] of Object.entries(counts))
      expect([bucket, on(d, d.buckets.series, bucket, day)]).toEqual([bucket, n]);
  });

  it('ends where the final records do', () => {
    const last = d.days.at(-1) as string;
    for (const [state, n] of Object.entries(d.finals.byStatus))
      expect(on(d, d.states.series, state, last)).toBe(n);
    expect(d.source).toMatchObject({ installments: 5, loans: 3, ignored: 0, malformed: 0 });
  });

  it('starts an installment already OVERDUE in its first bucket (a timeline exported mid-way)', () => {
    const mid = buildReport([
      bucketChanged('2027-01-02', 'L9', '1', 'M3', 'M3+', 91),
      transition('2027-01-03', 'L9', '1', 'OVERDUE', 'PAID', 92, '14:00'),
    ]);
    expect(mid.days).toEqual(['2027-01-02', '2027-01-03']);
    expect(mid.states.series.OVERDUE).toEqual([1, 0]);
    expect(mid.buckets.series['M3+']).toEqual([1, 0]);
    expect(mid.buckets.series.M3).toEqual([0, 0]);
  });

  it('keeps every installment in exactly one state every day (generated histories)', () => {
    const step = fc.constantFrom(
      ['SCHEDULED', 'IN_GRACE'],
      ['IN_GRACE', 'OVERDUE'],
      ['OVERDUE', 'PAID'],
      ['IN_GRACE', 'PAID'],
      ['SCHEDULED', 'PAID'],
      ['OVERDUE', 'SCHEDULED'],
      ['OVERDUE', 'WRITTEN_OFF'],
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(step, fc.integer({ min: 0, max: 60 })), { maxLength: 6 }), {
          minLength: 1,
          maxLength: 20,
        }),
        (installments) => {
          const recs = installments.flatMap((steps, i) =>
            steps.map(([[from, to], offset]) =>
              transition(addDays('2027-01-01', offset), `L${i}`, '1', from, to),
            ),
          );
          const r = new ReportBuilder({}, { from: '2027-01-01', to: '2027-03-02' });
          for (const x of [
            ...recs,
            ...installments.map((_, i) =>
              notification('2027-01-01', `L${i}`, '1', 'UPCOMING', '2027-01-08#7', { push: 'x' }),
            ),
          ])
            r.add(x);
          const data = r.build();
          for (let i = 0; i < data.days.length; i++)
            expect(data.states.order.reduce((s, k) => s + (data.states.series[k]?.[i] ?? 0), 0)).toBe(
              installments.length,
            );
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('notifications and SMS', () => {
  const zh = '【还款提醒】您本期应还¥406.36，将于12月8日自动扣款，请确保还款卡余额充足。'; // 1 part (UCS-2)
  const long = `${'Please pay '.repeat(15)}now.`; // 169 GSM-7 characters: 2 parts
  const d = buildReport(
    [
      notification('2027-01-01', 'L1', '1', 'UPCOMING', '2027-01-08#7', { push: 'p' }),
      notification('2027-01-05', 'L1', '1', 'UPCOMING', '2027-01-08#3', { push: 'p', sms: zh }),
      notification('2027-01-07', 'L1', '1', 'UPCOMING', '2027-01-08#1', { email: 'e', push: 'p', sms: long }),
      skipped('2027-01-07', 'L2', '1', 'UPCOMING', '2027-01-08#1', 'UNREACHABLE'),
      skipped('2027-01-07', 'L3', '1', 'OVERDUE', '2027-01-01#6', 'CAP'),
    ],
    { smsPricePerPartFen: 4 },
  );

  it('counts notifications by kind, messages by channel and skips by reason, per day and in all', () => {
    expect(d.notifications.totals).toEqual({
      sent: 3,
      byKind: { UPCOMING: 3 },
      messagesByChannel: { push: 3, sms: 2, email: 1 },
      skipped: 2,
      skipsByReason: { UNREACHABLE: 1, CAP: 1 },
      skipsByKind: { UPCOMING: 1, OVERDUE: 1 },
    });
    expect(d.notifications.byChannel.order).toEqual(['push', 'sms', 'email']);
    expect(on(d, d.notifications.byChannel.series, 'sms', '2027-01-07')).toBe(1);
    expect(on(d, d.notifications.skipsByReason.series, 'CAP', '2027-01-07')).toBe(1);
  });

  it('counts SMS parts by encoding and prices them per part', () => {
    expect(d.sms.totals).toEqual({
      messages: 2,
      parts: 3,
      costFen: 12,
      byEncoding: { 'GSM-7': { messages: 1, parts: 2 }, 'UCS-2': { messages: 1, parts: 1 } },
    });
    expect(d.sms.costFen[d.days.indexOf('2027-01-07')]).toBe(8);
  });

  it('counts an SMS whose text the timeline lacks as one part of unknown encoding', () => {
    const bare = buildReport([
      { ...notification('2027-01-01', 'L1', '1', 'OVERDUE', 'x', { sms: 'x' }), messages: {} },
    ]);
    expect(bare.sms.totals).toMatchObject({ parts: 1, byEncoding: { unknown: { messages: 1, parts: 1 } } });
  });
});

describe('failed debits, retries and recovery', () => {
  const due = '2027-01-10';
  const failed = (loan: string, day = due) =>
    notification(day, loan, '1', 'DEBIT_FAILED', `${due}#first`, { push: 'x' }, '10:00');
  const retry = (loan: string, attempt: number, day: string) =>
    event(day, 'DebitRetryRequested', loan, '1', { dueDate: due, attempt }, '10:00');
  const paid = (loan: string, day: string, time: string, paidLate = false) =>
    event(
      day,
      'InstallmentPaid',
      loan,
      '1',
      { dueDate: due, paidLate, penaltyPaid: paidLate ? 150 : 0 },
      time,
    );
  const d = buildReport([
    // L1: failed, paid by hand before any retry.
    failed('L1'),
    paid('L1', due, '15:00'),
    // L2: retry 1 fails, retry 2 succeeds an hour later.
    failed('L2'),
    retry('L2', 1, '2027-01-11'),
    retry('L2', 2, '2027-01-12'),
    paid('L2', '2027-01-12', '11:00'),
    // L3: three retries fail, paid late by hand a week later.
    failed('L3'),
    retry('L3', 1, '2027-01-11'),
    retry('L3', 2, '2027-01-12'),
    retry('L3', 3, '2027-01-13'),
    paid('L3', '2027-01-20', '14:00', true),
    // L4: a failed debit seen only by its DPD-0 grace entry (the notice was capped away), never paid.
    event(due, 'InstallmentEnteredGrace', 'L4', '1', { dueDate: due, dpd: 0 }, '06:00'),
    // L5: hard decline after soft ones, then extended.
    skipped(due, 'L5', '1', 'DEBIT_FAILED', `${due}#first`, 'UNREACHABLE', '10:00'),
    skipped('2027-01-11', 'L5', '1', 'DEBIT_FAILED', `${due}#hard`, 'UNREACHABLE', '10:00'),
    event('2027-01-12', 'RepaymentPlanAdjusted', 'L5', '1', { dueDate: due, action: 'EXTEND', days: 10 }),
    // L6: paid on time; entered grace at the aging run (DPD 1) is not a failed debit.
    event('2027-01-11', 'InstallmentEnteredGrace', 'L6', '1', { dueDate: due, dpd: 1 }),
    event('2027-01-11', 'DebitResultMissing', 'L6', '1', { dueDate: due, dpd: 1 }),
  ]);

  it('counts each failed debit once, by its first sign', () => {
    expect(d.debits.totals).toEqual({
      failed: 5,
      dueInstallments: 6,
      hardDeclineNotices: 1,
      retriesRequested: 5,
      resultsMissing: 1,
      recovered: 3,
    });
    expect(d.debits.failedPerDay[d.days.indexOf(due)]).toBe(5);
  });

  it('credits each payment to the last retry requested before it', () => {
    expect(d.debits.byRetry).toEqual([
      { attempt: 0, reached: 5, recovered: 1, recoveredWithin24h: null, rate: 0.2 },
      { attempt: 1, reached: 2, recovered: 0, recoveredWithin24h: 0, rate: 0 },
      { attempt: 2, reached: 2, recovered: 1, recoveredWithin24h: 1, rate: 0.5 },
      { attempt: 3, reached: 1, recovered: 1, recoveredWithin24h: 0, rate: 1 },
    ]);
  });

  it('sorts outcomes: within grace, late, extended or split, written off, unpaid', () => {
    expect(d.debits.outcomes).toEqual({
      paidInGrace: 2,
      paidLate: 1,
      restructured: 1,
      writtenOff: 0,
      unpaid: 1,
    });
    expect(d.penalty.collectedFen).toBe(150);
  });

  it('puts the failed-debit rate of the due date on the early-warning series', () => {
    expect(d.earlyWarning.points.find((p) => p.day === due)).toMatchObject({
      due: 6,
      failed: 5,
      baseline: null,
    });
  });
});

describe('tolerance', () => {
  it('reads seq null loan events, unknown record and detail types, and counts malformed lines', () => {
    // Act
    const d = buildReportFromText(
      [
        JSON.stringify(
          event('2027-01-02', 'CollectionPaused', 'L1', null, { until: '2027-01-09', reason: 'HARDSHIP' }),
        ),
        JSON.stringify(event('2027-01-03', 'CollectionPauseRejected', 'L2', null, { reason: 'NOT_FOUND' })),
        JSON.stringify(event('2027-01-09', 'CollectionResumed', 'L1', null)),
        JSON.stringify(event('2027-01-04', 'SomethingNew', 'L1', '1', { whatever: [1, 2] })),
        JSON.stringify({ type: 'checkpoint', at: '2027-01-05T00:00:00+08:00' }),
        JSON.stringify({ type: 'transition', at: 'yesterday', loanId: 'L1', seq: '1', from: 'A', to: 'B' }),
        JSON.stringify({ type: 'notification', at: '2027-01-05T09:00:00+08:00' }),
        '{ not json',
        '',
        JSON.stringify(transition('2027-01-05', 'L1', '1', 'SCHEDULED', 'PAID', 0)),
      ].join('\n'),
    );
    // Assess
    expect(d.source).toMatchObject({
      ignored: 1,
      malformed: 3,
      firstDay: '2027-01-02',
      lastDay: '2027-01-09',
    });
    expect(d.loanEvents).toEqual({ CollectionPaused: 1, CollectionPauseRejected: 1, CollectionResumed: 1 });
    expect(d.events.SomethingNew).toBe(1);
    expect(d.states.series.PAID?.at(-1)).toBe(1);
  });

  it('gives the same report from records as the simulator hands them and from their JSON lines', () => {
    const records = [
      notification('2027-01-01', 'L1', '1', 'UPCOMING', '2027-01-08#7', { push: 'p', sms: 'x' }),
      transition('2027-01-08', 'L1', '1', 'SCHEDULED', 'IN_GRACE', 0, '06:00'),
      event('2027-01-08', 'InstallmentEnteredGrace', 'L1', '1', { dueDate: '2027-01-08', dpd: 0 }, '06:00'),
      event('2027-01-09', 'CollectionPaused', 'L1', null),
      final('L1', '1', 'IN_GRACE', '2027-01-08'),
    ];
    expect(buildReportFromText(records.map((r) => JSON.stringify(r)).join('\n'))).toEqual(
      buildReport(records),
    );
  });

  it('builds an empty report from an empty timeline', () => {
    const d = buildReportFromText('');
    expect(d.days).toEqual([]);
    expect(d.rates.buckets).toEqual([]);
    expect(d.earlyWarning.points).toEqual([]);
  });
});
