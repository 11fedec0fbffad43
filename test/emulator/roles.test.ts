import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness } from './core-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.close());

async function scope(name: string): Promise<string> {
  const r = await h.api('POST', '/resources', { name: `res-${name}`, indicator: `https://${name}.example` });
  return (await h.api('POST', `/resources/${r.json.id}/scopes`, { name })).json.id as string;
}

describe('roles', () => {
  it('create 200 with defaults; scopeIds attached but not echoed; description required; unique names', async () => {
    const sid = await scope('role-create');
    const res = await h.api('POST', '/roles', { name: 'viewer', description: 'Views', scopeIds: [sid] });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      tenantId: 'default',
      id: res.json.id,
      name: 'viewer',
      description: 'Views',
      type: 'User',
      isDefault: false,
    });
    const scopes = await h.api('GET', `/roles/${res.json.id}/scopes`);
    expect(scopes.json.map((s: { id: string }) => s.id)).toEqual([sid]);
    expect(scopes.json[0].resource.name).toBe('res-role-create');
    expect((await h.api('POST', '/roles', { name: 'nodesc' })).status).toBe(400);
    const dup = await h.api('POST', '/roles', { name: 'viewer', description: 'x', type: 'MachineToMachine' });
    expect([dup.status, dup.json.code]).toEqual([422, 'role.name_in_use']);
    const m2mDefault = await h.api('POST', '/roles', {
      name: 'm2m-default',
      description: 'x',
      type: 'MachineToMachine',
      isDefault: true,
    });
    expect(m2mDefault.json).toMatchObject({ type: 'MachineToMachine', isDefault: true });
  });

  it('list is always paginated with computed counts; type and search filters', async () => {
    const role = await h.api('POST', '/roles', { name: 'counted', description: 'x', type: 'MachineToMachine' });
    const app = await h.api('POST', '/applications', { name: 'counted-app', type: 'MachineToMachine' });
    await h.api('POST', `/roles/${role.json.id}/applications`, { applicationIds: [app.json.id] });
    const list = await h.api('GET', '/roles?search=counted');
    expect(list.headers['total-number']).toBe('1');
    expect(list.json[0]).toMatchObject({
      usersCount: 0,
      featuredUsers: [],
      applicationsCount: 1,
      featuredApplications: [{ id: app.json.id, name: 'counted-app', type: 'MachineToMachine' }],
    });
    expect((await h.api('GET', `/roles/${role.json.id}`)).json.usersCount).toBeUndefined();
    const m2m = await h.api('GET', '/roles?type=MachineToMachine&page_size=100');
    expect(m2m.json.every((r: { type: string }) => r.type === 'MachineToMachine')).toBe(true);
    expect((await h.api('GET', '/roles?search=COUNT')).json).toEqual([]);
    expect((await h.api('GET', '/roles?search=COUNT%25')).json).toHaveLength(1);
  });

  it('PATCH: {} → 422, type ignored, rename conflict 422', async () => {
    const role = await h.api('POST', '/roles', { name: 'patch-role', description: 'x' });
    await h.api('POST', '/roles', { name: 'taken', description: 'x' });
    const id = role.json.id as string;
    const empty = await h.api('PATCH', `/roles/${id}`, {});
    expect([empty.status, empty.json.code]).toEqual([422, 'entity.invalid_input']);
    const patched = await h.api('PATCH', `/roles/${id}`, { description: 'new', type: 'MachineToMachine' });
    expect(patched.json).toMatchObject({ description: 'new', type: 'User' });
    const clash = await h.api('PATCH', `/roles/${id}`, { name: 'taken' });
    expect([clash.status, clash.json.code]).toEqual([422, 'role.name_in_use']);
  });

  it('DELETE → 204, then GET and DELETE 404 entity.not_exists_with_id', async () => {
    const role = await h.api('POST', '/roles', { name: 'gone-role', description: 'x' });
    expect((await h.api('DELETE', `/roles/${role.json.id}`)).status).toBe(204);
    for (const method of ['GET', 'DELETE']) {
      const res = await h.api(method, `/roles/${role.json.id}`);
      expect([res.status, res.json.code]).toEqual([404, 'entity.not_exists_with_id']);
    }
  });
});

