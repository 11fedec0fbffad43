import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, type PriorState, planTenant } from '../../index.js';
import { converge, expectClean, itEmulator } from '../support/harness.js';
import { type LoopbackIdp, startIdp, unreachableIssuer } from '../support/idp.js';
import { startTarget, type Target } from '../support/target.js';
import {
  convergeDroppingPost,
  expectConverges,
  expectDriftRestored,
  expectNoCanary,
  expectRefusedBeforeWrites,
} from './cases.js';

let t: Target;
let idp: LoopbackIdp;
beforeAll(async () => {
  t = await startTarget();
  idp = await startIdp();
});
afterAll(async () => {
  await t?.cleanup();
  await idp?.close();
});

const CANARY = 'canary-sso-secret-5f2d9c';
const CANARY_2 = 'canary-sso-secret-rotated-77e1';

const connector = (tag: string, spec: Record<string, unknown>): DesiredObject => ({
  address: 'SsoConnector.corp',
  kind: 'SsoConnector',
  spec: { connectorName: `${t.prefix}${tag}`, ...spec },
});
const id = (state: PriorState) => state.objects['SsoConnector.corp']!.id;

/** An OIDC config whose issuer answers discovery (Logto fetches it when the connector is written). */
const oidcConfig = (secret: string) => ({
  issuer: idp.issuer,
  clientId: 'logto-client',
  clientSecret: secret,
  scope: 'openid profile email',
});

