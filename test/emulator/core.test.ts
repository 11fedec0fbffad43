import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.js';
import { type Harness, harness, raw, token, tokenRequest } from './core-harness.js';

describe('emulator core: token endpoint', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ seed: 'core-token' });
  });
  afterAll(() => h.close());

  it('issues a JWT for the Management API with scope all and expires_in 3600', async () => {
    const res = await tokenRequest(h.emu, { grant_type: 'client_credentials', resource: h.emu.resource, scope: 'all' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'all' });
    const [, payload] = String(res.json.access_token).split('.');
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ aud: h.emu.resource, client_id: h.emu.appId, sub: h.emu.appId, scope: 'all' });
    expect(claims.exp - claims.iat).toBe(3600);
  });

  it('accepts client credentials in the body', async () => {
    const res = await tokenRequest(
      h.emu,
      {
        grant_type: 'client_credentials',
        resource: h.emu.resource,
        scope: 'all',
        client_id: h.emu.appId,
        client_secret: h.emu.appSecret,
      },
      '',
    );
    expect(res.status).toBe(200);
  });

  it('rejects a wrong secret with 401 oidc.invalid_client in both envelopes', async () => {
    const res = await tokenRequest(
      h.emu,
      { grant_type: 'client_credentials', resource: h.emu.resource, scope: 'all' },
      `${h.emu.appId}:nope`,
    );
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ code: 'oidc.invalid_client', error: 'invalid_client' });
    expect(typeof res.json.message).toBe('string');
    expect(typeof res.json.error_description).toBe('string');
  });

  it('rejects an unknown resource with 400 oidc.invalid_target', async () => {
    const res = await tokenRequest(h.emu, {
      grant_type: 'client_credentials',
      resource: 'https://nope.example',
      scope: 'all',
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'oidc.invalid_target', error: 'invalid_target' });
  });

  it('rejects a request without client auth with 400 oidc.invalid_request', async () => {
    const res = await tokenRequest(h.emu, { grant_type: 'client_credentials', resource: h.emu.resource }, '');
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'oidc.invalid_request', error: 'invalid_request' });
  });

  it('honours tokenTtlSeconds', async () => {
    const emu = await startEmulator({ tokenTtlSeconds: 120 });
    try {
      const res = await tokenRequest(emu, { grant_type: 'client_credentials', resource: emu.resource, scope: 'all' });
      expect(res.json.expires_in).toBe(120);
    } finally {
      await emu.close();
    }
  });
});

describe('emulator core: auth', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(() => h.close());
  const get = (authorization?: string) =>
    raw(`${h.emu.url}/api/roles`, 'GET', { headers: authorization === undefined ? {} : { authorization } });

  it('401 auth.authorization_header_missing without a header', async () => {
    const res = await get();
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('auth.authorization_header_missing');
  });

  it('401 auth.unauthorized ERR_JWS_INVALID for garbage and empty bearer tokens', async () => {
    for (const value of ['Bearer not-a-jwt', 'Bearer ']) {
      const res = await get(value);
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({
        code: 'auth.unauthorized',
        data: { code: 'ERR_JWS_INVALID', name: 'JWSInvalid' },
      });
    }
  });

  it('401 auth.authorization_token_type_not_supported for Basic', async () => {
    const res = await get('Basic YTpi');
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({
      code: 'auth.authorization_token_type_not_supported',
      data: { supportedTypes: ['Bearer'] },
    });
  });

  it('403 auth.forbidden for a token without scope all', async () => {
    const t = await token(h.emu, h.emu.resource, '');
    const res = await get(`Bearer ${t}`);
    expect(res.status).toBe(403);
    expect(res.json.code).toBe('auth.forbidden');
  });

  it('401 with an aud claim error for a token of another resource', async () => {
    const created = await h.api('POST', '/resources', { name: 'Other', indicator: 'https://other.example/api' });
    expect(created.status).toBe(201);
    const t = await token(h.emu, 'https://other.example/api', 'all');
    const res = await get(`Bearer ${t}`);
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({
      code: 'auth.unauthorized',
      data: { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud', reason: 'unexpected "aud" claim value' },
    });
  });

  it('401 ERR_JWT_EXPIRED for an expired token', async () => {
    const emu = await startEmulator({ tokenTtlSeconds: 0 });
    try {
      const t = await token(emu);
      const res = await raw(`${emu.url}/api/roles`, 'GET', { headers: { authorization: `Bearer ${t}` } });
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ code: 'auth.unauthorized', data: { code: 'ERR_JWT_EXPIRED' } });
    } finally {
      await emu.close();
    }
  });

  it('401 after revokeTokens(); a new token works', async () => {
    const emu = await startEmulator();
    try {
      const t = await token(emu);
      expect((await raw(`${emu.url}/api/roles`, 'GET', { headers: { authorization: `Bearer ${t}` } })).status).toBe(
        200,
      );
      emu.revokeTokens();
      const res = await raw(`${emu.url}/api/roles`, 'GET', { headers: { authorization: `Bearer ${t}` } });
      expect(res.status).toBe(401);
      expect(res.json.code).toBe('auth.unauthorized');
      const fresh = await token(emu);
      expect((await raw(`${emu.url}/api/roles`, 'GET', { headers: { authorization: `Bearer ${fresh}` } })).status).toBe(
        200,
      );
    } finally {
      await emu.close();
    }
  });

  it('GET /api/status is 204 without auth', async () => {
    const res = await raw(`${h.emu.url}/api/status`, 'GET');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
  });
});

