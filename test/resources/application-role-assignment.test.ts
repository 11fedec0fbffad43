import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, planTenant } from '../../index.js';
import { converge, expectClean, itEmulator, pending, ref, rows, writes } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { expectRefusedBeforeWrites } from './cases.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

function tenant(p: string, roles: string[], appAddress = 'Application.bot', extraApp = false): DesiredObject[] {
  return [
    { address: 'Application.bot', kind: 'Application', spec: { name: `${p}bot`, type: 'MachineToMachine' } },
    ...(extraApp
      ? [{ address: 'Application.bot2', kind: 'Application', spec: { name: `${p}bot2`, type: 'MachineToMachine' } }]
      : []),
    ...['a', 'b', 'c'].map((r) => ({
      address: `Role.${r}`,
      kind: 'Role',
      spec: { name: `${p}${r}`, description: r, type: 'MachineToMachine' },
    })),
    {
      address: 'ApplicationRoleAssignment.bot',
      kind: 'ApplicationRoleAssignment',
      spec: { applicationId: ref(appAddress), roleIds: roles.map((r) => ref(`Role.${r}`)) },
    },
  ];
}
const roleNames = async (t: Target, appId: string) =>
  (await rows<{ name: string }>(t, `/applications/${appId}/roles`)).map((r) => r.name).sort();

describe('ApplicationRoleAssignment', () => {
  it('all fields: roles assigned, then plan shows zero changes', async () => {
    const p = `${t.prefix}all-`;
    const desired = tenant(p, ['a', 'b']);
    const { state } = await converge(t, desired);
    const appId = state.objects['Application.bot']!.id;
    expect(state.objects['ApplicationRoleAssignment.bot']!.id).toBe(appId);
    expect(await roleNames(t, appId)).toEqual([`${p}a`, `${p}b`]);
    await expectClean(t, desired, state);
  });

  it('required fields only: manages nothing beyond the application link', async () => {
    const p = `${t.prefix}min-`;
    const desired: DesiredObject[] = [
      { address: 'Application.bot', kind: 'Application', spec: { name: `${p}bot`, type: 'MachineToMachine' } },
      {
        address: 'ApplicationRoleAssignment.bot',
        kind: 'ApplicationRoleAssignment',
        spec: { applicationId: ref('Application.bot') },
      },
    ];
    const { state } = await converge(t, desired);
    await expectClean(t, desired, state);
  });

  itEmulator('drift when a role is removed by hand; one add or remove call per change; never PUT', async () => {
    const p = `${t.prefix}d-`;
    const desired = tenant(p, ['a', 'b']);
    const { state } = await converge(t, desired);
    const appId = state.objects['Application.bot']!.id;
    const roleB = state.objects['Role.b']!.id;
    await t.client.delete(`/applications/${appId}/roles/${roleB}`);
    const plan = await planTenant(desired, { client: t.client, prior: state });
    expect(plan.drift).toHaveLength(1);
    expect(plan.drift[0]).toMatchObject({ address: 'ApplicationRoleAssignment.bot', field: 'roleIds' });
    t.emulator!.resetStats();
    const restored = await applyPlan(plan, { client: t.client, desired, prior: state });
    expect(writes(t)).toEqual({ 'POST /applications/:applicationId/roles': 1 });
    await expectClean(t, desired, restored.state);

    t.emulator!.resetStats();
    const fewer = tenant(p, ['a']);
    const removed = await converge(t, fewer, restored.state);
    expect(writes(t)).toEqual({ 'DELETE /applications/:applicationId/roles/:roleId': 1 });
    expect(await roleNames(t, appId)).toEqual([`${p}a`]);

    // Clearing the set removes one by one (PUT [] would strip and then fail on Logto).
    t.emulator!.resetStats();
    const none = tenant(p, []);
    await converge(t, none, removed.state);
    expect(Object.keys(writes(t))).toEqual(['DELETE /applications/:applicationId/roles/:roleId']);
    expect(await roleNames(t, appId)).toEqual([]);
  });

  it('moving the assignment to another application replaces it', async () => {
    const p = `${t.prefix}mv-`;
    const { state } = await converge(t, tenant(p, ['c'], 'Application.bot', true));
    const desired = tenant(p, ['c'], 'Application.bot2', true);
    const plan = await planTenant(desired, { client: t.client, prior: state });
    expect(plan.changes.find((c) => c.address === 'ApplicationRoleAssignment.bot')!.action).toBe('replace');
    const result = await applyPlan(plan, { client: t.client, desired, prior: state });
    expect(result.summary.failed).toBe(0);
    expect(await roleNames(t, state.objects['Application.bot']!.id)).toEqual([]);
    expect(await roleNames(t, state.objects['Application.bot2']!.id)).toEqual([`${p}c`]);
    await expectClean(t, desired, result.state);
  });

  it('an invalid spec names the object and field, with zero write requests', async () => {
    const error = await expectRefusedBeforeWrites(t, [
      {
        address: 'ApplicationRoleAssignment.x',
        kind: 'ApplicationRoleAssignment',
        spec: { applicationId: 'abc', roleIds: 'r1' },
      },
    ]);
    expect(error.message).toMatch(/ApplicationRoleAssignment\.x field "roleIds"/);
  });

  it('a desired non-M2M application or a User role is refused in plan, naming both, before any write', async () => {
    const p = `${t.prefix}spa-`;
    const desired: DesiredObject[] = [
      { address: 'Application.spa', kind: 'Application', spec: { name: `${p}spa`, type: 'SPA' } },
      { address: 'Role.user', kind: 'Role', spec: { name: `${p}user`, description: 'u' } },
      {
        address: 'ApplicationRoleAssignment.spa',
        kind: 'ApplicationRoleAssignment',
        spec: { applicationId: ref('Application.spa'), roleIds: [ref('Role.user')] },
      },
    ];
    const error = await expectRefusedBeforeWrites(t, desired);
    const issues = error.issues.map((i) => `${i.address}:${i.field}:${i.message}`);
    expect(issues).toEqual([
      expect.stringMatching(
        /^ApplicationRoleAssignment\.spa:applicationId:refers to "Application\.spa".*SPA.*only MachineToMachine/,
      ),
      expect.stringMatching(
        /^ApplicationRoleAssignment\.spa:roleIds:refers to "Role\.user".*User role.*set the role's type to MachineToMachine/,
      ),
    ]);
  });

  it('assigning to an existing non-M2M application (by id) fails with a clear message', async () => {
    const spa = await t.client.post<{ id: string }>('/applications', { name: `${t.prefix}spa-by-id`, type: 'SPA' });
    const desired: DesiredObject[] = [
      {
        address: 'ApplicationRoleAssignment.spa',
        kind: 'ApplicationRoleAssignment',
        spec: { applicationId: spa.id, roleIds: [] },
      },
    ];
    const plan = await planTenant(desired, { client: t.client });
    const result = await applyPlan(plan, { client: t.client, desired });
    const failed = result.results.find((r) => r.address === 'ApplicationRoleAssignment.spa')!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/only MachineToMachine/);
    expect(pending(plan)).toHaveLength(1);
  });
});
