import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEmulatorCommand } from '../../emulator/cli.js';
import {
  type ConnectorFactory,
  SAMPLE_CONNECTOR_FACTORIES,
  seedConnectorFactories,
} from '../../emulator/routes/connectors.js';
import { harness, raw, tokenRequest } from './core-harness.js';
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

describe('the connectorFactories option and --connector-factories flag', () => {
  it('startEmulator({ connectorFactories: true }) offers the sample set through HTTP', async () => {
    const h = await harness({ connectorFactories: true });
    try {
      const r = await h.api('GET', '/connector-factories');
      expect(r.status).toBe(200);
      expect(r.json.map((f: { id: string }) => f.id).sort()).toEqual(
        SAMPLE_CONNECTOR_FACTORIES.map((f) => f.id).sort(),
      );
      // An email connector now exists to satisfy sign-up by email.
      const c = await h.api('POST', '/connectors', { connectorId: 'simple-mail-transport-protocol', config: {} });
      expect(c.status).toBe(200);
      const sie = await h.api('PATCH', '/sign-in-exp', {
        signUp: { identifiers: ['email'], password: true, verify: true },
      });
      expect(sie.status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it('installs exactly the given list, and none by default', async () => {
    const only: ConnectorFactory = { ...(SAMPLE_CONNECTOR_FACTORIES[1] as ConnectorFactory), id: 'my-sms' };
    const h = await harness({ connectorFactories: [only] });
    const plain = await harness({ connectorFactories: false });
    try {
      expect((await h.api('GET', '/connector-factories')).json.map((f: { id: string }) => f.id)).toEqual(['my-sms']);
      expect((await plain.api('GET', '/connector-factories')).json).toEqual([]);
    } finally {
      await h.close();
      await plain.close();
    }
  });

  it('logto-iac emulator --connector-factories serves them', async () => {
    const lines: string[] = [];
    let stop: () => void = () => {};
    const until = new Promise<void>((r) => {
      stop = r;
    });
    const done = runEmulatorCommand(['--port', '0', '--connector-factories'], {
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
      until,
    });
    try {
      for (let i = 0; i < 200 && !lines.some((l) => l.startsWith('export LOGTO_APP_SECRET=')); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const env = (name: string) => lines.find((l) => l.startsWith(`export ${name}=`))?.split('=')[1] ?? '';
      const url = env('LOGTO_ENDPOINT');
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const tok = await tokenRequest(
        { url, appId: env('LOGTO_APP_ID'), appSecret: env('LOGTO_APP_SECRET') },
        { grant_type: 'client_credentials', resource: 'https://default.logto.app/api', scope: 'all' },
      );
      const list = await raw(`${url}/api/connector-factories`, 'GET', {
        headers: { authorization: `Bearer ${tok.json.access_token}` },
      });
      expect(list.json).toHaveLength(SAMPLE_CONNECTOR_FACTORIES.length);
    } finally {
      stop();
    }
    expect(await done).toBe(0);
  });
});
