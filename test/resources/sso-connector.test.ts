import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DesiredObject, type PriorState, planTenant } from '../../provider/reconcile/index.js';
import { converge, expectClean, itEmulator } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import {
  convergeDroppingPost,
  expectConverges,
  expectDriftRestored,
  expectNoCanary,
  expectRefusedBeforeWrites,
} from './cases.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

const CANARY = 'canary-sso-secret-5f2d9c';
const CANARY_2 = 'canary-sso-secret-rotated-77e1';

const connector = (tag: string, spec: Record<string, unknown>): DesiredObject => ({
  address: 'SsoConnector.corp',
  kind: 'SsoConnector',
  spec: { connectorName: `${t.prefix}${tag}`, ...spec },
});
const id = (state: PriorState) => state.objects['SsoConnector.corp']!.id;

/** An OIDC config the emulator accepts offline (a real Logto would fetch the issuer's discovery document). */
const oidcConfig = (secret: string) => ({
  issuer: 'https://idp.example.com',
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

  itEmulator('converges with all fields, and the config never appears in a plan', async () => {
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

  itEmulator('rejects a public email domain and an unknown provider before any write', async () => {
    const bad = [connector('bad', { providerName: 'Keycloak', domains: ['gmail.com'] })];
    const error = await expectRefusedBeforeWrites(t, bad);
    expect(error.issues.map((i) => i.field).sort()).toEqual(['domains.0', 'providerName']);
  });
});
