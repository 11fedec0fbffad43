import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DesiredObject, type PriorState, planTenant } from '../../index.js';
import { converge, expectClean, itEmulator, writes } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { expectConverges, expectDriftRestored, expectRefusedBeforeWrites } from './cases.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

/** Org scopes `a`, `b`, `c`, an API resource with scopes `read`, `write`, and roles built from them. */
function tenant(tag: string, role: Record<string, unknown>): DesiredObject[] {
  const p = `${t.prefix}${tag}-`;
  const orgScope = (n: string): DesiredObject => ({
    address: `OrganizationScope.${n}`,
    kind: 'OrganizationScope',
    spec: { name: `${p}${n}` },
  });
  const apiScope = (n: string): DesiredObject => ({
    address: `ApiResourceScope.${n}`,
    kind: 'ApiResourceScope',
    spec: { resourceId: { $ref: 'ApiResource.api' }, name: `${n}` },
  });
  return [
    orgScope('a'),
    orgScope('b'),
    orgScope('c'),
    {
      address: 'ApiResource.api',
      kind: 'ApiResource',
      spec: { name: `${p}api`, indicator: `https://${p}api.example.com` },
    },
    apiScope('read'),
    apiScope('write'),
    { address: 'OrganizationRole.role', kind: 'OrganizationRole', spec: { name: `${p}role`, ...role } },
  ];
}
const orgScopes = (...n: string[]) => n.map((x) => ({ $ref: `OrganizationScope.${x}` }));
const apiScopes = (...n: string[]) => n.map((x) => ({ $ref: `ApiResourceScope.${x}` }));
const roleId = (state: PriorState) => state.objects['OrganizationRole.role']!.id;

describe('OrganizationRole', () => {
  it('converges with all fields and with only the name', async () => {
    await expectConverges(
      t,
      tenant('all', {
        description: 'Can do everything',
        type: 'MachineToMachine',
        organizationScopeIds: orgScopes('a', 'b'),
        resourceScopeIds: apiScopes('read'),
      }),
    );
    const bare = tenant('bare', {});
    await expectConverges(t, bare);
    // name is the natural key: a state-less plan adopts the role and plans nothing
    await expectClean(t, bare);
  });

  it('creates the role and its scope sets with one add call per set', async () => {
    const desired = tenant('create', {
      organizationScopeIds: orgScopes('a', 'b', 'c'),
      resourceScopeIds: apiScopes('read', 'write'),
    });
    t.emulator?.resetStats();
    const { state } = await converge(t, desired);
    if (t.emulator) {
      const w = writes(t);
      expect(w['POST /organization-roles']).toBe(1);
      expect(w['POST /organization-roles/:id/scopes']).toBe(1);
      expect(w['POST /organization-roles/:id/resource-scopes']).toBe(1);
    }
    const live = await t.client.list<{ id: string }>(`/organization-roles/${roleId(state)}/scopes`);
    expect(live).toHaveLength(3);
  });

  itEmulator('adds or removes one scope with exactly one call, never recreating the role', async () => {
    const base = { organizationScopeIds: orgScopes('a'), resourceScopeIds: apiScopes('read') };
    let { state } = await converge(t, tenant('rel', base));
    const id = roleId(state);

    t.emulator!.resetStats();
    ({ state } = await converge(t, tenant('rel', { ...base, organizationScopeIds: orgScopes('a', 'b') }), state));
    expect(writes(t)).toEqual({ 'POST /organization-roles/:id/scopes': 1 });

    t.emulator!.resetStats();
    ({ state } = await converge(t, tenant('rel', { ...base, organizationScopeIds: orgScopes('b') }), state));
    expect(writes(t)).toEqual({ 'DELETE /organization-roles/:id/scopes/:organizationScopeId': 1 });

    t.emulator!.resetStats();
    ({ state } = await converge(
      t,
      tenant('rel', { organizationScopeIds: orgScopes('b'), resourceScopeIds: apiScopes('read', 'write') }),
      state,
    ));
    expect(writes(t)).toEqual({ 'POST /organization-roles/:id/resource-scopes': 1 });

    t.emulator!.resetStats();
    ({ state } = await converge(
      t,
      tenant('rel', { organizationScopeIds: orgScopes('b'), resourceScopeIds: [] }),
      state,
    ));
    expect(writes(t)).toEqual({ 'DELETE /organization-roles/:id/resource-scopes/:scopeId': 2 });

    expect(roleId(state)).toBe(id);
    await expectClean(t, tenant('rel', { organizationScopeIds: orgScopes('b'), resourceScopeIds: [] }), state);
  });

  it('changes the type in place (User ↔ MachineToMachine is mutable)', async () => {
    let { state } = await converge(t, tenant('type', { type: 'User', organizationScopeIds: orgScopes('a') }));
    const id = roleId(state);
    const desired = tenant('type', { type: 'MachineToMachine', organizationScopeIds: orgScopes('a') });
    const plan = await planTenant(desired, { client: t.client, prior: state });
    const change = plan.changes.find((c) => c.address === 'OrganizationRole.role')!;
    expect(change.action).toBe('update');
    expect(change.changes.map((c) => c.field)).toEqual(['type']);
    ({ state } = await converge(t, desired, state));
    expect(roleId(state)).toBe(id);
    expect((await t.client.get<{ type: string }>(`/organization-roles/${id}`)).type).toBe('MachineToMachine');
  });

  it('shows a scope removed out of band as drift and restores it', async () => {
    const desired = tenant('drift', { organizationScopeIds: orgScopes('a', 'b'), description: 'd' });
    const { state } = await converge(t, desired);
    const scopeB = state.objects['OrganizationScope.b']!.id;
    await expectDriftRestored(t, desired, state, 'OrganizationRole.role', 'organizationScopeIds', () =>
      t.client.delete(`/organization-roles/${roleId(state)}/scopes/${scopeB}`),
    );
  });

  it('shows an out-of-band description change as drift and restores it', async () => {
    const desired = tenant('drift2', { description: 'mine' });
    const { state } = await converge(t, desired);
    await expectDriftRestored(t, desired, state, 'OrganizationRole.role', 'description', () =>
      t.client.patch(`/organization-roles/${roleId(state)}`, { description: 'theirs' }),
    );
  });

  itEmulator('reads many roles and their scopes with bulk list calls', async () => {
    const desired = tenant('bulk', { organizationScopeIds: orgScopes('a'), resourceScopeIds: apiScopes('read') });
    for (const n of ['x', 'y', 'z']) {
      desired.push({
        address: `OrganizationRole.${n}`,
        kind: 'OrganizationRole',
        spec: { name: `${t.prefix}bulk-${n}`, organizationScopeIds: orgScopes('a', 'b') },
      });
    }
    const { state } = await converge(t, desired);
    t.emulator!.resetStats();
    await expectClean(t, desired, state);
    const byRoute = t.emulator!.stats().byRoute;
    expect(byRoute['GET /organization-roles']).toBe(1);
    expect(byRoute['GET /organization-roles/:id']).toBeUndefined();
    expect(byRoute['GET /organization-roles/:id/scopes']).toBeUndefined();
    expect(byRoute['GET /organization-roles/:id/resource-scopes']).toBeUndefined();
  });

  it('rejects an invalid type before any write, naming the field', async () => {
    const error = await expectRefusedBeforeWrites(t, tenant('bad', { type: 'Robot' }));
    expect(error.issues).toEqual([expect.objectContaining({ address: 'OrganizationRole.role', field: 'type' })]);
  });
});