describe('SsoConnector', () => {
  it('converges with only the required fields and adopts by connectorName', async () => {
    const desired = [connector('bare', { providerName: 'SAML' })];
    await expectConverges(t, desired);
    const plan = await expectClean(t, desired);
    expect(plan.changes[0]?.adopted).toBe(true);
  });

  it('converges with all fields, and the config never appears in a plan', async () => {
    const all = connector('all', {
      providerName: 'OIDC',
      config: oidcConfig(CANARY),
      domains: ['corp.example.com', 'corp.example.org'],
      branding: { displayName: 'Corp SSO', logo: 'https://corp.example.com/logo.png' },
      syncProfile: true,
      enableTokenStorage: false,
    });
    const first = await planTenant([all], { client: t.client });
    expectNoCanary(first, [CANARY]);
    const state = await expectConverges(t, [all]);
    const live = await t.client.get<{ config: { clientSecret: string } }>(`/sso-connectors/${id(state)}`);
    expect(live.config.clientSecret).toBe(CANARY);
    expect(JSON.stringify(state)).not.toContain(CANARY); // state keeps a hash only

    // A rotated secret out of band: drift on `config`, redacted both ways.
    await t.client.patch(`/sso-connectors/${id(state)}`, { config: oidcConfig(CANARY_2) });
    const plan = await planTenant([all], { client: t.client, prior: state });
    expect(plan.drift).toEqual([expect.objectContaining({ field: 'config', sensitive: true })]);
    expectNoCanary(plan, [CANARY, CANARY_2]);
    const { state: next } = await converge(t, [all], state);
    await expectClean(t, [all], next);
    const restored = await t.client.get<{ config: { clientSecret: string } }>(`/sso-connectors/${id(state)}`);
    expect(restored.config.clientSecret).toBe(CANARY);
  });

  it('shows an out-of-band domain change as drift and restores the set', async () => {
    const desired = [connector('drift', { providerName: 'SAML', domains: ['a.example.com', 'b.example.com'] })];
    const { state } = await converge(t, desired);
    await expectDriftRestored(t, desired, state, 'SsoConnector.corp', 'domains', () =>
      t.client.patch(`/sso-connectors/${id(state)}`, { domains: ['a.example.com'] }),
    );
  });

  it('treats domains as a set (order does not matter)', async () => {
    const { state } = await converge(t, [
      connector('order', { providerName: 'SAML', domains: ['x.example.com', 'y.example.com'] }),
    ]);
    await expectClean(
      t,
      [connector('order', { providerName: 'SAML', domains: ['y.example.com', 'x.example.com'] })],
      state,
    );
  });

  it('replaces the connector when the provider changes, and re-links organizations that referenced it', async () => {
    const tenant = (providerName: string): DesiredObject[] => [
      connector('swap', { providerName, domains: ['swap.example.com'] }),
      {
        address: 'Organization.acme',
        kind: 'Organization',
        spec: { name: `${t.prefix}swap-org`, jitSsoConnectorIds: [{ $ref: 'SsoConnector.corp' }] },
      },
    ];
    let { state } = await converge(t, tenant('SAML'));
    const before = id(state);
    const plan = await planTenant(tenant('OIDC'), { client: t.client, prior: state });
    const change = plan.changes.find((c) => c.address === 'SsoConnector.corp')!;
    expect(change.action).toBe('replace');
    expect(change.reason).toMatch(/providerName/);
    ({ state } = await converge(t, tenant('OIDC'), state));
    const after = id(state);
    expect(after).not.toBe(before);
    const orgId = state.objects['Organization.acme']!.id;
    const linked = await t.client.list<{ id: string }>(`/organizations/${orgId}/jit/sso-connectors`);
    expect(linked.map((c) => c.id)).toEqual([after]);
    await expectClean(t, tenant('OIDC'), state);
  });

  itEmulator('resolves a lost create response by connectorName without a duplicate', async () => {
    t.emulator!.resetStats();
    const { state } = await convergeDroppingPost(t, '/sso-connectors', [connector('lost', { providerName: 'SAML' })]);
    expect(t.emulator!.stats().faultsInjected).toBe(1);
    const rows = (await t.client.list<{ id: string; connectorName: string }>('/sso-connectors')).filter(
      (c) => c.connectorName === `${t.prefix}lost`,
    );
    expect(rows.map((r) => r.id)).toEqual([id(state)]);
  });

  it('rejects a public email domain and an unknown provider before any write', async () => {
    const bad = [connector('bad', { providerName: 'Keycloak', domains: ['gmail.com'] })];
    const error = await expectRefusedBeforeWrites(t, bad);
    expect(error.issues.map((i) => i.field).sort()).toEqual(['domains.0', 'providerName']);
  });

  it('refuses a config Logto would refuse or drop, per provider, naming each field, before any write', async () => {
    const cases: [string, Record<string, unknown>, string[]][] = [
      // OIDC needs issuer, clientId and clientSecret; the issuer is fetched, so it must be a URL.
      ['OIDC', { issuer: 'idp.example.com', clientId: 'a' }, ['config.clientSecret', 'config.issuer']],
      ['Okta', { clientId: 'a', clientSecret: CANARY, issuer: idp.issuer, tenant: 'x' }, ['config.tenant']],
      ['GoogleWorkspace', { clientId: 'a', clientSecret: CANARY, offlineAccess: 'yes' }, ['config.offlineAccess']],
      // SAML: one of three ways to give the IdP's metadata, and a PEM certificate.
      ['SAML', { entityId: 'https://idp.example.com', x509Certificate: 'abc' }, ['config.signInEndpoint', 'config.x509Certificate']],
      ['SAML', { metadataUrl: 'https://idp.example.com/m', metadata: '<xml/>' }, ['config.metadata']],
      ['AzureAD', { attributeMapping: { id: 'nameID' } }, ['config']],
      ['SAML', { metadata: '<xml/>', attributeMapping: { role: 'groups' } }, ['config.attributeMapping.role']],
    ]; // biome-ignore format: a table
    for (const [providerName, config, fields] of cases) {
      const error = await expectRefusedBeforeWrites(t, [connector('shape', { providerName, config })]);
      expect(error.issues.map((i) => i.field).sort(), `${providerName} ${JSON.stringify(config)}`).toEqual(fields);
      expect(error.message).not.toContain(CANARY);
      if (t.emulator) expect(t.emulator.stats().total).toBe(0); // offline: not a single request
    }
    const upper = await expectRefusedBeforeWrites(t, [
      connector('upper', { providerName: 'SAML', domains: ['Corp.Example.com'] }),
    ]);
    expect(upper.issues).toEqual([
      expect.objectContaining({ field: 'domains.0', message: expect.stringMatching(/lower case/) }),
    ]);
  });

  it("an issuer Logto cannot fetch fails with Logto's reason, naming the issuer, and never the secret", async () => {
    const issuer = await unreachableIssuer();
    const desired = [connector('unreachable', { providerName: 'OIDC', config: { ...oidcConfig(CANARY), issuer } })];
    const plan = await planTenant(desired, { client: t.client });
    const result = await applyPlan(plan, { client: t.client, desired });
    const failed = result.results.find((r) => r.address === 'SsoConnector.corp');
    expect(failed?.status).toBe('failed');
    const text = JSON.stringify(failed);
    expect(text).toContain('connector.invalid_config');
    expect(text).toContain(`could not fetch ${issuer}/.well-known/openid-configuration`);
    expect(text).not.toContain(CANARY);
  });
});
