import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authFailures, startApi, type TestApi } from './route-client.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

describe('organization scopes', () => {
  it('creates (spaces allowed), rejects duplicates with 422, and validates bodies', async () => {
    const r = await api.call('POST', '/organization-scopes', { name: 'read data', extra: true });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({
      tenantId: 'default',
      id: expect.stringMatching(/^[0-9a-z]{21}$/),
      name: 'read data',
      description: null,
    });
    const dup = await api.call('POST', '/organization-scopes', { name: 'read data' });
    expect([dup.status, dup.json.code]).toEqual([422, 'entity.unique_integrity_violation']);
    const invalid = await api.call('POST', '/organization-scopes', { name: '' });
    expect([invalid.status, invalid.json.code]).toEqual([400, 'guard.invalid_input']);
  });

  it('gets, patches, renames into a conflict, deletes, then 404s', async () => {
    const a = (await api.call('POST', '/organization-scopes', { name: 'scope-a', description: 'A' })).json;
    await api.call('POST', '/organization-scopes', { name: 'scope-b' });
    expect((await api.call('GET', `/organization-scopes/${a.id}`)).json).toEqual(a);
    const p = await api.call('PATCH', `/organization-scopes/${a.id}`, { description: null });
    expect([p.status, p.json.description]).toEqual([200, null]);
    const empty = await api.call('PATCH', `/organization-scopes/${a.id}`, { unknown: 1 });
    expect([empty.status, empty.json.code]).toEqual([422, 'entity.invalid_input']);
    const clash = await api.call('PATCH', `/organization-scopes/${a.id}`, { name: 'scope-b' });
    expect([clash.status, clash.json.code]).toEqual([422, 'entity.unique_integrity_violation']);
    expect((await api.call('DELETE', `/organization-scopes/${a.id}`)).status).toBe(204);
    const g = await api.call('GET', `/organization-scopes/${a.id}`);
    expect([g.status, g.json.code]).toEqual([404, 'entity.not_exists_with_id']);
    expect(g.json.message).toContain('organization_scopes');
    expect((await api.call('DELETE', `/organization-scopes/${a.id}`)).status).toBe(404);
  });

  it('lists everything without params and paginates when asked; q is a substring', async () => {
    for (let i = 0; i < 3; i++) await api.call('POST', '/organization-scopes', { name: `list-${i}` });
    const all = await api.call('GET', '/organization-scopes');
    expect(all.headers.get('total-number')).toBeNull();
    const n = all.json.length;
    expect(n).toBeGreaterThanOrEqual(3);
    const page = await api.call('GET', '/organization-scopes?page_size=2');
    expect([page.json.length, page.headers.get('total-number')]).toEqual([2, String(n)]);
    const q = await api.call('GET', '/organization-scopes?q=IST-');
    expect(q.json.map((s: { name: string }) => s.name).sort()).toEqual(['list-0', 'list-1', 'list-2']);
  });

  it('requires auth', async () => {
    expect(await authFailures(api, 'POST', '/organization-scopes')).toEqual([401, 401, 401]);
  });
});
