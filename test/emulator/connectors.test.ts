import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedConnectorFactories } from '../../emulator/routes/connectors.js';
import { authFailures, startApi, type TestApi } from './route-client.js';

describe('connectors on a fresh OSS tenant (no factories)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('lists nothing and rejects creation', async () => {
    expect((await api.call('GET', '/connector-factories')).json).toEqual([]);
    expect((await api.call('GET', '/connectors')).json).toEqual([]);
    const f = await api.call('GET', '/connector-factories/simple-mail-transport-protocol');
    expect([f.status, f.json.code]).toEqual([404, 'entity.not_found']);
    const c = await api.call('POST', '/connectors', { connectorId: 'simple-mail-transport-protocol', config: {} });
    expect([c.status, c.json.code]).toEqual([422, 'connector.not_found_with_connector_id']);
    for (const method of ['GET', 'DELETE']) {
      const r = await api.call(method, '/connectors/nope');
      expect([r.status, r.json.code]).toEqual([404, 'entity.not_found']);
    }
  });

  it('requires auth', async () => {
    expect(await authFailures(api, 'GET', '/connectors')).toEqual([401, 401, 401]);
  });
});

describe('connectors with seeded factories', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
    seedConnectorFactories(api.emu.state);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('exposes the factories', async () => {
    const r = await api.call('GET', '/connector-factories');
    expect(r.json.map((f: { id: string }) => f.id)).toContain('simple-mail-transport-protocol');
    expect((await api.call('GET', '/connector-factories/github-universal')).json.type).toBe('Social');
  });

  it('creates, gets, patches (config replaced), deletes, then 404', async () => {
    const c = await api.call('POST', '/connectors', {
      connectorId: 'github-universal',
      config: { clientId: 'a', clientSecret: 'b' },
    });
    expect(c.status).toBe(200);
    expect(c.json).toMatchObject({ connectorId: 'github-universal', type: 'Social', config: { clientId: 'a' } });
    const dup = await api.call('POST', '/connectors', { connectorId: 'github-universal', config: {} });
    expect([dup.status, dup.json.code]).toEqual([422, 'connector.multiple_instances_not_supported']);
    const p = await api.call('PATCH', `/connectors/${c.json.id}`, { config: { clientId: 'z' } });
    expect(p.json.config).toEqual({ clientId: 'z' });
    expect((await api.call('GET', `/connectors/${c.json.id}`)).json.config).toEqual({ clientId: 'z' });
    expect((await api.call('GET', '/connectors?target=github')).json).toHaveLength(1);
    expect((await api.call('DELETE', `/connectors/${c.json.id}`)).status).toBe(204);
    expect((await api.call('GET', `/connectors/${c.json.id}`)).status).toBe(404);
  });

  it('keeps one email connector: a new one replaces the old', async () => {
    const a = await api.call('POST', '/connectors', {
      connectorId: 'simple-mail-transport-protocol',
      config: { host: 'a' },
    });
    const b = await api.call('POST', '/connectors', {
      connectorId: 'simple-mail-transport-protocol',
      config: { host: 'b' },
    });
    expect((await api.call('GET', `/connectors/${a.json.id}`)).status).toBe(404);
    const email = (await api.call('GET', '/connectors')).json.filter((c: { type: string }) => c.type === 'Email');
    expect(email.map((c: { id: string }) => c.id)).toEqual([b.json.id]);
  });

  it('rejects invalid bodies', async () => {
    const r = await api.call('POST', '/connectors', { config: {} });
    expect([r.status, r.json.code]).toEqual([400, 'guard.invalid_input']);
  });
});
