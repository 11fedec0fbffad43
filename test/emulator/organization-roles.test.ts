import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authFailures, startApi, type TestApi } from './route-client.js';

let api: TestApi;
let scopeA: string;
let scopeB: string;
let resourceScope: string;
beforeAll(async () => {
  api = await startApi();
  scopeA = (await api.call('POST', '/organization-scopes', { name: 'org:read' })).json.id;
  scopeB = (await api.call('POST', '/organization-scopes', { name: 'org:write' })).json.id;
  const res = await api.call('POST', '/resources', { name: 'Billing', indicator: 'https://billing.example' });
  expect(res.status).toBe(201);
  const sc = await api.call('POST', `/resources/${res.json.id}/scopes`, { name: 'invoices:read' });
  expect(sc.status).toBe(201);
  resourceScope = sc.json.id;
});
afterAll(async () => {
  await api?.close();
});

describe('organization roles', () => {
  it('creates with scopes attached but not echoed; duplicate names are 422', async () => {
    const r = await api.call('POST', '/organization-roles', {
      name: 'admin',
      organizationScopeIds: [scopeA],
      resourceScopeIds: [resourceScope],
    });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({
      tenantId: 'default',
      id: expect.stringMatching(/^[0-9a-z]{21}$/),
      name: 'admin',
      description: null,
      type: 'User',
    });
    const dup = await api.call('POST', '/organization-roles', { name: 'admin', type: 'MachineToMachine' });
    expect([dup.status, dup.json.code]).toEqual([422, 'entity.unique_integrity_violation']);
    const badScope = await api.call('POST', '/organization-roles', { name: 'x', organizationScopeIds: ['nope'] });
    expect([badScope.status, badScope.json.code]).toEqual([422, 'entity.relation_foreign_key_not_found']);
    const badType = await api.call('POST', '/organization-roles', { name: 'y', type: 'Robot' });
    expect([badType.status, badType.json.code]).toEqual([400, 'guard.invalid_input']);

    const list = await api.call('GET', '/organization-roles?q=admin');
    expect(list.headers.get('total-number')).toBe('1');
    expect(list.json[0].scopes).toEqual([{ id: scopeA, name: 'org:read' }]);
    expect(list.json[0].resourceScopes).toEqual([
      { id: resourceScope, name: 'invoices:read', resource: { id: expect.any(String), name: 'Billing' } },
    ]);
  });

  it('patches type (mutable), rejects {} and duplicate renames, 404 entity.not_found after delete', async () => {
    const id = (await api.call('POST', '/organization-roles', { name: 'mutable' })).json.id;
    await api.call('POST', '/organization-roles', { name: 'taken' });
    const p = await api.call('PATCH', `/organization-roles/${id}`, { type: 'MachineToMachine', description: 'd' });
    expect(p.status).toBe(200);
    expect(p.json).toMatchObject({ id, type: 'MachineToMachine', description: 'd' });
    expect((await api.call('PATCH', `/organization-roles/${id}`, {})).json.code).toBe('entity.invalid_input');
    expect((await api.call('PATCH', `/organization-roles/${id}`, { name: 'taken' })).json.code).toBe(
      'entity.unique_integrity_violation',
    );
    expect((await api.call('GET', `/organization-roles/${id}`)).json.type).toBe('MachineToMachine');
    expect((await api.call('DELETE', `/organization-roles/${id}`)).status).toBe(204);
    for (const method of ['GET', 'DELETE']) {
      const r = await api.call(method, `/organization-roles/${id}`);
      expect([r.status, r.json.code]).toEqual([404, 'entity.not_found']);
    }
  });

  it('is always paginated', async () => {
    for (let i = 0; i < 21; i++) await api.call('POST', '/organization-roles', { name: `paged-${i}` });
    const r = await api.call('GET', '/organization-roles');
    expect(r.json).toHaveLength(20);
    expect(Number(r.headers.get('total-number'))).toBeGreaterThanOrEqual(21);
  });

  it('scopes relation: idempotent POST (text Created), PUT replaces with 204, PUT [] clears, DELETE 404s', async () => {
    const id = (await api.call('POST', '/organization-roles', { name: 'rel' })).json.id;
    const path = `/organization-roles/${id}/scopes`;
    const add = await api.call('POST', path, { organizationScopeIds: [scopeA] });
    expect([add.status, add.text]).toEqual([201, 'Created']);
    expect((await api.call('POST', path, { organizationScopeIds: [scopeA] })).status).toBe(201);
    const unknown = await api.call('POST', path, { organizationScopeIds: ['zzz'] });
    expect([unknown.status, unknown.json.code]).toEqual([422, 'entity.relation_foreign_key_not_found']);
    expect((await api.call('GET', path)).json.map((s: { id: string }) => s.id)).toEqual([scopeA]);
    const put = await api.call('PUT', path, { organizationScopeIds: [scopeB] });
    expect([put.status, put.text]).toEqual([204, '']);
    const after = await api.call('GET', path);
    expect(after.json.map((s: { id: string }) => s.id)).toEqual([scopeB]);
    expect(after.headers.get('total-number')).toBeNull();
    const paged = await api.call('GET', `${path}?page=1`);
    expect(paged.headers.get('total-number')).toBe('1');
    expect((await api.call('DELETE', `${path}/${scopeB}`)).status).toBe(204);
    const again = await api.call('DELETE', `${path}/${scopeB}`);
    expect([again.status, again.json.code]).toEqual([404, 'entity.not_found']);
    await api.call('PUT', path, { organizationScopeIds: [scopeA, scopeB] });
    expect((await api.call('PUT', path, { organizationScopeIds: [] })).status).toBe(204);
    expect((await api.call('GET', path)).json).toEqual([]);
  });

  it('resource-scopes relation behaves the same way', async () => {
    const id = (await api.call('POST', '/organization-roles', { name: 'rs' })).json.id;
    const path = `/organization-roles/${id}/resource-scopes`;
    expect((await api.call('POST', path, { scopeIds: [resourceScope] })).status).toBe(201);
    expect((await api.call('POST', path, { scopeIds: [resourceScope] })).status).toBe(201);
    const items = (await api.call('GET', path)).json;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: resourceScope, name: 'invoices:read' });
    expect((await api.call('POST', path, { scopeIds: ['unknown'] })).status).toBe(422);
    expect((await api.call('PUT', path, { scopeIds: [] })).status).toBe(204);
    expect((await api.call('DELETE', `${path}/${resourceScope}`)).status).toBe(404);
  });

  it('requires auth', async () => {
    expect(await authFailures(api, 'GET', '/organization-roles')).toEqual([401, 401, 401]);
  });
});
