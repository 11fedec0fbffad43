import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, planTenant } from '../../index.js';
import { formatPlan } from '../../provider/cli/printer.js';
import { converge, expectClean, ref } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { expectConverges, expectDriftRestored, expectNoCanary, expectRefusedBeforeWrites } from './cases.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

const o = (address: string, kind: string, spec: Record<string, unknown>): DesiredObject => ({ address, kind, spec });
const PASSWORD = 'canary-Pa55word-7f3e91';
const NEW_PASSWORD = 'canary-N3w-Pa55word-2c8d';
const roles = () => [
  o('Role.ops', 'Role', { name: `${t.prefix}ops`, description: 'Operators' }),
  o('Role.audit', 'Role', { name: `${t.prefix}audit`, description: 'Auditors' }),
  o('Role.robot', 'Role', { name: `${t.prefix}robot`, description: 'Machines', type: 'MachineToMachine' }),
  // Logto gives every new user the default roles: the user's role set stays what the spec says.
  o('Role.everyone', 'Role', { name: `${t.prefix}everyone`, description: 'Everyone', isDefault: true }),
];
const admin = (spec: Record<string, unknown> = {}) =>
  o('User.admin', 'User', {
    username: `${t.prefix}admin`,
    primaryEmail: `${t.prefix}admin@example.com`,
    name: 'Break-glass admin',
    profile: { givenName: 'Break', familyName: 'Glass', address: { country: 'NZ' } },
    customData: { purpose: 'break-glass', tier: 1 },
    password: PASSWORD,
    roleIds: [ref('Role.ops')],
    ...spec,
  });
const verify = async (id: string, password: string) =>
  t.client
    .post(`/users/${id}/password/verify`, { password }, { createsObject: false })
    .then(() => true)
    .catch(() => false);

