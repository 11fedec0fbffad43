import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authFailures, startApi, type TestApi } from './route-client.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

const createApp = async (body: Record<string, unknown>) => {
  const r = await api.call('POST', '/applications', body);
  expect(r.status).toBe(200);
  return r.json.id as string;
};

describe('/applications/:applicationId/sign-in-experience', () => {
  it('creates (201), reads, updates (200) the fields sent; color replaced whole; empty strings stored as null', async () => {
    const id = await createApp({ name: 'third', type: 'Traditional', isThirdParty: true });
    const missing = await api.call('GET', `/applications/${id}/sign-in-experience`);
    expect([missing.status, missing.json.code]).toEqual([404, 'entity.not_exists_with_id']);

    const created = await api.call('PUT', `/applications/${id}/sign-in-experience`, {
      termsOfUseUrl: 'https://example.com/terms',
      privacyPolicyUrl: '',
      branding: { logoUrl: 'https://example.com/logo.png' },
      color: { primaryColor: '#112233', isDarkModeEnabled: true },
      displayName: 'Partner',
      foo: 1,
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      tenantId: 'default',
      applicationId: id,
      color: { primaryColor: '#112233', isDarkModeEnabled: true },
      branding: { logoUrl: 'https://example.com/logo.png' },
      customCss: null,
      termsOfUseUrl: 'https://example.com/terms',
      privacyPolicyUrl: null,
      displayName: 'Partner',
    });

    const updated = await api.call('PUT', `/applications/${id}/sign-in-experience`, {
      termsOfUseUrl: null,
      privacyPolicyUrl: 'https://example.com/privacy',
      color: { darkPrimaryColor: '#445566' },
      customCss: '',
    });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({
      termsOfUseUrl: null,
      privacyPolicyUrl: 'https://example.com/privacy',
      color: { darkPrimaryColor: '#445566' },
      branding: { logoUrl: 'https://example.com/logo.png' },
      customCss: null,
      displayName: 'Partner',
    });
    expect((await api.call('GET', `/applications/${id}/sign-in-experience`)).json).toEqual(updated.json);
  });

  it('accepts first-party apps; refuses unknown apps (404), bodies with no known field (422) and invalid values (400)', async () => {
    const first = await createApp({ name: 'first', type: 'SPA' });
    const r = await api.call('PUT', `/applications/${first}/sign-in-experience`, { customCss: 'a{}' });
    expect(r.status).toBe(201);
    const body = { termsOfUseUrl: 'https://t.example', privacyPolicyUrl: 'https://p.example' };
    const unknown = await api.call('PUT', '/applications/nope/sign-in-experience', body);
    expect([unknown.status, unknown.json.code]).toEqual([404, 'entity.not_exists_with_id']);
    const getUnknown = await api.call('GET', '/applications/nope/sign-in-experience');
    expect([getUnknown.status, getUnknown.json.code]).toEqual([404, 'entity.not_exists_with_id']);
    for (const empty of [{}, { foo: 1 }]) {
      const e = await api.call('PUT', `/applications/${first}/sign-in-experience`, empty);
      expect([e.status, e.json.code]).toEqual([422, 'entity.invalid_input']);
    }
    const bad = await api.call('PUT', `/applications/${first}/sign-in-experience`, {
      termsOfUseUrl: 'not a url',
      color: { primaryColor: 'red' },
    });
    expect([bad.status, bad.json.code]).toEqual([400, 'guard.invalid_input']);
    expect(bad.json.data.issues.map((i: { path: string[] }) => i.path.join('.')).sort()).toEqual(
      expect.arrayContaining(['color.primaryColor', 'termsOfUseUrl']),
    );
  });

  it('is deleted with its application', async () => {
    const id = await createApp({ name: 'gone', type: 'Native', isThirdParty: true });
    await api.call('PUT', `/applications/${id}/sign-in-experience`, { termsOfUseUrl: null, privacyPolicyUrl: null });
    expect((await api.call('DELETE', `/applications/${id}`)).status).toBe(204);
    expect(api.emu.state.tables.application_sign_in_experiences?.[id]).toBeUndefined();
  });

  it('requires auth', async () => {
    expect(await authFailures(api, 'GET', '/applications/x/sign-in-experience')).toEqual([401, 401, 401]);
  });
});

