/**
 * `/applications/:id/users/:userId/consent-organizations`: the organizations a user consented a third-party app
 * to reach. Runs against the emulator, or a real Logto when LOGTO_E2E_* are set (names carry the run prefix;
 * everything created is deleted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../conformance/wire.js';
import { startTarget, type Target } from '../support/target.js';
import { connectTarget } from './route-client.js';

let target: Target;
let api: Api;
const ids = { firstParty: '', thirdParty: '', member: '', outsider: '', orgA: '', orgB: '' };

beforeAll(async () => {
  target = await startTarget();
  api = await connectTarget(target);
  const p = target.prefix;
  const create = async (path: string, body: unknown) => {
    const r = await api.call('POST', path, body);
    expect(r.status, `${path}: ${r.text}`).toBeLessThan(300);
    return (r.json as { id: string }).id;
  };
  ids.firstParty = await create('/applications', { name: `${p}-spa`, type: 'SPA' });
  ids.thirdParty = await create('/applications', { name: `${p}-3p`, type: 'Traditional', isThirdParty: true });
  ids.member = await create('/users', { name: `${p}-member`, username: `${p}member` });
  ids.outsider = await create('/users', { name: `${p}-outsider`, username: `${p}outsider` });
  ids.orgA = await create('/organizations', { name: `${p}-a` });
  ids.orgB = await create('/organizations', { name: `${p}-b` });
  await api.call('POST', `/organizations/${ids.orgA}/users`, { userIds: [ids.member] });
  await api.call('POST', `/organizations/${ids.orgB}/users`, { userIds: [ids.member, ids.outsider] });
});

afterAll(async () => {
  for (const id of [ids.member, ids.outsider]) if (id) await api?.call('DELETE', `/users/${id}`);
  await target?.cleanup();
});

const path = (app: string, user: string) => `/applications/${app}/users/${user}/consent-organizations`;

describe('consent organizations', () => {
  it('checks the app and the user before the body: unknown app 404, unknown user 404, first-party app 422', async () => {
    const noApp = await api.call('POST', path('no-such-app', ids.member), { organizationIds: [] });
    expect([noApp.status, (noApp.json as { code: string }).code]).toEqual([404, 'entity.not_exists_with_id']);
    const noUser = await api.call('POST', path(ids.thirdParty, 'no-such-user'), { organizationIds: [] });
    expect([noUser.status, (noUser.json as { code: string }).code]).toEqual([404, 'entity.not_found']);
    for (const method of ['GET', 'PUT', 'POST']) {
      const first = await api.call(method, path(ids.firstParty, ids.member), method === 'GET' ? undefined : {});
      expect([first.status, (first.json as { code: string }).code]).toEqual([
        422,
        'application.third_party_application_only',
      ]);
    }
    const del = await api.call('DELETE', `${path(ids.firstParty, ids.member)}/${ids.orgA}`);
    expect(del.status).toBe(422);
  });

  it('POST needs at least one organization, each one the user belongs to', async () => {
    const empty = await api.call('POST', path(ids.thirdParty, ids.member), { organizationIds: [] });
    expect([empty.status, (empty.json as { code: string }).code]).toEqual([400, 'guard.invalid_input']);
    const outside = await api.call('POST', path(ids.thirdParty, ids.outsider), { organizationIds: [ids.orgA] });
    expect([outside.status, (outside.json as { code: string }).code]).toEqual([422, 'organization.require_membership']);
    const put = await api.call('PUT', path(ids.thirdParty, ids.outsider), { organizationIds: [ids.orgA, ids.orgB] });
    expect(put.status).toBe(422);
  });

  it('adds (201 Created, again is no error), lists the organizations paginated, replaces and deletes one', async () => {
    const url = path(ids.thirdParty, ids.member);
    const added = await api.call('POST', url, { organizationIds: [ids.orgA, ids.orgB] });
    expect([added.status, added.text]).toEqual([201, 'Created']);
    expect((await api.call('POST', url, { organizationIds: [ids.orgA] })).status).toBe(201);
    const listed = await api.call('GET', url);
    expect(listed.status).toBe(200);
    expect(listed.headers.get('total-number')).toBe('2');
    const orgs = (listed.json as { organizations: Array<{ id: string; name: string }> }).organizations;
    expect(orgs.map((o) => o.id).sort()).toEqual([ids.orgA, ids.orgB].sort());
    const orgA = await api.call('GET', `/organizations/${ids.orgA}`);
    expect(orgs.find((o) => o.id === ids.orgA)).toEqual(orgA.json);
    // Another user's consents are their own.
    const other = await api.call('GET', path(ids.thirdParty, ids.outsider));
    expect(other.json).toEqual({ organizations: [] });

    expect((await api.call('PUT', url, { organizationIds: [ids.orgB] })).status).toBe(204);
    const afterPut = await api.call('GET', url);
    expect((afterPut.json as { organizations: Array<{ id: string }> }).organizations.map((o) => o.id)).toEqual([
      ids.orgB,
    ]);
    expect((await api.call('DELETE', `${url}/${ids.orgB}`)).status).toBe(204);
    const again = await api.call('DELETE', `${url}/${ids.orgB}`);
    expect([again.status, (again.json as { code: string }).code]).toEqual([404, 'entity.not_found']);
    expect((await api.call('GET', url)).json).toEqual({ organizations: [] });
  });

  it('a consent ends with the membership it rests on', async () => {
    const url = path(ids.thirdParty, ids.outsider);
    expect((await api.call('PUT', url, { organizationIds: [ids.orgB] })).status).toBe(204);
    expect((await api.call('DELETE', `/organizations/${ids.orgB}/users/${ids.outsider}`)).status).toBe(204);
    expect((await api.call('GET', url)).json).toEqual({ organizations: [] });
  });
});
