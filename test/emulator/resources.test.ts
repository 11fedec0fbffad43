import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness } from './core-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.close());

describe('API resources', () => {
  it('create 201 with scopes [] only on create; get; list optional; includeScopes', async () => {
    const res = await h.api('POST', '/resources', { name: 'Orders', indicator: 'https://orders.example' });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      tenantId: 'default',
      name: 'Orders',
      indicator: 'https://orders.example',
      isDefault: false,
      accessTokenTtl: 3600,
      scopes: [],
    });
    const got = await h.api('GET', `/resources/${res.json.id}`);
    expect(got.json.scopes).toBeUndefined();
    const list = await h.api('GET', '/resources');
    expect(list.headers['total-number']).toBeUndefined();
    expect(list.json.some((r: { id: string }) => r.id === 'management-api')).toBe(true);
    await h.api('POST', `/resources/${res.json.id}/scopes`, { name: 'read:orders' });
    const withScopes = await h.api('GET', '/resources?includeScopes=true');
    const orders = withScopes.json.find((r: { id: string }) => r.id === res.json.id);
    expect(orders.scopes.map((s: { name: string }) => s.name)).toEqual(['read:orders']);
  });

  it('indicator is unique and not validated as a URI; names may repeat', async () => {
    expect((await h.api('POST', '/resources', { name: 'A', indicator: 'not a uri' })).status).toBe(201);
    const dup = await h.api('POST', '/resources', { name: 'B', indicator: 'not a uri' });
    expect([dup.status, dup.json.code]).toEqual([422, 'resource.resource_identifier_in_use']);
    expect((await h.api('POST', '/resources', { name: 'A', indicator: 'urn:other' })).status).toBe(201);
    expect((await h.api('POST', '/resources', { name: 'no indicator' })).status).toBe(400);
  });

  it('PATCH: {} → 422, indicator ignored; is-default unsets others', async () => {
    const a = await h.api('POST', '/resources', { name: 'PA', indicator: 'https://pa.example' });
    const b = await h.api('POST', '/resources', { name: 'PB', indicator: 'https://pb.example' });
    const empty = await h.api('PATCH', `/resources/${a.json.id}`, {});
    expect([empty.status, empty.json.code]).toEqual([422, 'entity.invalid_input']);
    const onlyIndicator = await h.api('PATCH', `/resources/${a.json.id}`, { indicator: 'https://x' });
    expect(onlyIndicator.status).toBe(422);
    const patched = await h.api('PATCH', `/resources/${a.json.id}`, {
      name: 'PA2',
      indicator: 'https://x',
      accessTokenTtl: 60,
    });
    expect(patched.json).toMatchObject({ name: 'PA2', indicator: 'https://pa.example', accessTokenTtl: 60 });
    expect((await h.api('PATCH', `/resources/${a.json.id}/is-default`, { isDefault: true })).json.isDefault).toBe(true);
    await h.api('PATCH', `/resources/${b.json.id}/is-default`, { isDefault: true });
    expect((await h.api('GET', `/resources/${a.json.id}`)).json.isDefault).toBe(false);
    expect((await h.api('GET', `/resources/${b.json.id}`)).json.isDefault).toBe(true);
    expect((await h.api('PATCH', `/resources/${a.json.id}/is-default`, {})).status).toBe(400);
  });

  it('management-api can be read, not modified or deleted', async () => {
    expect((await h.api('GET', '/resources/management-api')).json.indicator).toBe('https://default.logto.app/api');
    const patch = await h.api('PATCH', '/resources/management-api', { name: 'x' });
    expect([patch.status, patch.json.code]).toEqual([400, 'resource.cannot_modify_management_api']);
    const scope = await h.api('POST', '/resources/management-api/scopes', { name: 'extra' });
    expect([scope.status, scope.json.code]).toEqual([400, 'resource.cannot_modify_management_api']);
    const del = await h.api('DELETE', '/resources/management-api');
    expect([del.status, del.json.code]).toEqual([400, 'resource.cannot_delete_management_api']);
  });

  it('DELETE → 204, then GET and DELETE 404 entity.not_exists_with_id', async () => {
    const r = await h.api('POST', '/resources', { name: 'gone', indicator: 'https://gone.example' });
    expect((await h.api('DELETE', `/resources/${r.json.id}`)).status).toBe(204);
    for (const method of ['GET', 'DELETE']) {
      const res = await h.api(method, `/resources/${r.json.id}`);
      expect([res.status, res.json.code]).toEqual([404, 'entity.not_exists_with_id']);
    }
  });
});

describe('resource scopes', () => {
  it('create, duplicates, spaces, unknown resource, always-paginated list, patch, delete twice', async () => {
    const r = await h.api('POST', '/resources', { name: 'Scoped', indicator: 'https://scoped.example' });
    const id = r.json.id as string;
    const s = await h.api('POST', `/resources/${id}/scopes`, { name: 'read' });
    expect(s.status).toBe(201);
    expect(s.json).toMatchObject({ tenantId: 'default', resourceId: id, name: 'read', description: null });
    const dup = await h.api('POST', `/resources/${id}/scopes`, { name: 'read' });
    expect([dup.status, dup.json.code]).toEqual([422, 'scope.name_exists']);
    const space = await h.api('POST', `/resources/${id}/scopes`, { name: 'has space' });
    expect([space.status, space.json.code]).toEqual([400, 'scope.name_with_space']);
    const unknown = await h.api('POST', '/resources/nope/scopes', { name: 'x' });
    expect([unknown.status, unknown.json.code]).toEqual([404, 'entity.not_exists_with_id']);

    for (let i = 0; i < 21; i++) await h.api('POST', `/resources/${id}/scopes`, { name: `s${i}` });
    const page = await h.api('GET', `/resources/${id}/scopes`);
    expect(page.json).toHaveLength(20);
    expect(page.headers['total-number']).toBe('22');
    const none = await h.api('GET', '/resources/nope/scopes');
    expect([none.status, none.json, none.headers['total-number']]).toEqual([200, [], '0']);

    const write = await h.api('POST', `/resources/${id}/scopes`, { name: 'write' });
    const patched = await h.api('PATCH', `/resources/${id}/scopes/${write.json.id}`, { description: 'Write things' });
    expect(patched.json).toMatchObject({ name: 'write', description: 'Write things' });
    const rename = await h.api('PATCH', `/resources/${id}/scopes/${write.json.id}`, { name: 'read' });
    expect([rename.status, rename.json.code]).toEqual([422, 'scope.name_exists']);
    expect((await h.api('DELETE', `/resources/${id}/scopes/${write.json.id}`)).status).toBe(204);
    const again = await h.api('DELETE', `/resources/${id}/scopes/${write.json.id}`);
    expect([again.status, again.json.code]).toEqual([404, 'entity.not_found']);
  });
});
