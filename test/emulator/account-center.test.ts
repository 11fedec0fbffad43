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

describe('account center: delete-account URL and profile fields, as measured on Logto 1.42', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('checks the URL, lists only existing custom fields once, and forgets a field when it is deleted', async () => {
    const ftp = await api.call('PATCH', '/account-center', { deleteAccountUrl: 'ftp://x' });
    expect([ftp.status, ftp.json.data.issues[0].message]).toEqual([
      400,
      'deleteAccountUrl must be a valid http(s) URL',
    ]);
    const builtin = await api.call('PATCH', '/account-center', { profileFields: [{ name: 'name' }] });
    expect([builtin.status, builtin.json.code, builtin.json.message]).toEqual([
      400,
      'custom_profile_fields.entity_not_exists_with_names',
      'Cannot find entities with the given names: name',
    ]);
    for (const name of ['dept', 'team'])
      await api.call('POST', '/custom-profile-fields', { name, type: 'Text', label: name, required: false });
    const twice = await api.call('PATCH', '/account-center', { profileFields: [{ name: 'team' }, { name: 'team' }] });
    expect([twice.status, twice.json.code, twice.json.data]).toEqual([
      400,
      'request.invalid_input',
      { duplicateNames: ['team'] },
    ]);
    const ok = await api.call('PATCH', '/account-center', { profileFields: [{ name: 'team' }, { name: 'dept' }] });
    expect(ok.json.profileFields).toEqual([{ name: 'team' }, { name: 'dept' }]);
    await api.call('DELETE', '/custom-profile-fields/team');
    expect((await api.call('GET', '/account-center')).json.profileFields).toEqual([{ name: 'dept' }]);
  });
});
