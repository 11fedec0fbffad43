import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authFailures, startApi, type TestApi } from './route-client.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

describe('account center', () => {
  it('has the fresh-tenant defaults', async () => {
    const r = await api.call('GET', '/account-center');
    expect(r.json).toEqual({
      tenantId: 'default',
      id: 'default',
      enabled: false,
      fields: {},
      webauthnRelatedOrigins: [],
      deleteAccountUrl: null,
      customCss: null,
      profileFields: null,
    });
  });

  it('patches partially; fields are replaced wholesale', async () => {
    expect((await api.call('PATCH', '/account-center', { enabled: true, fields: { name: 'Edit' } })).status).toBe(200);
    const r = await api.call('PATCH', '/account-center', { fields: { avatar: 'ReadOnly' } });
    expect(r.json).toMatchObject({ enabled: true, fields: { avatar: 'ReadOnly' } });
    expect((await api.call('GET', '/account-center')).json.fields).toEqual({ avatar: 'ReadOnly' });
  });

  it('rejects {} with 422 and invalid field values with 400', async () => {
    const empty = await api.call('PATCH', '/account-center', {});
    expect([empty.status, empty.json.code]).toEqual([422, 'entity.invalid_input']);
    const bad = await api.call('PATCH', '/account-center', { fields: { name: 'Sometimes' } });
    expect([bad.status, bad.json.code]).toEqual([400, 'guard.invalid_input']);
  });

  it('requires auth', async () => {
    expect(await authFailures(api, 'PATCH', '/account-center')).toEqual([401, 401, 401]);
  });
});
