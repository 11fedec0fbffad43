import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, connect } from '../../conformance/wire.js';
import { startTarget, type Target } from '../support/target.js';
import { authFailures, connectTarget, startApi, type TestApi } from './route-client.js';

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

  it('OIDC keys are metadata; admin-console flags', async () => {
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

/**
 * OIDC key rotation and deletion, as measured on Logto 1.42 (and as Logto's own tests expect). Emulator only:
 * rotating a shared real tenant's signing keys would end the tokens of everything else using it.
 */
describe('OIDC key rotation', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startApi();
  });
  afterAll(async () => {
    await t?.close();
  });
  const keys = async (type: string) =>
    (await t.call('GET', `/configs/oidc/${type}`)).json as Array<Record<string, any>>;

  it('rotates private keys at once: new Current first, old Current Previous, two at most; tokens follow', async () => {
    const [first] = await keys('private-keys');
    const r1 = await t.call('POST', '/configs/oidc/private-keys/rotate', { signingKeyAlgorithm: 'RSA' });
    expect(r1.status).toBe(200);
    expect(r1.json).toEqual([
      { id: expect.any(String), createdAt: expect.any(Number), signingKeyAlgorithm: 'RSA', status: 'Current' },
      { ...first, status: 'Previous' },
    ]);
    // The token issued before (signed by the now Previous key) still works: its key is still published.
    expect((await t.call('GET', '/configs/oidc/private-keys')).status).toBe(200);
    const r2 = await t.call('POST', '/configs/oidc/private-keys/rotate', {});
    expect(r2.json.map((k: any) => [k.signingKeyAlgorithm, k.status])).toEqual([
      ['EC', 'Current'],
      ['RSA', 'Previous'],
    ]);
    expect(r2.json[1].id).toBe(r1.json[0].id);
    // The first key is gone, and with it every token it signed.
    const stale = await t.call('GET', '/configs/oidc/private-keys');
    expect([stale.status, stale.json.data?.code]).toEqual([401, 'ERR_JWKS_NO_MATCHING_KEY']);
    t = { ...t, ...(await connect(t.emu)) };
    expect((await t.call('GET', '/configs/oidc/private-keys')).status).toBe(200);
  });

  it('deletes only a Previous private key; never the last key; unknown key 404', async () => {
    const [current, previous] = await keys('private-keys');
    const active = await t.call('DELETE', `/configs/oidc/private-keys/${current!.id}`);
    expect([active.status, active.json.code]).toEqual([422, 'oidc.only_previous_key_can_be_deleted']);
    const unknown = await t.call('DELETE', '/configs/oidc/private-keys/nope');
    expect([unknown.status, unknown.json]).toEqual([
      404,
      { code: 'oidc.key_not_found', message: 'Key with ID nope is not found.' },
    ]);
    expect((await t.call('DELETE', `/configs/oidc/private-keys/${previous!.id}`)).status).toBe(204);
    expect(await keys('private-keys')).toEqual([current]);
    const last = await t.call('DELETE', `/configs/oidc/private-keys/${current!.id}`);
    expect([last.status, last.json.code]).toEqual([422, 'oidc.key_required']);
    const [cookie] = await keys('cookie-keys');
    const lastCookie = await t.call('DELETE', `/configs/oidc/cookie-keys/${cookie!.id}`);
    expect([lastCookie.status, lastCookie.json.code]).toEqual([422, 'oidc.key_required']);
  });

  it('stages a key for a grace period: Next with effectiveAt, replaced by a new staging; no immediate rotation meanwhile', async () => {
    const [current] = await keys('private-keys');
    const before = Date.now();
    const staged = await t.call('POST', '/configs/oidc/private-keys/rotate', {
      signingKeyAlgorithm: 'RSA',
      rotationGracePeriod: 14_400,
    });
    expect(staged.json).toEqual([
      {
        id: expect.any(String),
        createdAt: expect.any(Number),
        effectiveAt: expect.any(Number),
        signingKeyAlgorithm: 'RSA',
        status: 'Next',
      },
      current,
    ]);
    expect(staged.json[0].effectiveAt).toBeGreaterThanOrEqual(before + 14_400_000);
    const restaged = await t.call('POST', '/configs/oidc/private-keys/rotate', { rotationGracePeriod: 7200 });
    expect(restaged.json.map((k: any) => [k.signingKeyAlgorithm, k.status])).toEqual([
      ['EC', 'Next'],
      [current!.signingKeyAlgorithm, 'Current'],
    ]);
    expect(restaged.json[0].id).not.toBe(staged.json[0].id);
    const immediate = await t.call('POST', '/configs/oidc/private-keys/rotate', {});
    expect([immediate.status, immediate.json.code]).toEqual([422, 'oidc.invalid_request']);
    const negative = await t.call('POST', '/configs/oidc/private-keys/rotate', { rotationGracePeriod: -1 });
    expect([negative.status, negative.json.code]).toEqual([400, 'guard.invalid_input']);
  });

  it('a staged key becomes Current when its grace period ends', async () => {
    const [next, current] = await keys('private-keys');
    const stored = t.emu.state.singletons.oidc_private_keys as Array<Record<string, unknown>>;
    stored[0]!.effectiveAt = Date.now() - 1;
    // The token in use was signed by the old Current key, which stays published as Previous.
    expect(await keys('private-keys')).toEqual([
      { id: next!.id, createdAt: next!.createdAt, signingKeyAlgorithm: 'EC', status: 'Current' },
      { ...current, status: 'Previous' },
    ]);
  });

  it('rotates cookie keys: new first, two at most; no grace period', async () => {
    const [old] = await keys('cookie-keys');
    const r1 = await t.call('POST', '/configs/oidc/cookie-keys/rotate', {});
    expect(r1.json).toEqual([{ id: expect.any(String), createdAt: expect.any(Number) }, old]);
    const r2 = await t.call('POST', '/configs/oidc/cookie-keys/rotate', {});
    expect(r2.json).toEqual([{ id: expect.any(String), createdAt: expect.any(Number) }, r1.json[0]]);
    const graced = await t.call('POST', '/configs/oidc/cookie-keys/rotate', { rotationGracePeriod: 60 });
    expect([graced.status, graced.json.code]).toEqual([422, 'oidc.invalid_request']);
    expect((await t.call('DELETE', `/configs/oidc/cookie-keys/${r1.json[0].id}`)).status).toBe(204);
    expect(await keys('cookie-keys')).toEqual([r2.json[0]]);
  });
});

