import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, planTenant, SpecValidationError } from '../../index.js';
import { converge, expectClean, itEmulator, pending, ref, rows, writes } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { convergeDroppingPost, expectRefusedBeforeWrites } from './cases.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

function tenant(p: string, roleSpec: Record<string, unknown>, scopes = ['read', 'write', 'admin']): DesiredObject[] {
  return [
    {
      address: 'ApiResource.api',
      kind: 'ApiResource',
      spec: { name: `${p}api`, indicator: `https://${p}api.example.com` },
    },
    ...scopes.map((s) => ({
      address: `ApiResourceScope.${s}`,
      kind: 'ApiResourceScope',
      spec: { resourceId: { $ref: 'ApiResource.api' }, name: `${s}:things` },
    })),
    { address: 'Role.r', kind: 'Role', spec: roleSpec },
  ];
}

describe('Role', () => {
  it('all fields: apply to an empty tenant, then plan shows zero changes', async () => {
    const p = `${t.prefix}all-`;
    const desired = tenant(p, {
      name: `${p}role`,
      description: 'All fields',
      type: 'MachineToMachine',
      isDefault: false,
      scopeIds: [ref('ApiResourceScope.read'), ref('ApiResourceScope.write')],
    });
    const { state } = await converge(t, desired);
    await expectClean(t, desired, state);
    await expectClean(t, desired); // and without prior state (adoption by key)
    const id = state.objects['Role.r']!.id;
    const scopes = await rows<{ name: string }>(t, `/roles/${id}/scopes`);
    expect(scopes.map((s) => s.name).sort()).toEqual(['read:things', 'write:things']);
  });

  it('required fields only', async () => {
    const desired: DesiredObject[] = [
      { address: 'Role.min', kind: 'Role', spec: { name: `${t.prefix}min`, description: 'd' } },
    ];
    const { state } = await converge(t, desired);
    await expectClean(t, desired, state);
  });

  it('an out-of-band change is drift on exactly that field; apply restores it', async () => {
    const p = `${t.prefix}drift-`;
    const desired = tenant(p, { name: `${p}role`, description: 'Original', scopeIds: [ref('ApiResourceScope.read')] });
    const { state } = await converge(t, desired);
    const id = state.objects['Role.r']!.id;
    await t.client.patch(`/roles/${id}`, { description: 'Changed by hand', isDefault: true });
    const plan = await planTenant(desired, { client: t.client, prior: state });
    expect(plan.drift).toEqual([
      { address: 'Role.r', kind: 'Role', id, field: 'description', expected: 'Original', live: 'Changed by hand' },
    ]);
    expect(pending(plan)).toHaveLength(1);
    expect(pending(plan)[0]).toMatchObject({
      address: 'Role.r',
      action: 'update',
      changes: [{ field: 'description' }],
    });
    const result = await applyPlan(plan, { client: t.client, desired, prior: state });
    expect(result.summary.updated).toBe(1);
    await expectClean(t, desired, result.state);
    // isDefault was not managed: the out-of-band value stays.
    expect((await t.client.get<{ isDefault: boolean }>(`/roles/${id}`)).isDefault).toBe(true);
  });

  itEmulator('adding or removing one scope is exactly one call, and the role is kept', async () => {
    const p = `${t.prefix}rel-`;
    const base = { name: `${p}role`, description: 'Relations' };
    const one = tenant(p, { ...base, scopeIds: [ref('ApiResourceScope.read')] });
    const { state } = await converge(t, one);
    const id = state.objects['Role.r']!.id;

    const two = tenant(p, { ...base, scopeIds: [ref('ApiResourceScope.read'), ref('ApiResourceScope.write')] });
    t.emulator!.resetStats();
    const added = await converge(t, two, state);
    expect(writes(t)).toEqual({ 'POST /roles/:id/scopes': 1 });
    expect(added.plan.changes.find((c) => c.address === 'Role.r')).toMatchObject({ action: 'update', id });
    expect(added.state.objects['Role.r']!.id).toBe(id);

    t.emulator!.resetStats();
    const removed = await converge(t, one, added.state);
    expect(writes(t)).toEqual({ 'DELETE /roles/:id/scopes/:scopeId': 1 });
    expect(removed.state.objects['Role.r']!.id).toBe(id);
    await expectClean(t, one, removed.state);
  });

  itEmulator('a scope POST retried after its lost response committed adds nothing twice', async () => {
    const p = `${t.prefix}retry-`;
    const scopeIds = [ref('ApiResourceScope.read'), ref('ApiResourceScope.write')];
    const desired = tenant(p, { name: `${p}role`, description: 'Retry', scopeIds });
    t.emulator!.resetStats();
    const { state } = await convergeDroppingPost(t, '/roles/:id/scopes', desired);
    // The retry meets 422 role.scope_exists; the module reads the set and posts nothing more.
    expect(writes(t)['POST /roles/:id/scopes']).toBe(2);
    const held = await rows<{ id: string }>(t, `/roles/${state.objects['Role.r']!.id}/scopes`);
    const want = ['ApiResourceScope.read', 'ApiResourceScope.write'].map((a) => state.objects[a]!.id);
    expect(held.map((s) => s.id).sort()).toEqual(want.sort());
    await expectClean(t, desired, state);
  });

  it('changing the type replaces the role and re-establishes its scopes', async () => {
    const p = `${t.prefix}repl-`;
    const spec = {
      name: `${p}role`,
      description: 'Replace me',
      scopeIds: [ref('ApiResourceScope.read'), ref('ApiResourceScope.admin')],
    };
    const { state } = await converge(t, tenant(p, { ...spec, type: 'User' }));
    const oldId = state.objects['Role.r']!.id;
    const desired = tenant(p, { ...spec, type: 'MachineToMachine' });
    const plan = await planTenant(desired, { client: t.client, prior: state });
    const change = plan.changes.find((c) => c.address === 'Role.r')!;
    expect(change.action).toBe('replace');
    expect(change.reason).toMatch(/type changed from "User" to "MachineToMachine"/);
    const result = await applyPlan(plan, { client: t.client, desired, prior: state });
    expect(result.summary).toMatchObject({ replaced: 1, failed: 0 });
    const newId = result.state.objects['Role.r']!.id;
    expect(newId).not.toBe(oldId);
    expect((await t.client.get<{ type: string }>(`/roles/${newId}`)).type).toBe('MachineToMachine');
    const scopes = await rows<{ name: string }>(t, `/roles/${newId}/scopes`);
    expect(scopes.map((s) => s.name).sort()).toEqual(['admin:things', 'read:things']);
    const same = (await rows<{ name: string }>(t, '/roles')).filter((r) => r.name === spec.name);
    expect(same).toHaveLength(1);
    await expectClean(t, desired, result.state);
  });

  it('an invalid spec names the object and the field, with zero write requests', async () => {
    const desired: DesiredObject[] = [
      { address: 'Role.ok', kind: 'Role', spec: { name: `${t.prefix}ok`, description: 'fine' } },
      { address: 'Role.bad', kind: 'Role', spec: { name: `${t.prefix}bad`, type: 'Robot' } },
    ];
    const error = await expectRefusedBeforeWrites(t, desired);
    const message = error.message;
    expect(message).toContain('Role.bad');
    expect(message).toContain('"description"');
    expect(message).toContain('"type"');
    const applied = await applyPlan(
      {
        formatVersion: 1,
        createdAt: '',
        changes: [],
        drift: [],
        summary: { create: 0, update: 0, replace: 0, delete: 0, noop: 0, drift: 0 },
        liveFingerprint: '',
      },
      { client: t.client, desired },
    ).catch((e: unknown) => e);
    expect(applied).toBeInstanceOf(SpecValidationError);
    if (t.emulator) expect(writes(t)).toEqual({});
  });

  itEmulator('a lost create response is resolved by name, never a duplicate', async () => {
    const desired: DesiredObject[] = [
      { address: 'Role.lost', kind: 'Role', spec: { name: `${t.prefix}lost`, description: 'd' } },
    ];
    const { result } = await convergeDroppingPost(t, '/roles', desired);
    expect(result.results[0]!.note).toMatch(/lost/);
    expect((await rows<{ name: string }>(t, '/roles')).filter((r) => r.name === `${t.prefix}lost`)).toHaveLength(1);
  });

  it('prunes unmanaged roles only when allowed, lists them, and never the built-in role', async () => {
    const keep: DesiredObject[] = [
      { address: 'Role.keep', kind: 'Role', spec: { name: `${t.prefix}keep`, description: 'd' } },
    ];
    await converge(t, keep);
    const stray = await t.client.post<{ id: string }>('/roles', { name: `${t.prefix}stray`, description: 'd' });
    const noPrune = await planTenant(keep, { client: t.client });
    expect(noPrune.changes.filter((c) => c.action === 'delete')).toEqual([]);
    const plan = await planTenant(keep, { client: t.client, allowDelete: ['Role'] });
    const deletes = plan.changes.filter((c) => c.action === 'delete');
    expect(deletes.map((d) => d.id)).toContain(stray.id);
    const roles = await rows<{ id: string; name: string }>(t, '/roles');
    const builtin = roles.find((r) => r.name === 'Logto Management API access');
    // The emulator seeds it like a fresh tenant: the check below must have something to check there.
    if (t.isEmulator) expect(builtin, 'the seeded "Logto Management API access" role').toBeDefined();
    if (builtin) expect(deletes.map((d) => d.id)).not.toContain(builtin.id);
    // On a real server only touch what this run made.
    const own = { ...plan, changes: plan.changes.filter((c) => c.action !== 'delete' || c.id === stray.id) };
    const result = await applyPlan(own, { client: t.client, desired: keep });
    expect(result.summary.deleted).toBe(1);
    expect((await rows<{ id: string }>(t, '/roles')).some((r) => r.id === stray.id)).toBe(false);
  });
});
