/** `npm start`'s options and report (the run itself is the simulator's, tested with the scenarios). */
import { describe, expect, it } from 'vitest';
import { formatStartReport, parseStartArgs, yuan } from '../../tools/lib/sim/start';
import { SummaryBuilder } from '../../tools/lib/sim/timeline';

describe('npm start', () => {
  it('defaults to seed 42, 2,000 borrowers, 120 days, and reads its options', () => {
    expect(parseStartArgs([])).toMatchObject({
      seed: 42,
      borrowers: 2000,
      days: 120,
      failureRate: 0.15,
      out: '.tmp/start-timeline.jsonl',
    });
    expect(
      parseStartArgs([
        '--borrowers',
        '50',
        '--days',
        '30',
        '--seed',
        '7',
        '--failure-rate',
        '0.3',
        '--out',
        'x.jsonl',
        '--config',
        'c.json',
      ]),
    ).toEqual({
      borrowers: 50,
      days: 30,
      seed: 7,
      failureRate: 0.3,
      out: 'x.jsonl',
      config: 'c.json',
      start: '2026-12-01',
    });
    expect(() => parseStartArgs(['--days', '0'])).toThrow('--days: expected an integer >= 1');
    expect(() => parseStartArgs(['--failure-rate', '2'])).toThrow('--failure-rate');
    expect(() => parseStartArgs(['--borrower', '5'])).toThrow();
  });

  it('formats fen as yuan with thousands separators and two decimals', () => {
    expect(yuan(0)).toBe('¥0.00');
    expect(yuan(101_100)).toBe('¥1,011.00');
    expect(yuan(123_456_789)).toBe('¥1,234,567.89');
    expect(yuan(5)).toBe('¥0.05');
  });

  it('reports notifications by kind and channel, skips, debits, retries, states, buckets, penalty and escalations', () => {
    // Prepare
    const b = new SummaryBuilder();
    b.add({
      type: 'notification',
      at: 'x',
      borrowerId: 'b',
      loanId: 'L',
      seq: '1',
      kind: 'OVERDUE',
      occurrence: 'o',
      channels: ['push', 'sms'],
      messages: {},
    });
    b.add({
      type: 'notification_skipped',
      at: 'x',
      borrowerId: 'b',
      loanId: 'L',
      seq: '1',
      kind: 'UPCOMING',
      occurrence: 'o',
      reason: 'CAP',
    });
    b.add({
      type: 'event',
      at: 'x',
      detailType: 'ManualInterventionRequired',
      loanId: 'L',
      seq: '1',
      detail: {},
    });
    b.add({ type: 'transition', at: 'x', loanId: 'L', seq: '2', from: 'IN_GRACE', to: 'PAID', dpd: 1 });
    b.add({
      type: 'final',
      loanId: 'L',
      seq: '1',
      status: 'OVERDUE',
      dueDate: 'd',
      dpd: 3,
      bucket: 'M1',
      graceDays: 0,
      penaltyAccrued: 150,
      paid: 0,
      outstanding: 101_150,
      overpaid: 0,
    });
    // Act
    const text = formatStartReport(b.build(), {
      borrowers: 1,
      days: 10,
      seed: 42,
      start: '2026-12-01',
      out: 'o.jsonl',
      lines: 5,
      wallMs: 1234,
    }).join('\n');
    // Assess
    expect(text).toMatch(/Notifications sent: 1/);
    expect(text).toMatch(/OVERDUE\s+1/);
    expect(text).toMatch(/push\s+1/);
    expect(text).toMatch(/CAP\s+1/);
    expect(text).toMatch(/recovered in grace \(IN_GRACE -> PAID\): 1/);
    expect(text).toMatch(/M1\s+1/);
    expect(text).toMatch(/accrued ¥1\.50, collected ¥0\.00/);
    expect(text).toMatch(/manual intervention 1/);
    expect(text).toMatch(/Wall time: 1\.2 s/);
  });
});
