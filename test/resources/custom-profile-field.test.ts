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

type Row = { id: string; name: string; type: string; label: string; description: string | null; config: object };

const field = (name: string, spec: Record<string, unknown>): DesiredObject => ({
  address: `CustomProfileField.${name}`,
  kind: 'CustomProfileField',
  spec: { name: `${t.prefix}${name}`, ...spec },
});
const get = (name: string) => t.client.get<Row>(`/custom-profile-fields/${t.prefix}${name}`);

describe('CustomProfileField', () => {
  it('converges with all fields and with only the required ones, adopting by name', async () => {
    const desired = [
      field('department', {
        type: 'Select',
        label: 'Department',
        description: 'Where you work',
        required: true,
        config: { placeholder: 'Pick one', options: [{ value: 'sales', label: 'Sales' }] },
      }),
      field('nickname', { type: 'Text' }),
    ];
    const state = await expectConverges(t, desired);
    expect(state.objects['CustomProfileField.department']?.id).toBe(`${t.prefix}department`);
    expect(await get('department')).toMatchObject({
      type: 'Select',
      label: 'Department',
      description: 'Where you work',
    });
    // The name is a natural key: without state, the same desired set adopts and plans nothing.
    const plan = await expectClean(t, desired);
    expect(plan.changes.every((c) => c.adopted)).toBe(true);
  });

  it('places fields on the sign-up form by sieOrder (Logto’s batch order endpoint; PUT ignores it)', async () => {
    const desired = [field('first', { type: 'Text', sieOrder: 20 }), field('second', { type: 'Text', sieOrder: 10 })];
    const state = await expectConverges(t, desired);
    const order = async () =>
      Object.fromEntries(
        (await t.client.get<(Row & { sieOrder: number })[]>('/custom-profile-fields'))
          .filter((r) => r.name.startsWith(t.prefix))
          .map((r) => [r.name.slice(t.prefix.length), r.sieOrder]),
      );
    expect(await order()).toMatchObject({ first: 20, second: 10 });
    // Moved together with another change: both land, and nothing is left to do.
    const moved = [field('first', { type: 'Text', sieOrder: 5, label: 'First' }), desired[1]!];
    const plan = await planTenant(moved, { client: t.client, prior: state });
    expect(
      plan.changes
        .find((c) => c.address === 'CustomProfileField.first')!
        .changes.map((c) => c.field)
        .sort(),
    ).toEqual(['label', 'sieOrder']);
    const next = await expectConverges(t, moved, state);
    expect(await order()).toMatchObject({ first: 5, second: 10 });
    await expectDriftRestored(t, moved, next, 'CustomProfileField.second', 'sieOrder', () =>
      t.client.post('/custom-profile-fields/properties/sie-order', {
        order: [{ name: `${t.prefix}second`, sieOrder: 99 }],
      }),
    );
  });

  it('shows an out-of-band label change as drift and restores it with a full replace', async () => {
    const desired = [field('drifty', { type: 'Text', label: 'Original', description: 'kept' })];
    const { state } = await converge(t, desired);
    await expectDriftRestored(t, desired, state, 'CustomProfileField.drifty', 'label', () =>
      t.client.put(`/custom-profile-fields/${t.prefix}drifty`, {
        type: 'Text',
        label: 'Changed by hand',
        description: 'kept',
        required: false,
      }),
    );
    expect(await get('drifty')).toMatchObject({ label: 'Original', description: 'kept' });
  });

  it('changes the type in place, keeping unmanaged values; a new name replaces the field', async () => {
    const { state } = await converge(t, [field('age', { type: 'Text', label: 'Age', description: 'by hand' })]);
    const changed = [field('age', { type: 'Number', label: 'Age' })];
    const plan = await planTenant(changed, { client: t.client, prior: state });
    expect(plan.changes[0]).toMatchObject({ action: 'update' });
    const { state: next } = await converge(t, changed, state);
    expect(await get('age')).toMatchObject({ type: 'Number', label: 'Age' });
    await expectClean(t, changed, next);

    const renamed: DesiredObject[] = [{ ...changed[0]!, spec: { ...changed[0]!.spec, name: `${t.prefix}years` } }];
    const replace = await planTenant(renamed, { client: t.client, prior: next });
    expect(replace.changes[0]).toMatchObject({ action: 'replace' });
    await applyPlan(replace, { client: t.client, desired: renamed, prior: next });
    const names = (await t.client.get<Row[]>('/custom-profile-fields')).map((r) => r.name);
    expect(names).toContain(`${t.prefix}years`);
    expect(names).not.toContain(`${t.prefix}age`);
  });

  it('rejects an invalid spec before any write, naming the object and the field', async () => {
    const bad: DesiredObject[] = [
      field('ok', { type: 'Text' }),
      field('pick', { type: 'Select', label: 'Pick' }),
      field('odd', { type: 'Colour' }),
    ];
    const error = await expectRefusedBeforeWrites(t, bad);
    expect(error.issues).toEqual([
      expect.objectContaining({ address: 'CustomProfileField.pick', field: 'config' }),
      expect.objectContaining({ address: 'CustomProfileField.odd', field: 'type' }),
    ]);
  });

  it('refuses names Logto refuses (letters and digits only; reserved names) before any request', async () => {
    const named = (address: string, name: string): DesiredObject => ({
      address: `CustomProfileField.${address}`,
      kind: 'CustomProfileField',
      spec: { name, type: 'Text' },
    });
    const error = await expectRefusedBeforeWrites(t, [
      named('underscore', 'job_title'),
      named('dash', 'job-title'),
      named('space', 'job title'),
      named('identifier', 'primaryEmail'),
      named('builtin', 'preferredUsername'),
      named('customData', 'adminConsolePreferences'),
      named('digits', '2fa'), // a leading digit is fine
    ]);
    expect(error.issues.map((i) => [i.address, i.field])).toEqual([
      ['CustomProfileField.underscore', 'name'],
      ['CustomProfileField.dash', 'name'],
      ['CustomProfileField.space', 'name'],
      ['CustomProfileField.identifier', 'name'],
      ['CustomProfileField.builtin', 'name'],
      ['CustomProfileField.customData', 'name'],
    ]);
    expect(error.issues[0]?.message).toMatch(/only letters and digits/);
    expect(error.issues[3]?.message).toMatch(/reserved by Logto \(a sign-in identifier\)/);
    // Offline: not even a read was needed to refuse them.
    if (t.emulator) expect(t.emulator.stats().total).toBe(0);
  });
});
