/**
 * Error bodies and the checks Logto runs on what it is sent, as measured on Logto OSS 1.42.0
 * (docs/logto-behaviour.md), each checked on the emulator's wire: which errors carry `data`, custom profile
 * field names, SSO connector configs, the sign-in experience's defaults and social targets, and a few more
 * answers a faithful-looking emulator first got wrong. The conformance tool compares the same requests with a
 * real server (`npm run conformance`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackIdp, samlIdpConfig, startIdp, unreachableIssuer } from '../support/idp.js';
import { startApi, type TestApi } from './route-client.js';

let api: TestApi;
let idp: LoopbackIdp;
beforeAll(async () => {
  api = await startApi();
  idp = await startIdp();
});
afterAll(async () => {
  await api?.close();
  await idp?.close();
});

describe('error bodies carry data only in a few cases', () => {
  it('404s and 422s are exactly {code, message}', async () => {
    const missing = await api.call('GET', '/roles/nonexistent123');
    expect([missing.status, missing.json]).toEqual([
      404,
      { code: 'entity.not_exists_with_id', message: 'The roles with ID `nonexistent123` does not exist.' },
    ]);
    for (const path of ['/hooks/nope', '/custom-profile-fields/nope', '/organizations/nope']) {
      const r = await api.call('GET', path);
      expect(r.status).toBe(404);
      expect(Object.keys(r.json).sort()).toEqual(['code', 'message']);
    }
    // An unknown hook: a different 404 code per method.
    expect((await api.call('GET', '/hooks/nope')).json.code).toBe('entity.not_exists_with_id');
    expect((await api.call('PATCH', '/hooks/nope', { name: 'x' })).json).toEqual({
      code: 'entity.not_exists',
      message: 'The hook does not exist.',
    });
    expect((await api.call('DELETE', '/hooks/nope')).json.code).toBe('entity.not_found');
    expect((await api.call('GET', '/custom-profile-fields/nope')).json).toEqual({
      code: 'entity.not_found',
      message: 'The resource does not exist.',
    });
    await api.call('POST', '/roles', { name: 'dup', description: 'd' });
    const dup = await api.call('POST', '/roles', { name: 'dup', description: 'd' });
    expect([dup.status, dup.json]).toEqual([
      422,
      { code: 'role.name_in_use', message: 'This role name dup is already in use' },
    ]);
  });

  it('guard.invalid_input carries data.issues and details; 401s carry data; pagination errors do not', async () => {
    const bad = await api.call('POST', '/roles', { name: '', description: 1 });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'guard.invalid_input', data: { name: 'ZodError' } });
    expect(bad.json.data.issues.map((i: { path: string[] }) => i.path.join('.'))).toEqual(['name', 'description']);
    expect(typeof bad.json.details).toBe('string');
    const basic = await api.call('GET', '/roles', undefined, { authorization: 'Basic abc' });
    expect(basic.json).toMatchObject({
      code: 'auth.authorization_token_type_not_supported',
      data: { supportedTypes: ['Bearer'] },
    });
    const none = await api.call('GET', '/roles', undefined, { authorization: '' });
    expect(none.json).toEqual({
      code: 'auth.authorization_header_missing',
      message: 'Authorization header is missing.',
    });
    for (const q of ['page_size=0', 'page_size=101', 'page=abc']) {
      const r = await api.call('GET', `/roles?${q}`);
      expect([r.status, r.json]).toEqual([
        400,
        { code: 'guard.invalid_pagination', message: 'The request pagination value is invalid.' },
      ]);
    }
  });
});

describe('custom profile field names', () => {
  it('letters and digits only; reserved names by their own codes; a leading digit is fine', async () => {
    const post = (name: string) => api.call('POST', '/custom-profile-fields', { name, type: 'Text', required: false });
    for (const name of ['job_title', 'job-title', 'job title', '']) {
      const r = await post(name);
      expect(r.status, name).toBe(400);
    }
    expect((await post('job_title')).json).toEqual({
      code: 'custom_profile_fields.invalid_name',
      message: 'Invalid field name, only letters or numbers are allowed, case sensitive.',
    });
    const reserved: [string, string][] = [
      ['preferredUsername', 'name_conflict_built_in_prop'],
      ['onboarding', 'name_conflict_custom_data'],
      ['adminConsolePreferences', 'name_conflict_custom_data'],
      ['username', 'name_conflict_sign_in_identifier'],
      ['primaryEmail', 'name_conflict_sign_in_identifier'],
      ['phone', 'name_conflict_sign_in_identifier'],
    ];
    for (const [name, code] of reserved) {
      const r = await post(name);
      expect([r.status, r.json.code], name).toEqual([400, `custom_profile_fields.${code}`]);
    }
    expect((await post('2fa')).status).toBe(201);
    expect((await post('b2b')).json.sieOrder).toBeGreaterThan(
      (await api.call('GET', '/custom-profile-fields/2fa')).json.sieOrder,
    );
  });
});

describe('SSO connectors check their configuration', () => {
  const create = (connectorName: string, body: Record<string, unknown>) =>
    api.call('POST', '/sso-connectors', { connectorName, ...body });

  it('OIDC: the guard first (no data), then the discovery document is fetched', async () => {
    expect((await create('e1', { providerName: 'OIDC', config: {} })).json).toEqual({
      code: 'connector.invalid_config',
      message: "The connector's config is invalid.",
    });
    const ok = await create('ok', {
      providerName: 'OIDC',
      config: { issuer: idp.issuer, clientId: 'c', clientSecret: 's' },
    });
    expect(ok.status).toBe(200);
    expect(ok.json.config).toEqual({
      issuer: idp.issuer,
      clientId: 'c',
      clientSecret: 's',
      trustUnverifiedEmail: false,
    });
    expect(idp.requests()).toBe(1);
    const dead = await unreachableIssuer();
    const unreachable = await create('e2', {
      providerName: 'OIDC',
      config: { issuer: dead, clientId: 'c', clientSecret: 'secret-value' },
    });
    expect(unreachable.status).toBe(400);
    expect(unreachable.json).toMatchObject({
      code: 'connector.invalid_config',
      data: { ssoErrorCode: 'invalid_config', config: { issuer: dead }, message: 'fail_to_fetch_config' },
    });
    expect(unreachable.text).not.toContain('secret-value');
    // A host that is not loopback is never contacted: it fails as an unresolvable one does here.
    const offline = await create('e3', {
      providerName: 'OIDC',
      config: { issuer: 'https://globex.okta.example', clientId: 'c', clientSecret: 's' },
    });
    expect(offline.json.data.error.code).toBe('ENOTFOUND');
    const patch = await api.call('PATCH', `/sso-connectors/${ok.json.id}`, { config: { foo: 'bar' } });
    expect([patch.status, patch.json.code]).toEqual([400, 'connector.invalid_config']);
  });

  it('SAML: one of three shapes; a bad certificate is connector.invalid_certificate; unknown keys dropped', async () => {
    expect((await create('s1', { providerName: 'SAML', config: { entityId: 123 } })).json.code).toBe(
      'connector.invalid_config',
    );
    const badCert = await create('s2', {
      providerName: 'SAML',
      config: { entityId: 'https://idp.example/e', signInEndpoint: 'https://idp.example/sso', x509Certificate: 'abc' },
    });
    expect([badCert.status, badCert.json.code, badCert.json.data.ssoErrorCode]).toEqual([
      400,
      'connector.invalid_certificate',
      'invalid_certificate',
    ]);
    const good = await create('s3', { providerName: 'SAML', config: { ...samlIdpConfig(), signAuthnRequest: true } });
    expect(good.status).toBe(200);
    expect(Object.keys(good.json.config).sort()).toEqual(['entityId', 'signInEndpoint', 'x509Certificate']);
    expect((await create('s4', { providerName: 'SAML' })).status).toBe(200); // no config at all is fine
  });

  it('Logto’s order: unknown provider, domains, config guard, duplicate name, connection check; domains lower-cased', async () => {
    const unknown = await create('o1', { providerName: 'Keycloak', config: {} });
    expect([unknown.status, unknown.json]).toEqual([
      422,
      { code: 'connector.not_found', message: 'Cannot find any available connector for type: Keycloak.' },
    ]);
    expect((await create('o2', { providerName: 'OIDC', domains: ['gmail.com'], config: {} })).json.code).toBe(
      'single_sign_on.forbidden_domains',
    );
    expect((await create('ok', { providerName: 'OIDC', config: {} })).json.code).toBe('connector.invalid_config');
    const config = { issuer: await unreachableIssuer(), clientId: 'c', clientSecret: 's' };
    expect((await create('ok', { providerName: 'OIDC', config })).status).toBe(409);
    const lower = await create('o3', { providerName: 'SAML', domains: ['Corp.Example.COM'] });
    expect(lower.json.domains).toEqual(['corp.example.com']);
  });
});

describe('sign-in experience defaults and social targets', () => {
  it("a fresh tenant's sign-in experience is exactly the real server's", async () => {
    const fresh = await startApi();
    try {
      const r = await fresh.call('GET', '/sign-in-exp');
      expect(r.json.signUp).toEqual({ identifiers: ['username'], password: true, verify: false });
      expect(r.json.passwordPolicy).toEqual({});
      expect(r.json.signUpProfileFields).toBeNull();
      expect(r.json.forgotPasswordMethods).toEqual([]);
      expect(r.json.usernamePolicy).toMatchObject({ caseSensitive: true, minLength: 1, maxLength: 128 });
      expect(Object.keys(r.json)).toHaveLength(34);
    } finally {
      await fresh.close();
    }
  });

  it('silently keeps only the social targets the tenant has connectors for', async () => {
    const r = await api.call('PATCH', '/sign-in-exp', { socialSignInConnectorTargets: ['github', 'google'] });
    expect([r.status, r.json.socialSignInConnectorTargets]).toEqual([200, []]);
    expect((await api.call('GET', '/sign-in-exp')).json.socialSignInConnectorTargets).toEqual([]);
  });
});

describe('other answers measured on Logto 1.42', () => {
  it('account center takes deleteAccountUrl as a string', async () => {
    const r = await api.call('PATCH', '/account-center', { deleteAccountUrl: 'https://account.example/delete' });
    expect([r.status, r.json.deleteAccountUrl]).toEqual([200, 'https://account.example/delete']);
  });

  it('the Management API scope has the fixed id management-api-all and cannot go to a User role', async () => {
    const scopes = await api.call('GET', '/resources/management-api/scopes');
    expect(scopes.json.map((s: { id: string }) => s.id)).toContain('management-api-all');
    const role = await api.call('POST', '/roles', { name: 'user-role', description: 'd' });
    const r = await api.call('POST', `/roles/${role.json.id}/scopes`, { scopeIds: ['management-api-all'] });
    expect([r.status, r.json.code]).toEqual([400, 'role.management_api_scopes_not_assignable_to_user_role']);
  });

  it('roles of a non-M2M app are 422; an empty application list for an organization is 400; hooks need events', async () => {
    const spa = await api.call('POST', '/applications', { name: 'spa', type: 'SPA' });
    const roles = await api.call('GET', `/applications/${spa.json.id}/roles`);
    expect([roles.status, roles.json.code]).toEqual([422, 'application.invalid_type']);
    const org = await api.call('POST', '/organizations', { name: 'org' });
    const empty = await api.call('POST', `/organizations/${org.json.id}/applications`, { applicationIds: [] });
    expect([empty.status, empty.json.code]).toEqual([400, 'guard.invalid_input']);
    const hook = await api.call('POST', '/hooks', { name: 'h', events: [], config: { url: 'https://h.example' } });
    expect([hook.status, hook.json.code]).toEqual([400, 'guard.invalid_input']);
  });

  it('Link lists first, (prev,) last, next', async () => {
    for (const n of [1, 2, 3]) await api.call('POST', '/organization-scopes', { name: `link${n}` });
    const r = await api.call('GET', '/organization-scopes?page=1&page_size=1');
    expect([...(r.headers.get('link') ?? '').matchAll(/rel="(\w+)"/g)].map((m) => m[1])).toEqual([
      'first',
      'last',
      'next',
    ]);
  });
});
