/** System-wide promises of the functions: no Scan, no personal data in logs. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../shared/rules/calendar';
import { captureLogs } from '../support/logs';
import { borrower, type Harness, startHarness } from './harness';
import { envelope, failedDebit } from './intake-events';

const PHONE = '+8613912345678';
const EMAIL = 'secret.person@example.com';
const TOKEN = 'device-token-0123456789abcdef';

async function runDays(h: Harness, from: string, days: number) {
  for (let day = from, i = 0; i < days; i++, day = addDays(day, 1)) {
    await h.runJob('aging', day);
    await h.runJob('reminders', day);
    await h.runJob('failedDebits', day);
    await h.runJob('failedDebits', day, '16:00');
  }
}

describe('guarantees of a full run', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await h.load(
      [
        borrower('b1', 600, { contacts: { sms: PHONE, email: EMAIL, push: TOKEN } }),
        borrower('b2', 800, { contacts: { sms: '+8613800000002', email: 'b2@example.com', push: 'tok-b2' } }),
      ],
      [
        {
          loanId: 'L1',
          seq: 1,
          borrowerId: 'b1',
          dueDate: '2026-12-08',
          principal: 100_000,
          interest: 1_000,
        },
        { loanId: 'L2', seq: 1, borrowerId: 'b2', dueDate: '2026-12-09', principal: 50_000, interest: 500 },
      ],
      '2026-12-01T00:00:00+08:00',
    );
  });
  afterEach(async () => {
    await h.stop();
  });

  it('reads only through Query and GetItem: no job issues a Scan', async () => {
    // Prepare
    const commands: string[] = [];
    h.db.client.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'record-commands' },
    );
    await h.deliver('DebitAttemptCompleted', failedDebit('L1', 'CARD_EXPIRED', '2026-12-08T06:00:00+08:00'));
    // Act
    await runDays(h, '2026-12-01', 20);
    // Assess
    expect(commands).toContain('QueryCommand');
    expect(commands.filter((c) => c.startsWith('Scan'))).toEqual([]);
    expect(h.messages.length).toBeGreaterThan(5);
  });

  it('never writes a phone number, e-mail address or device token to a log line, even when publishing fails', async () => {
    // Prepare
    h.failFirstPublishOf(['0', '1', '2']);
    // Act
    const lines = await captureLogs('DEBUG', async () => {
      await h.deliverRaw(envelope('RepaymentReceived', { loanId: 'L1', phone: PHONE, email: EMAIL }));
      await h.deliver('DebitAttemptCompleted', failedDebit('L1', undefined, '2026-12-08T06:00:00+08:00'));
      await runDays(h, '2026-12-01', 15);
    });
    // Assess
    const log = lines.join('\n');
    expect(lines.length).toBeGreaterThan(10);
    expect(h.messages.some((m) => m.address === PHONE)).toBe(true);
    for (const secret of [PHONE, EMAIL, TOKEN, '13912345678']) expect(log).not.toContain(secret);
    for (const text of h.messages.filter((m) => m.borrowerId === 'b1').map((m) => m.text))
      expect(log).not.toContain(text);
  });
});