/**
 * `POST /configs/jwt-customizer/test`: the answers for a script that denies access or throws. Changes nothing, so
 * it also runs against a real Logto when LOGTO_E2E_* are set.
 */
describe('JWT customizer test outcomes', () => {
  let target: Target;
  let real: Api;
  beforeAll(async () => {
    target = await startTarget();
    real = await connectTarget(target);
  });
  afterAll(async () => {
    await target?.cleanup();
  });
  const run = (script: string) =>
    real.call('POST', '/configs/jwt-customizer/test', {
      tokenType: 'client-credentials',
      token: { jti: 'j', aud: 'https://api.example', scope: 'read', clientId: 'c', kind: 'ClientCredentials' },
      context: { application: { id: 'c' } },
      script,
    });
  const failed = 'An error occurred while customizing the token claims. Please try again later.';

  it('api.denyAccess(message) is 403 jwt_customizer.general with the message and the AccessDenied error', async () => {
    const denied = await run(
      "const getCustomJwtClaims = async ({ api }) => { return api.denyAccess('Not for you'); };",
    );
    expect([denied.status, denied.json]).toEqual([
      403,
      {
        code: 'jwt_customizer.general',
        message: failed,
        data: { message: 'Not for you', error: { code: 'AccessDenied', message: 'Not for you' } },
      },
    ]);
    const bare = await run('const getCustomJwtClaims = async ({ api }) => api.denyAccess();');
    expect([bare.status, (bare.json as { data: unknown }).data]).toEqual([
      403,
      { message: 'Access denied', error: { code: 'AccessDenied', message: 'Access denied' } },
    ]);
  });

  it('a script that throws is 422 with its message; one that returns claims answers them', async () => {
    const thrown = await run("const getCustomJwtClaims = async () => { throw new Error('boom'); };");
    expect([thrown.status, thrown.json]).toEqual([
      422,
      { code: 'jwt_customizer.general', message: failed, data: { message: 'boom' } },
    ]);
    const claims = await run("const getCustomJwtClaims = async () => ({ tier: 'gold' });");
    expect([claims.status, claims.json]).toEqual([200, { tier: 'gold' }]);
  });
});
