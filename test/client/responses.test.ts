import { afterEach, describe, expect, it } from 'vitest';
import { LogtoApiError } from '../../core/client/index.js';
import { type Harness, harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.done();
  h = undefined;
});

describe('responses and errors', () => {
  it('parses JSON, text/plain relation answers and empty 204 bodies', async () => {
    h = await harness();
    h.server.route('POST', '/api/roles', { status: 200, json: { id: 'r1', name: 'a' } });
    h.server.route('POST', '/api/organizations/o/applications', { status: 201, text: 'Created' });
    h.server.route('PUT', '/api/applications/a/roles', { status: 200, text: 'OK' });
    h.server.route('DELETE', '/api/roles/r1', { status: 204 });
    expect(await h.client.post('/roles', { name: 'a' })).toEqual({ id: 'r1', name: 'a' });
    expect(await h.client.post('/organizations/o/applications', { applicationIds: ['a'] })).toBe('Created');
    expect(await h.client.put('/applications/a/roles', { roleIds: [] })).toBe('OK');
    expect(await h.client.delete('/roles/r1')).toBeUndefined();
  });

  it('sends JSON bodies with Accept-Language: en and no Cache-Control', async () => {
    h = await harness();
    h.server.route('PATCH', '/api/roles/abc', { status: 200, json: {} });
    await h.client.patch('/roles/abc', { name: 'x', description: 'é' });
    const [req] = h.server.apiRequests('PATCH');
    expect(req?.headers['accept-language']).toBe('en');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['cache-control']).toBeUndefined();
    expect(JSON.parse(req?.body ?? '')).toEqual({ name: 'x', description: 'é' });
  });

  it('LogtoApiError carries status, code, message, data, request id, method and path', async () => {
    h = await harness();
    h.server.route('PATCH', '/api/roles/abc', {
      status: 422,
      json: { code: 'role.name_in_use', message: 'This role name "x" is already in use', data: { name: 'x' } },
      headers: { 'logto-core-request-id': 'req0123456789abc' },
    });
    const err = (await h.client.patch('/roles/abc', { name: 'x' }).catch((e: unknown) => e)) as LogtoApiError;
    expect(err).toBeInstanceOf(LogtoApiError);
    expect(err).toMatchObject({
      status: 422,
      code: 'role.name_in_use',
      data: { name: 'x' },
      requestId: 'req0123456789abc',
      method: 'PATCH',
      path: '/api/roles/abc',
    });
    expect(err.message).toMatch(
      /^PATCH \/api\/roles\/abc → 422 role\.name_in_use: This role name "x" is already in use/,
    );
  });

  it("names Logto's own reason: zod issue paths, the issuer it could not fetch; an echoed secret stays hidden", async () => {
    h = await harness();
    // Bodies as Logto 1.42 sends them (docs/logto-behaviour.md#error-bodies and #sso-connectors).
    h.server.route('POST', '/api/roles', {
      status: 400,
      json: {
        code: 'guard.invalid_input',
        message: 'The request body is invalid.',
        details: 'Error in key path "name": (too_small) String must contain at least 1 character(s)',
        data: {
          name: 'ZodError',
          issues: [
            { code: 'too_small', path: ['name'], message: 'String must contain at least 1 character(s)' },
            { code: 'invalid_type', path: ['description'], message: 'Expected string, received number' },
          ],
        },
      },
    });
    const guard = (await h.client.post('/roles', { name: '' }).catch((e: unknown) => e)) as LogtoApiError;
    expect(guard.message).toContain(
      '(name: String must contain at least 1 character(s); description: Expected string, received number)',
    );
    const secret = 'canary-oidc-client-secret-31f';
    h.server.route('POST', '/api/sso-connectors', {
      status: 400,
      json: {
        code: 'connector.invalid_config',
        message: "The connector's config is invalid.",
        data: {
          ssoErrorCode: 'invalid_config',
          config: { issuer: 'https://idp.corp.example', clientSecret: secret },
          message: 'fail_to_fetch_config',
          error: { code: 'ENOTFOUND', input: `https://idp.corp.example/.well-known/openid-configuration?s=${secret}` },
        },
      },
    });
    const body = { providerName: 'OIDC', config: { issuer: 'https://idp.corp.example', clientSecret: secret } };
    const sso = (await h.client.post('/sso-connectors', body).catch((e: unknown) => e)) as LogtoApiError;
    expect(sso.message).toContain(
      "could not fetch https://idp.corp.example/.well-known/openid-configuration, the issuer's discovery document: ENOTFOUND",
    );
    expect(JSON.stringify({ message: sso.message, data: sso.data, reason: sso.reason })).not.toContain(secret);
  });

  it('handles a malformed-JSON 400 without code, and a text 404', async () => {
    h = await harness();
    h.server.route('POST', '/api/roles', { status: 400, json: { message: 'Expected property name or } in JSON' } });
    const bad = (await h.client.post('/roles', { name: 'x' }).catch((e: unknown) => e)) as LogtoApiError;
    expect(bad.status).toBe(400);
    expect(bad.code).toBeUndefined();
    expect(bad.message).toBe(
      `POST /api/roles → 400: Expected property name or } in JSON [request id ${bad.requestId}]`,
    );
    const missing = (await h.client.get('/nope').catch((e: unknown) => e)) as LogtoApiError;
    expect(missing.status).toBe(404);
    expect(missing.message).toContain('GET /api/nope → 404: Not Found');
  });

  it('includes zod details of a guard.invalid_input 400', async () => {
    h = await harness();
    h.server.route('POST', '/api/roles', {
      status: 400,
      json: {
        code: 'guard.invalid_input',
        message: 'The request body is invalid.',
        details: 'Error in key path "name": (invalid_type) Required',
        data: { issues: [], name: 'ZodError' },
      },
    });
    const err = (await h.client.post('/roles', {}).catch((e: unknown) => e)) as LogtoApiError;
    expect(err.message).toContain('guard.invalid_input: The request body is invalid. (Error in key path "name"');
  });

  it('explains a 403 auth.forbidden', async () => {
    h = await harness();
    h.server.route('GET', '/api/roles', { status: 403, json: { code: 'auth.forbidden', message: 'Forbidden.' } });
    await expect(h.client.get('/roles')).rejects.toThrow(/Logto Management API access/);
  });

  it('accepts paths with or without the /api prefix and serialises queries', async () => {
    h = await harness();
    h.server.route('GET', '/api/roles', { status: 200, json: [] });
    await h.client.get('/api/roles', { search: '%probe%', type: 'User', empty: undefined, flag: true });
    await h.client.get('roles');
    const [a, b] = h.server.apiRequests('GET', '/api/roles');
    expect(Object.fromEntries(a!.query)).toEqual({ search: '%probe%', type: 'User', flag: 'true' });
    expect(b).toBeDefined();
  });

  it('refuses calls after close()', async () => {
    h = await harness();
    const c = h.extra();
    await c.close();
    await expect(c.get('/roles')).rejects.toThrow(/closed/);
  });
});
