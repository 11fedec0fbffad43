import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEmulatorCommand } from '../../emulator/cli.js';
import {
  type ConnectorFactory,
  OFFICIAL_CONNECTOR_FACTORIES,
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
    const c = await api.call('POST', '/connectors', { connectorId: 'simple-mail-transfer-protocol', config: {} });
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

  const GITHUB = { clientId: 'a', clientSecret: 'b' };
  const TEMPLATES = ['Register', 'SignIn', 'ForgotPassword'].map((usageType) => ({ usageType, content: '{{code}}' }));
  const TWILIO = { accountSID: 'AC1', authToken: 't', fromMessagingServiceSID: 'MG1', templates: TEMPLATES };
  const OIDC = {
    authorizationEndpoint: 'https://idp.example.com/auth',
    tokenEndpoint: 'https://idp.example.com/token',
    clientId: 'c',
    clientSecret: 's',
    scope: 'openid',
    idTokenVerificationConfig: { jwksUri: 'https://idp.example.com/jwks' },
  };
  const clear = async () => {
    for (const c of (await api.call('GET', '/connectors')).json) await api.call('DELETE', `/connectors/${c.id}`);
  };

  it('exposes the official factories with their config fields', async () => {
    const r = await api.call('GET', '/connector-factories');
    expect(r.json.map((f: { id: string }) => f.id).sort()).toEqual([
      'github-universal',
      'google-universal',
      'http-email',
      'oidc',
      'saml',
      'simple-mail-transfer-protocol',
      'twilio-short-message-service',
    ]);
    const github = (await api.call('GET', '/connector-factories/github-universal')).json;
    expect(github).toMatchObject({ type: 'Social', target: 'github', platform: 'Universal' });
    expect(github.formItems.map((i: { key: string }) => i.key)).toEqual(['clientId', 'clientSecret', 'scope']);
  });

  it('creates, gets, patches (config replaced whole and validated), deletes, then 404', async () => {
    await clear();
    const c = await api.call('POST', '/connectors', {
      connectorId: 'github-universal',
      config: { ...GITHUB, scope: '', extra: { a: '' } },
    });
    expect(c.status).toBe(200);
    // Empty values are dropped before storing (clean-deep); unknown keys are kept.
    expect(c.json).toMatchObject({ connectorId: 'github-universal', type: 'Social', target: 'github', config: GITHUB });
    const dup = await api.call('POST', '/connectors', { connectorId: 'github-universal', config: GITHUB });
    expect([dup.status, dup.json.code]).toEqual([422, 'connector.multiple_instances_not_supported']);
    const partial = await api.call('PATCH', `/connectors/${c.json.id}`, { config: { clientId: 'z' } });
    expect([partial.status, partial.json.code]).toEqual([400, 'connector.invalid_config']);
    expect(partial.json.data.issues[0]).toMatchObject({ path: ['clientSecret'], message: 'Required' });
    const p = await api.call('PATCH', `/connectors/${c.json.id}`, { config: { clientId: 'z', clientSecret: 'y' } });
    expect(p.json.config).toEqual({ clientId: 'z', clientSecret: 'y' });
    const empty = await api.call('PATCH', `/connectors/${c.json.id}`, {});
    expect([empty.status, empty.json.code]).toEqual([422, 'entity.invalid_input']);
    const vault = await api.call('PATCH', `/connectors/${c.json.id}`, { enableTokenStorage: true });
    expect([vault.status, vault.json.code]).toEqual([422, 'request.feature_not_supported']);
    const md = await api.call('PATCH', `/connectors/${c.json.id}`, { metadata: { name: { en: 'X' } } });
    expect([md.status, md.json.code]).toEqual([400, 'connector.cannot_overwrite_metadata_for_non_standard_connector']);
    expect((await api.call('GET', '/connectors?target=github')).json).toHaveLength(1);
    expect((await api.call('DELETE', `/connectors/${c.json.id}`)).status).toBe(204);
    expect((await api.call('GET', `/connectors/${c.json.id}`)).status).toBe(404);
  });

  it('standard factories: a target per connector, fixed after creation; metadata replaced whole', async () => {
    await clear();
    const none = await api.call('POST', '/connectors', { connectorId: 'oidc', config: OIDC });
    expect([none.status, none.json.code]).toEqual([400, 'connector.should_specify_target']);
    const acme = await api.call('POST', '/connectors', {
      connectorId: 'oidc',
      config: OIDC,
      metadata: { target: 'acme', name: { en: 'Acme' }, logo: 'https://acme.example/l.png', logoDark: null },
    });
    expect(acme.json).toMatchObject({ target: 'acme', name: { en: 'Acme' }, isStandard: true });
    expect(acme.json.metadata).toEqual({ target: 'acme', name: { en: 'Acme' }, logo: 'https://acme.example/l.png' });
    const same = await api.call('POST', '/connectors', {
      connectorId: 'oidc',
      config: OIDC,
      metadata: { target: 'acme' },
    });
    expect([same.status, same.json.code]).toEqual([422, 'connector.multiple_target_with_same_platform']);
    const other = await api.call('POST', '/connectors', {
      connectorId: 'oidc',
      config: OIDC,
      metadata: { target: 'globex' },
    });
    expect(other.status).toBe(200);
    for (const metadata of [{ target: 'other' }, { name: { en: 'No target' } }]) {
      const r = await api.call('PATCH', `/connectors/${acme.json.id}`, { metadata });
      expect([r.status, r.json.code]).toEqual([400, 'connector.can_not_modify_target']);
    }
    const renamed = await api.call('PATCH', `/connectors/${acme.json.id}`, {
      metadata: { target: 'acme', name: { en: 'A2' } },
    });
    expect(renamed.json.metadata).toEqual({ target: 'acme', name: { en: 'A2' } });
  });

  it('keeps one SMS connector: a new one replaces the old; templates need the three usage types', async () => {
    await clear();
    const generic = await api.call('POST', '/connectors', {
      connectorId: 'twilio-short-message-service',
      config: { ...TWILIO, templates: [{ usageType: 'Generic', content: '{{code}}' }] },
    });
    expect([generic.status, generic.json.code]).toEqual([400, 'connector.invalid_config']);
    expect(generic.json.data.issues[0].message).toBe(
      'Template with UsageType (Register, SignIn, ForgotPassword) should be provided!',
    );
    const sync = await api.call('POST', '/connectors', { connectorId: 'twilio-short-message-service', config: TWILIO });
    const a = await api.call('PATCH', `/connectors/${sync.json.id}`, { syncProfile: true });
    expect([a.status, a.json.code]).toEqual([422, 'connector.invalid_type_for_syncing_profile']);
    const b = await api.call('POST', '/connectors', { connectorId: 'twilio-short-message-service', config: TWILIO });
    expect((await api.call('GET', `/connectors/${sync.json.id}`)).status).toBe(404);
    const sms = (await api.call('GET', '/connectors')).json.filter((c: { type: string }) => c.type === 'Sms');
    expect(sms.map((c: { id: string }) => c.id)).toEqual([b.json.id]);
  });

  it('deleting a social connector drops its target from the sign-in experience', async () => {
    await clear();
    const c = await api.call('POST', '/connectors', { connectorId: 'github-universal', config: GITHUB });
    await api.call('PATCH', '/sign-in-exp', { socialSignInConnectorTargets: ['github'] });
    expect((await api.call('GET', '/sign-in-exp')).json.socialSignInConnectorTargets).toEqual(['github']);
    await api.call('DELETE', `/connectors/${c.json.id}`);
    expect((await api.call('GET', '/sign-in-exp')).json.socialSignInConnectorTargets).toEqual([]);
  });

  it('rejects invalid bodies', async () => {
    const r = await api.call('POST', '/connectors', { config: {} });
    expect([r.status, r.json.code]).toEqual([400, 'guard.invalid_input']);
  });
});

describe('the connectorFactories option and --connector-factories flag', () => {
  it('startEmulator({ connectorFactories: true }) offers the official set through HTTP', async () => {
    const h = await harness({ connectorFactories: true });
    try {
      const r = await h.api('GET', '/connector-factories');
      expect(r.status).toBe(200);
      expect(r.json.map((f: { id: string }) => f.id).sort()).toEqual(
        OFFICIAL_CONNECTOR_FACTORIES.map((f) => f.id).sort(),
      );
      // An email connector now exists to satisfy sign-up by email.
      const c = await h.api('POST', '/connectors', {
        connectorId: 'http-email',
        config: { endpoint: 'https://m.example' },
      });
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
    const only: ConnectorFactory = { ...(OFFICIAL_CONNECTOR_FACTORIES[1] as ConnectorFactory), id: 'my-sms' };
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
      expect(list.json).toHaveLength(OFFICIAL_CONNECTOR_FACTORIES.length);
    } finally {
      stop();
    }
    expect(await done).toBe(0);
  });
});
