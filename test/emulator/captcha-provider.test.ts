import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authFailures, startApi, type TestApi } from './route-client.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

describe('captcha provider', () => {
  it('404s when unset; DELETE is idempotent', async () => {
    const r = await api.call('GET', '/captcha-provider');
    expect([r.status, r.json.code]).toEqual([404, 'entity.not_found']);
    expect((await api.call('DELETE', '/captcha-provider')).status).toBe(204);
  });

  it('PUT creates (200) and replaces, keeping id and createdAt', async () => {
    const config = { type: 'Turnstile', siteKey: 'site', secretKey: 'secret' };
    const first = await api.call('PUT', '/captcha-provider', { config });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      tenantId: 'default',
      config,
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
    });
    const next = { type: 'RecaptchaEnterprise', siteKey: 's2', secretKey: 'k2', projectId: 'p' };
    const second = await api.call('PUT', '/captcha-provider', { config: next });
    expect(second.json).toMatchObject({ id: first.json.id, createdAt: first.json.createdAt, config: next });
    expect((await api.call('GET', '/captcha-provider')).json.config).toEqual(next);
    expect((await api.call('DELETE', '/captcha-provider')).status).toBe(204);
    expect((await api.call('GET', '/captcha-provider')).status).toBe(404);
  });

  it('rejects an unknown type', async () => {
    const r = await api.call('PUT', '/captcha-provider', { config: { type: 'Nope', siteKey: 'a', secretKey: 'b' } });
    expect([r.status, r.json.code]).toEqual([400, 'guard.invalid_input']);
  });

  it('requires auth', async () => {
    expect(await authFailures(api, 'GET', '/captcha-provider')).toEqual([401, 401, 401]);
  });
});
