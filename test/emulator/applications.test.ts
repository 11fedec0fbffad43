import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness } from './core-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.close());

const m2mRole = async (name: string) =>
  (await h.api('POST', '/roles', { name, description: 'd', type: 'MachineToMachine' })).json.id as string;

describe('applications', () => {
  it('creates with 200 and OSS defaults; GET adds isAdmin:false; list items do not', async () => {
    const res = await h.api('POST', '/applications', { name: 'spa', type: 'SPA' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      tenantId: 'default',
      name: 'spa',
      description: null,
      type: 'SPA',
      oidcClientMetadata: { redirectUris: [], postLogoutRedirectUris: [] },
      customClientMetadata: {},
      protectedAppMetadata: null,
      customData: {},
      isThirdParty: false,
      appLevelAccessControlEnabled: false,
    });
    expect(res.json.id).toMatch(/^[0-9a-z]{21}$/);
    expect(typeof res.json.createdAt).toBe('number');
    expect(res.json.isAdmin).toBeUndefined();
    expect(res.json.secret).toBeUndefined();
    const got = await h.api('GET', `/applications/${res.json.id}`);
    expect(got.json.isAdmin).toBe(false);
    const list = await h.api('GET', '/applications');
    const item = list.json.find((a: { id: string }) => a.id === res.json.id);
    expect(item.isAdmin).toBeUndefined();
  });

  it('gives Traditional and M2M apps a "Default secret", SPA and Native none', async () => {
    for (const [type, count] of [
      ['Traditional', 1],
      ['MachineToMachine', 1],
      ['SPA', 0],
      ['Native', 0],
    ] as const) {
      const app = await h.api('POST', '/applications', { name: `secret-${type}`, type });
      const secrets = await h.api('GET', `/applications/${app.json.id}/secrets`);
      expect(secrets.json).toHaveLength(count);
      if (count) {
        expect(secrets.json[0]).toMatchObject({ name: 'Default secret', expiresAt: null, applicationId: app.json.id });
        expect(secrets.json[0].value).toHaveLength(32);
      }
    }
  });

  it('enforces type rules: Protected, SAML, third-party M2M, redirect URIs', async () => {
    const noMeta = await h.api('POST', '/applications', { name: 'p', type: 'Protected' });
    expect([noMeta.status, noMeta.json.code]).toEqual([400, 'application.protected_app_metadata_is_required']);
    const withMeta = await h.api('POST', '/applications', {
      name: 'p',
      type: 'Protected',
      protectedAppMetadata: { subDomain: 'x', origin: 'https://x.example' },
    });
    expect([withMeta.status, withMeta.json.code]).toEqual([501, 'application.protected_app_not_configured']);
    const saml = await h.api('POST', '/applications', { name: 's', type: 'SAML' });
    expect([saml.status, saml.json.code]).toEqual([400, 'application.saml.use_saml_app_api']);
    const thirdM2m = await h.api('POST', '/applications', { name: 't', type: 'MachineToMachine', isThirdParty: true });
    expect([thirdM2m.status, thirdM2m.json.code]).toEqual([400, 'application.invalid_third_party_application_type']);
    const thirdSpa = await h.api('POST', '/applications', { name: 't', type: 'SPA', isThirdParty: true });
    expect(thirdSpa.status).toBe(200);
    const badUri = await h.api('POST', '/applications', {
      name: 'u',
      type: 'SPA',
      oidcClientMetadata: { redirectUris: ['not a url'], postLogoutRedirectUris: [] },
    });
    expect(badUri.status).toBe(400);
    expect(badUri.json.data.issues[0].path).toEqual(['oidcClientMetadata', 'redirectUris', 0]);
    const customScheme = await h.api('POST', '/applications', {
      name: 'u',
      type: 'Native',
      oidcClientMetadata: { redirectUris: ['myapp://cb', 'http://localhost:3000/cb'], postLogoutRedirectUris: [] },
    });
    expect(customScheme.status).toBe(200);
    const noType = await h.api('POST', '/applications', { name: 'x' });
    expect(noType.status).toBe(400);
  });

  it('allows duplicate names', async () => {
    expect((await h.api('POST', '/applications', { name: 'dup', type: 'SPA' })).status).toBe(200);
    expect((await h.api('POST', '/applications', { name: 'dup', type: 'SPA' })).status).toBe(200);
  });

  it('PATCH: {} is a no-op, nested JSON is replaced, create-only fields are ignored, metadata must be complete', async () => {
    const app = await h.api('POST', '/applications', {
      name: 'patch-me',
      type: 'Traditional',
      customData: { a: 1, b: 2 },
      oidcClientMetadata: {
        redirectUris: ['https://a.example/cb'],
        postLogoutRedirectUris: [],
        backchannelLogoutUri: 'https://a.example/bc',
      },
    });
    const id = app.json.id as string;
    const noop = await h.api('PATCH', `/applications/${id}`, {});
    expect(noop.status).toBe(200);
    expect(noop.json.name).toBe('patch-me');
    const patched = await h.api('PATCH', `/applications/${id}`, {
      customData: { c: 3 },
      type: 'SPA',
      isThirdParty: true,
      oidcClientMetadata: { redirectUris: ['https://b.example/cb'], postLogoutRedirectUris: [] },
      description: null,
    });
    expect(patched.status).toBe(200);
    expect(patched.json.customData).toEqual({ c: 3 });
    expect(patched.json.type).toBe('Traditional');
    expect(patched.json.isThirdParty).toBe(false);
    expect(patched.json.oidcClientMetadata).toEqual({
      redirectUris: ['https://b.example/cb'],
      postLogoutRedirectUris: [],
    });
    const incomplete = await h.api('PATCH', `/applications/${id}`, { oidcClientMetadata: { redirectUris: [] } });
    expect(incomplete.status).toBe(400);
    for (const name of [null, '']) expect((await h.api('PATCH', `/applications/${id}`, { name })).status).toBe(400);
    const deviceFlow = await h.api('PATCH', `/applications/${id}`, { customClientMetadata: { isDeviceFlow: true } });
    expect([deviceFlow.status, deviceFlow.json.code]).toEqual([422, 'application.device_flow_not_changeable']);
  });

  it('custom-data PATCH merges shallowly and returns only customData', async () => {
    const app = await h.api('POST', '/applications', {
      name: 'cd',
      type: 'SPA',
      customData: { a: 1, nested: { x: 1 } },
    });
    const merged = await h.api('PATCH', `/applications/${app.json.id}/custom-data`, { b: 2, nested: { y: 2 } });
    expect(merged.status).toBe(200);
    expect(merged.json).toEqual({ a: 1, b: 2, nested: { y: 2 } });
  });

  it('DELETE → 204, then GET/PATCH/DELETE 404 entity.not_exists_with_id; legacy-secret 400', async () => {
    const app = await h.api('POST', '/applications', { name: 'gone', type: 'MachineToMachine' });
    const id = app.json.id as string;
    const legacy = await h.api('DELETE', `/applications/${id}/legacy-secret`);
    expect([legacy.status, legacy.json.code]).toEqual([400, 'application.no_legacy_secret_found']);
    expect((await h.api('DELETE', `/applications/${id}`)).status).toBe(204);
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { name: 'x' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await h.api(method, `/applications/${id}`, body);
      expect(res.status).toBe(404);
      expect(res.json.code).toBe('entity.not_exists_with_id');
      expect(res.json.message).toBe(`The applications with ID \`${id}\` does not exist.`);
    }
  });

  it('filters by types (repeatable) and searches with ILIKE semantics', async () => {
    await h.api('POST', '/applications', { name: 'Probe', type: 'Native' });
    await h.api('POST', '/applications', { name: 'probe-suffix', type: 'Native' });
    const m2m = await h.api('GET', '/applications?types=MachineToMachine');
    expect(m2m.json.every((a: { type: string }) => a.type === 'MachineToMachine')).toBe(true);
    const both = await h.api('GET', '/applications?types=MachineToMachine&types=Native');
    expect(new Set(both.json.map((a: { type: string }) => a.type))).toEqual(new Set(['MachineToMachine', 'Native']));
    const exact = await h.api('GET', '/applications?search=probe');
    expect(exact.json.map((a: { name: string }) => a.name)).toEqual(['Probe']);
    const wildcard = await h.api('GET', '/applications?search=%25probe%25');
    expect(wildcard.json.map((a: { name: string }) => a.name).sort()).toEqual(['Probe', 'probe-suffix']);
  });
});