describe('User', () => {
  it('creates a user with a write-only password, converges, detects drift per field, changes the password, adopts, prunes', async () => {
    const desired = [...roles(), admin()];
    const first = await planTenant(desired, { client: t.client });
    expectNoCanary(first, [PASSWORD]);
    const state = await expectConverges(t, desired);
    expect(JSON.stringify(state)).not.toContain(PASSWORD);
    const id = state.objects['User.admin']!.id;
    // The state keeps a salted scrypt digest of the password, never an unsalted one.
    expect(state.objects['User.admin']!.applied.password).toMatch(/^scrypt\$N=16384,r=8,p=1\$/);
    expect(state.salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await verify(id, PASSWORD)).toBe(true);
    const user = await t.client.get<Record<string, unknown>>(`/users/${id}`);
    expect(user).toMatchObject({
      username: `${t.prefix}admin`,
      primaryEmail: `${t.prefix}admin@example.com`,
      hasPassword: true,
      customData: { purpose: 'break-glass', tier: 1 },
    });
    expect(JSON.stringify(user)).not.toContain(PASSWORD);
    const held = async () => (await t.client.list<{ id: string }>(`/users/${id}/roles`)).map((r) => r.id).sort();
    expect(await held()).toEqual([state.objects['Role.ops']!.id]);

    // Drift on exactly the field changed out of band.
    let next = await expectDriftRestored(t, desired, state, 'User.admin', 'name', () =>
      t.client.patch(`/users/${id}`, { name: 'Someone else' }),
    );
    next = await expectDriftRestored(t, desired, next, 'User.admin', 'customData', () =>
      t.client.patch(`/users/${id}/custom-data`, { customData: { extra: true } }),
    );
    next = await expectDriftRestored(t, desired, next, 'User.admin', 'profile', () =>
      t.client.patch(`/users/${id}/profile`, { profile: { nickname: 'bg' } }),
    );
    next = await expectDriftRestored(t, desired, next, 'User.admin', 'roleIds', () =>
      t.client.post(`/users/${id}/roles`, { roleIds: [next.objects['Role.audit']!.id] }, { createsObject: false }),
    );

    // A new password in the files: an update of exactly `password`, shown as (sensitive), written once.
    const rotated = [...roles(), admin({ password: NEW_PASSWORD })];
    const change = await planTenant(rotated, { client: t.client, prior: next });
    const update = change.changes.find((c) => c.address === 'User.admin')!;
    expect(update.action).toBe('update');
    expect(update.changes).toEqual([{ field: 'password', before: null, after: '(sensitive)', sensitive: true }]);
    expectNoCanary(change, [PASSWORD, NEW_PASSWORD]);
    expect(formatPlan(change, { color: false })).toContain('password');
    const { state: afterRotate, result } = await converge(t, rotated, next);
    expect(JSON.stringify(result)).not.toContain(NEW_PASSWORD);
    expect(JSON.stringify(afterRotate)).not.toContain(NEW_PASSWORD);
    expect(await verify(id, NEW_PASSWORD)).toBe(true);
    await expectClean(t, rotated, afterRotate);

    // Suspension is its own route; a change is an update of exactly isSuspended.
    const suspended = [...roles(), admin({ password: NEW_PASSWORD, isSuspended: true })];
    const afterSuspend = await expectConverges(t, suspended, afterRotate);
    expect((await t.client.get<{ isSuspended: boolean }>(`/users/${id}`)).isSuspended).toBe(true);

    // Without state: adopted by username (the password cannot be compared, so it is not a change).
    const adopt = await planTenant(suspended, { client: t.client });
    expect(adopt.changes.find((c) => c.address === 'User.admin')).toMatchObject({ action: 'noop', adopted: true });
    // …and by email when the username is new: the username is then an update.
    const renamed = [...roles(), admin({ username: `${t.prefix}root`, password: NEW_PASSWORD, isSuspended: true })];
    const byEmail = await planTenant(renamed, { client: t.client });
    const entry = byEmail.changes.find((c) => c.address === 'User.admin')!;
    expect(entry).toMatchObject({ action: 'update', adopted: true, id });
    expect(entry.changes.map((c) => c.field)).toEqual(['username']);

    // Dropped from the files where users may be deleted: deleted; never without allowDelete.
    const keep = await planTenant(roles(), { client: t.client, prior: afterSuspend });
    expect(keep.changes.filter((c) => c.kind === 'User' && c.action === 'delete')).toEqual([]);
    const prune = await planTenant(roles(), { client: t.client, prior: afterSuspend, allowDelete: ['User'] });
    const ours = { ...prune, changes: prune.changes.filter((c) => c.kind !== 'User' || c.id === id) };
    expect(ours.changes.filter((c) => c.action === 'delete').map((c) => c.address)).toEqual(['User.admin']);
    await applyPlan(ours, { client: t.client, desired: roles(), prior: afterSuspend });
    await expect(t.client.get(`/users/${id}`)).rejects.toMatchObject({ status: 404 });
  });

  it('a password added to a user managed without one is written; without any record (adoption) it is not a change', async () => {
    const bare = o('User.svc', 'User', { username: `${t.prefix}svc` });
    const state = await expectConverges(t, [bare]);
    const id = state.objects['User.svc']!.id;
    const withPassword = o('User.svc', 'User', { username: `${t.prefix}svc`, password: PASSWORD });
    const plan = await planTenant([withPassword], { client: t.client, prior: state });
    expect(plan.changes[0]!.changes.map((c) => c.field)).toEqual(['password']);
    expect((await planTenant([withPassword], { client: t.client })).changes[0]).toMatchObject({ action: 'noop' });
    const next = await expectConverges(t, [withPassword], state);
    expect(await verify(id, PASSWORD)).toBe(true);
    expect(JSON.stringify(next)).not.toContain(PASSWORD);
  });

  it('with passwordVersion: written on create and when the version changes; the state keeps nothing derived from it', async () => {
    const svc = (password: string, passwordVersion: string | number) =>
      o('User.rotating', 'User', { username: `${t.prefix}rotating`, password, passwordVersion });
    const state = await expectConverges(t, [svc(PASSWORD, 1)]);
    const id = state.objects['User.rotating']!.id;
    expect(await verify(id, PASSWORD)).toBe(true);
    expect(state.objects['User.rotating']!.applied).toEqual({ username: `${t.prefix}rotating`, passwordVersion: '1' });
    // A new password under the same version is not written: the version says when.
    const same = await planTenant([svc(NEW_PASSWORD, '1')], { client: t.client, prior: state });
    expect(same.changes[0]).toMatchObject({ action: 'noop' });
    // A new version: an update of password and its version, then the old password no longer verifies.
    const bump = await planTenant([svc(NEW_PASSWORD, 2)], { client: t.client, prior: state });
    expect(bump.changes[0]!.changes).toEqual([
      { field: 'password', before: null, after: '(sensitive)', sensitive: true },
      { field: 'passwordVersion', before: '1', after: '2' },
    ]);
    expectNoCanary(bump, [PASSWORD, NEW_PASSWORD]);
    const next = await expectConverges(t, [svc(NEW_PASSWORD, 2)], state);
    expect(await verify(id, NEW_PASSWORD)).toBe(true);
    expect(await verify(id, PASSWORD)).toBe(false);
    expect(JSON.stringify(next)).not.toContain(NEW_PASSWORD);
    expect(next.objects['User.rotating']!.applied).not.toHaveProperty('password');
  });

  it('a state from before salting (an unsalted sha256 digest) writes the password once more, then keeps a salted digest', async () => {
    const svc = o('User.legacy', 'User', { username: `${t.prefix}legacy`, password: PASSWORD });
    const state = await expectConverges(t, [svc]);
    const entry = state.objects['User.legacy']!;
    const legacy = {
      ...state,
      objects: {
        'User.legacy': {
          ...entry,
          applied: {
            ...entry.applied,
            password: `sha256:${createHash('sha256').update(JSON.stringify(PASSWORD)).digest('hex')}`,
          },
        },
      },
    };
    const plan = await planTenant([svc], { client: t.client, prior: legacy });
    expect(plan.changes[0]!.changes.map((c) => c.field)).toEqual(['password']);
    const next = await expectConverges(t, [svc], legacy);
    expect(next.objects['User.legacy']!.applied.password).toMatch(/^scrypt\$/);
    expect(await verify(entry.id, PASSWORD)).toBe(true);
  });

  it('refuses before any write bad identifiers, unknown profile claims and machine-to-machine roles', async () => {
    const bad = await expectRefusedBeforeWrites(t, [
      ...roles(),
      admin({
        username: '1admin',
        primaryEmail: 'not-an-email',
        primaryPhone: '+64 21 000',
        profile: { nickName: 'x' },
        roleIds: [ref('Role.robot')],
      }),
    ]);
    const fields = bad.issues.map((i) => i.field).sort();
    expect(fields).toEqual(['primaryEmail', 'primaryPhone', 'profile', 'roleIds', 'username']);
    expect(bad.issues.find((i) => i.field === 'primaryPhone')!.message).toMatch(/digits only/);
    const m2m = await expectRefusedBeforeWrites(t, [...roles(), admin({ roleIds: [ref('Role.robot')] })]);
    expect(m2m.issues).toEqual([
      expect.objectContaining({ field: 'roleIds', message: expect.stringMatching(/users hold only User roles/) }),
    ]);
  });

  it('says which identifier another user holds, without the password', async () => {
    const other = o('User.other', 'User', {
      username: `${t.prefix}other`,
      primaryEmail: `${t.prefix}taken@example.com`,
    });
    const state = await expectConverges(t, [other]);
    const clash = o('User.clash', 'User', {
      username: `${t.prefix}clash`,
      primaryPhone: '15550000000',
      password: PASSWORD,
    });
    // Another user holds the email: adoption by email finds it, so take a user whose only clash is the phone.
    await t.client.patch(`/users/${state.objects['User.other']!.id}`, { primaryPhone: '15550000000' });
    const plan = await planTenant([other, clash], { client: t.client, prior: state });
    const result = await applyPlan(plan, { client: t.client, desired: [other, clash], prior: state });
    const failed = result.results.find((r) => r.address === 'User.clash')!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/primaryPhone "15550000000" belongs to another user/);
    expect(JSON.stringify(result)).not.toContain(PASSWORD);
  });
});
