/**
 * Application behaviours measured on Logto 1.42 that Logto's own tests check: admin access (`isAdmin`), the
 * built-in `demo-app`, and the client-credentials JWT customizer's claims in M2M tokens. Runs against the
 * emulator, or a real Logto when LOGTO_E2E_* are set (names carry the run prefix; everything created is deleted),
 * except the customizer test: a customizer is tenant-wide and would change every other client's tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../conformance/wire.js';
import { realServerConfigured, startTarget, type Target } from '../support/target.js';
import { connectTarget } from './route-client.js';

let target: Target;
let api: Api;
const apps: string[] = [];
const MANAGEMENT_API = 'https://default.logto.app/api';

beforeAll(async () => {
  target = await startTarget();
  api = await connectTarget(target);
});
afterAll(async () => {
  for (const id of apps) await api?.call('DELETE', `/applications/${id}`);
  await target?.cleanup();
});

async function m2mWithSecret(name: string): Promise<{ id: string; secret: string }> {
  const app = await api.call('POST', '/applications', { name: `${target.prefix}-${name}`, type: 'MachineToMachine' });
  const id = (app.json as { id: string }).id;
  apps.push(id);
  const secret = await api.call('POST', `/applications/${id}/secrets`, { name: 'test' });
  return { id, secret: (secret.json as { value: string }).value };
}

async function token(app: { id: string; secret: string }, resource: string, scope: string) {
  const res = await fetch(`${target.url}/oidc/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${app.id}:${app.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }),
  });
  const json = (await res.json()) as { access_token: string; scope?: string };
  const claims = JSON.parse(Buffer.from(json.access_token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  return { status: res.status, scope: json.scope, claims };
}

describe('applications', () => {
  it('isAdmin: GET shows it, PATCH does not answer it, no role list shows it, and it grants the Management API', async () => {
    const app = await m2mWithSecret('admin');
    expect((await token(app, MANAGEMENT_API, 'all')).scope ?? '').toBe('');
    const patched = await api.call('PATCH', `/applications/${app.id}`, { isAdmin: true });
    expect(patched.status).toBe(200);
    expect(patched.json).not.toHaveProperty('isAdmin');
    expect((await api.call('GET', `/applications/${app.id}`)).json).toMatchObject({ isAdmin: true });
    expect((await api.call('GET', `/applications/${app.id}/roles`)).json).toEqual([]);
    expect((await token(app, MANAGEMENT_API, 'all')).scope).toBe('all');
    await api.call('PATCH', `/applications/${app.id}`, { isAdmin: false });
    expect((await api.call('GET', `/applications/${app.id}`)).json).toMatchObject({ isAdmin: false });
    expect((await token(app, MANAGEMENT_API, 'all')).scope ?? '').toBe('');
  });

  it('demo-app: the built-in preview app can be read, and is nowhere else', async () => {
    const demo = await api.call('GET', '/applications/demo-app');
    expect([demo.status, demo.json]).toEqual([
      200,
      {
        tenantId: 'default',
        id: 'demo-app',
        name: 'Live Preview',
        secret: 'N/A',
        description: 'Preview for Sign-in Experience.',
        type: 'SPA',
        oidcClientMetadata: { redirectUris: [], postLogoutRedirectUris: [] },
        customClientMetadata: {},
        protectedAppMetadata: null,
        customData: {},
        isThirdParty: false,
        appLevelAccessControlEnabled: false,
        createdAt: 0,
        isAdmin: false,
      },
    ]);
    const list = await api.call('GET', '/applications?page_size=100&search=demo-app');
    expect((list.json as Array<{ id: string }>).some((a) => a.id === 'demo-app')).toBe(false);
    for (const [method, path] of [
      ['PATCH', '/applications/demo-app'],
      ['DELETE', '/applications/demo-app'],
      ['GET', '/applications/demo-app/roles'],
    ] as const) {
      const r = await api.call(method, path, method === 'PATCH' ? { name: 'x' } : undefined);
      expect([method, r.status, (r.json as { code: string }).code]).toEqual([method, 404, 'entity.not_exists_with_id']);
    }
  });

  it.skipIf(realServerConfigured())(
    'a client-credentials JWT customizer adds its claims to M2M tokens, under the standard ones; a failing script adds none',
    async () => {
      const app = await m2mWithSecret('custom-claims');
      const put = await api.call('PUT', '/configs/jwt-customizer/client-credentials', {
        script:
          'const getCustomJwtClaims = async ({ token, context, environmentVariables }) => ({ ...environmentVariables, appName: context.application.name, sawKind: token.kind, sub: "forged" });',
        environmentVariables: { foo: 'bar', API_KEY: '12345' },
      });
      expect(put.status).toBeLessThan(300);
      try {
        const { claims } = await token(app, MANAGEMENT_API, '');
        expect(claims).toMatchObject({
          foo: 'bar',
          API_KEY: '12345',
          appName: `${target.prefix}-custom-claims`,
          sawKind: 'ClientCredentials',
          sub: app.id,
        });
        await api.call('PUT', '/configs/jwt-customizer/client-credentials', {
          script: "const getCustomJwtClaims = async () => { throw new Error('no'); };",
        });
        const plain = await token(app, MANAGEMENT_API, '');
        expect([plain.status, plain.claims.foo]).toEqual([200, undefined]);
      } finally {
        await api.call('DELETE', '/configs/jwt-customizer/client-credentials');
      }
    },
  );
});
