import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authFailures, startApi, type TestApi } from './route-client.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

describe('custom profile fields', () => {
  it('creates (201) with defaults and sieOrder; duplicate names are 422', async () => {
    const r = await api.call('POST', '/custom-profile-fields', {
      name: 'department',
      type: 'Text',
      label: 'Department',
      required: false,
    });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({
      tenantId: 'default',
      id: expect.any(String),
      name: 'department',
      type: 'Text',
      label: 'Department',
      description: null,
      required: false,
      config: {},
      createdAt: expect.any(Number),
      sieOrder: 1,
    });
    const dup = await api.call('POST', '/custom-profile-fields', {
      name: 'department',
      type: 'Text',
      label: 'D',
      required: true,
    });
    expect([dup.status, dup.json.code]).toEqual([422, 'custom_profile_fields.name_exists']);
    const second = await api.call('POST', '/custom-profile-fields', {
      name: 'name',
      type: 'Text',
      label: 'Name',
      required: false,
    });
    expect([second.status, second.json.sieOrder]).toEqual([201, 2]);
  });

  it('rejects invalid bodies', async () => {
    const r = await api.call('POST', '/custom-profile-fields', { name: 'x', type: 'Hologram', required: false });
    expect([r.status, r.json.code]).toEqual([400, 'guard.invalid_input']);
  });

  it('is addressed by name; PUT replaces fully and can change type; delete then 404', async () => {
    await api.call('POST', '/custom-profile-fields', {
      name: 'age',
      type: 'Text',
      label: 'Age',
      required: false,
      description: 'd',
    });
    const got = await api.call('GET', '/custom-profile-fields/age');
    expect(got.json.type).toBe('Text');
    const put = await api.call('PUT', '/custom-profile-fields/age', {
      type: 'Number',
      label: 'Age',
      required: true,
      config: { placeholder: 'years' },
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({
      name: 'age',
      type: 'Number',
      required: true,
      description: null,
      config: { placeholder: 'years' },
    });
    const missing = await api.call('PUT', '/custom-profile-fields/ghost', {
      type: 'Text',
      label: 'G',
      required: false,
    });
    // As on the real server: PUT of an unknown name is `entity.not_exists`; GET and DELETE say `entity.not_found`.
    expect([missing.status, missing.json.code]).toEqual([404, 'entity.not_exists']);
    const list = await api.call('GET', '/custom-profile-fields?page_size=1');
    expect(list.json.map((f: { name: string }) => f.name)).toEqual(['department', 'name', 'age']);
    expect(list.headers.get('total-number')).toBeNull();
    expect((await api.call('DELETE', '/custom-profile-fields/age')).status).toBe(204);
    for (const method of ['GET', 'DELETE']) {
      const r = await api.call(method, '/custom-profile-fields/age');
      expect([r.status, r.json.code]).toEqual([404, 'entity.not_found']);
    }
  });

  it('requires auth', async () => {
    expect(await authFailures(api, 'GET', '/custom-profile-fields')).toEqual([401, 401, 401]);
  });
});
