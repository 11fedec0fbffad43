import { afterEach, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../emulator/index.js';
import { type Harness, harness, raw } from './core-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(seed = 'faults'): Promise<Harness> {
  h = await harness({ seed });
  return h;
}

/** A request that reports a transport error instead of throwing. */
async function attempt(hh: Harness, method: string, path: string, body?: unknown): Promise<number | string> {
  try {
    return (await hh.api(method, path, body)).status;
  } catch (err) {
    return (err as { code?: string }).code ?? 'error';
  }
}

describe('emulator faults', () => {
  it('injects 429 with and without Retry-After, only on the matching route and method', async () => {
    const hh = await start();
    hh.emu.setFaults([
      { route: '/roles', method: 'POST', fault: 429, retryAfterSeconds: 2, times: 1 },
      { route: '/resources', method: 'GET', fault: 429, times: 1 },
    ]);
    const limited = await hh.api('POST', '/roles', { name: 'r429', description: 'd' });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('2');
    expect((await hh.api('POST', '/roles', { name: 'r429', description: 'd' })).status).toBe(200);
    expect((await hh.api('GET', '/roles')).status).toBe(200);
    const noRetryAfter = await hh.api('GET', '/resources');
    expect(noRetryAfter.status).toBe(429);
    expect(noRetryAfter.headers['retry-after']).toBeUndefined();
    expect(hh.emu.stats().faultsInjected).toBe(2);
  });

  it('injects 500, 502 and 503 without running the handler', async () => {
    const hh = await start();
    for (const status of [500, 502, 503] as const) {
      hh.emu.setFaults([{ route: '/roles', method: 'POST', fault: status, times: 1 }]);
      const res = await hh.api('POST', '/roles', { name: `r${status}`, description: 'd' });
      expect(res.status).toBe(status);
    }
    const list = await hh.api('GET', '/roles?search=r5%25');
    expect(list.json).toEqual([]);
  });

  it('resets the connection, and a later request succeeds', async () => {
    const hh = await start();
    hh.emu.setFaults([{ route: '/roles/:id', method: 'GET', fault: 'reset', times: 1 }]);
    const outcome = await attempt(hh, 'GET', '/roles/anything');
    expect(typeof outcome).toBe('string');
    expect(await attempt(hh, 'GET', '/roles/anything')).toBe(404);
    expect(hh.emu.stats().byStatus.reset).toBe(1);
  });

  it('hangs a request (bounded by the client timeout)', async () => {
    const hh = await start();
    hh.emu.setFaults([{ route: '*', method: 'GET', fault: 'hang', times: 1 }]);
    const controller = AbortSignal.timeout(300);
    const hung = await fetch(`${hh.emu.url}/api/roles`, {
      headers: { authorization: `Bearer ${hh.bearer}` },
      signal: controller,
    }).then(
      (r) => r.status,
      (e: Error) => e.name,
    );
    expect(hung).toBe('TimeoutError');
    expect((await hh.api('GET', '/roles')).status).toBe(200);
  });

  it('commits the write, then drops the response', async () => {
    const hh = await start();
    hh.emu.setFaults([{ route: '/roles', method: 'POST', fault: 'dropResponseAfterCommit', times: 1 }]);
    const outcome = await attempt(hh, 'POST', '/roles', { name: 'committed', description: 'd' });
    expect(typeof outcome).toBe('string');
    const again = await hh.api('POST', '/roles', { name: 'committed', description: 'd' });
    expect(again.status).toBe(422);
    expect(again.json.code).toBe('role.name_in_use');
    expect(hh.emu.stats().byStatus.dropped).toBe(1);
  });

  it('adds latency without failing', async () => {
    const hh = await start();
    hh.emu.setFaults([{ route: '*', latencyMs: 20 }]);
    expect((await hh.api('GET', '/roles')).status).toBe(200);
    expect(hh.emu.stats().faultsInjected).toBe(0);
  });

  it('is deterministic with a seed and honours after/times', async () => {
    const rules: FaultRule[] = [{ route: '/resources', method: 'GET', fault: 503, probability: 0.5 }];
    const run = async (seed: string) => {
      const hh = await start(seed);
      hh.emu.setFaults({ seed, rules });
      const out: number[] = [];
      for (let i = 0; i < 30; i++) out.push((await hh.api('GET', '/resources')).status);
      await hh.close();
      h = undefined;
      return out;
    };
    const a = await run('same');
    const b = await run('same');
    expect(a).toEqual(b);
    expect(a).toContain(503);
    expect(a).toContain(200);

    const hh = await start();
    hh.emu.setFaults([{ route: '/resources', method: 'GET', fault: 500, after: 2, times: 1 }]);
    const seq: number[] = [];
    for (let i = 0; i < 4; i++) seq.push((await hh.api('GET', '/resources')).status);
    expect(seq).toEqual([200, 200, 500, 200]);
  });

  it('applies to the token endpoint', async () => {
    const hh = await start();
    hh.emu.setFaults([{ route: '/oidc/token', fault: 503, retryAfterSeconds: 1, times: 1 }]);
    const res = await raw(`${hh.emu.url}/oidc/token`, 'POST', { body: 'grant_type=client_credentials' });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
  });

  it('rejects malformed rules with a clear error', async () => {
    const hh = await start();
    expect(() => hh.emu.setFaults([{ fault: 418 as unknown as 500 }])).toThrow(/unknown fault/);
    expect(() => hh.emu.setFaults([{ route: 'roles', fault: 500 }])).toThrow(/must be "\*" or a template/);
  });

  it('Cloud rate limit: 429 with Retry-After beyond the bucket', async () => {
    h = await harness({ cloudRateLimit: { requests: 5, windowSeconds: 3600 } });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await h.api('GET', '/roles')).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const limited = await h.api('GET', '/roles');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});
