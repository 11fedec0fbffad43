import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, planTenant } from '../../index.js';
import { converge, expectClean } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { expectConverges, expectDriftRestored, expectRefusedBeforeWrites } from './cases.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

const scope = (name: string, spec: Record<string, unknown> = {}): DesiredObject => ({
  address: `OrganizationScope.${name}`,
  kind: 'OrganizationScope',
  spec: { name: `${t.prefix}${name}`, ...spec },
});

describe('OrganizationScope', () => {
  it('converges with all fields (a name with spaces) and with only the name', async () => {
    const desired = [scope('read members', { description: 'Read the member list' }), scope('bare')];
    await expectConverges(t, desired);
    // The name is a natural key: without state, the same desired set adopts and plans nothing.
    const plan = await expectClean(t, desired);
    expect(plan.changes.every((c) => c.adopted)).toBe(true);
  });

  it('shows an out-of-band description change as drift and restores it', async () => {
    const desired = [scope('drifty', { description: 'original' })];
    const { state } = await converge(t, desired);
    const id = state.objects['OrganizationScope.drifty']!.id;
    await expectDriftRestored(t, desired, state, 'OrganizationScope.drifty', 'description', () =>
      t.client.patch(`/organization-scopes/${id}`, { description: 'changed by hand' }),
    );
    expect((await t.client.get<{ description: string }>(`/organization-scopes/${id}`)).description).toBe('original');
  });

  it('renames in place when only the name changes (known id)', async () => {
    const { state } = await converge(t, [scope('old')]);
    const id = state.objects['OrganizationScope.old']!.id;
    const renamed: DesiredObject[] = [{ ...scope('old'), spec: { name: `${t.prefix}new` } }];
    const plan = await planTenant(renamed, { client: t.client, prior: state });
    expect(plan.changes[0]).toMatchObject({ action: 'update', id });
    const result = await applyPlan(plan, { client: t.client, desired: renamed, prior: state });
    expect(result.state.objects['OrganizationScope.old']!.id).toBe(id);
  });

  it('deletes an object dropped from the desired set only when deletion is allowed', async () => {
    const { state } = await converge(t, [scope('keep'), scope('gone')]);
    const goneId = state.objects['OrganizationScope.gone']!.id;
    const desired = [scope('keep')];
    const kept = await planTenant(desired, { client: t.client, prior: state });
    expect(kept.changes.some((c) => c.action === 'delete' && c.id === goneId)).toBe(false);
    const pruning = await planTenant(desired, { client: t.client, prior: state, allowDelete: ['OrganizationScope'] });
    expect(pruning.changes.find((c) => c.id === goneId)).toMatchObject({
      action: 'delete',
      address: 'OrganizationScope.gone',
    });
    // On a shared real tenant only this run's objects may be pruned.
    const onlyOurs = { ...pruning, changes: pruning.changes.filter((c) => c.action !== 'delete' || c.id === goneId) };
    await applyPlan(onlyOurs, { client: t.client, desired, prior: state });
    const left = await t.client.list<{ id: string }>('/organization-scopes');
    expect(left.some((r) => r.id === goneId)).toBe(false);
  });

  it('rejects an invalid spec before any write, naming the object and the field', async () => {
    const bad: DesiredObject[] = [
      scope('ok'),
      { address: 'OrganizationScope.long', kind: 'OrganizationScope', spec: { name: 'x'.repeat(129) } },
    ];
    const error = await expectRefusedBeforeWrites(t, bad);
    expect(error.issues).toEqual([expect.objectContaining({ address: 'OrganizationScope.long', field: 'name' })]);
  });
});
