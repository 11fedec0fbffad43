import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authFailures, startApi, type TestApi } from './route-client.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

describe('domains (not available in OSS)', () => {
  it('lists nothing, refuses creation and deletion, and 404s by id', async () => {
    expect((await api.call('GET', '/domains')).json).toEqual([]);
    const post = await api.call('POST', '/domains', { domain: 'auth.example.com' });
    expect([post.status, post.json.code]).toEqual([400, 'domain.not_configured']);
    const invalid = await api.call('POST', '/domains', {});
    expect([invalid.status, invalid.json.code]).toEqual([400, 'guard.invalid_input']);
    const get = await api.call('GET', '/domains/abc');
    expect([get.status, get.json.code]).toEqual([404, 'entity.not_exists_with_id']);
    // DELETE goes to the hostname provider first: not configured either (Logto 1.42, measured).
    const del = await api.call('DELETE', '/domains/abc');
    expect([del.status, del.json.code]).toEqual([400, 'domain.not_configured']);
    expect((await api.call('GET', '/domains')).json).toEqual([]);
  });

  it('requires auth', async () => {
    expect(await authFailures(api, 'GET', '/domains')).toEqual([401, 401, 401]);
  });
});
