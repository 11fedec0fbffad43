import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authFailures, startApi, type TestApi } from './route-client.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

async function org(name = 'Acme'): Promise<string> {
  const r = await api.call('POST', '/organizations', { name });
  expect(r.status).toBe(201);
  return r.json.id;
}
async function app(type: string): Promise<string> {
  const r = await api.call('POST', '/applications', { name: `app-${type}`, type });
  expect(r.status).toBe(200);
  return r.json.id;
}
async function orgRole(name: string, type = 'MachineToMachine'): Promise<string> {
  const r = await api.call('POST', '/organization-roles', { name, type });
  expect(r.status).toBe(201);
  return r.json.id;
}

describe('organizations CRUD', () => {
  it('creates with defaults, a 12-char id, strips unknown keys', async () => {
    const r = await api.call('POST', '/organizations', { name: 'Org A', foo: 'bar' });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({
      tenantId: 'default',
      id: expect.stringMatching(/^[0-9a-z]{12}$/),
      name: 'Org A',
      description: null,
      customData: {},
      isMfaRequired: false,
      color: {},
      branding: {},
      customCss: null,
      createdAt: expect.any(Number),
    });
    expect(r.json).not.toHaveProperty('foo');
  });

  it('allows duplicate names', async () => {
    await org('Same');
    await org('Same');
    const list = await api.call('GET', '/organizations?q=Same');
    expect(list.json.filter((o: { name: string }) => o.name === 'Same')).toHaveLength(2);
  });

  it('rejects invalid bodies with 400 guard.invalid_input', async () => {
    const r = await api.call('POST', '/organizations', { description: 'no name' });
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('guard.invalid_input');
  });

  it('get, patch (wholesale nested replace), delete, then the per-verb 404 codes', async () => {
    const id = await org('Patchable');
    const c1 = await api.call('PATCH', `/organizations/${id}`, { customData: { a: 1, b: 2 } });
    expect(c1.status).toBe(200);
    const c2 = await api.call('PATCH', `/organizations/${id}`, { customData: { c: 3 }, id: 'ignored' });
    expect(c2.json.customData).toEqual({ c: 3 });
    expect(c2.json.id).toBe(id);
    expect((await api.call('PATCH', `/organizations/${id}`, {})).json.code).toBe('entity.invalid_input');
    expect((await api.call('PATCH', `/organizations/${id}`, { bogus: 1 })).status).toBe(422);
    const got = await api.call('GET', `/organizations/${id}`);
    expect(got.status).toBe(200);
    expect(got.json.customData).toEqual({ c: 3 });
    const del = await api.call('DELETE', `/organizations/${id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const g = await api.call('GET', `/organizations/${id}`);
    expect([g.status, g.json.code]).toEqual([404, 'entity.not_exists_with_id']);
    const p = await api.call('PATCH', `/organizations/${id}`, { name: 'x' });
    expect([p.status, p.json.code]).toEqual([404, 'entity.not_exists']);
    const d = await api.call('DELETE', `/organizations/${id}`);
    expect([d.status, d.json.code]).toEqual([404, 'entity.not_found']);
  });

  it('lists are always paginated (20 by default) and q matches substrings', async () => {
    for (let i = 0; i < 22; i++) await org(`bulk-${i}`);
    const first = await api.call('GET', '/organizations');
    expect(first.json).toHaveLength(20);
    const total = Number(first.headers.get('total-number'));
    expect(total).toBeGreaterThanOrEqual(22);
    expect(first.headers.get('link')).toContain('rel="next"');
    const page2 = await api.call('GET', '/organizations?page=2&page_size=20');
    expect(page2.json).toHaveLength(Math.min(20, total - 20));
    const q = await api.call('GET', '/organizations?q=ulk-2&page_size=100');
    expect(q.json.map((o: { name: string }) => o.name).sort()).toEqual(['bulk-2', 'bulk-20', 'bulk-21']);
    expect((await api.call('GET', '/organizations?page_size=101')).json.code).toBe('guard.invalid_pagination');
  });

  it('answers auth failures with 401', async () => {
    expect(await authFailures(api, 'GET', '/organizations')).toEqual([401, 401, 401]);
  });
});

describe('organization applications and their roles', () => {
  it('accepts only M2M apps, idempotently, and lists them with organizationRoles', async () => {
    const id = await org();
    const m2m = await app('MachineToMachine');
    const spa = await app('SPA');
    const add = await api.call('POST', `/organizations/${id}/applications`, { applicationIds: [m2m] });
    expect([add.status, add.text]).toEqual([201, 'Created']);
    expect(add.headers.get('content-type')).toContain('text/plain');
    expect((await api.call('POST', `/organizations/${id}/applications`, { applicationIds: [m2m] })).status).toBe(201);
    const bad = await api.call('POST', `/organizations/${id}/applications`, { applicationIds: [spa] });
    expect([bad.status, bad.json.code]).toEqual([422, 'entity.db_constraint_violated']);
    const unknown = await api.call('POST', `/organizations/${id}/applications`, { applicationIds: ['nope'] });
    expect([unknown.status, unknown.json.code]).toEqual([422, 'entity.relation_foreign_key_not_found']);

    const list = await api.call('GET', `/organizations/${id}/applications`);
    expect(list.status).toBe(200);
    expect(list.headers.get('total-number')).toBe('1');
    expect(list.json).toHaveLength(1);
    expect(list.json[0]).toMatchObject({ id: m2m, type: 'MachineToMachine', organizationRoles: [] });

    const role = await orgRole('org-app-role');
    const userRole = await orgRole('org-user-role', 'User');
    const rolesPath = `/organizations/${id}/applications/${m2m}/roles`;
    expect((await api.call('POST', rolesPath, { organizationRoleIds: [role] })).status).toBe(201);
    expect((await api.call('POST', rolesPath, { organizationRoleIds: [role] })).status).toBe(201);
    const userTyped = await api.call('POST', rolesPath, { organizationRoleIds: [userRole] });
    expect([userTyped.status, userTyped.json.code]).toEqual([422, 'entity.db_constraint_violated']);
    const roles = await api.call('GET', rolesPath);
    expect(roles.json.map((r: { id: string }) => r.id)).toEqual([role]);
    expect(roles.headers.get('total-number')).toBeNull();
    const withRoles = await api.call('GET', `/organizations/${id}/applications`);
    expect(withRoles.json[0].organizationRoles).toEqual([{ id: role, name: 'org-app-role' }]);

    const putEmpty = await api.call('PUT', rolesPath, { organizationRoleIds: [] });
    expect([putEmpty.status, putEmpty.json.code]).toEqual([400, 'guard.invalid_input']);
    expect((await api.call('PUT', rolesPath, { organizationRoleIds: [role] })).status).toBe(204);
    expect((await api.call('DELETE', `${rolesPath}/${role}`)).status).toBe(204);
    const again = await api.call('DELETE', `${rolesPath}/${role}`);
    expect([again.status, again.json.code]).toEqual([404, 'entity.not_found']);

    expect((await api.call('PUT', `/organizations/${id}/applications`, { applicationIds: [] })).status).toBe(204);
    expect((await api.call('GET', `/organizations/${id}/applications`)).json).toEqual([]);
    expect((await api.call('POST', `/organizations/${id}/applications`, { applicationIds: [m2m] })).status).toBe(201);
    expect((await api.call('DELETE', `/organizations/${id}/applications/${m2m}`)).status).toBe(204);
    const gone = await api.call('DELETE', `/organizations/${id}/applications/${m2m}`);
    expect([gone.status, gone.json.code]).toEqual([404, 'entity.not_found']);
  });

  it('every app-role route of an app that is not a member (or of no organization) is 422 require_membership, before the body', async () => {
    const id = await org();
    const m2m = await app('MachineToMachine');
    const role = await orgRole('non-member-role');
    const path = `/organizations/${id}/applications/${m2m}/roles`;
    for (const [method, url, body] of [
      ['POST', path, { organizationRoleIds: [role] }],
      ['POST', path, {}],
      ['PUT', path, { organizationRoleIds: [role] }],
      ['GET', path, undefined],
      ['DELETE', `${path}/${role}`, undefined],
      ['DELETE', '/organizations/0/applications/0/roles/0', undefined],
      ['POST', `/organizations/${id}/users/no-user/roles`, {}],
    ] as const) {
      const r = await api.call(method, url, body);
      expect([method, url, r.status, r.json]).toEqual([
        method,
        url,
        422,
        {
          code: 'organization.require_membership',
          message: 'The user must be a member of the organization to proceed.',
        },
      ]);
    }
  });
});

describe('organization users', () => {
  it('lists an empty, always-paginated set and rejects unknown users', async () => {
    const id = await org();
    const r = await api.call('GET', `/organizations/${id}/users`);
    expect([r.status, r.json, r.headers.get('total-number')]).toEqual([200, [], '0']);
    const add = await api.call('POST', `/organizations/${id}/users`, { userIds: ['ghost'] });
    expect([add.status, add.json.code]).toEqual([422, 'entity.relation_foreign_key_not_found']);
  });
});

describe('organization JIT', () => {
  it('email domains: 201 JSON, 422 duplicates, no validation, PUT and DELETE', async () => {
    const id = await org();
    const path = `/organizations/${id}/jit/email-domains`;
    const r = await api.call('POST', path, { emailDomain: 'example.com' });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({ tenantId: 'default', organizationId: id, emailDomain: 'example.com' });
    const dup = await api.call('POST', path, { emailDomain: 'example.com' });
    expect([dup.status, dup.json.code]).toEqual([422, 'entity.unique_integrity_violation']);
    expect((await api.call('POST', path, { emailDomain: 'not a domain' })).status).toBe(201);
    expect((await api.call('GET', path)).json.map((d: { emailDomain: string }) => d.emailDomain)).toEqual([
      'example.com',
      'not a domain',
    ]);
    expect((await api.call('PUT', path, { emailDomains: ['a.org', 'b.org'] })).status).toBe(204);
    const paged = await api.call('GET', `${path}?page=1&page_size=1`);
    expect([paged.json.length, paged.headers.get('total-number')]).toEqual([1, '2']);
    expect((await api.call('DELETE', `${path}/a.org`)).status).toBe(204);
    const again = await api.call('DELETE', `${path}/a.org`);
    expect([again.status, again.json.code]).toEqual([404, 'entity.not_found']);
    expect((await api.call('GET', '/organizations/unknownorg1/jit/email-domains')).json).toEqual([]);
  });

  it('roles and SSO connectors: idempotent POST, 422 unknown ids, PUT [] clears', async () => {
    const id = await org();
    const userRole = await orgRole('jit-user-role', 'User');
    const m2mRole = await orgRole('jit-m2m-role');
    const rolesPath = `/organizations/${id}/jit/roles`;
    const add = await api.call('POST', rolesPath, { organizationRoleIds: [userRole, m2mRole] });
    expect([add.status, add.text]).toEqual([201, 'Created']);
    expect((await api.call('POST', rolesPath, { organizationRoleIds: [userRole] })).status).toBe(201);
    expect((await api.call('GET', rolesPath)).json).toHaveLength(2);
    const bad = await api.call('POST', rolesPath, { organizationRoleIds: ['missing'] });
    expect([bad.status, bad.json.code]).toEqual([422, 'entity.relation_foreign_key_not_found']);
    expect((await api.call('DELETE', `${rolesPath}/${userRole}`)).status).toBe(204);
    expect((await api.call('DELETE', `${rolesPath}/${userRole}`)).status).toBe(404);
    expect((await api.call('PUT', rolesPath, { organizationRoleIds: [] })).status).toBe(204);
    expect((await api.call('GET', rolesPath)).json).toEqual([]);

    const sso = await api.call('POST', '/sso-connectors', { providerName: 'OIDC', connectorName: `jit-${id}` });
    const ssoPath = `/organizations/${id}/jit/sso-connectors`;
    expect((await api.call('POST', ssoPath, { ssoConnectorIds: [sso.json.id] })).status).toBe(201);
    expect((await api.call('POST', ssoPath, { ssoConnectorIds: [sso.json.id] })).status).toBe(201);
    const items = await api.call('GET', ssoPath);
    expect(items.json).toHaveLength(1);
    expect(items.json[0]).toMatchObject({ id: sso.json.id, connectorName: `jit-${id}` });
    expect(items.json[0]).not.toHaveProperty('providerLogo');
    expect((await api.call('PUT', ssoPath, { ssoConnectorIds: [] })).status).toBe(204);
    expect((await api.call('GET', ssoPath)).json).toEqual([]);
  });
});