describe('/applications/:applicationId/access-control', () => {
  it('starts empty, replaces the rules (deduplicated, groups merged), and reads them back sorted', async () => {
    const app = await createApp({ name: 'guarded', type: 'Traditional' });
    const empty = { userIds: [], userRoleIds: [], organizationIds: [], organizationRoleRules: [] };
    const first = await api.call('GET', `/applications/${app}/access-control`);
    expect([first.status, first.json]).toEqual([200, empty]);

    const roleB = (await api.call('POST', '/roles', { name: 'ac-b', description: 'b' })).json.id as string;
    const roleA = (await api.call('POST', '/roles', { name: 'ac-a', description: 'a' })).json.id as string;
    const org = (await api.call('POST', '/organizations', { name: 'ac-org' })).json.id as string;
    const orgRole1 = (await api.call('POST', '/organization-roles', { name: 'ac-r1' })).json.id as string;
    const orgRole2 = (await api.call('POST', '/organization-roles', { name: 'ac-r2' })).json.id as string;

    const put = await api.call('PUT', `/applications/${app}/access-control`, {
      userIds: [],
      userRoleIds: [roleB, roleA, roleB],
      organizationIds: [org],
      organizationRoleRules: [
        { organizationId: org, organizationRoleIds: [orgRole1] },
        { organizationId: org, organizationRoleIds: [orgRole2, orgRole1] },
      ],
    });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({
      userIds: [],
      userRoleIds: [roleB, roleA],
      organizationIds: [org],
      organizationRoleRules: [{ organizationId: org, organizationRoleIds: [orgRole1, orgRole2] }],
    });
    const got = await api.call('GET', `/applications/${app}/access-control`);
    expect(got.json.userRoleIds).toEqual([roleA, roleB].sort());
    expect(got.json.organizationRoleRules[0].organizationRoleIds).toEqual([orgRole1, orgRole2].sort());

    // A replacement with nothing clears every rule.
    expect((await api.call('PUT', `/applications/${app}/access-control`, empty)).json).toEqual(empty);
    expect((await api.call('GET', `/applications/${app}/access-control`)).json).toEqual(empty);

    // Rules that point at a deleted role disappear with it.
    await api.call('PUT', `/applications/${app}/access-control`, { ...empty, userRoleIds: [roleA] });
    expect((await api.call('DELETE', `/roles/${roleA}`)).status).toBe(204);
    expect((await api.call('GET', `/applications/${app}/access-control`)).json.userRoleIds).toEqual([]);
  });

  it('rejects unknown references (422), M2M roles (422), empty role groups (400) and unknown apps (404)', async () => {
    const app = await createApp({ name: 'guarded-2', type: 'SPA' });
    const base = { userIds: [], userRoleIds: [], organizationIds: [], organizationRoleRules: [] };
    const unknownUser = await api.call('PUT', `/applications/${app}/access-control`, { ...base, userIds: ['nobody'] });
    expect([unknownUser.status, unknownUser.json.code]).toEqual([422, 'entity.relation_foreign_key_not_found']);
    const m2m = (await api.call('POST', '/roles', { name: 'ac-m2m', description: 'm', type: 'MachineToMachine' })).json
      .id as string;
    const wrongType = await api.call('PUT', `/applications/${app}/access-control`, { ...base, userRoleIds: [m2m] });
    expect([wrongType.status, wrongType.json.code]).toEqual([422, 'entity.db_constraint_violated']);
    const emptyGroup = await api.call('PUT', `/applications/${app}/access-control`, {
      ...base,
      organizationRoleRules: [{ organizationId: 'x', organizationRoleIds: [] }],
    });
    expect([emptyGroup.status, emptyGroup.json.code]).toEqual([400, 'guard.invalid_input']);
    const missing = await api.call('PUT', '/applications/nope/access-control', base);
    expect([missing.status, missing.json.code]).toEqual([404, 'entity.not_exists_with_id']);
    const getMissing = await api.call('GET', '/applications/nope/access-control');
    expect([getMissing.status, getMissing.json.code]).toEqual([404, 'entity.not_exists_with_id']);
    // Nothing was written by the failed calls.
    expect((await api.call('GET', `/applications/${app}/access-control`)).json).toEqual(base);
  });
});

