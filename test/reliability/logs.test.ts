/**
 * No personal data in the logs of a faulted run: SDK errors carry request parameters (the injected
 * ones carry the whole command input), and they must not reach a log line with a phone number, an
 * e-mail address, a device token or a message body.
 */
import { describe, expect, it, vi } from 'vitest';
import { logger } from '../../functions/lib/telemetry';
import { FaultInjector, parseFaultSpec } from '../../tools/lib/faults';
import { generatePortfolio } from '../../tools/lib/portfolio';
import { runSimulation } from '../../tools/lib/sim';

/** Everything written to stdout and stderr while `fn` runs, the logger at DEBUG. */
async function captureLogs(fn: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof stream.write;
  }
  logger.setLogLevel('DEBUG');
  // Powertools puts the level back to the environment's at every warm invocation: not while we listen.
  const refresh = vi.spyOn(logger, 'refreshSampleRateCalculation').mockImplementation(() => undefined);
  try {
    await fn();
  } finally {
    streams.forEach((stream, i) => {
      stream.write = writes[i] as typeof stream.write;
    });
    refresh.mockRestore();
    logger.setLogLevel('SILENT');
  }
  return lines.join('');
}

describe('logs of a faulted run', () => {
  it('hold no phone number, e-mail address, device token or message text', async () => {
    // Prepare: a portfolio with contacts on every channel, and faults on every service
    const scenario = generatePortfolio({ seed: 5, borrowers: 30, days: 30 });
    const injector = new FaultInjector(parseFaultSpec('rate=0.2,crash=0.2,seed=5'));
    const texts = new Set<string>();
    // Act
    const log = await captureLogs(() =>
      runSimulation(scenario, {
        keepTimeline: false,
        faults: injector,
        onDelivery: (d) => {
          if (d.kind === 'message') texts.add(String(d.body.text));
        },
      }),
    );
    // Assess: faults were met and logged about
    expect(injector.totalInjected()).toBeGreaterThan(100);
    expect(injector.counts.surfaced).toBeGreaterThan(0);
    expect(log).toMatch(/"level":"(WARN|ERROR)"/);
    expect(texts.size).toBeGreaterThan(20);
    // ... and no contact detail or message text is in them
    const contacts = scenario.borrowers.flatMap((b) =>
      Object.values((b.contacts ?? {}) as Record<string, string>),
    );
    expect(contacts.length).toBeGreaterThan(30);
    for (const secret of contacts) expect(log).not.toContain(secret);
    for (const phone of contacts.filter((c) => c.startsWith('+86')))
      expect(log).not.toContain(phone.slice(3));
    for (const text of texts) expect(log).not.toContain(text);
  }, 60_000);
});
