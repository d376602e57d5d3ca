/**
 * The `delivery` section of the operator configuration: its checks, and what a real environment
 * must name on top of a valid configuration (shared/config/readiness.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import defaultJson from '../../config/default.json';
import { CONFIG_DIR, type ConfigProblem, deepMerge, validateConfig } from '../../shared/config/load';
import { configuredChannels, isEnvironmentFile, readinessProblems } from '../../shared/config/readiness';
import type { Config } from '../../shared/config/schema';

const FCM = 'arn:aws:sns:ap-east-1:123456789012:app/GCM/lender-app';
const APNS = 'arn:aws:sns:ap-east-1:123456789012:app/APNS/lender-app';

function problemsWith(override: unknown): ConfigProblem[] {
  const result = validateConfig(deepMerge(defaultJson, override));
  return result.ok ? [] : result.problems;
}
function configWith(override: unknown): Config {
  const result = validateConfig(deepMerge(defaultJson, override));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}
const ready = {
  delivery: {
    sms: { senderId: 'LENDER' },
    push: { platformApplications: { fcm: FCM } },
    email: { fromAddress: 'Lender <reminders@lender.example>', identity: 'lender.example' },
  },
};

describe('the delivery section', () => {
  it('leaves every provider identity unset in config/default.json (local use), with rates for each channel', () => {
    const { delivery } = configWith({});
    expect(delivery.sms).toMatchObject({ senderId: null, originationNumber: null });
    expect(delivery.email).toMatchObject({ fromAddress: null, identity: null, configurationSetName: null });
    expect(delivery.push.platformApplications).toEqual({ fcm: null, apns: null });
    for (const channel of ['sms', 'push', 'email'] as const) {
      expect(delivery[channel].maxConcurrency).toBeGreaterThanOrEqual(2);
      expect(delivery[channel].maxPerSecond).toBeGreaterThanOrEqual(1);
    }
  });

  it('accepts a complete setup (an address with a display name, APNs sandbox, an origination number)', () => {
    expect(
      problemsWith(
        deepMerge(ready, {
          delivery: {
            sms: { originationNumber: '+12065550100' },
            push: { platformApplications: { apns: APNS.replace('/APNS/', '/APNS_SANDBOX/') } },
          },
        }),
      ),
    ).toEqual([]);
  });

  it.each<[string, unknown, string, RegExp]>([
    [
      'a sender ID too long',
      { delivery: { sms: { senderId: 'LENDERREMINDERS' } } },
      'delivery.sms.senderId',
      /1-11 letters/,
    ],
    [
      'a sender ID of digits only',
      { delivery: { sms: { senderId: '12345' } } },
      'delivery.sms.senderId',
      /at least one letter/,
    ],
    [
      'an origination number not in E.164',
      { delivery: { sms: { originationNumber: '13800000001' } } },
      'delivery.sms.originationNumber',
      /E\.164/,
    ],
    [
      'an APNs application given for FCM',
      { delivery: { push: { platformApplications: { fcm: APNS } } } },
      'delivery.push.platformApplications.fcm',
      /app\/GCM/,
    ],
    [
      'a topic ARN for a platform application',
      { delivery: { push: { platformApplications: { apns: 'arn:aws:sns:ap-east-1:123456789012:topic' } } } },
      'delivery.push.platformApplications.apns',
      /platform application ARN/,
    ],
    [
      'an unknown default platform',
      { delivery: { push: { defaultPlatform: 'hms' } } },
      'delivery.push.defaultPlatform',
      /./,
    ],
    [
      'a From address outside the identity',
      { delivery: { email: { fromAddress: 'a@other.example', identity: 'lender.example' } } },
      'delivery.email.fromAddress',
      /address of delivery\.email\.identity \(lender\.example\)/,
    ],
    [
      'a From address that is no address',
      { delivery: { email: { fromAddress: 'reminders' } } },
      'delivery.email.fromAddress',
      /e-mail address/,
    ],
    [
      'a configuration set name with a space',
      { delivery: { email: { configurationSetName: 'my set' } } },
      'delivery.email.configurationSetName',
      /letters, digits/,
    ],
    [
      'a concurrency below what SQS event sources accept',
      { delivery: { sms: { maxConcurrency: 1 } } },
      'delivery.sms.maxConcurrency',
      /at least 2/,
    ],
    [
      'a rate of zero',
      { delivery: { email: { maxPerSecond: 0 } } },
      'delivery.email.maxPerSecond',
      /at least 1/,
    ],
    ['an unknown key', { delivery: { sms: { sender: 'LENDER' } } }, 'delivery.sms.sender', /unknown key/],
  ])('rejects %s', (_name, override, path, message) => {
    const problems = problemsWith(override);
    expect(problems).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('takes a From address of the identity when the identity is the address itself, in any case', () => {
    expect(
      problemsWith({
        delivery: {
          email: { fromAddress: 'Reminders@Lender.example', identity: 'reminders@lender.example' },
        },
      }),
    ).toEqual([]);
  });
});

describe('readinessProblems: what a real environment must name', () => {
  it('names each missing provider identity of config/default.json by its path', () => {
    expect(readinessProblems(configWith({})).map((p) => p.path)).toEqual([
      'delivery.sms.senderId',
      'delivery.email.fromAddress',
      'delivery.email.identity',
      'delivery.push.platformApplications.fcm',
    ]);
    expect(readinessProblems(configWith({}))[0]?.message).toMatch(
      /required in a real environment.*docs\/operations\.md/,
    );
  });

  it('is satisfied by a sender ID or an origination number, and the default platform’s application', () => {
    expect(readinessProblems(configWith(ready))).toEqual([]);
    const byNumber = deepMerge(ready, {
      delivery: { sms: { senderId: null, originationNumber: '+12065550100' } },
    });
    expect(readinessProblems(configWith(byNumber))).toEqual([]);
    const apnsDefault = deepMerge(ready, { delivery: { push: { defaultPlatform: 'apns' } } });
    expect(readinessProblems(configWith(apnsDefault)).map((p) => p.path)).toEqual([
      'delivery.push.platformApplications.apns',
    ]);
  });

  it('asks nothing for a channel no notification uses', () => {
    const noEmail = {
      reminders: { upcoming: { channels: { '1': ['push', 'sms'], default: ['push', 'sms'] } } },
      notificationChannels: {
        DEBIT_FAILED: ['push', 'sms'],
        OVERDUE: ['push', 'sms'],
        CREDIT_REPORT_WARNING: ['sms', 'push'],
      },
      atRisk: { channels: ['push', 'sms'] },
    };
    const config = configWith(
      deepMerge(noEmail, {
        delivery: { sms: { senderId: 'LENDER' }, push: { platformApplications: { fcm: FCM } } },
      }),
    );
    expect([...configuredChannels(config)].sort()).toEqual(['push', 'sms']);
    expect(readinessProblems(config)).toEqual([]);
  });
});

describe('isEnvironmentFile', () => {
  it('is true for config/<env>.json other than default.json, false for any other file', () => {
    expect(isEnvironmentFile(join(CONFIG_DIR, 'prod.json'))).toBe(true);
    expect(isEnvironmentFile(join(CONFIG_DIR, 'default.json'))).toBe(false);
    expect(isEnvironmentFile('test/config/fixtures/simulation-example.json')).toBe(false);
    expect(isEnvironmentFile(join(CONFIG_DIR, 'sub', 'prod.json'))).toBe(false);
  });
});
