import { afterEach, describe, expect, it } from 'vitest';
import { createClients, getClients, setClientFactory } from '../../functions/wiring/aws-clients';

afterEach(() => setClientFactory(undefined));

describe('aws-clients', () => {
  it('makes the clients once, at first use, and reuses them', () => {
    const a = getClients();
    expect(getClients()).toBe(a);
    expect(a.doc).toBe(a.doc);
    expect(a.sns).toBe(a.sns);
  });

  it('setClientFactory points the clients elsewhere', async () => {
    const local = createClients({ region: 'ap-east-1', endpoints: { dynamodb: 'http://127.0.0.1:4567' } });
    setClientFactory(() => local);
    const clients = getClients();
    expect(clients).toBe(local);
    const endpoint = await clients.dynamo.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    expect(endpoint?.port).toBe(4567);
    setClientFactory(undefined);
    expect(getClients()).not.toBe(local);
  });
});
