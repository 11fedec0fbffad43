/**
 * The client against a Logto server through `test/support/target.ts`: the in-process emulator by default
 * (real HTTP on 127.0.0.1), a real Logto when `LOGTO_E2E_*` is set. The same behaviour as against the fault
 * server, on Logto-shaped routes; tests that need the emulator's fault injection or counters are
 * emulator-only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type HttpLogtoClient, LostResponseError } from '../../core/client/index.js';
import type { RunningEmulator } from '../../emulator/index.js';
import { itEmulator } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';

let t: Target;
let client: HttpLogtoClient;
/** The emulator, in emulator-only tests. */
const emu = (): RunningEmulator => t.emulator!;

beforeAll(async () => {
  t = await startTarget({ seed: 'client-tests' });
  client = createClient(
    {
      endpoint: t.url,
      appId: t.appId,
      appSecret: t.appSecret,
      ...(t.isEmulator ? { requestsPerSecond: 0 } : {}),
      retryBaseMs: 2,
      retryMaxDelayMs: 10,
    },
    {},
  );
});
afterAll(async () => {
  await client?.close();
  await t?.cleanup();
});

type Row = { id: string; name: string };

describe('client ↔ emulator', () => {
  it('pages through 250 roles ("always") and 250 applications ("optional")', async () => {
    const tag = `${t.prefix}pg`;
    const creates: Promise<unknown>[] = [];
    for (let i = 0; i < 250; i++) {
      creates.push(client.post('/roles', { name: `${tag}-role-${i}`, description: 'd' }));
      creates.push(client.post('/applications', { name: `${tag}-app-${i}`, type: 'SPA' }));
    }
    await Promise.all(creates);
    t.emulator?.resetStats();
    const roles = (await client.list<Row>('/roles')).filter((r) => r.name.startsWith(tag));
    const apps = (await client.list<Row>('/applications')).filter((r) => r.name.startsWith(tag));
    expect(roles).toHaveLength(250);
    expect(apps).toHaveLength(250);
    expect(new Set(roles.map((r) => r.id)).size).toBe(250);
    if (t.isEmulator) {
      // Request counters are an emulator feature: several pages were read, not one unbounded list.
      const byRoute = emu().stats().byRoute;
      expect(byRoute['GET /roles']).toBeGreaterThanOrEqual(3);
      expect(byRoute['GET /applications']).toBeGreaterThanOrEqual(3);
    }
  });

  itEmulator('uses one token for many calls and refreshes it after the server revokes it', async () => {
    const c = createClient({ endpoint: t.url, appId: t.appId, appSecret: t.appSecret, requestsPerSecond: 0 }, {});
    try {
      emu().resetStats();
      await Promise.all(Array.from({ length: 20 }, () => c.get('/roles', { page_size: 1 })));
      expect(emu().stats().tokenRequests).toBe(1);
      emu().revokeTokens();
      await c.get('/roles', { page_size: 1 });
      expect(emu().stats().tokenRequests).toBe(2);
    } finally {
      await c.close();
    }
  });

  it('explains an unknown resource indicator and rejected credentials at the token endpoint', async () => {
    const wrongResource = createClient(
      { endpoint: t.url, appId: t.appId, appSecret: t.appSecret, resource: 'https://acme.logto.app/api' },
      {},
    );
    const wrongSecret = createClient({ endpoint: t.url, appId: t.appId, appSecret: 'not-the-secret' }, {});
    try {
      await expect(wrongResource.get('/roles')).rejects.toThrow(
        /invalid_target.*set LOGTO_RESOURCE to the API indicator/,
      );
      await expect(wrongSecret.get('/roles')).rejects.toThrow(/401.*check LOGTO_APP_ID and LOGTO_APP_SECRET/);
    } finally {
      await wrongResource.close();
      await wrongSecret.close();
    }
  });

  it('parses text relation answers and 204s', async () => {
    const org = await client.post<Row>('/organizations', { name: `${t.prefix}org-for-relations` });
    const app = await client.post<Row>('/applications', { name: `${t.prefix}m2m-rel`, type: 'MachineToMachine' });
    const added = await client.post(
      `/organizations/${org.id}/applications`,
      { applicationIds: [app.id] },
      { createsObject: false },
    );
    expect(added).toBe('Created');
    expect(await client.delete(`/organizations/${org.id}/applications/${app.id}`)).toBeUndefined();
  });

  itEmulator('retries injected 429 / 503 / resets on the way to success', async () => {
    emu().setFaults([
      { route: '/roles', method: 'GET', fault: 429, times: 1 },
      { route: '/roles', method: 'GET', fault: 503, retryAfterSeconds: 0, times: 1 },
      { route: '/roles', method: 'GET', fault: 'reset', times: 1 },
    ]);
    try {
      emu().resetStats();
      const before = client.stats().retries;
      await client.get('/roles', { page_size: 1 });
      expect(client.stats().retries - before).toBe(3);
      expect(emu().stats().faultsInjected).toBe(3);
    } finally {
      emu().setFaults([]);
    }
  });

  itEmulator(
    'a create whose response is dropped after commit → LostResponseError; the object exists once',
    async () => {
      emu().setFaults([{ route: '/roles', method: 'POST', fault: 'dropResponseAfterCommit', times: 1 }]);
      try {
        emu().resetStats();
        const name = `${t.prefix}lost`;
        await expect(client.post('/roles', { name, description: 'd' })).rejects.toBeInstanceOf(LostResponseError);
        expect(emu().stats().byRoute['POST /roles']).toBe(1);
        const found = (await client.list<Row>('/roles', { search: name })).filter((r) => r.name === name);
        expect(found).toHaveLength(1);
      } finally {
        emu().setFaults([]);
      }
    },
  );
});