describe('application secrets', () => {
  it('create, duplicate, expired, SPA, rename, delete', async () => {
    const app = await h.api('POST', '/applications', { name: 'sec', type: 'Traditional' });
    const id = app.json.id as string;
    const created = await h.api('POST', `/applications/${id}/secrets`, {
      name: 'ci',
      expiresAt: Date.now() + 86_400_000,
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ tenantId: 'default', applicationId: id, name: 'ci' });
    expect(created.json.value).toHaveLength(32);
    const dup = await h.api('POST', `/applications/${id}/secrets`, { name: 'Default secret' });
    expect([dup.status, dup.json.code]).toEqual([422, 'application.secret_name_exists']);
    const past = await h.api('POST', `/applications/${id}/secrets`, { name: 'old', expiresAt: 1 });
    expect([past.status, past.json.code]).toEqual([400, 'request.invalid_input']);
    expect((await h.api('POST', `/applications/${id}/secrets`, {})).status).toBe(400);
    const spa = await h.api('POST', '/applications', { name: 'spa-sec', type: 'SPA' });
    const spaSecret = await h.api('POST', `/applications/${spa.json.id}/secrets`, { name: 'x' });
    expect([spaSecret.status, spaSecret.json.code]).toEqual([422, 'entity.db_constraint_violated']);

    const list = await h.api('GET', `/applications/${id}/secrets`);
    expect(list.json.map((s: { name: string }) => s.name)).toEqual(['Default secret', 'ci']);
    const renamed = await h.api('PATCH', `/applications/${id}/secrets/ci`, { name: 'ci-2' });
    expect(renamed.status).toBe(200);
    expect(renamed.json.value).toBe(created.json.value);
    const clash = await h.api('PATCH', `/applications/${id}/secrets/ci-2`, { name: 'Default secret' });
    expect([clash.status, clash.json.code]).toEqual([422, 'application.secret_name_exists']);
    const unknown = await h.api('PATCH', `/applications/${id}/secrets/nope`, { name: 'x' });
    expect([unknown.status, unknown.json.code]).toEqual([404, 'entity.not_exists']);
    expect((await h.api('DELETE', `/applications/${id}/secrets/Default%20secret`)).status).toBe(204);
    const again = await h.api('DELETE', `/applications/${id}/secrets/Default%20secret`);
    expect([again.status, again.json.code]).toEqual([404, 'entity.not_found']);
  });
});

