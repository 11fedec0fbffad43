import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../conformance/wire.js';
import { type LoopbackIdp, startIdp } from '../support/idp.js';
import { startTarget, type Target } from '../support/target.js';
import { authFailures, connectTarget, startApi, type TestApi } from './route-client.js';

let api: TestApi;
let idp: LoopbackIdp;
beforeAll(async () => {
  api = await startApi();
  idp = await startIdp();
});
afterAll(async () => {
  await api?.close();
  await idp?.close();
});

describe('SSO connector providers', () => {
  it('lists the six providers without pagination', async () => {
    const r = await api.call('GET', '/sso-connector-providers?page=1&page_size=1');
    expect(r.status).toBe(200);
    expect(r.json.map((p: { providerName: string }) => p.providerName).sort()).toEqual(
      ['AzureAD', 'AzureAdOidc', 'GoogleWorkspace', 'OIDC', 'Okta', 'SAML'].sort(),
    );
    for (const p of r.json) {
      expect(p).toMatchObject({
        providerType: expect.stringMatching(/^(oidc|saml)$/),
        logo: expect.stringMatching(/^data:/),
      });
      expect(typeof p.logoDark).toBe('string');
    }
  });
});

describe('SSO connectors', () => {
  it('creates with 200, a 12-char id and defaults; GET adds provider metadata', async () => {
    const r = await api.call('POST', '/sso-connectors', { providerName: 'OIDC', connectorName: 'corp-oidc' });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      tenantId: 'default',
      id: expect.stringMatching(/^[0-9a-z]{12}$/),
      providerName: 'OIDC',
      connectorName: 'corp-oidc',
      config: {},
      domains: [],
      branding: {},
      syncProfile: false,
      enableTokenStorage: false,
      createdAt: expect.any(Number),
    });
    const got = await api.call('GET', `/sso-connectors/${r.json.id}`);
    expect(got.json).toMatchObject({ name: 'OIDC', providerType: 'oidc', providerLogo: expect.any(String) });
    expect(got.json).not.toHaveProperty('providerConfig');
  });

  it('gives SAML connectors a providerConfig', async () => {
    const r = await api.call('POST', '/sso-connectors', { providerName: 'SAML', connectorName: 'corp-saml' });
    const got = await api.call('GET', `/sso-connectors/${r.json.id}`);
    expect(got.json.providerType).toBe('saml');
    expect(got.json.providerConfig.serviceProvider.assertionConsumerServiceUrl).toContain(r.json.id);
  });

  it('rejects duplicate names (409), unknown providers (422), public domains (422), bad OIDC config (400)', async () => {
    await api.call('POST', '/sso-connectors', { providerName: 'Okta', connectorName: 'dup' });
    const dup = await api.call('POST', '/sso-connectors', { providerName: 'OIDC', connectorName: 'dup' });
    expect([dup.status, dup.json.code]).toEqual([409, 'single_sign_on.duplicate_connector_name']);
    const unknown = await api.call('POST', '/sso-connectors', { providerName: 'Nope', connectorName: 'n' });
    expect([unknown.status, unknown.json.code]).toEqual([422, 'connector.not_found']);
    const gmail = await api.call('POST', '/sso-connectors', {
      providerName: 'OIDC',
      connectorName: 'g',
      domains: ['example.com', 'gmail.com'],
    });
    expect([gmail.status, gmail.json.code, gmail.json.data]).toEqual([
      422,
      'single_sign_on.forbidden_domains',
      { data: ['gmail.com'] },
    ]);
    const badConfig = await api.call('POST', '/sso-connectors', {
      providerName: 'OIDC',
      connectorName: 'c',
      config: { issuer: 'not a url', clientId: 'x', clientSecret: 'y' },
    });
    expect([badConfig.status, badConfig.json.code]).toEqual([400, 'connector.invalid_config']);
    const good = await api.call('POST', '/sso-connectors', {
      providerName: 'OIDC',
      connectorName: 'c',
      config: { issuer: idp.issuer, clientId: 'x', clientSecret: 'y' },
    });
    expect(good.status).toBe(200);
    const missing = await api.call('POST', '/sso-connectors', { providerName: 'OIDC' });
    expect([missing.status, missing.json.code]).toEqual([400, 'guard.invalid_input']);
  });

  it('patches partially ({} is 200), replaces domains, ignores providerName, checks renames', async () => {
    const id = (
      await api.call('POST', '/sso-connectors', {
        providerName: 'OIDC',
        connectorName: 'p1',
        domains: ['a.com', 'b.com'],
      })
    ).json.id;
    await api.call('POST', '/sso-connectors', { providerName: 'OIDC', connectorName: 'p2' });
    const noop = await api.call('PATCH', `/sso-connectors/${id}`, {});
    expect([noop.status, noop.json.connectorName]).toEqual([200, 'p1']);
    const p = await api.call('PATCH', `/sso-connectors/${id}`, { domains: ['c.com'], providerName: 'SAML' });
    expect([p.json.domains, p.json.providerName]).toEqual([['c.com'], 'OIDC']);
    const clash = await api.call('PATCH', `/sso-connectors/${id}`, { connectorName: 'p2' });
    expect([clash.status, clash.json.code]).toEqual([409, 'single_sign_on.duplicate_connector_name']);
    expect((await api.call('PATCH', `/sso-connectors/${id}`, { connectorName: 'p1' })).status).toBe(200);
    const badSaml = await api.call('POST', '/sso-connectors', { providerName: 'SAML', connectorName: 's' });
    const r = await api.call('PATCH', `/sso-connectors/${badSaml.json.id}`, { config: { metadataUrl: 'ftp://x' } });
    expect([r.status, r.json.code]).toEqual([400, 'connector.invalid_config']);
  });

  it('lists optionally paginated; DELETE then 404 entity.not_exists_with_id for GET and DELETE', async () => {
    const all = await api.call('GET', '/sso-connectors');
    expect(all.headers.get('total-number')).toBeNull();
    expect(all.json.length).toBeGreaterThan(2);
    const page = await api.call('GET', '/sso-connectors?page_size=2');
    expect([page.json.length, page.headers.get('total-number')]).toEqual([2, String(all.json.length)]);
    const id = all.json[0].id;
    expect((await api.call('DELETE', `/sso-connectors/${id}`)).status).toBe(204);
    for (const method of ['GET', 'DELETE']) {
      const r = await api.call(method, `/sso-connectors/${id}`);
      expect([r.status, r.json.code]).toEqual([404, 'entity.not_exists_with_id']);
    }
  });

  it('requires auth', async () => {
    expect(await authFailures(api, 'GET', '/sso-connectors')).toEqual([401, 401, 401]);
  });
});