describe('emulator core: HTTP conventions and validation', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(() => h.close());

  it('unknown routes are 404 text Not Found', async () => {
    const res = await h.api('GET', '/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.text).toBe('Not Found');
    expect(String(res.headers['content-type'])).toMatch(/^text\/plain/);
    // Token or not: Logto's router checks it only on a route it serves.
    const anonymous = await raw(`${h.emu.url}/api/no-such-thing`, 'GET');
    expect([anonymous.status, anonymous.text]).toEqual([404, 'Not Found']);
  });

  it('a served path with another method is 405 with Allow, token or not (as Logto measured)', async () => {
    const res = await h.api('DELETE', '/applications');
    expect([res.status, res.text, res.headers.allow]).toEqual([405, 'Method Not Allowed', 'HEAD, GET, POST']);
    const anonymous = await raw(`${h.emu.url}/api/applications`, 'DELETE');
    expect([anonymous.status, anonymous.headers.allow]).toEqual([405, 'HEAD, GET, POST']);
  });

  it('every response carries a 16-char Logto-Core-Request-Id; JSON uses charset utf-8', async () => {
    const res = await h.api('GET', '/resources');
    expect(String(res.headers['logto-core-request-id'])).toMatch(/^[0-9a-z]{16}$/);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const status = await raw(`${h.emu.url}/api/status`, 'GET');
    expect(String(status.headers['logto-core-request-id'])).toMatch(/^[0-9a-z]{16}$/);
  });

  it('GET responses have a strong ETag; If-None-Match gives 304; POST responses have none', async () => {
    const first = await h.api('GET', '/resources');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[0-9a-f]+-[A-Za-z0-9+/]+"$/);
    const second = await h.api('GET', '/resources', undefined, { 'if-none-match': etag });
    expect(second.status).toBe(304);
    expect(second.text).toBe('');
    const noCache = await h.api('GET', '/resources', undefined, { 'if-none-match': etag, 'cache-control': 'no-cache' });
    expect(noCache.status).toBe(200);
    const post = await h.api('POST', '/roles', { name: 'etag-role', description: 'd' });
    expect(post.headers.etag).toBeUndefined();
  });

  it('DELETE answers 204 with no content-type', async () => {
    const role = await h.api('POST', '/roles', { name: 'to-delete', description: 'd' });
    const res = await h.api('DELETE', `/roles/${role.json.id}`);
    expect(res.status).toBe(204);
    expect(res.headers['content-type']).toBeUndefined();
  });

  it('invalid bodies get 400 guard.invalid_input with ZodError-like data and details', async () => {
    const res = await h.api('POST', '/roles', { name: 'no-description' });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('guard.invalid_input');
    expect(res.json.message).toBe('The request body is invalid.');
    expect(res.json.data.name).toBe('ZodError');
    expect(res.json.data.issues[0]).toMatchObject({ code: 'invalid_type', path: ['description'] });
    expect(res.json.details).toContain('description');

    const badEnum = await h.api('POST', '/applications', { name: 'x', type: 'Nope' });
    expect(badEnum.status).toBe(400);
    expect(badEnum.json.data.issues[0]).toMatchObject({ code: 'invalid_enum_value', path: ['type'] });

    const empty = await h.api('POST', '/applications', { name: '', type: 'SPA' });
    expect(empty.status).toBe(400);
    expect(empty.json.data.issues[0]).toMatchObject({ code: 'too_small', path: ['name'] });
  });

  it('unknown keys are dropped, free-form objects keep theirs', async () => {
    const res = await h.api('POST', '/applications', {
      name: 'strip',
      type: 'SPA',
      foo: 1,
      customData: { anything: { nested: true } },
      customClientMetadata: { idTokenTtl: 60, bogus: 'x' },
    });
    expect(res.status).toBe(200);
    expect(res.json.foo).toBeUndefined();
    expect(res.json.customData).toEqual({ anything: { nested: true } });
    expect(res.json.customClientMetadata).toEqual({ idTokenTtl: 60 });
  });

  it('malformed JSON gets 400 with a message and no code', async () => {
    const res = await h.api('POST', '/roles', '{bad json');
    expect(res.status).toBe(400);
    expect(typeof res.json.message).toBe('string');
    expect(res.json.code).toBeUndefined();
  });

  it('pagination: optional, always and none modes; invalid values are 400', async () => {
    for (let i = 0; i < 22; i++) await h.api('POST', '/roles', { name: `page-role-${i}`, description: 'd' });
    const always = await h.api('GET', '/roles');
    expect(always.json).toHaveLength(20);
    expect(Number(always.headers['total-number'])).toBeGreaterThanOrEqual(23);
    expect(String(always.headers.link)).toContain('rel="next"');
    expect(String(always.headers.link)).not.toContain('/api/');

    const optional = await h.api('GET', '/applications');
    expect(optional.headers['total-number']).toBeUndefined();
    const optionalPaged = await h.api('GET', '/applications?page_size=1');
    expect(optionalPaged.json).toHaveLength(1);
    expect(optionalPaged.headers['total-number']).toBeDefined();

    const beyond = await h.api('GET', '/roles?page=1000');
    expect(beyond.status).toBe(200);
    expect(beyond.json).toEqual([]);
    expect(beyond.headers['total-number']).toBeDefined();

    for (const q of ['page_size=101', 'page_size=0', 'page_size=abc', 'page=0']) {
      const bad = await h.api('GET', `/roles?${q}`);
      expect(bad.status).toBe(400);
      expect(bad.json.code).toBe('guard.invalid_pagination');
    }
    const none = await h.api('GET', `/applications/${h.emu.appId}/secrets?page_size=1&page=5`);
    expect(none.status).toBe(200);
    expect(none.json).toHaveLength(1);
    expect(none.headers['total-number']).toBeUndefined();
  });
});

