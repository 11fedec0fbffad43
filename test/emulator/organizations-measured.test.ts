/**
 * Organization behaviours measured on Logto 1.42 that Logto's own tests check: featured members on the list and
 * the membership check of app roles. Runs against the emulator, or a real Logto when LOGTO_E2E_* are set (names
 * carry the run prefix; everything created is deleted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../conformance/wire.js';
import { startTarget, type Target } from '../support/target.js';
import { connectTarget } from './route-client.js';

let target: Target;
let api: Api;
const created = { orgs: [] as string[], users: [] as string[], apps: [] as string[] };

beforeAll(async () => {
  target = await startTarget();
  api = await connectTarget(target);
});
afterAll(async () => {
  for (const id of created.users) await api?.call('DELETE', `/users/${id}`);
  for (const id of created.orgs) await api?.call('DELETE', `/organizations/${id}`);
  for (const id of created.apps) await api?.call('DELETE', `/applications/${id}`);
  await target?.cleanup();
});

const make = async (kind: keyof typeof created, path: string, body: unknown) => {
  const r = await api.call('POST', path, body);
  expect(r.status, r.text).toBeLessThan(300);
  const id = (r.json as { id: string }).id;
  created[kind].push(id);
  return id;
};

describe('organizations', () => {
  it('showFeatured (any yes-word) adds usersCount and the first three members (id, avatar, name)', async () => {
    const p = target.prefix;
    const busy = await make('orgs', '/organizations', { name: `${p}-busy` });
    const empty = await make('orgs', '/organizations', { name: `${p}-empty` });
    const users: string[] = [];
    for (let i = 0; i < 5; i++) users.push(await make('users', '/users', { name: `${p}-member${i}` }));
    expect((await api.call('POST', `/organizations/${busy}/users`, { userIds: users })).status).toBe(201);

    for (const flag of ['1', 'true', 'yes']) {
      const list = await api.call('GET', `/organizations?q=${p}&showFeatured=${flag}`);
      const rows = list.json as Array<Record<string, any>>;
      const busyRow = rows.find((o) => o.id === busy)!;
      expect(busyRow.usersCount).toBe(5);
      expect(busyRow.featuredUsers).toHaveLength(3);
      for (const u of busyRow.featuredUsers) {
        expect(Object.keys(u).sort()).toEqual(['avatar', 'id', 'name']);
        expect(users).toContain(u.id);
        expect(u.name).toMatch(new RegExp(`^${p}-member`));
      }
      expect(rows.find((o) => o.id === empty)).toMatchObject({ usersCount: 0, featuredUsers: [] });
    }
    const plain = (await api.call('GET', `/organizations?q=${p}&showFeatured=0`)).json as Array<Record<string, any>>;
    expect(plain.find((o) => o.id === busy)).not.toHaveProperty('usersCount');
  });

  it('app roles of an app outside the organization are 422 require_membership on every method, body or not', async () => {
    const p = target.prefix;
    const org = await make('orgs', '/organizations', { name: `${p}-roles` });
    const app = await make('apps', '/applications', { name: `${p}-m2m`, type: 'MachineToMachine' });
    const path = `/organizations/${org}/applications/${app}/roles`;
    const requireMembership = {
      code: 'organization.require_membership',
      message: 'The user must be a member of the organization to proceed.',
    };
    for (const [method, url, body] of [
      ['GET', path, undefined],
      ['POST', path, {}],
      ['PUT', path, { organizationRoleIds: ['x'] }],
      ['DELETE', `${path}/x`, undefined],
      ['DELETE', '/organizations/0/applications/0/roles/0', undefined],
    ] as const) {
      const r = await api.call(method, url, body);
      expect([method, url, r.status, r.json]).toEqual([method, url, 422, requireMembership]);
    }
  });
});
