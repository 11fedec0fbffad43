import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, planTenant } from '../../index.js';
import { converge, expectClean, ref } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { expectConverges, expectRefusedBeforeWrites } from './cases.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

const o = (address: string, kind: string, spec: Record<string, unknown>): DesiredObject => ({ address, kind, spec });
const base = () => [
  o('Organization.acme', 'Organization', { name: `${t.prefix}acme` }),
  o('User.ops', 'User', { username: `${t.prefix}ops` }),
  o('OrganizationRole.admin', 'OrganizationRole', { name: `${t.prefix}admin` }),
  o('OrganizationRole.member', 'OrganizationRole', { name: `${t.prefix}member`, type: 'User' }),
  o('OrganizationRole.robot', 'OrganizationRole', { name: `${t.prefix}robot`, type: 'MachineToMachine' }),
];
const membership = (spec: Record<string, unknown>) =>
  o('OrganizationUser.ops', 'OrganizationUser', {
    organizationId: ref('Organization.acme'),
    userId: ref('User.ops'),
    ...spec,
  });

describe('OrganizationUser', () => {
  it('joins an organization with its roles, is adopted without state, keeps the roles authoritative, leaves', async () => {
    const desired = [...base(), membership({ organizationRoleIds: [ref('OrganizationRole.admin')] })];
    const state = await expectConverges(t, desired);
    const orgId = state.objects['Organization.acme']!.id;
    const userId = state.objects['User.ops']!.id;
    const admin = state.objects['OrganizationRole.admin']!.id;
    const member = state.objects['OrganizationRole.member']!.id;
    expect(state.objects['OrganizationUser.ops']!.id).toBe(`${orgId}/${userId}`);
    const rolesPath = `/organizations/${orgId}/users/${userId}/roles`;
    const held = async () => (await t.client.list<{ id: string }>(rolesPath)).map((r) => r.id).sort();
    expect(await held()).toEqual([admin]);

    const adopt = await planTenant(desired, { client: t.client });
    expect(adopt.changes.find((c) => c.kind === 'OrganizationUser')).toMatchObject({ action: 'noop', adopted: true });

    // A role added by hand is drift on exactly organizationRoleIds, and is removed.
    await t.client.post(rolesPath, { organizationRoleIds: [member] }, { createsObject: false });
    const drift = await planTenant(desired, { client: t.client, prior: state });
    expect(drift.drift.map((d) => `${d.address}:${d.field}`)).toEqual(['OrganizationUser.ops:organizationRoleIds']);
    const { state: next } = await converge(t, desired, state);
    expect(await held()).toEqual([admin]);

    const both = [
      ...base(),
      membership({ organizationRoleIds: [ref('OrganizationRole.admin'), ref('OrganizationRole.member')] }),
    ];
    const after = await expectConverges(t, both, next);
    expect(await held()).toEqual([admin, member].sort());

    // Dropped where the kind may be deleted: the user leaves the organization (and stays a user).
    const prune = await planTenant(base(), { client: t.client, prior: after, allowDelete: ['OrganizationUser'] });
    const ours = {
      ...prune,
      changes: prune.changes.filter((c) => c.kind !== 'OrganizationUser' || c.id === `${orgId}/${userId}`),
    };
    expect(ours.changes.filter((c) => c.action === 'delete').map((c) => c.address)).toEqual(['OrganizationUser.ops']);
    await applyPlan(ours, { client: t.client, desired: base(), prior: after });
    expect((await t.client.list<{ id: string }>(`/organizations/${orgId}/users`)).map((u) => u.id)).not.toContain(
      userId,
    );
    await expectClean(t, base());
  });

  it('refuses before any write a machine-to-machine organization role', async () => {
    const error = await expectRefusedBeforeWrites(t, [
      ...base(),
      membership({ organizationRoleIds: [ref('OrganizationRole.robot')] }),
    ]);
    expect(error.issues).toEqual([
      expect.objectContaining({
        field: 'organizationRoleIds',
        message: expect.stringMatching(/users hold only User organization roles/),
      }),
    ]);
  });
});