describe('application roles', () => {
  it('POST is idempotent (201 {roleIds, addedRoleIds}); rules for types and unknown ids', async () => {
    const app = await h.api('POST', '/applications', { name: 'm2m-roles', type: 'MachineToMachine' });
    const id = app.json.id as string;
    const r1 = await m2mRole('app-role-1');
    const r2 = await m2mRole('app-role-2');
    const added = await h.api('POST', `/applications/${id}/roles`, { roleIds: [r1] });
    expect(added.status).toBe(201);
    expect(added.json).toEqual({ roleIds: [r1], addedRoleIds: [r1] });
    const again = await h.api('POST', `/applications/${id}/roles`, { roleIds: [r1, r2] });
    expect(again.json).toEqual({ roleIds: [r1, r2], addedRoleIds: [r2] });
    expect((await h.api('POST', `/applications/${id}/roles`, { roleIds: [] })).status).toBe(201);

    const userRole = await h.api('POST', '/roles', { name: 'app-user-role', description: 'd' });
    const wrongType = await h.api('POST', `/applications/${id}/roles`, { roleIds: [userRole.json.id] });
    expect([wrongType.status, wrongType.json.code]).toEqual([422, 'application.invalid_role_type']);
    const spa = await h.api('POST', '/applications', { name: 'spa-roles', type: 'SPA' });
    const wrongApp = await h.api('POST', `/applications/${spa.json.id}/roles`, { roleIds: [r1] });
    expect([wrongApp.status, wrongApp.json.code]).toEqual([422, 'application.invalid_type']);
    const unknown = await h.api('POST', `/applications/${id}/roles`, { roleIds: ['nope'] });
    expect([unknown.status, unknown.json.code]).toEqual([404, 'entity.not_exists_with_id']);

    const list = await h.api('GET', `/applications/${id}/roles`);
    expect(list.headers['total-number']).toBe('2');
    expect(list.json[0].usersCount).toBeUndefined();
  });

  it('PUT replaces (200 OK text); PUT [] removes everything and answers 422; DELETE non-member 404', async () => {
    const app = await h.api('POST', '/applications', { name: 'm2m-put', type: 'MachineToMachine' });
    const id = app.json.id as string;
    const r1 = await m2mRole('put-role-1');
    const r2 = await m2mRole('put-role-2');
    await h.api('POST', `/applications/${id}/roles`, { roleIds: [r1] });
    const put = await h.api('PUT', `/applications/${id}/roles`, { roleIds: [r2] });
    expect(put.status).toBe(200);
    expect(put.text).toBe('OK');
    expect(String(put.headers['content-type'])).toMatch(/^text\/plain/);
    expect((await h.api('GET', `/applications/${id}/roles`)).json.map((r: { id: string }) => r.id)).toEqual([r2]);
    const cleared = await h.api('PUT', `/applications/${id}/roles`, { roleIds: [] });
    expect([cleared.status, cleared.json.code]).toEqual([422, 'entity.invalid_input']);
    expect((await h.api('GET', `/applications/${id}/roles`)).json).toEqual([]);
    await h.api('POST', `/applications/${id}/roles`, { roleIds: [r1] });
    expect((await h.api('DELETE', `/applications/${id}/roles/${r1}`)).status).toBe(204);
    const notMember = await h.api('DELETE', `/applications/${id}/roles/${r1}`);
    expect([notMember.status, notMember.json.code]).toEqual([404, 'entity.not_found']);
  });

  it('GET /applications/:id/organizations lists organizations (optional pagination)', async () => {
    const app = await h.api('POST', '/applications', { name: 'orgless', type: 'MachineToMachine' });
    const res = await h.api('GET', `/applications/${app.json.id}/organizations`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual([]);
    expect(res.headers['total-number']).toBeUndefined();
  });
});

describe('SAML applications', () => {
  it('create 201, visible in /applications, protected from /applications PATCH/DELETE, certificate, delete', async () => {
    const created = await h.api('POST', '/saml-applications', {
      name: 'saml',
      entityId: 'urn:sp',
      acsUrl: { binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', url: 'https://sp.example/acs' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name: 'saml',
      type: 'SAML',
      attributeMapping: {},
      entityId: 'urn:sp',
      encryption: null,
      nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
    });
    expect(created.json.oidcClientMetadata).toBeUndefined();
    const id = created.json.id as string;
    const viaApps = await h.api('GET', `/applications/${id}`);
    expect(viaApps.json.type).toBe('SAML');
    const patch = await h.api('PATCH', `/applications/${id}`, { name: 'x' });
    expect([patch.status, patch.json.code]).toEqual([400, 'application.saml.use_saml_app_api']);
    const del = await h.api('DELETE', `/applications/${id}`);
    expect([del.status, del.json.code]).toEqual([400, 'application.saml.use_saml_app_api']);
    const certs = await h.api('GET', `/saml-applications/${id}/secrets`);
    expect(certs.json).toHaveLength(1);
    expect(certs.json[0].active).toBe(true);
    expect(certs.json[0].certificate).toContain('BEGIN CERTIFICATE');
    const patched = await h.api('PATCH', `/saml-applications/${id}`, { attributeMapping: { email: 'mail' } });
    expect(patched.json.attributeMapping).toEqual({ email: 'mail' });
    expect((await h.api('DELETE', `/saml-applications/${id}`)).status).toBe(204);
    const gone = await h.api('GET', `/saml-applications/${id}`);
    expect([gone.status, gone.json.code]).toEqual([404, 'entity.not_exists_with_id']);
  });
});
