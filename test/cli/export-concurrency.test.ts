/**
 * `export` reads the relations of many objects at once (an organization's three JIT sets…), bounded by the
 * client's concurrency cap. The built CLI runs as a subprocess against a recording proxy in front of the
 * target (the emulator, or a real Logto): the proxy counts requests in flight and which organizations they
 * belong to (no timing asserted).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTarget, type Target } from '../support/target.js';
import { cli, ensureBuilt } from './helpers.js';

let t: Target;
let proxy: Server;
let proxyUrl: string;
let inFlight: { path: string }[];
let maxInFlight: number;
/** Most distinct organizations with a JIT read in flight at the same moment. */
let maxOrganizations: number;

const JIT = /^\/api\/organizations\/([^/]+)\/jit\//;

async function forward(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const entry = { path: req.url ?? '' };
  inFlight.push(entry);
  maxInFlight = Math.max(maxInFlight, inFlight.length);
  const orgs = new Set(inFlight.map((e) => JIT.exec(e.path)?.[1]).filter(Boolean));
  maxOrganizations = Math.max(maxOrganizations, orgs.size);
  try {
    // Hold JIT reads briefly so that reads issued together are seen together.
    if (JIT.test(entry.path)) await new Promise((r) => setTimeout(r, 25));
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers.set(k, v);
    }
    const answer = await fetch(`${t.url}${req.url}`, {
      method: req.method,
      headers,
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
    });
    const body = Buffer.from(await answer.arrayBuffer());
    const out: Record<string, string> = {};
    answer.headers.forEach((v, k) => {
      if (k !== 'content-encoding' && k !== 'transfer-encoding' && k !== 'connection') out[k] = v;
    });
    res.writeHead(answer.status, out);
    res.end(body);
  } finally {
    inFlight.splice(inFlight.indexOf(entry), 1);
  }
}

beforeAll(async () => {
  await ensureBuilt();
}, 300_000);

beforeEach(async () => {
  t = await startTarget();
  inFlight = [];
  maxInFlight = 0;
  maxOrganizations = 0;
  proxy = createServer((req, res) => {
    forward(req, res).catch((error: unknown) => {
      res.writeHead(502);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await t.cleanup();
});

describe('export concurrency', () => {
  it('reads the JIT sets of several organizations at once, never more requests than the cap', async () => {
    const p = t.prefix;
    for (let i = 0; i < 12; i++) {
      const org = await t.client.post<{ id: string }>('/organizations', { name: `${p}org-${i}` });
      await t.client.post(`/organizations/${org.id}/jit/email-domains`, { emailDomain: `org${i}.example` });
    }
    const result = await cli(['export'], {
      env: {
        LOGTO_ENDPOINT: proxyUrl,
        LOGTO_APP_ID: t.appId,
        LOGTO_APP_SECRET: t.appSecret,
        LOGTO_REQUESTS_PER_SECOND: '0',
        LOGTO_MAX_CONCURRENCY: '4',
      },
    });
    expect(result.code, result.stderr).toBe(0);
    const doc = parse(result.stdout);
    expect(Object.keys(doc.organizations).filter((k) => k.startsWith(p))).toHaveLength(12);
    expect(doc.organizations[`${p}org-7`].jitEmailDomains).toEqual(['org7.example']);
    // Reads of different organizations overlapped, and the client's cap of 4 held.
    expect(maxOrganizations).toBeGreaterThanOrEqual(2);
    expect(maxInFlight).toBeLessThanOrEqual(4);
  });
});