describe('/applications/:applicationId/user-consent-scopes', () => {
  it('adds idempotently, answers grouped, deletes one by type (404 when absent), cascades scope deletes', async () => {
    const app = await createApp({ name: 'partner', type: 'Traditional', isThirdParty: true });
    const orgScope = (await api.call('POST', '/organization-scopes', { name: 'read:members' })).json.id as string;
    const resource = (await api.call('POST', '/resources', { name: 'api', indicator: 'https://api.example' })).json;
    const scope = (await api.call('POST', `/resources/${resource.id}/scopes`, { name: 'read' })).json.id as string;
    const path = `/applications/${app}/user-consent-scopes`;
    const body = {
      organizationScopes: [orgScope],
      resourceScopes: [scope],
      organizationResourceScopes: [scope],
      userScopes: ['email', 'profile'],
    };
    expect((await api.call('POST', path, body)).status).toBe(201);
    expect((await api.call('POST', path, { userScopes: ['email'] })).status).toBe(201);
    expect((await api.call('POST', path, {})).status).toBe(201);
    const grouped = { resource: { id: resource.id, name: 'api', indicator: 'https://api.example' } };
    expect((await api.call('GET', path)).json).toEqual({
      organizationScopes: [{ id: orgScope, name: 'read:members', description: null }],
      resourceScopes: [{ ...grouped, scopes: [{ id: scope, name: 'read', description: null }] }],
      organizationResourceScopes: [{ ...grouped, scopes: [{ id: scope, name: 'read', description: null }] }],
      userScopes: ['email', 'profile'],
    });
    expect((await api.call('DELETE', `${path}/user-scopes/email`)).status).toBe(204);
    const again = await api.call('DELETE', `${path}/user-scopes/email`);
    expect([again.status, again.json.code]).toEqual([404, 'entity.not_found']);
    const badType = await api.call('DELETE', `${path}/scopes/${scope}`);
    expect(badType.status).toBe(400);
    await api.call('DELETE', `/resources/${resource.id}/scopes/${scope}`);
    await api.call('DELETE', `/organization-scopes/${orgScope}`);
    expect((await api.call('GET', path)).json).toEqual({
      organizationScopes: [],
      resourceScopes: [],
      organizationResourceScopes: [],
      userScopes: ['profile'],
    });
  });

  it('refuses first-party apps (422), unknown scopes (422 with the invalid ids), unknown user scopes (400)', async () => {
    const first = await createApp({ name: 'first', type: 'SPA' });
    const r = await api.call('POST', `/applications/${first}/user-consent-scopes`, { userScopes: ['email'] });
    expect([r.status, r.json.code]).toEqual([422, 'application.third_party_application_only']);
    expect((await api.call('GET', `/applications/${first}/user-consent-scopes`)).json.userScopes).toEqual([]);
    const app = await createApp({ name: 'partner2', type: 'Traditional', isThirdParty: true });
    const missing = await api.call('POST', `/applications/${app}/user-consent-scopes`, { resourceScopes: ['nope'] });
    expect([missing.status, missing.json.code, missing.json.data]).toEqual([
      422,
      'application.user_consent_scopes_not_found',
      { invalidOrganizationScopes: [], invalidResourceScopes: ['nope'], invalidOrganizationResourceScopes: [] },
    ]);
    const badUser = await api.call('POST', `/applications/${app}/user-consent-scopes`, { userScopes: ['openid'] });
    expect([badUser.status, badUser.json.code]).toEqual([400, 'guard.invalid_input']);
    const unknown = await api.call('GET', '/applications/nope/user-consent-scopes');
    expect([unknown.status, unknown.json.code]).toEqual([404, 'entity.not_exists_with_id']);
  });
});
