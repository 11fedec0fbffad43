import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../conformance/wire.js';
import { startTarget, type Target } from '../support/target.js';
import { authFailures, connectTarget, startApi, type TestApi } from './route-client.js';

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

  it('records the call without the config headers', async () => {
    const hook = await t.call('POST', '/hooks', {
      name: 'probe',
      events: ['PostRegister'],
      config: { url: 'http://127.0.0.1:9/hook' },
    });
    const res = await t.call('POST', `/hooks/${hook.json.id}/test`, {
      events: ['User.Created', 'User.Created', 'PostSignIn'],
      config: { url: 'not a url', headers: { authorization: 'Bearer hidden' } },
    });
    expect(res.status).toBe(422);
    const records = Object.values(t.emu.state.tables.hook_test_requests ?? {});
    expect(records).toEqual([
      expect.objectContaining({ hookId: hook.json.id, events: ['User.Created', 'PostSignIn'], url: 'not a url' }),
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

/**
 * The test call reaches the endpoint: against the emulator, or a real Logto when LOGTO_E2E_* are set (both reach
 * the loopback endpoints this test starts, so the real server must run on this machine).
 */
describe('POST /hooks/:id/test calls the endpoint', () => {
  let target: Target;
  let api: Api;
  let hook: { id: string; signingKey: string };
  const received: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];
  const servers: Server[] = [];
  const endpoint = async (status: number, answer: string) => {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body });
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(answer);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  beforeAll(async () => {
    target = await startTarget();
    api = await connectTarget(target);
    const created = await api.call('POST', '/hooks', {
      name: `${target.prefix}-test`,
      events: ['PostRegister'],
      config: { url: 'http://127.0.0.1:9/stored-url-is-not-used' },
    });
    hook = created.json as typeof hook;
  });
  afterAll(async () => {
    if (hook) await api.call('DELETE', `/hooks/${hook.id}`);
    for (const server of servers) await new Promise((r) => server.close(r));
    await target?.cleanup();
  });

  it("posts a signed payload per event to the body's URL with its headers: 204", async () => {
    const url = await endpoint(200, 'ok');
    received.length = 0;
    const res = await api.call('POST', `/hooks/${hook.id}/test`, {
      events: ['PostSignIn', 'User.Created'],
      config: { url: `${url}/receiver`, headers: { 'x-probe': 'yes' } },
    });
    expect(res.status).toBe(204);
    expect(received).toHaveLength(2);
    for (const r of received) {
      expect(r.url).toBe('/receiver');
      expect(r.headers['user-agent']).toBe('Logto (https://logto.io/)');
      expect(r.headers['x-probe']).toBe('yes');
      expect(r.headers['content-type']).toContain('application/json');
      const expected = createHmac('sha256', hook.signingKey).update(r.body).digest('hex');
      expect(r.headers['logto-signature-sha-256']).toBe(expected);
    }
    const payloads = received.map((r) => JSON.parse(r.body)).sort((a, b) => a.event.localeCompare(b.event));
    expect(payloads[0]).toMatchObject({ event: 'PostSignIn', hookId: hook.id, createdAt: expect.any(String) });
    expect(payloads[0].user).toMatchObject({ id: expect.any(String) });
    expect(payloads[1]).toMatchObject({ event: 'User.Created', hookId: hook.id, method: 'POST', status: 200 });
  });

  it('an endpoint answering 500: 422 hook.endpoint_responded_with_error with its status and body', async () => {
    const url = await endpoint(500, 'broken');
    const res = await api.call('POST', `/hooks/${hook.id}/test`, { events: ['PostSignIn'], config: { url } });
    expect([res.status, res.json]).toEqual([
      422,
      {
        code: 'hook.endpoint_responded_with_error',
        message: 'Endpoint responded with error.',
        data: { responseStatus: 500, responseBody: 'broken' },
      },
    ]);
  });

  it('a refused connection or a URL that is not one: 422 hook.send_test_payload_failed', async () => {
    const url = await endpoint(200, 'ok');
    const closed = servers.pop()!;
    await new Promise((r) => closed.close(r));
    const refused = await api.call('POST', `/hooks/${hook.id}/test`, { events: ['PostSignIn'], config: { url } });
    expect([refused.status, (refused.json as { code: string }).code]).toEqual([422, 'hook.send_test_payload_failed']);
    expect((refused.json as { message: string }).message).toMatch(/^Failed to send test payload: /);
    const bad = await api.call('POST', `/hooks/${hook.id}/test`, {
      events: ['PostSignIn'],
      config: { url: 'not_work_url' },
    });
    expect([bad.status, bad.json]).toEqual([
      422,
      {
        code: 'hook.send_test_payload_failed',
        message: 'Failed to send test payload: TypeError: Failed to parse URL from not_work_url',
      },
    ]);
  });
});