describe('role scopes', () => {
  it('POST 201 with added scopes; duplicates 422; unknown 404; [] 400; DELETE non-member 404', async () => {
    const role = await h.api('POST', '/roles', { name: 'scoped-role', description: 'x' });
    const id = role.json.id as string;
    const s1 = await scope('rs-one');
    const added = await h.api('POST', `/roles/${id}/scopes`, { scopeIds: [s1] });
    expect(added.status).toBe(201);
    expect(added.json.map((s: { id: string }) => s.id)).toEqual([s1]);
    const dup = await h.api('POST', `/roles/${id}/scopes`, { scopeIds: [s1] });
    expect([dup.status, dup.json.code]).toEqual([422, 'role.scope_exists']);
    const unknown = await h.api('POST', `/roles/${id}/scopes`, { scopeIds: ['nope'] });
    expect([unknown.status, unknown.json.code]).toEqual([404, 'entity.not_exists_with_id']);
    expect((await h.api('POST', `/roles/${id}/scopes`, { scopeIds: [] })).status).toBe(400);
    const list = await h.api('GET', `/roles/${id}/scopes`);
    expect(list.headers['total-number']).toBeUndefined();
    expect((await h.api('GET', '/roles/nope/scopes')).status).toBe(404);
    expect((await h.api('DELETE', `/roles/${id}/scopes/${s1}`)).status).toBe(204);
    const again = await h.api('DELETE', `/roles/${id}/scopes/${s1}`);
    expect([again.status, again.json.code]).toEqual([404, 'entity.not_found']);
  });
});

describe('role applications and users', () => {
  it('POST 201 Created; duplicate 422; User role 422; list always paginated; DELETE non-member 404', async () => {
    const role = await h.api('POST', '/roles', { name: 'apps-role', description: 'x', type: 'MachineToMachine' });
    const id = role.json.id as string;
    const app = await h.api('POST', '/applications', { name: 'role-app', type: 'MachineToMachine' });
    const added = await h.api('POST', `/roles/${id}/applications`, { applicationIds: [app.json.id] });
    expect([added.status, added.text]).toEqual([201, 'Created']);
    const dup = await h.api('POST', `/roles/${id}/applications`, { applicationIds: [app.json.id] });
    expect([dup.status, dup.json.code]).toEqual([422, 'role.application_exists']);
    const userRole = await h.api('POST', '/roles', { name: 'apps-user-role', description: 'x' });
    const wrong = await h.api('POST', `/roles/${userRole.json.id}/applications`, { applicationIds: [app.json.id] });
    expect([wrong.status, wrong.json.code]).toEqual([422, 'entity.db_constraint_violated']);
    const list = await h.api('GET', `/roles/${id}/applications`);
    expect(list.headers['total-number']).toBe('1');
    expect(list.json[0].id).toBe(app.json.id);
    const appSide = await h.api('GET', `/applications/${app.json.id}/roles`);
    expect(appSide.json.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await h.api('DELETE', `/roles/${id}/applications/${app.json.id}`)).status).toBe(204);
    const again = await h.api('DELETE', `/roles/${id}/applications/${app.json.id}`);
    expect([again.status, again.json.code]).toEqual([404, 'entity.not_found']);
    const users = await h.api('GET', `/roles/${id}/users`);
    expect([users.status, users.json, users.headers['total-number']]).toEqual([200, [], '0']);
  });

  it('the seeded app holds the Management API access role, which holds scope all', async () => {
    const roles = await h.api('GET', `/applications/${h.emu.appId}/roles`);
    expect(roles.json.map((r: { name: string }) => r.name)).toEqual(['Logto Management API access']);
    const scopes = await h.api('GET', `/roles/${roles.json[0].id}/scopes`);
    expect(scopes.json.map((s: { name: string; resource: { id: string } }) => [s.name, s.resource.id])).toEqual([
      ['all', 'management-api'],
    ]);
  });
});
