import { afterEach, describe, expect, it } from 'vitest';
import { MAX_500_RETRIES } from '../../core/client/http.js';
import { LogtoApiError, LogtoNetworkError, LostResponseError } from '../../core/client/index.js';
import { type Harness, harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.done();
  h = undefined;
});

const tooMany = { status: 429, json: { code: 'too_many_requests', message: 'Too many requests.' } };

describe('retries', () => {
  it('retries a 429 without Retry-After with small jittered backoff', async () => {
    h = await harness({ retryBaseMs: 5, retryMaxDelayMs: 20 });
    h.server.enqueue('GET', '/api/roles', tooMany, tooMany);
    h.server.route('GET', '/api/roles', { status: 200, json: ['r'] });
    expect(await h.client.get('/roles')).toEqual(['r']);
    expect(h.server.apiRequests('GET', '/api/roles')).toHaveLength(3);
    const s = h.client.stats();
    expect(s.retries).toBe(2);
    expect(s.retryWaitMs).toBeLessThanOrEqual(40); // two backoffs, each ≤ retryMaxDelayMs
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    h = await harness({ retryBaseMs: 1, retryMaxDelayMs: 2 });
    h.server.enqueue('GET', '/api/roles', { ...tooMany, headers: { 'retry-after': '1' } });
    h.server.route('GET', '/api/roles', { status: 200, json: [] });
    await h.client.get('/roles');
    expect(h.client.stats().retryWaitMs).toBe(1000);

    const date = new Date(Date.now() + 2500).toUTCString();
    h.server.enqueue('GET', '/api/roles', { status: 503, text: 'busy', headers: { 'retry-after': date } });
    const before = h.client.stats().retryWaitMs;
    await h.client.get('/roles');
    // HTTP dates have 1 s resolution: the wait granted lies within (1.5 s, 2.5 s]
    const waited = h.client.stats().retryWaitMs - before;
    expect(waited).toBeGreaterThan(1000);
    expect(waited).toBeLessThanOrEqual(2500);
  });

  it('ends the call with the 429 when Retry-After lies beyond the call deadline', async () => {
    h = await harness({ callTimeoutMs: 2000 });
    h.server.route('GET', '/api/roles', { ...tooMany, headers: { 'retry-after': '120' } });
    const err = await h.client.get('/roles').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogtoApiError);
    expect((err as LogtoApiError).status).toBe(429);
    expect((err as Error).message).toMatch(/would pass the call deadline/);
    expect(h.server.apiRequests()).toHaveLength(1);
  });

  it('retries 503, 502 and 504 on idempotent calls', async () => {
    h = await harness();
    h.server.enqueue(
      'PATCH',
      '/api/roles/r1',
      { status: 503, text: 'Service Unavailable' },
      { status: 502, text: 'Bad Gateway' },
      { status: 504 },
    );
    h.server.route('PATCH', '/api/roles/r1', { status: 200, json: { id: 'r1', name: 'n' } });
    expect(await h.client.patch('/roles/r1', { name: 'n' })).toEqual({ id: 'r1', name: 'n' });
    expect(h.server.apiRequests('PATCH')).toHaveLength(4);
  });

  it('a transient 500 is retried for requests safe to repeat, a bounded number of times; never for a POST', async () => {
    h = await harness({ retryBaseMs: 1, retryMaxDelayMs: 2 });
    const failure = { status: 500, json: { code: 'unknown', message: 'Internal server error.' } };
    h.server.enqueue('GET', '/api/roles', failure);
    h.server.route('GET', '/api/roles', { status: 200, json: ['r'] });
    expect(await h.client.get('/roles')).toEqual(['r']);
    expect(h.server.apiRequests('GET', '/api/roles')).toHaveLength(2);

    // A 500 that persists surfaces after MAX_500_RETRIES more tries, whatever maxRetries allows.
    h.server.route('DELETE', '/api/roles/r1', failure);
    const persistent = await h.client.delete('/roles/r1').catch((e: unknown) => e);
    expect((persistent as LogtoApiError).status).toBe(500);
    expect(h.server.apiRequests('DELETE')).toHaveLength(1 + MAX_500_RETRIES);

    // A POST (creating or not) is never repeated after a 500: it could apply twice.
    h.server.route('POST', '/api/roles', failure);
    h.server.route('POST', '/api/roles/r1/scopes', failure);
    await expect(h.client.post('/roles', { name: 'x' })).rejects.toBeInstanceOf(LogtoApiError);
    await expect(
      h.client.request('POST', '/roles/r1/scopes', { body: { scopeIds: ['s'] }, createsObject: false }),
    ).rejects.toBeInstanceOf(LogtoApiError);
    expect(h.server.apiRequests('POST', '/api/roles')).toHaveLength(1);
    expect(h.server.apiRequests('POST', '/api/roles/r1/scopes')).toHaveLength(1);
  });

  it('gives up after maxRetries and reports the last answer', async () => {
    h = await harness({ maxRetries: 2 });
    h.server.route('GET', '/api/roles', { status: 503, json: { code: 'unavailable', message: 'down' } });
    const err = await h.client.get('/roles').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogtoApiError);
    expect((err as Error).message).toContain('gave up after 3 attempts');
    expect(h.server.apiRequests()).toHaveLength(3);
  });

  it('retries a GET whose connection was reset (RST and FIN)', async () => {
    h = await harness();
    h.server.enqueue('GET', '/api/roles', { reset: 'rst' }, { reset: 'close' });
    h.server.route('GET', '/api/roles', { status: 200, json: ['after-reset'] });
    expect(await h.client.get('/roles')).toEqual(['after-reset']);
    expect(h.server.apiRequests('GET')).toHaveLength(3);
  });

  it('retries an attempt that timed out (non-creating call)', async () => {
    h = await harness({ attemptTimeoutMs: 150 });
    h.server.enqueue('PUT', '/api/roles/r1/scopes', { hang: true });
    h.server.route('PUT', '/api/roles/r1/scopes', { status: 204 });
    expect(await h.client.put('/roles/r1/scopes', { scopeIds: [] })).toBeUndefined();
    expect(h.server.apiRequests('PUT')).toHaveLength(2);
  });

  it.each([400, 404, 409, 422])(
    'never retries %i (a 500 is retried only for requests safe to repeat: below)',
    async (status) => {
      h = await harness();
      h.server.route('POST', '/api/roles', { status, json: { code: 'some.code', message: `status ${status}` } });
      h.server.route('PATCH', '/api/roles/x', { status, json: { code: 'some.code', message: `status ${status}` } });
      const post = await h.client.post('/roles', { name: 'x' }).catch((e: unknown) => e);
      const patch = await h.client.patch('/roles/x', { name: 'x' }).catch((e: unknown) => e);
      expect(post).toBeInstanceOf(LogtoApiError);
      expect(patch).toBeInstanceOf(LogtoApiError);
      expect((patch as LogtoApiError).status).toBe(status);
      expect(h.server.apiRequests()).toHaveLength(2);
      expect(h.client.stats().retries).toBe(0);
    },
  );

  it('a creating POST whose response was lost → LostResponseError and no second POST', async () => {
    h = await harness();
    h.server.enqueue('POST', '/api/roles', { reset: 'rst' });
    h.server.route('POST', '/api/roles', { status: 200, json: { id: 'dup' } });
    const err = await h.client.post('/roles', { name: 'admins' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LostResponseError);
    expect((err as LostResponseError).method).toBe('POST');
    expect((err as LostResponseError).path).toBe('/api/roles');
    expect((err as Error).message).toMatch(/natural key/);
    expect(h.server.apiRequests('POST')).toHaveLength(1);
  });

  it('a creating POST that timed out or got a gateway 502/504 → LostResponseError, not retried', async () => {
    h = await harness({ attemptTimeoutMs: 150 });
    h.server.enqueue('POST', '/api/resources', { hang: true }, { status: 502, text: 'Bad Gateway' }, { status: 504 });
    h.server.route('POST', '/api/resources', { status: 201, json: { id: 'x' } });
    for (let i = 0; i < 3; i++) {
      await expect(h.client.post('/resources', { name: 'r', indicator: 'https://r' })).rejects.toBeInstanceOf(
        LostResponseError,
      );
    }
    expect(h.server.apiRequests('POST')).toHaveLength(3);
  });

  it('a creating POST that got a clean 429/503 is retried: nothing was committed', async () => {
    h = await harness();
    h.server.enqueue('POST', '/api/roles', tooMany, { status: 503, text: 'Service Unavailable' });
    h.server.route('POST', '/api/roles', { status: 200, json: { id: 'new' } });
    expect(await h.client.post('/roles', { name: 'n' })).toEqual({ id: 'new' });
    expect(h.server.apiRequests('POST')).toHaveLength(3);
  });

  it('a POST marked createsObject: false is retried after a reset (idempotent relation add)', async () => {
    h = await harness();
    h.server.enqueue('POST', '/api/organizations/o1/applications', { reset: 'rst' });
    h.server.route('POST', '/api/organizations/o1/applications', { status: 201, text: 'Created' });
    const res = await h.client.post(
      '/organizations/o1/applications',
      { applicationIds: ['a'] },
      { createsObject: false },
    );
    expect(res).toBe('Created');
    expect(h.server.apiRequests('POST')).toHaveLength(2);
  });

  it('a refused connection is retried, then reported as LogtoNetworkError (even for a POST: nothing was sent)', async () => {
    h = await harness({ maxRetries: 2 });
    const url = h.server.url;
    await h.server.close();
    const client = h.extra({ endpoint: url });
    const err = await client.post('/roles', { name: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogtoNetworkError);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
    expect((err as Error).message).toMatch(/after 3 attempts/);
  });

  it('honours the caller’s abort signal', async () => {
    h = await harness();
    h.server.route('GET', '/api/slow', { hang: true });
    const ac = new AbortController();
    const p = h.client.request('GET', '/slow', { signal: ac.signal }).catch((e: unknown) => e);
    // Abort only once the server holds the request (bounded wait), so the abort hits an in-flight call.
    for (let i = 0; i < 500 && h.server.apiRequests('GET', '/api/slow').length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(h.server.apiRequests('GET', '/api/slow')).toHaveLength(1);
    ac.abort(new Error('stop'));
    const err = await p;
    expect((err as Error).message).toBe('stop');
    expect(h.server.apiRequests('GET', '/api/slow')).toHaveLength(1);
  });

  it('enforces the overall call deadline', async () => {
    h = await harness({ callTimeoutMs: 300, attemptTimeoutMs: 10_000 });
    h.server.route('GET', '/api/slow', { hang: true });
    const err = await h.client.get('/slow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogtoNetworkError);
    expect((err as Error).message).toMatch(/deadline/);
  });
});
