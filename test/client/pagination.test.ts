import { afterEach, describe, expect, it } from 'vitest';
import { LogtoApiError } from '../../core/client/index.js';
import { type Harness, harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.done();
  h = undefined;
});

const rows = (n: number, prefix = 'id') =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, name: `n${i}` }));

describe('list (pagination)', () => {
  it('reads 250 rows of an "always" route in three pages of 100', async () => {
    h = await harness();
    h.server.collection('/api/roles', rows(250), 'always');
    const all = await h.client.list<{ id: string }>('/roles');
    expect(all).toHaveLength(250);
    expect(new Set(all.map((r) => r.id)).size).toBe(250);
    const pages = h.server.apiRequests('GET', '/api/roles');
    expect(pages.map((r) => `${r.query.get('page')}/${r.query.get('page_size')}`)).toEqual(['1/100', '2/100', '3/100']);
  });

  it('reads 250 rows of an "optional" route (paging switched on by page_size)', async () => {
    h = await harness();
    h.server.collection('/api/applications', rows(250, 'app'), 'optional');
    const all = await h.client.list('/applications', { types: ['MachineToMachine', 'SPA'] });
    expect(all).toHaveLength(250);
    const [first] = h.server.apiRequests('GET', '/api/applications');
    expect(first?.query.getAll('types')).toEqual(['MachineToMachine', 'SPA']);
    expect(h.server.apiRequests('GET', '/api/applications')).toHaveLength(3);
  });

  it('reads a route that ignores paging in one request (no Total-Number → the whole list)', async () => {
    h = await harness();
    h.server.collection('/api/custom-phrases', rows(250, 'ph'), 'none');
    expect(await h.client.list('/custom-phrases')).toHaveLength(250);
    expect(h.server.apiRequests('GET', '/api/custom-phrases')).toHaveLength(1);
  });

  it('stops at an exact multiple of the page size using Total-Number, and handles an empty list', async () => {
    h = await harness();
    h.server.collection('/api/organizations', rows(200, 'org'), 'always');
    h.server.collection('/api/organization-roles', [], 'always');
    expect(await h.client.list('/organizations')).toHaveLength(200);
    expect(h.server.apiRequests('GET', '/api/organizations')).toHaveLength(2);
    expect(await h.client.list('/organization-roles')).toEqual([]);
    expect(h.server.apiRequests('GET', '/api/organization-roles')).toHaveLength(1);
  });

  it('does not follow Link headers (their URLs lack /api)', async () => {
    h = await harness();
    h.server.collection('/api/roles', rows(150), 'always');
    await h.client.list('/roles');
    expect(h.server.requests.filter((r) => r.path === '/roles')).toHaveLength(0);
  });

  it('keeps a row once when the list shifts between pages', async () => {
    h = await harness();
    const data = rows(150);
    h.server.route('GET', '/api/roles', (req) => {
      const page = Number(req.query.get('page'));
      // page 2 starts one row early, as if a row had been inserted at the front meanwhile
      const slice = page === 1 ? data.slice(0, 100) : data.slice(99, 150);
      return { status: 200, json: slice, headers: { 'total-number': '150' } };
    });
    const all = await h.client.list<{ id: string }>('/roles');
    expect(all.map((r) => r.id)).toEqual(data.map((r) => r.id));
  });

  it('reports a server refusing the paging parameters', async () => {
    h = await harness();
    h.server.route('GET', '/api/roles', {
      status: 400,
      json: { code: 'guard.invalid_pagination', message: 'The pagination value is not valid.' },
    });
    const err = await h.client.list('/roles').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogtoApiError);
    expect((err as LogtoApiError).code).toBe('guard.invalid_pagination');
  });

  it('refuses a list route answering with something other than an array', async () => {
    h = await harness();
    h.server.route('GET', '/api/sign-in-exp', { status: 200, json: { id: 'default' } });
    await expect(h.client.list('/sign-in-exp')).rejects.toThrow(/expected a JSON array/);
  });
});
