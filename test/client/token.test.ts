import { afterEach, describe, expect, it } from 'vitest';
import { LogtoApiError } from '../../core/client/index.js';
import { type Harness, harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.done();
  h = undefined;
});

describe('client credentials token', () => {
  it('requests the token with Basic auth, resource and scope=all, and sends it as Bearer', async () => {
    h = await harness();
    h.server.route('GET', '/api/roles/r1', { status: 200, json: { id: 'r1' } });
    expect(await h.client.get('/roles/r1')).toEqual({ id: 'r1' });
    const [tokenReq] = h.server.tokenRequests();
    expect(tokenReq?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(tokenReq?.headers.authorization).toBe(`Basic ${Buffer.from('faultapp:fault-secret').toString('base64')}`);
    const form = new URLSearchParams(tokenReq?.body);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'client_credentials',
      resource: 'https://default.logto.app/api',
      scope: 'all',
    });
    const [apiReq] = h.server.apiRequests();
    expect(apiReq?.headers.authorization).toBe(`Bearer ${[...h.server.issued.keys()][0]}`);
  });

  it('caches the token across calls and shares one in-flight fetch among concurrent callers', async () => {
    h = await harness({ maxConcurrency: 50 });
    h.server.tokenDelayMs = 50;
    h.server.route('GET', '/api/roles', { status: 200, json: [] });
    await Promise.all(Array.from({ length: 25 }, () => h!.client.get('/roles')));
    await h.client.get('/roles');
    expect(h.server.tokenRequests()).toHaveLength(1);
    expect(h.server.apiRequests('GET', '/api/roles')).toHaveLength(26);
    expect(h.client.stats().tokenFetches).toBe(1);
  });

  it('refreshes a token that is within 60 s of expiry', async () => {
    h = await harness();
    h.server.tokenExpiresIn = 60; // already inside the 60 s margin: every call must fetch anew
    h.server.route('GET', '/api/status-probe', { status: 200, json: {} });
    await h.client.get('/status-probe');
    await h.client.get('/status-probe');
    expect(h.server.tokenRequests()).toHaveLength(2);

    const h2 = await harness();
    try {
      h2.server.tokenExpiresIn = 3600;
      h2.server.route('GET', '/api/status-probe', { status: 200, json: {} });
      await h2.client.get('/status-probe');
      await h2.client.get('/status-probe');
      expect(h2.server.tokenRequests()).toHaveLength(1);
    } finally {
      await h2.done();
    }
  });

  it('on a 401 refreshes the token once and retries', async () => {
    h = await harness();
    h.server.route('GET', '/api/roles', { status: 200, json: ['ok'] });
    await h.client.get('/roles');
    h.server.revokeTokens();
    expect(await h.client.get('/roles')).toEqual(['ok']);
    expect(h.server.tokenRequests()).toHaveLength(2);
    expect(h.server.apiRequests()).toHaveLength(3);
    const tokens = [...h.server.issued.keys()];
    expect(h.server.apiRequests()[2]?.headers.authorization).toBe(`Bearer ${tokens[1]}`);
  });

  it('gives up after one refresh when the server keeps answering 401', async () => {
    h = await harness();
    h.server.route('GET', '/api/roles', { status: 401, json: { code: 'auth.unauthorized', message: 'Unauthorized.' } });
    const err = await h.client.get('/roles').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogtoApiError);
    expect((err as LogtoApiError).status).toBe(401);
    expect((err as LogtoApiError).code).toBe('auth.unauthorized');
    expect(h.server.apiRequests()).toHaveLength(2);
    expect(h.server.tokenRequests()).toHaveLength(2);
  });

  it('explains a 401 about the aud claim: set LOGTO_RESOURCE', async () => {
    h = await harness({}, { apiResource: 'https://acme.logto.app/api' });
    h.server.route('GET', '/api/roles', { status: 200, json: [] });
    const err = await h.client.get('/roles').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogtoApiError);
    const e = err as LogtoApiError;
    expect(e.status).toBe(401);
    expect(e.message).toContain('set LOGTO_RESOURCE to the API indicator of your tenant');
    expect(e.message).toContain('https://default.logto.app/api');
    // no pointless refresh: a new token would carry the same audience
    expect(h.server.tokenRequests()).toHaveLength(1);

    const fixed = h.extra({ resource: 'https://acme.logto.app/api' });
    expect(await fixed.get('/roles')).toEqual([]);
  });

  it('explains rejected app credentials', async () => {
    h = await harness({ appSecret: 'wrong-secret' });
    const err = await h.client.get('/roles').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogtoApiError);
    expect((err as LogtoApiError).message).toMatch(/POST \/oidc\/token → 401 oidc\.invalid_client: .*LOGTO_APP_SECRET/);
    expect((err as Error).message).not.toContain('wrong-secret');
    expect(h.server.apiRequests()).toHaveLength(0);
  });
});
