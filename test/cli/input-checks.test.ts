/**
 * Input Logto does not check for us, refused offline and naming the field: a browser app's redirect URI that
 * is not a web address (Logto stores `htp:/broken` as a native app scheme), what Logto itself refuses (a `*`
 * host without a dot, `..` segments), CORS origins that can never match a browser's Origin header, webhook
 * URLs Logto could never call. The server half runs on the target (emulator, or a real Logto with
 * `LOGTO_E2E_*`): what the offline rule says Logto accepts or refuses is what the server answers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptsRedirectUri } from '../../resources/application.js';
import { startTarget, type Target } from '../support/target.js';
import { cli, ensureBuilt } from './helpers.js';

let t: Target;
let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  t = await startTarget();
  dir = mkdtempSync(join(tmpdir(), 'logto-iac-input-'));
}, 300_000);

afterAll(async () => {
  await t?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Redirect URIs, and whether Logto 1.42 takes them (for any application type). */
const URIS: [string, boolean][] = [
  ['https://app.example.com/callback', true],
  ['http://localhost:3000/callback', true],
  ['https://*.example.com/callback', true],
  ['https://example.com/callback/*', true],
  ['io.example.app://callback', true],
  ['htp:/broken', true], // a custom scheme to Logto
  ['https://*/callback', false],
  ['https://example.com/callback/../admin', false],
  ['https://example.com/callback?next=*', false],
  ['example.com/callback', false],
];

describe('redirect URIs', () => {
  it('the offline rule is the server’s: Logto accepts and refuses the same URIs', async () => {
    for (const [uri, accepted] of URIS) {
      expect(acceptsRedirectUri(uri), uri).toBe(accepted);
      const created = await t.client
        .post<{ id: string }>('/applications', {
          name: `${t.prefix} uri check`,
          type: 'Native',
          oidcClientMetadata: { redirectUris: [uri], postLogoutRedirectUris: [] },
        })
        .then(
          (app) => ({ ok: true as const, app }),
          (error: { status?: number }) => ({ ok: false as const, status: error.status }),
        );
      expect(created.ok, `${uri}: the server ${created.ok ? 'accepted' : 'refused'} it`).toBe(accepted);
      if (created.ok) await t.client.delete(`/applications/${created.app.id}`);
      else expect(created.status).toBe(400);
    }
  }, 60_000);

  it('validate refuses, naming the field, what Logto refuses and what a browser app can never use', async () => {
    const file = join(dir, 'tenant.yaml');
    writeFileSync(
      file,
      [
        'version: 1',
        'applications:',
        '  shop:',
        '    name: Shop',
        '    type: SPA',
        '    redirectUris: [https://shop.example.com/callback, "htp:/broken"]',
        '    postLogoutRedirectUris: ["https://*/bye"]',
        '    corsAllowedOrigins: [https://shop.example.com/, https://shop.example.com]',
        '  mobile:',
        '    name: Mobile',
        '    type: Native',
        '    redirectUris: [io.example.app://callback]',
        '    corsAllowedOrigins: [capacitor://localhost]',
        'hooks:',
        '  audit:',
        '    name: Audit',
        '    events: [User.Created]',
        '    url: ftp://hooks.example.com/logto',
        '',
      ].join('\n'),
    );
    const r = await cli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /tenant\.yaml:6:\d+: applications\.shop\.redirectUris\[1\]: .*"htp:\/broken" is not a web address: a SPA application signs users in in a browser/,
    );
    expect(r.stderr).toMatch(/fix: use the https:\/\/ address of the page.*type: Native/);
    expect(r.stderr).toMatch(
      /tenant\.yaml:7:\d+: applications\.shop\.postLogoutRedirectUris\[0\]: .*must be an absolute URI Logto accepts/,
    );
    expect(r.stderr).toMatch(/tenant\.yaml:8:\d+: applications\.shop\.corsAllowedOrigins\[0\]: .*must be an origin/);
    expect(r.stderr).toMatch(/tenant\.yaml:18:\d+: hooks\.audit\.url: .*absolute http\(s\) URL/);
    // Native app schemes and a Capacitor origin are fine; four errors and no more.
    expect(r.stderr).not.toMatch(/applications\.mobile/);
    expect(r.stderr).toMatch(/\n4 error\(s\)/);
  });
});
