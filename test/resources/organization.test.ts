import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DesiredObject, type PriorState, planTenant } from '../../index.js';
import { converge, expectClean, itEmulator, ref, writes } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { convergeDroppingPost, expectConverges, expectDriftRestored, expectRefusedBeforeWrites } from './cases.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

function tenant(tag: string, org: Record<string, unknown>): DesiredObject[] {
  const p = `${t.prefix}${tag}-`;
  return [
    { address: 'OrganizationRole.member', kind: 'OrganizationRole', spec: { name: `${p}member` } },
    { address: 'OrganizationRole.admin', kind: 'OrganizationRole', spec: { name: `${p}admin` } },
    { address: 'SsoConnector.corp', kind: 'SsoConnector', spec: { providerName: 'SAML', connectorName: `${p}corp` } },
    { address: 'Organization.acme', kind: 'Organization', spec: { name: `${p}Acme`, ...org } },
  ];
}
const orgId = (state: PriorState) => state.objects['Organization.acme']!.id;

const ALL = {
  description: 'The Acme company',
  customData: { plan: 'enterprise', seats: 50, tags: ['a', 'b'] },
  isMfaRequired: true,
  branding: { logoUrl: 'https://acme.example.com/logo.png', darkFavicon: 'https://acme.example.com/favicon-dark.ico' },
  color: { primaryColor: '#112233', isDarkModeEnabled: true, darkPrimaryColor: '#445566' },
  customCss: '.logo { width: 64px; }',
  jitEmailDomains: ['acme.example.com', 'acme-corp.example.com'],
  jitRoleIds: [ref('OrganizationRole.member')],
  jitSsoConnectorIds: [ref('SsoConnector.corp')],
};

describe('Organization', () => {
  it('converges with all fields (JIT sets included) and with only the name', async () => {
    const state = await expectConverges(t, tenant('all', ALL));
    const id = orgId(state);
    const live = await t.client.get<Record<string, unknown>>(`/organizations/${id}`);
    expect(live).toMatchObject({ customData: ALL.customData, color: ALL.color, isMfaRequired: true });
    const domains = await t.client.list<{ emailDomain: string }>(`/organizations/${id}/jit/email-domains`);
    expect(domains.map((d) => d.emailDomain).sort()).toEqual([...ALL.jitEmailDomains].sort());
    await expectConverges(t, tenant('bare', {}));
  });

  it('is adopted by name without state (names are an adoption key, not unique)', async () => {
    const desired = tenant('nokey', { description: 'adopt me' });
    const { state } = await converge(t, desired);
    const plan = await planTenant(desired, { client: t.client });
    expect(plan.changes.find((c) => c.address === 'Organization.acme')).toMatchObject({
      action: 'noop',
      adopted: true,
      id: orgId(state),
    });
  });

  it('shows an out-of-band customData change as drift and sends the whole object back', async () => {
    const desired = tenant('drift', { customData: { tier: 'gold', limits: { users: 10 } } });
    const { state } = await converge(t, desired);
    await expectDriftRestored(t, desired, state, 'Organization.acme', 'customData', () =>
      t.client.patch(`/organizations/${orgId(state)}`, { customData: { tier: 'gold' } }),
    );
    const live = await t.client.get<{ customData: unknown }>(`/organizations/${orgId(state)}`);
    expect(live.customData).toEqual({ tier: 'gold', limits: { users: 10 } });
  });

  it('shows a JIT email domain removed out of band as drift and restores it', async () => {
    const desired = tenant('jitdrift', { jitEmailDomains: ['one.example.com', 'two.example.com'] });
    const { state } = await converge(t, desired);
    await expectDriftRestored(t, desired, state, 'Organization.acme', 'jitEmailDomains', () =>
      t.client.delete(`/organizations/${orgId(state)}/jit/email-domains/two.example.com`),
    );
  });

  itEmulator(
    'reconciles JIT sets with one add or remove call per member, never recreating the organization',
    async () => {
      const base = { jitEmailDomains: ['a.example.com'], jitRoleIds: [ref('OrganizationRole.member')] };
      let { state } = await converge(t, tenant('jit', base));
      const id = orgId(state);

      t.emulator!.resetStats();
      ({ state } = await converge(
        t,
        tenant('jit', { ...base, jitEmailDomains: ['a.example.com', 'b.example.com'] }),
        state,
      ));
      expect(writes(t)).toEqual({ 'POST /organizations/:id/jit/email-domains': 1 });

      t.emulator!.resetStats();
      ({ state } = await converge(t, tenant('jit', { ...base, jitEmailDomains: ['b.example.com'] }), state));
      expect(writes(t)).toEqual({ 'DELETE /organizations/:id/jit/email-domains/:emailDomain': 1 });

      t.emulator!.resetStats();
      const roles = [ref('OrganizationRole.member'), ref('OrganizationRole.admin')];
      ({ state } = await converge(t, tenant('jit', { jitEmailDomains: ['b.example.com'], jitRoleIds: roles }), state));
      expect(writes(t)).toEqual({ 'POST /organizations/:id/jit/roles': 1 });

      t.emulator!.resetStats();
      const final = tenant('jit', { jitEmailDomains: ['b.example.com'], jitRoleIds: [ref('OrganizationRole.admin')] });
      ({ state } = await converge(t, final, state));
      expect(writes(t)).toEqual({ 'DELETE /organizations/:id/jit/roles/:organizationRoleId': 1 });

      expect(orgId(state)).toBe(id);
      await expectClean(t, final, state);
    },
  );

  it('updates only the changed fields', async () => {
    let { state } = await converge(t, tenant('upd', { description: 'one', isMfaRequired: false }));
    const desired = tenant('upd', { description: 'two', isMfaRequired: false });
    const plan = await planTenant(desired, { client: t.client, prior: state });
    const change = plan.changes.find((c) => c.address === 'Organization.acme')!;
    expect(change).toMatchObject({ action: 'update' });
    expect(change.changes).toEqual([{ field: 'description', before: 'one', after: 'two' }]);
    ({ state } = await converge(t, desired, state));
    await expectClean(t, desired, state);
  });

  itEmulator('resolves a lost create response without a duplicate (no natural key)', async () => {
    t.emulator!.resetStats();
    const desired = tenant('lost', { description: 'once', jitEmailDomains: ['lost.example.com'] });
    const { state } = await convergeDroppingPost(t, '/organizations', desired);
    expect(t.emulator!.stats().faultsInjected).toBe(1);
    const rows = (await t.client.list<{ id: string; name: string }>('/organizations')).filter(
      (o) => o.name === `${t.prefix}lost-Acme`,
    );
    expect(rows.map((r) => r.id)).toEqual([orgId(state)]);
    await expectClean(t, desired, state);
  });

  it('rejects bad domains and colors before any write, naming the fields', async () => {
    const bad = tenant('bad', { jitEmailDomains: ['@acme.example.com'], color: { primaryColor: 'blue' } });
    const error = await expectRefusedBeforeWrites(t, bad);
    const issues = error.issues;
    expect(issues.map((i) => `${i.address}:${i.field}`).sort()).toEqual([
      'Organization.acme:color.primaryColor',
      'Organization.acme:jitEmailDomains.0',
    ]);
    expect(issues.find((i) => i.field === 'jitEmailDomains.0')?.message).toMatch(/example\.com/);
  });
});
