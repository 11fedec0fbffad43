import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authFailures, startApi, type TestApi } from './route-client.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

const create = (body: Record<string, unknown>) =>
  api.call('POST', '/hooks', { name: 'hook', events: ['User.Created'], config: { url: 'https://h.example' }, ...body });

describe('hooks', () => {
  it('creates with 201 and a 32-char signing key; accepts any url and the legacy event', async () => {
    const r = await create({});
    expect(r.status).toBe(201);
    expect(r.json).toEqual({
      tenantId: 'default',
      id: expect.stringMatching(/^[0-9a-z]{21}$/),
      name: 'hook',
      event: null,
      events: ['User.Created'],
      config: { url: 'https://h.example' },
      signingKey: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
      enabled: true,
      createdAt: expect.any(Number),
    });
    expect((await create({ config: { url: 'not a url' } })).status).toBe(201);
    const legacy = await api.call('POST', '/hooks', { name: 'l', event: 'PostSignIn', config: { url: 'x' } });
    expect([legacy.status, legacy.json.event, legacy.json.events]).toEqual([201, 'PostSignIn', []]);
  });

  it('rejects missing events (hook.missing_events), unknown events and missing config', async () => {
    const none = await api.call('POST', '/hooks', { name: 'n', config: { url: 'x' } });
    expect([none.status, none.json.code]).toEqual([400, 'hook.missing_events']);
    expect((await create({ events: ['Nope.Event'] })).json.code).toBe('guard.invalid_input');
    expect((await api.call('POST', '/hooks', { name: 'n', events: ['PostRegister'] })).status).toBe(400);
  });

  it('returns signingKey on GET, executionStats on request, and rotates the key', async () => {
    const hook = (await create({})).json;
    const got = await api.call('GET', `/hooks/${hook.id}`);
    expect(got.json.signingKey).toBe(hook.signingKey);
    expect(got.json).not.toHaveProperty('executionStats');
    const stats = await api.call('GET', `/hooks/${hook.id}?includeExecutionStats=true`);
    expect(stats.json.executionStats).toEqual({ successCount: 0, requestCount: 0 });
    const rotated = await api.call('PATCH', `/hooks/${hook.id}/signing-key`);
    expect(rotated.status).toBe(200);
    expect(rotated.json.signingKey).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(rotated.json.signingKey).not.toBe(hook.signingKey);
    expect((await api.call('GET', `/hooks/${hook.id}`)).json.signingKey).toBe(rotated.json.signingKey);
  });

  it('patches config wholesale; {} and signingKey-only are 422', async () => {
    const hook = (await create({ config: { url: 'https://a', headers: { x: '1' } } })).json;
    const p = await api.call('PATCH', `/hooks/${hook.id}`, { config: { url: 'https://b' }, enabled: false });
    expect(p.status).toBe(200);
    expect(p.json.config).toEqual({ url: 'https://b' });
    expect(p.json.enabled).toBe(false);
    expect(p.json.signingKey).toBe(hook.signingKey);
    expect((await api.call('PATCH', `/hooks/${hook.id}`, {})).json.code).toBe('entity.invalid_input');
    expect((await api.call('PATCH', `/hooks/${hook.id}`, { signingKey: 'x'.repeat(32) })).status).toBe(422);
  });

  it('recent logs are always paginated; lists are optional', async () => {
    const hook = (await create({})).json;
    const logs = await api.call('GET', `/hooks/${hook.id}/recent-logs`);
    expect([logs.status, logs.json, logs.headers.get('total-number')]).toEqual([200, [], '0']);
    const list = await api.call('GET', '/hooks');
    expect(list.headers.get('total-number')).toBeNull();
    const page = await api.call('GET', '/hooks?page=1&page_size=1&includeExecutionStats=true');
    expect(page.json).toHaveLength(1);
    expect(page.json[0].executionStats).toBeDefined();
    expect(page.headers.get('total-number')).toBe(String(list.json.length));
  });

  it('deletes; later GET is not_exists_with_id and DELETE is not_found', async () => {
    const hook = (await create({})).json;
    expect((await api.call('DELETE', `/hooks/${hook.id}`)).status).toBe(204);
    const g = await api.call('GET', `/hooks/${hook.id}`);
    expect([g.status, g.json.code]).toEqual([404, 'entity.not_exists_with_id']);
    const d = await api.call('DELETE', `/hooks/${hook.id}`);
    expect([d.status, d.json.code]).toEqual([404, 'entity.not_found']);
  });

  it('requires auth', async () => {
    expect(await authFailures(api, 'GET', '/hooks')).toEqual([401, 401, 401]);
  });
});

describe('POST /hooks/:id/test', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startApi();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 204 without calling the URL and records the call without headers', async () => {
    const hook = await t.call('POST', '/hooks', {
      name: 'probe',
      events: ['PostRegister'],
      config: { url: 'http://127.0.0.1:9/never-called' },
    });
    expect(hook.status).toBe(201);
    const res = await t.call('POST', `/hooks/${hook.json.id}/test`, {
      events: ['User.Created', 'User.Created', 'PostSignIn'],
      config: { url: 'http://127.0.0.1:9/also-never', headers: { authorization: 'Bearer hidden' } },
    });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const records = Object.values(t.emu.state.tables.hook_test_requests ?? {});
    expect(records).toEqual([
      expect.objectContaining({
        hookId: hook.json.id,
        events: ['User.Created', 'PostSignIn'],
        url: 'http://127.0.0.1:9/also-never',
      }),
    ]);
    expect(JSON.stringify(records)).not.toContain('hidden');
    // Nothing is counted as an execution.
    const got = await t.call('GET', `/hooks/${hook.json.id}?includeExecutionStats=true`);
    expect(got.json.executionStats).toEqual({ successCount: 0, requestCount: 0 });
  });

  it('validates the body (events required, non-empty, known; config.url required) and 404s an unknown hook', async () => {
    const hook = await t.call('POST', '/hooks', { events: ['PostRegister'], config: { url: 'https://x.example' } });
    const url = `/hooks/${hook.json.id}/test`;
    for (const body of [
      { config: { url: 'https://x.example' } },
      { events: [], config: { url: 'https://x.example' } },
      { events: ['Nope'], config: { url: 'https://x.example' } },
      { events: ['PostRegister'], config: {} },
    ]) {
      const r = await t.call('POST', url, body);
      expect([r.status, r.json.code]).toEqual([400, 'guard.invalid_input']);
    }
    const missing = await t.call('POST', '/hooks/nope/test', {
      events: ['PostRegister'],
      config: { url: 'https://x.example' },
    });
    expect([missing.status, missing.json.code]).toEqual([404, 'entity.not_exists_with_id']);
  });
});
