import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, readObject } from '../../core/reconcile/objects.js';
import { applyPlan, type DesiredObject, planTenant } from '../../index.js';
import { ApplicationSecret } from '../../resources/application-secret.js';
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

const app = (p: string): DesiredObject => ({
  address: 'Application.m2m',
  kind: 'Application',
  spec: { name: `${p}m2m`, type: 'MachineToMachine' },
});
const DAY = 86_400_000;

describe('ApplicationSecret', () => {
  it('all fields and required fields: apply, plan zero; the value is an output and never in a plan', async () => {
    const p = `${t.prefix}all-`;
    const expiresAt = Date.now() + 30 * DAY;
    const desired: DesiredObject[] = [
      app(p),
      {
        address: 'ApplicationSecret.full',
        kind: 'ApplicationSecret',
        spec: { applicationId: ref('Application.m2m'), name: 'ci', expiresAt },
      },
      {
        address: 'ApplicationSecret.min',
        kind: 'ApplicationSecret',
        spec: { applicationId: ref('Application.m2m'), name: 'deploy' },
      },
    ];
    const { state, plan: first } = await converge(t, desired);
    const appId = state.objects['Application.m2m']!.id;
    expect(state.objects['ApplicationSecret.full']!.id).toBe(`${appId}/ci`);
    const plan = await expectClean(t, desired, state);
    const secrets = await rows<{ name: string; value: string }>(t, `/applications/${appId}/secrets`);
    expect(secrets.map((s) => s.name).sort()).toEqual(['Default secret', 'ci', 'deploy']);
    for (const s of secrets) {
      expect(JSON.stringify(plan)).not.toContain(s.value);
      expect(JSON.stringify(first)).not.toContain(s.value);
      expect(JSON.stringify(state)).not.toContain(s.value);
    }
    const live = await readObject(createContext(t.client), ApplicationSecret, `${appId}/ci`);
    expect(live?.outputs.value).toBe(secrets.find((s) => s.name === 'ci')!.value);
    expect(live?.outputs.expiresAt).toBe(expiresAt);
  });

  it('a secret deleted out of band shows as drift and is created again', async () => {
    const p = `${t.prefix}d-`;
    const desired: DesiredObject[] = [
      app(p),
      {
        address: 'ApplicationSecret.s',
        kind: 'ApplicationSecret',
        spec: { applicationId: ref('Application.m2m'), name: 'ci' },
      },
    ];
    const { state } = await converge(t, desired);
    const appId = state.objects['Application.m2m']!.id;
    await t.client.delete(`/applications/${appId}/secrets/ci`);
    const plan = await planTenant(desired, { client: t.client, prior: state });
    expect(plan.drift).toMatchObject([{ address: 'ApplicationSecret.s', field: '(object)', live: 'deleted' }]);
    expect(pending(plan)).toMatchObject([{ address: 'ApplicationSecret.s', action: 'create' }]);
    const result = await applyPlan(plan, { client: t.client, desired, prior: state });
    await expectClean(t, desired, result.state);
  });

  it('a rename keeps the value; a new expiry replaces the secret', async () => {
    const p = `${t.prefix}r-`;
    const base: DesiredObject[] = [
      app(p),
      {
        address: 'ApplicationSecret.s',
        kind: 'ApplicationSecret',
        spec: { applicationId: ref('Application.m2m'), name: 'one' },
      },
    ];
    const { state } = await converge(t, base);
    const appId = state.objects['Application.m2m']!.id;
    const before = (await rows<{ name: string; value: string }>(t, `/applications/${appId}/secrets`)).find(
      (s) => s.name === 'one',
    )!;
    const renamed: DesiredObject[] = [base[0]!, { ...base[1]!, spec: { ...base[1]!.spec, name: 'two' } }];
    const r1 = await converge(t, renamed, state);
    expect(pending(r1.plan)).toMatchObject([{ action: 'update' }]);
    expect(r1.state.objects['ApplicationSecret.s']!.id).toBe(`${appId}/two`);
    const after = (await rows<{ name: string; value: string }>(t, `/applications/${appId}/secrets`)).find(
      (s) => s.name === 'two',
    )!;
    expect(after.value).toBe(before.value);
    await expectClean(t, renamed, r1.state);

    const expiring: DesiredObject[] = [
      base[0]!,
      { ...renamed[1]!, spec: { ...renamed[1]!.spec, expiresAt: Date.now() + DAY } },
    ];
    const r2 = await converge(t, expiring, r1.state);
    expect(pending(r2.plan)).toMatchObject([{ action: 'replace', reason: expect.stringContaining('expiresAt') }]);
    const replaced = (
      await rows<{ name: string; value: string; expiresAt: number | null }>(t, `/applications/${appId}/secrets`)
    ).filter((s) => s.name === 'two');
    expect(replaced).toHaveLength(1);
    expect(replaced[0]!.expiresAt).not.toBeNull();
    await expectClean(t, expiring, r2.state);
  });

  it('an invalid spec names the object and field, with zero write requests', async () => {
    const error = await expectRefusedBeforeWrites(t, [
      app(`${t.prefix}bad-`),
      {
        address: 'ApplicationSecret.bad',
        kind: 'ApplicationSecret',
        spec: { applicationId: ref('Application.m2m'), name: '' },
      },
    ]);
    expect(error.message).toMatch(/ApplicationSecret\.bad field "name"/);
  });

  it('the "Default secret" Logto seeds on a new app is adopted, or replaced when it needs an expiry', async () => {
    for (const expiresAt of [undefined, Date.now() + 30 * DAY]) {
      const p = `${t.prefix}seeded-${expiresAt ? 'exp' : 'plain'}-`;
      const desired: DesiredObject[] = [
        app(p),
        {
          address: 'ApplicationSecret.default',
          kind: 'ApplicationSecret',
          spec: { applicationId: ref('Application.m2m'), name: 'Default secret', ...(expiresAt ? { expiresAt } : {}) },
        },
      ];
      const { state, result } = await converge(t, desired);
      const note = result.results.find((r) => r.address === 'ApplicationSecret.default')!.note;
      if (expiresAt) expect(note).toBeUndefined();
      else expect(note).toMatch(/Logto created this ApplicationSecret with its parent; adopted it/);
      const appId = state.objects['Application.m2m']!.id;
      const secrets = await rows<{ name: string; expiresAt: number | null }>(t, `/applications/${appId}/secrets`);
      expect(secrets.map((x) => [x.name, x.expiresAt])).toEqual([['Default secret', expiresAt ?? null]]);
      await expectClean(t, desired, state);
    }
  });

  it('an expiry in the past fails with a message naming the field and the fix', async () => {
    const desired: DesiredObject[] = [
      app(`${t.prefix}past-`),
      {
        address: 'ApplicationSecret.old',
        kind: 'ApplicationSecret',
        spec: { applicationId: ref('Application.m2m'), name: 'old', expiresAt: 1_000_000 },
      },
    ];
    const plan = await planTenant(desired, { client: t.client });
    const result = await applyPlan(plan, { client: t.client, desired });
    expect(result.results.find((r) => r.address === 'ApplicationSecret.old')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/expiresAt 1970-01-01T00:16:40\.000Z is not in the future.*set a later expiresAt/),
    });
  });

  it('a secret of a desired SPA or Native app is refused in plan, naming both, before any write', async () => {
    const desired: DesiredObject[] = ['SPA', 'Native'].map((type) => ({
      address: `Application.${type}`,
      kind: 'Application',
      spec: { name: `${t.prefix}nosecret-${type}`, type },
    }));
    for (const type of ['SPA', 'Native']) {
      desired.push({
        address: `ApplicationSecret.${type}`,
        kind: 'ApplicationSecret',
        spec: { applicationId: ref(`Application.${type}`), name: 'ci' },
      });
    }
    const error = await expectRefusedBeforeWrites(t, desired);
    const message = error.message;
    for (const type of ['SPA', 'Native']) {
      expect(message).toMatch(
        new RegExp(
          `ApplicationSecret\\.${type} field "applicationId": refers to "Application\\.${type}".*a ${type} application.*only Traditional and MachineToMachine`,
        ),
      );
    }
  });

  itEmulator('a lost create response is resolved by name, no duplicate', async () => {
    const p = `${t.prefix}lost-`;
    const desired: DesiredObject[] = [
      app(p),
      {
        address: 'ApplicationSecret.s',
        kind: 'ApplicationSecret',
        spec: { applicationId: ref('Application.m2m'), name: 'lost' },
      },
    ];
    const { state, result } = await convergeDroppingPost(t, '/applications/:id/secrets', desired);
    expect(result.results.find((r) => r.address === 'ApplicationSecret.s')!.note).toMatch(/lost/);
    const secrets = await rows<{ name: string }>(t, `/applications/${state.objects['Application.m2m']!.id}/secrets`);
    expect(secrets.filter((s) => s.name === 'lost')).toHaveLength(1);
  });
});
