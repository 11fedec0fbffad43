import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, type PriorState, planTenant } from '../../index.js';
import { converge, expectClean, itEmulator } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import {
  convergeDroppingPost,
  expectConverges,
  expectDriftRestored,
  expectNoCanary,
  expectRefusedBeforeWrites,
} from './cases.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

const HEADER_CANARY = 'Bearer canary-hook-header-81c3aa';
const HEADER_CANARY_2 = 'Bearer canary-hook-header-rotated-0d4e';

const hook = (tag: string, spec: Record<string, unknown>): DesiredObject => ({
  address: 'Hook.events',
  kind: 'Hook',
  spec: { name: `${t.prefix}${tag}`, events: ['User.Created'], url: 'https://hooks.example.com/logto', ...spec },
});
const id = (state: PriorState) => state.objects['Hook.events']!.id;

interface LiveHook {
  config: { url: string; headers?: Record<string, string>; retries?: number };
  signingKey: string;
  enabled: boolean;
}

describe('Hook', () => {
  it('converges with only the required fields', async () => {
    await expectConverges(t, [hook('bare', {})]);
  });

  it('converges with all fields; neither headers nor the signing key appear in plans or state', async () => {
    const all = hook('all', {
      events: ['PostSignIn', 'User.Created', 'Organization.Membership.Updated'],
      url: 'https://hooks.example.com/all',
      headers: { Authorization: HEADER_CANARY, 'X-Tenant': 'acme' },
      enabled: false,
    });
    expectNoCanary(await planTenant([all], { client: t.client }), [HEADER_CANARY]);
    const state = await expectConverges(t, [all]);
    const live = await t.client.get<LiveHook>(`/hooks/${id(state)}`);
    expect(live.config.headers?.Authorization).toBe(HEADER_CANARY);
    expect(live.enabled).toBe(false);
    expect(live.signingKey).toMatch(/^\w{16,}$/);

    const plan = await planTenant([all], { client: t.client, prior: state });
    expectNoCanary(plan, [HEADER_CANARY, live.signingKey]);
    expect(JSON.stringify(state)).not.toContain(HEADER_CANARY);
    expect(JSON.stringify(state)).not.toContain(live.signingKey);
  });

  it('restores a url changed out of band and keeps config keys it does not manage', async () => {
    const desired = [hook('url', { headers: { Authorization: HEADER_CANARY } })];
    const { state } = await converge(t, desired);
    await expectDriftRestored(t, desired, state, 'Hook.events', 'url', () =>
      t.client.patch(`/hooks/${id(state)}`, {
        config: { url: 'https://elsewhere.example.com', headers: { Authorization: HEADER_CANARY }, retries: 3 },
      }),
    );
    const live = await t.client.get<LiveHook>(`/hooks/${id(state)}`);
    expect(live.config).toEqual({
      url: 'https://hooks.example.com/logto',
      headers: { Authorization: HEADER_CANARY },
      retries: 3,
    });
  });

  it('shows changed headers as redacted drift and restores them without touching the url', async () => {
    const desired = [hook('headers', { headers: { Authorization: HEADER_CANARY } })];
    const { state } = await converge(t, desired);
    await t.client.patch(`/hooks/${id(state)}`, {
      config: { url: 'https://hooks.example.com/logto', headers: { Authorization: HEADER_CANARY_2 } },
    });
    const plan = await planTenant(desired, { client: t.client, prior: state });
    expect(plan.drift).toEqual([expect.objectContaining({ field: 'headers', sensitive: true })]);
    expectNoCanary(plan, [HEADER_CANARY, HEADER_CANARY_2]);
    const { state: next } = await converge(t, desired, state);
    await expectClean(t, desired, next);
    expect((await t.client.get<LiveHook>(`/hooks/${id(state)}`)).config.headers).toEqual({
      Authorization: HEADER_CANARY,
    });
  });

  it('restores events changed out of band, treating them as a set', async () => {
    const desired = [hook('events', { events: ['User.Created', 'User.Deleted'] })];
    const { state } = await converge(t, desired);
    await expectClean(t, [hook('events', { events: ['User.Deleted', 'User.Created'] })], state);
    await expectDriftRestored(t, desired, state, 'Hook.events', 'events', () =>
      t.client.patch(`/hooks/${id(state)}`, { events: ['User.Created'] }),
    );
  });

  it('deletes a dropped hook only when deletion of hooks is allowed', async () => {
    const { state } = await converge(t, [hook('prune', {})]);
    const hookId = id(state);
    const keep = await planTenant([], { client: t.client, prior: state });
    expect(keep.changes).toEqual([]);
    const prune = await planTenant([], { client: t.client, prior: state, allowDelete: ['Hook'] });
    expect(prune.changes.find((c) => c.id === hookId)).toMatchObject({ action: 'delete', address: 'Hook.events' });
    const onlyOurs = { ...prune, changes: prune.changes.filter((c) => c.id === hookId) };
    await applyPlan(onlyOurs, { client: t.client, desired: [], prior: state });
    expect((await t.client.list<{ id: string }>('/hooks')).some((h) => h.id === hookId)).toBe(false);
  });

  itEmulator('resolves a lost create response without a duplicate (no natural key)', async () => {
    t.emulator!.resetStats();
    const { state } = await convergeDroppingPost(t, '/hooks', [hook('lost', {})]);
    expect(t.emulator!.stats().faultsInjected).toBe(1);
    const rows = (await t.client.list<{ id: string; name: string }>('/hooks')).filter(
      (h) => h.name === `${t.prefix}lost`,
    );
    expect(rows.map((r) => r.id)).toEqual([id(state)]);
    await expectClean(t, [hook('lost', {})], state);
  });
  it('rejects no events, an unknown event and a bad url before any write', async () => {
    const check = async (spec: Record<string, unknown>, field: string) => {
      const error = await expectRefusedBeforeWrites(t, [hook('bad', spec)]);
      expect(error.issues.map((i) => `${i.address}:${i.field}`)).toEqual([`Hook.events:${field}`]);
    };
    await check({ events: [] }, 'events');
    await check({ events: ['User.Exploded'] }, 'events.0');
    await check({ url: 'not a url' }, 'url');
  });
});
