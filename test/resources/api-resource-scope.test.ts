import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, planTenant } from '../../index.js';
import { converge, expectClean, itEmulator, pending, ref, rows } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { convergeDroppingPost, expectRefusedBeforeWrites } from './cases.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

const api = (p: string): DesiredObject => ({
  address: 'ApiResource.api',
  kind: 'ApiResource',
  spec: { name: `${p}api`, indicator: `https://${p}api.example.com` },
});

describe('ApiResourceScope', () => {
  it('all fields and required fields: apply, then plan shows zero changes (list reads, not per-object GETs)', async () => {
    const p = `${t.prefix}all-`;
    const desired: DesiredObject[] = [
      api(p),
      {
        address: 'ApiResourceScope.full',
        kind: 'ApiResourceScope',
        spec: { resourceId: ref('ApiResource.api'), name: 'read:all', description: 'Read all' },
      },
      ...Array.from({ length: 5 }, (_, i) => ({
        address: `ApiResourceScope.s${i}`,
        kind: 'ApiResourceScope',
        spec: { resourceId: ref('ApiResource.api'), name: `scope${i}` },
      })),
    ];
    const { state } = await converge(t, desired);
    t.emulator?.resetStats();
    await expectClean(t, desired, state);
    if (t.emulator) {
      const reads = t.emulator.stats().byRoute;
      expect(reads['GET /resources']).toBe(1);
      expect(reads['GET /resources/:id']).toBeUndefined();
      expect(reads['GET /resources/:resourceId/scopes']).toBeUndefined();
    }
  });

  it('drift on the description; a rename is an update, not a replacement', async () => {
    const p = `${t.prefix}d-`;
    const desired: DesiredObject[] = [
      api(p),
      {
        address: 'ApiResourceScope.s',
        kind: 'ApiResourceScope',
        spec: { resourceId: ref('ApiResource.api'), name: 'read', description: 'Original' },
      },
    ];
    const { state } = await converge(t, desired);
    const rid = state.objects['ApiResource.api']!.id;
    const sid = state.objects['ApiResourceScope.s']!.id;
    await t.client.patch(`/resources/${rid}/scopes/${sid}`, { description: 'hand edit' });
    const plan = await planTenant(desired, { client: t.client, prior: state });
    expect(plan.drift).toEqual([
      {
        address: 'ApiResourceScope.s',
        kind: 'ApiResourceScope',
        id: sid,
        field: 'description',
        expected: 'Original',
        live: 'hand edit',
      },
    ]);
    const fixed = await applyPlan(plan, { client: t.client, desired, prior: state });
    await expectClean(t, desired, fixed.state);

    const renamed: DesiredObject[] = [desired[0]!, { ...desired[1]!, spec: { ...desired[1]!.spec, name: 'read:v2' } }];
    const rename = await converge(t, renamed, fixed.state);
    expect(pending(rename.plan)).toMatchObject([{ address: 'ApiResourceScope.s', action: 'update', id: sid }]);
    await expectClean(t, renamed, rename.state);
  });

  it('a scope name with a space is rejected before any write', async () => {
    const error = await expectRefusedBeforeWrites(t, [
      api(`${t.prefix}bad-`),
      {
        address: 'ApiResourceScope.bad',
        kind: 'ApiResourceScope',
        spec: { resourceId: ref('ApiResource.api'), name: 'read all' },
      },
    ]);
    expect(error.message).toMatch(/ApiResourceScope\.bad field "name"/);
  });

  itEmulator('a lost create response is resolved by resource + name', async () => {
    const p = `${t.prefix}lost-`;
    const desired: DesiredObject[] = [
      api(p),
      {
        address: 'ApiResourceScope.s',
        kind: 'ApiResourceScope',
        spec: { resourceId: ref('ApiResource.api'), name: 'lost' },
      },
    ];
    const { state, result } = await convergeDroppingPost(t, '/resources/:resourceId/scopes', desired);
    expect(result.results.find((r) => r.address === 'ApiResourceScope.s')!.note).toMatch(/lost/);
    expect(await rows(t, `/resources/${state.objects['ApiResource.api']!.id}/scopes`)).toHaveLength(1);
  });

  it('removing a scope from the desired set deletes it only when allowed', async () => {
    const p = `${t.prefix}prune-`;
    const two: DesiredObject[] = [
      api(p),
      {
        address: 'ApiResourceScope.a',
        kind: 'ApiResourceScope',
        spec: { resourceId: ref('ApiResource.api'), name: 'a' },
      },
      {
        address: 'ApiResourceScope.b',
        kind: 'ApiResourceScope',
        spec: { resourceId: ref('ApiResource.api'), name: 'b' },
      },
    ];
    const { state } = await converge(t, two);
    const one = two.slice(0, 2);
    const kept = await planTenant(one, { client: t.client, prior: state });
    expect(kept.changes.filter((c) => c.action === 'delete')).toEqual([]);
    const plan = await planTenant(one, { client: t.client, prior: state, allowDelete: ['ApiResourceScope'] });
    const mine = plan.changes.filter((c) => c.action === 'delete' && c.address === 'ApiResourceScope.b');
    expect(mine).toHaveLength(1);
    const own = {
      ...plan,
      changes: plan.changes.filter((c) => c.action !== 'delete' || c.address === 'ApiResourceScope.b'),
    };
    const result = await applyPlan(own, { client: t.client, desired: one, prior: state });
    expect(result.summary.deleted).toBe(1);
    expect(result.state.objects['ApiResourceScope.b']).toBeUndefined();
    const scopes = await rows<{ name: string }>(t, `/resources/${state.objects['ApiResource.api']!.id}/scopes`);
    expect(scopes.map((s) => s.name)).toEqual(['a']);
  });
});
