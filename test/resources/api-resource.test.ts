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

interface ResourceRow {
  id: string;
  name: string;
  indicator: string;
  isDefault: boolean;
  accessTokenTtl: number;
}

describe('ApiResource', () => {
  it('all fields: apply to an empty tenant, then plan shows zero changes', async () => {
    const desired: DesiredObject[] = [
      {
        address: 'ApiResource.all',
        kind: 'ApiResource',
        spec: {
          name: `${t.prefix}all`,
          indicator: `https://${t.prefix}all.example.com`,
          accessTokenTtl: 7200,
          isDefault: false,
        },
      },
    ];
    const { state } = await converge(t, desired);
    await expectClean(t, desired, state);
    await expectClean(t, desired); // adopted by indicator without prior state
  });

  it('required fields only', async () => {
    const desired: DesiredObject[] = [
      {
        address: 'ApiResource.min',
        kind: 'ApiResource',
        spec: { name: `${t.prefix}min`, indicator: `https://${t.prefix}min.example.com` },
      },
    ];
    const { state } = await converge(t, desired);
    await expectClean(t, desired, state);
  });

  it('drift on exactly the changed field; apply restores it', async () => {
    const desired: DesiredObject[] = [
      {
        address: 'ApiResource.d',
        kind: 'ApiResource',
        spec: { name: `${t.prefix}d`, indicator: `https://${t.prefix}d.example.com`, accessTokenTtl: 1800 },
      },
    ];
    const { state } = await converge(t, desired);
    const id = state.objects['ApiResource.d']!.id;
    await t.client.patch(`/resources/${id}`, { accessTokenTtl: 60 });
    const plan = await planTenant(desired, { client: t.client, prior: state });
    expect(plan.drift).toEqual([
      { address: 'ApiResource.d', kind: 'ApiResource', id, field: 'accessTokenTtl', expected: 1800, live: 60 },
    ]);
    const result = await applyPlan(plan, { client: t.client, desired, prior: state });
    expect(result.summary.updated).toBe(1);
    await expectClean(t, desired, result.state);
  });

  it('isDefault is set through its own endpoint', async () => {
    const desired: DesiredObject[] = [
      {
        address: 'ApiResource.def',
        kind: 'ApiResource',
        spec: { name: `${t.prefix}def`, indicator: `https://${t.prefix}def.example.com`, isDefault: true },
      },
    ];
    const { state } = await converge(t, desired);
    expect((await t.client.get<ResourceRow>(`/resources/${state.objects['ApiResource.def']!.id}`)).isDefault).toBe(
      true,
    );
    await expectClean(t, desired, state);
  });

  it('changing the indicator replaces the resource, its scopes and the role links to them', async () => {
    const p = `${t.prefix}repl-`;
    const make = (indicator: string): DesiredObject[] => [
      { address: 'ApiResource.api', kind: 'ApiResource', spec: { name: `${p}api`, indicator } },
      {
        address: 'ApiResourceScope.read',
        kind: 'ApiResourceScope',
        spec: { resourceId: ref('ApiResource.api'), name: 'read' },
      },
      {
        address: 'Role.reader',
        kind: 'Role',
        spec: { name: `${p}reader`, description: 'd', scopeIds: [ref('ApiResourceScope.read')] },
      },
    ];
    const { state } = await converge(t, make(`https://${p}v1.example.com`));
    const oldResource = state.objects['ApiResource.api']!.id;
    const roleId = state.objects['Role.reader']!.id;
    const desired = make(`https://${p}v2.example.com`);
    const plan = await planTenant(desired, { client: t.client, prior: state });
    expect(plan.changes.map((c) => [c.address, c.action])).toEqual([
      ['ApiResource.api', 'replace'],
      ['ApiResourceScope.read', 'replace'],
      ['Role.reader', 'update'],
    ]);
    const result = await applyPlan(plan, { client: t.client, desired, prior: state });
    expect(result.summary).toMatchObject({ replaced: 2, updated: 1, failed: 0 });
    expect(result.state.objects['Role.reader']!.id).toBe(roleId);
    const resources = await rows<ResourceRow>(t, '/resources');
    expect(resources.some((r) => r.id === oldResource)).toBe(false);
    const scopes = await rows<{ id: string; resourceId: string }>(t, `/roles/${roleId}/scopes`);
    expect(scopes.map((s) => s.id)).toEqual([result.state.objects['ApiResourceScope.read']!.id]);
    await expectClean(t, desired, result.state);
  });

  it('a reserved indicator is rejected before any write', async () => {
    const error = await expectRefusedBeforeWrites(t, [
      {
        address: 'ApiResource.bad',
        kind: 'ApiResource',
        spec: { name: 'x', indicator: 'https://acme.logto.app/api' },
      },
    ]);
    expect(error.message).toMatch(/ApiResource\.bad field "indicator".*reserved/);
  });

  it('two desired default resources are refused before any write (Logto keeps one default)', async () => {
    const desired: DesiredObject[] = ['a', 'b'].map((x) => ({
      address: `ApiResource.${x}`,
      kind: 'ApiResource',
      spec: { name: x, indicator: `https://${t.prefix}${x}.example.com`, isDefault: true },
    }));
    const error = await expectRefusedBeforeWrites(t, desired);
    expect(error.issues).toEqual([
      { address: 'ApiResource.b', field: 'isDefault', message: expect.stringMatching(/ApiResource\.a is the default/) },
    ]);
  });

  itEmulator('a lost create response is resolved by indicator', async () => {
    const desired: DesiredObject[] = [
      {
        address: 'ApiResource.lost',
        kind: 'ApiResource',
        spec: { name: `${t.prefix}lost`, indicator: `https://${t.prefix}lost.example.com` },
      },
    ];
    const { result } = await convergeDroppingPost(t, '/resources', desired);
    expect(result.results[0]!.note).toMatch(/lost.*key/);
    expect((await rows<ResourceRow>(t, '/resources')).filter((r) => r.name === `${t.prefix}lost`)).toHaveLength(1);
  });

  it('prune lists unmanaged resources but never the Management API', async () => {
    const plan = await planTenant([], { client: t.client, allowDelete: ['ApiResource'] });
    const deleted = plan.changes.filter((c) => c.action === 'delete').map((c) => c.id);
    expect(deleted.length).toBeGreaterThan(0);
    expect(deleted).not.toContain('management-api');
    expect(pending(plan).every((c) => c.action === 'delete')).toBe(true);
  });
});