/**
 * An OIDC connector may name the server itself as its issuer (Logto's own tests do): its discovery document is
 * served. Against a real Logto when LOGTO_E2E_* are set (the connector carries the run prefix and is deleted).
 */
describe('the server as an OIDC issuer', () => {
  let target: Target;
  let real: Api;
  beforeAll(async () => {
    target = await startTarget();
    real = await connectTarget(target);
  });
  afterAll(async () => {
    await target?.cleanup();
  });

  it('serves /oidc/.well-known/openid-configuration, so a connector with issuer {server}/oidc passes the check', async () => {
    const doc = await fetch(`${target.url}/oidc/.well-known/openid-configuration`);
    expect(doc.status).toBe(200);
    const json = (await doc.json()) as Record<string, string>;
    expect(json).toMatchObject({
      issuer: `${target.url}/oidc`,
      token_endpoint: `${target.url}/oidc/token`,
      jwks_uri: `${target.url}/oidc/jwks`,
      authorization_endpoint: `${target.url}/oidc/auth`,
    });
    expect((await fetch(json.jwks_uri!)).status).toBe(200);
    const created = await real.call('POST', '/sso-connectors', {
      providerName: 'OIDC',
      connectorName: `${target.prefix}-self`,
    });
    const id = (created.json as { id: string }).id;
    try {
      const config = { clientId: 'foo', clientSecret: 'foo', issuer: `${target.url}/oidc`, scope: 'openid profile' };
      const patched = await real.call('PATCH', `/sso-connectors/${id}`, { config, syncProfile: true });
      expect([patched.status, (patched.json as { config: unknown }).config]).toEqual([
        200,
        { ...config, trustUnverifiedEmail: false },
      ]);
    } finally {
      await real.call('DELETE', `/sso-connectors/${id}`);
    }
  });
});
