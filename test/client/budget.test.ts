import { afterEach, describe, expect, it } from 'vitest';
import { RequestBudget, requestBudget } from '../../core/client/index.js';
import { type Harness, harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.done();
  h = undefined;
});

describe('request budget', () => {
  it('a burst of 100 calls at 50/s is spread over ≥ 1.5 s of budget time (accounting, not wall time)', async () => {
    h = await harness({ requestsPerSecond: 50, maxConcurrency: 100 });
    h.server.route('GET', '/api/roles', { status: 200, json: [] });
    await h.client.get('/roles'); // token + warm-up; then start from a full bucket
    const budget = requestBudget(h.server.url);
    await new Promise((r) => setTimeout(r, 250));
    budget.resetStats();

    await Promise.all(Array.from({ length: 100 }, () => h!.client.get('/roles')));
    const s = budget.stats();
    expect(s.granted).toBe(100);
    expect(s.settings).toEqual({ requestsPerSecond: 50, burst: 10, maxConcurrency: 100 });
    // burst 10 go at once; the 100th request is pushed (100 - 10) / 50 s = 1.8 s out
    expect(s.maxWaitMs).toBeGreaterThanOrEqual(1500);
    expect(s.waited).toBeGreaterThanOrEqual(85);
    expect(s.totalWaitMs).toBeGreaterThan(50_000); // Σ (k/50 s), k = 1..90 ≈ 81.9 s of waiting granted in total
    expect(h.client.stats().throttledMs).toBeGreaterThan(50_000);
  });

  it('0 = unlimited: no wait is ever granted', async () => {
    h = await harness({ requestsPerSecond: 0, maxConcurrency: 100 });
    h.server.route('GET', '/api/roles', { status: 200, json: [] });
    await Promise.all(Array.from({ length: 100 }, () => h!.client.get('/roles')));
    const s = requestBudget(h.server.url).stats();
    expect(s.granted).toBe(101); // 100 calls + 1 token fetch
    expect(s.totalWaitMs).toBe(0);
    expect(h.client.stats().throttledMs).toBe(0);
  });

  it('is shared by all clients of an endpoint in the process; the strictest setting wins', async () => {
    h = await harness({ requestsPerSecond: 0, maxConcurrency: 2 });
    const other = h.extra({ requestsPerSecond: 0, maxConcurrency: 4 });
    h.server.route('GET', '/api/slow', async () => {
      await new Promise((r) => setTimeout(r, 30));
      return { status: 200, json: [] };
    });
    await Promise.all([
      ...Array.from({ length: 6 }, () => h!.client.get('/slow')),
      ...Array.from({ length: 6 }, () => other.get('/slow')),
    ]);
    const s = requestBudget(h.server.url).stats();
    expect(s.settings.maxConcurrency).toBe(2);
    expect(s.maxInFlight).toBe(2);
    expect(s.granted).toBe(14); // 12 calls + one token fetch per client
  });

  it('releases a stricter setting when its client closes', async () => {
    h = await harness({ requestsPerSecond: 0, maxConcurrency: 8 });
    const strict = h.extra({ requestsPerSecond: 5, maxConcurrency: 1 });
    const budget = requestBudget(h.server.url);
    expect(budget.settings).toEqual({ requestsPerSecond: 5, burst: 1, maxConcurrency: 1 });
    await strict.close();
    expect(budget.settings).toEqual({ requestsPerSecond: 0, burst: 0, maxConcurrency: 8 });
  });

  it('the bucket grants waits in order of reservation', async () => {
    const b = new RequestBudget('unit', { requestsPerSecond: 10, burst: 2, maxConcurrency: 10 });
    const grants = await Promise.all(Array.from({ length: 5 }, () => b.acquire()));
    for (const g of grants) g.release();
    const waits = grants.map((g) => Math.round(g.waitedMs / 10) * 10);
    expect(waits[0]).toBe(0);
    expect(waits[1]).toBe(0);
    expect(waits[2]).toBeGreaterThanOrEqual(90);
    expect(waits[4]).toBeGreaterThanOrEqual(290);
    expect(b.stats().inFlight).toBe(0);
  });
});
