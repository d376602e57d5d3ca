/**
 * No personal data in the logs of a faulted run: SDK errors carry request parameters (the injected
 * ones carry the whole command input), and they must not reach a log line with a phone number, an
 * e-mail address, a device token or a message body.
 */
import { describe, expect, it } from 'vitest';
import { FaultInjector, parseFaultSpec } from '../../tools/lib/faults';
import { generatePortfolio } from '../../tools/lib/portfolio';
import { runSimulation } from '../../tools/lib/sim';
import { captureLogs } from '../support/logs';

describe('logs of a faulted run', () => {
  it('hold no phone number, e-mail address, device token or message text', async () => {
    // Prepare: a portfolio with contacts on every channel, and faults on every service
    const scenario = generatePortfolio({ seed: 5, borrowers: 30, days: 30 });
    const injector = new FaultInjector(parseFaultSpec('rate=0.2,crash=0.2,seed=5'));
    const texts = new Set<string>();
    // Act
    const log = (
      await captureLogs('DEBUG', () =>
        runSimulation(scenario, {
          keepTimeline: false,
          faults: injector,
          onDelivery: (d) => {
            if (d.kind === 'message') texts.add(String(d.body.text));
          },
        }),
      )
    ).join('');
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
