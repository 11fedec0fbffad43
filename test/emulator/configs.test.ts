import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authFailures, startApi, type TestApi } from './route-client.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

describe('JWT customizers', () => {
  it('404 when unset, 201 on create, 200 on update, list, PATCH needs script, delete then 404', async () => {
    const path = '/configs/jwt-customizer/access-token';
    const unset = await api.call('GET', path);
    expect([unset.status, unset.json.code]).toEqual([404, 'entity.not_exists_with_id']);
    expect(unset.json.message).toContain('jwt.accessToken');
    expect((await api.call('PATCH', path, { script: 'x' })).status).toBe(404);
    const created = await api.call('PUT', path, { script: 'const a = 1;', environmentVariables: { A: '1' } });
    expect([created.status, created.json]).toEqual([201, { script: 'const a = 1;', environmentVariables: { A: '1' } }]);
    const updated = await api.call('PUT', path, { script: 'const b = 2;' });
    expect([updated.status, updated.json]).toEqual([200, { script: 'const b = 2;' }]);
    const noScript = await api.call('PUT', '/configs/jwt-customizer/client-credentials', { environmentVariables: {} });
    expect([noScript.status, noScript.json.code]).toEqual([400, 'guard.invalid_input']);
    const patchNoScript = await api.call('PATCH', path, { environmentVariables: { B: '2' } });
    expect(patchNoScript.status).toBe(400);
    const patched = await api.call('PATCH', path, { script: 'c', environmentVariables: { B: '2' } });
    expect([patched.status, patched.json]).toEqual([200, { script: 'c', environmentVariables: { B: '2' } }]);
    const list = await api.call('GET', '/configs/jwt-customizer');
    expect(list.json).toEqual([{ key: 'jwt.accessToken', value: { script: 'c', environmentVariables: { B: '2' } } }]);
    const badPath = await api.call('GET', '/configs/jwt-customizer/id-token');
    expect([badPath.status, badPath.json.message]).toEqual([400, 'The request params is invalid.']);
    expect((await api.call('DELETE', path)).status).toBe(204);
    const again = await api.call('DELETE', path);
    expect([again.status, again.json.code]).toEqual([404, 'entity.not_found']);
  });
});

describe('other configs', () => {
  it('OIDC session: 14 days by default, PATCH {} is a 200 no-op', async () => {
    expect((await api.call('GET', '/configs/oidc/session')).json).toEqual({ ttl: 1209600 });
    expect((await api.call('PATCH', '/configs/oidc/session', {})).json).toEqual({ ttl: 1209600 });
    expect((await api.call('PATCH', '/configs/oidc/session', { ttl: 3600 })).json).toEqual({ ttl: 3600 });
    expect((await api.call('GET', '/configs/oidc/session')).json).toEqual({ ttl: 3600 });
  });

  it('ID token claims: defaults, PUT 200, unknown claims 400', async () => {
    expect((await api.call('GET', '/configs/id-token')).json).toEqual({
      enabledExtendedClaims: ['roles', 'organizations', 'organization_roles'],
    });
    const put = await api.call('PUT', '/configs/id-token', { enabledExtendedClaims: ['custom_data'] });
    expect([put.status, put.json]).toEqual([200, { enabledExtendedClaims: ['custom_data'] }]);
    const bad = await api.call('PUT', '/configs/id-token', { enabledExtendedClaims: ['shoe_size'] });
    expect(bad.status).toBe(400);
  });

  it('OIDC keys are read-only metadata; admin-console flags', async () => {
    const keys = await api.call('GET', '/configs/oidc/private-keys');
    expect(keys.json).toEqual([
      { id: expect.any(String), createdAt: expect.any(Number), signingKeyAlgorithm: 'EC', status: 'Current' },
    ]);
    expect(keys.json[0].createdAt).toBeLessThan(1e11);
    const cookies = await api.call('GET', '/configs/oidc/cookie-keys');
    expect(Object.keys(cookies.json[0]).sort()).toEqual(['createdAt', 'id']);
    expect((await api.call('GET', '/configs/oidc/other-keys')).status).toBe(400);
    expect((await api.call('GET', '/configs/admin-console')).json).toEqual({
      signInExperienceCustomized: false,
      organizationCreated: false,
    });
    const p = await api.call('PATCH', '/configs/admin-console', { organizationCreated: true });
    expect(p.json.organizationCreated).toBe(true);
  });

  it('requires auth', async () => {
    expect(await authFailures(api, 'GET', '/configs/id-token')).toEqual([401, 401, 401]);
  });
});

describe('JWT customizer bodies, as Logto 1.42 guards them', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });
  const script = 'const getCustomJwtClaims = async () => ({ plan: "pro" });';

  it('refuses unknown keys and sample token claims, drops unknown sample context keys', async () => {
    const extra = await api.call('PUT', '/configs/jwt-customizer/client-credentials', { script, foo: 1 });
    expect([extra.status, extra.json.code, extra.json.data.issues[0].keys]).toEqual([
      400,
      'guard.invalid_input',
      ['foo'],
    ]);
    const claim = await api.call('PUT', '/configs/jwt-customizer/access-token', { script, tokenSample: { sub: 'u1' } });
    expect([claim.status, claim.json.data.issues[0].path]).toEqual([400, ['tokenSample']]);
    const context = await api.call('PUT', '/configs/jwt-customizer/client-credentials', {
      script,
      contextSample: { user: { id: 'u1' }, application: { id: 'a1' } },
    });
    expect([context.status, context.json.contextSample]).toEqual([201, { application: { id: 'a1' } }]);
    // An access token's sample context needs a user.
    const noUser = await api.call('PUT', '/configs/jwt-customizer/access-token', { script, contextSample: {} });
    expect([noUser.status, noUser.json.data.issues[0].path]).toEqual([400, ['contextSample', 'user']]);
  });
});