describe('emulator core: stats', () => {
  it('counts requests by route template, tokens and statuses, and resets', async () => {
    const h = await harness();
    try {
      h.emu.resetStats();
      const role = await h.api('POST', '/roles', { name: 'stats', description: 'd' });
      await h.api('GET', `/roles/${role.json.id}`);
      await h.api('GET', '/roles/nope');
      await h.api('GET', '/nothing-here');
      await token(h.emu);
      const s = h.emu.stats();
      expect(s.byRoute['POST /roles']).toBe(1);
      expect(s.byRoute['GET /roles/:id']).toBe(2);
      expect(s.byRoute['GET (unmatched)']).toBe(1);
      expect(s.byRoute['POST /oidc/token']).toBe(1);
      expect(s.tokenRequests).toBe(1);
      expect(s.total).toBe(5);
      expect(s.byStatus).toMatchObject({ '200': 3, '404': 2 });

      const viaHttp = await raw(`${h.emu.url}/__emulator/stats`, 'GET');
      expect(viaHttp.json.total).toBe(5);
      const reset = await raw(`${h.emu.url}/__emulator/stats/reset`, 'POST');
      expect(reset.status).toBe(204);
      expect(h.emu.stats().total).toBe(0);
    } finally {
      await h.close();
    }
  });
});

describe('emulator core: 1,000 creates', () => {
  it('completes without error', async () => {
    const h = await harness();
    try {
      const statuses = new Map<number, number>();
      for (let batch = 0; batch < 100; batch++) {
        const replies = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            h.api('POST', '/roles', { name: `bulk-${batch}-${i}`, description: 'bulk' }),
          ),
        );
        for (const r of replies) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
      expect(Object.fromEntries(statuses)).toEqual({ 200: 1000 });
      const list = await h.api('GET', '/roles?page_size=1');
      expect(Number(list.headers['total-number'])).toBe(1001);
    } finally {
      await h.close();
    }
  });
});

describe('emulator core: OpenAPI request schemas', () => {
  it('every request body schema of the document compiles after normalisation', async () => {
    const { BodyValidator } = await import('../../emulator/validate.js');
    expect(new BodyValidator().compileAll()).toEqual([]);
  });
});
