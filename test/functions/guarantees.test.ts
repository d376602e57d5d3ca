/** System-wide promises of the functions: no Scan, no personal data in logs. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logger } from '../../functions/wiring/telemetry';
import { addDays } from '../../shared/rules/calendar';
import { borrower, type Harness, startHarness } from './harness';

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
    await h.deliver('DebitAttemptCompleted', {
      loanId: 'L1',
      seq: '1',
      attemptId: 'd1',
      outcome: 'FAILED',
      reason: 'CARD_EXPIRED',
      attemptedAt: '2026-12-08T06:00:00+08:00',
    });
    // Act
    await runDays(h, '2026-12-01', 20);
    // Assess
    expect(commands).toContain('QueryCommand');
    expect(commands.filter((c) => c.startsWith('Scan'))).toEqual([]);
    expect(h.messages.length).toBeGreaterThan(5);
  });

  it('never writes a phone number, e-mail address or device token to a log line, even when publishing fails', async () => {
    // Prepare
    const lines: string[] = [];
    const capture = (stream: NodeJS.WriteStream) => {
      const write = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        lines.push(String(chunk));
        return write(chunk, ...rest);
      }) as typeof stream.write;
      return () => {
        stream.write = write;
      };
    };
    logger.setLogLevel('DEBUG');
    const restore = [capture(process.stdout), capture(process.stderr)];
    h.failFirstPublishOf(['0', '1', '2']);
    try {
      // Act
      await h.deliverRaw(
        JSON.stringify({
          'detail-type': 'RepaymentReceived',
          detail: { loanId: 'L1', phone: PHONE, email: EMAIL },
        }),
      );
      await h.deliver('DebitAttemptCompleted', {
        loanId: 'L1',
        seq: '1',
        attemptId: 'd1',
        outcome: 'FAILED',
        reason: 'INSUFFICIENT_FUNDS',
        attemptedAt: '2026-12-08T06:00:00+08:00',
      });
      await runDays(h, '2026-12-01', 15);
    } finally {
      for (const r of restore) r();
      logger.setLogLevel('SILENT');
    }
    // Assess
    const log = lines.join('\n');
    expect(lines.length).toBeGreaterThan(10);
    expect(h.messages.some((m) => m.address === PHONE)).toBe(true);
    for (const secret of [PHONE, EMAIL, TOKEN, '13912345678']) expect(log).not.toContain(secret);
    for (const text of h.messages.filter((m) => m.borrowerId === 'b1').map((m) => m.text))
      expect(log).not.toContain(text);
  });
});
