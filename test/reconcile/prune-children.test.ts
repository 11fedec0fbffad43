/**
 * Prune of child kinds (ApiResourceScope, ApplicationSecret, ApplicationRoleAssignment,
 * SamlApplicationCertificate): children are pruned
 * only under parents the desired set manages (known by id or adopted by key), never under another team's API
 * or app, and each delete's `key` names the parent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, type PriorState, planTenant } from '../../index.js';
import { catalog } from '../../resources/index.js';
import { converge, ref, rows } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

/** The prior state without some addresses: those objects look made by hand. */
function without(state: PriorState, ...addresses: string[]): PriorState {
  return { objects: Object.fromEntries(Object.entries(state.objects).filter(([a]) => !addresses.includes(a))) };
}

const deletesOf = <C extends { action: string }>(changes: C[]) => changes.filter((c) => c.action === 'delete');

describe('prune of child kinds', () => {
  it('every kind with a parent is one of the kinds this file covers', () => {
    expect(
      catalog
        .filter((d) => d.parent)
        .map((d) => `${d.kind}→${d.parent!.kind}`)
        .sort(),
    ).toEqual([
      'ApiResourceScope→ApiResource',
      'ApplicationRoleAssignment→Application',
      'ApplicationSecret→Application',
      'SamlApplicationCertificate→SamlApplication',
    ]);
  });

  it('ApiResourceScope: only the managed API loses its extra scope; the other API keeps every scope', async () => {
    const p = t.prefix;
    const acme = `https://${p}api.acme.example/orders`;
    const other = `https://${p}api.example.com/orders`;
    const scope = (api: string, name: string): DesiredObject => ({
      address: `ApiResourceScope.${api}/${name}`,
      kind: 'ApiResourceScope',
      spec: { resourceId: ref(`ApiResource.${api}`), name },
    });
    // Another team's API, with a scope of the same name as ours, applied by another run (its own state).
    const theirs = await converge(t, [
      { address: 'ApiResource.other', kind: 'ApiResource', spec: { name: `${p}other`, indicator: other } },
      scope('other', 'read:orders'),
      scope('other', 'write:orders'),
    ]);
    // Ours, plus a scope that is not in the file (made by hand: not in our state).
    const managed: DesiredObject[] = [
      { address: 'ApiResource.acme', kind: 'ApiResource', spec: { name: `${p}acme`, indicator: acme } },
      scope('acme', 'read:orders'),
    ];
    const ours = await converge(t, [...managed, scope('acme', 'write:orders')]);
    const prior = without(ours.state, 'ApiResourceScope.acme/write:orders');
    const extraId = ours.state.objects['ApiResourceScope.acme/write:orders']!.id;

    // The API known by id (prior state) and adopted by its indicator (no state): the same single delete.
    for (const state of [prior, undefined]) {
      const plan = await planTenant(managed, {
        client: t.client,
        ...(state ? { prior: state } : {}),
        allowDelete: ['ApiResourceScope'],
      });
      expect(deletesOf(plan.changes)).toEqual([
        {
          address: `ApiResourceScope[${extraId}]`,
          kind: 'ApiResourceScope',
          action: 'delete',
          id: extraId,
          key: `${acme}/write:orders`,
          changes: [],
          dependsOn: [],
        },
      ]);
      expect(plan.changes.filter((c) => c.action !== 'delete').every((c) => c.action === 'noop')).toBe(true);
    }

    const plan = await planTenant(managed, { client: t.client, prior, allowDelete: ['ApiResourceScope'] });
    const result = await applyPlan(plan, { client: t.client, desired: managed, prior });
    expect(result.summary).toMatchObject({ deleted: 1, failed: 0 });
    const names = async (id: string) =>
      (await rows<{ name: string }>(t, `/resources/${id}/scopes`)).map((s) => s.name).sort();
    expect(await names(ours.state.objects['ApiResource.acme']!.id)).toEqual(['read:orders']);
    expect(await names(theirs.state.objects['ApiResource.other']!.id)).toEqual(['read:orders', 'write:orders']);
  });

  it('a desired API that is created in this run has no scopes to prune, and other APIs are untouched', async () => {
    const p = t.prefix;
    await converge(t, [
      {
        address: 'ApiResource.other',
        kind: 'ApiResource',
        spec: { name: `${p}new-other`, indicator: `https://${p}new.example.com` },
      },
      {
        address: 'ApiResourceScope.x',
        kind: 'ApiResourceScope',
        spec: { resourceId: ref('ApiResource.other'), name: 'x' },
      },
    ]);
    const desired: DesiredObject[] = [
      {
        address: 'ApiResource.fresh',
        kind: 'ApiResource',
        spec: { name: `${p}fresh`, indicator: `https://${p}fresh.example.com` },
      },
    ];
    const plan = await planTenant(desired, { client: t.client, allowDelete: ['ApiResourceScope'] });
    expect(plan.changes.map((c) => [c.address, c.action])).toEqual([['ApiResource.fresh', 'create']]);
  });

  it('ApplicationSecret: only the managed app loses its extra secrets; the other app keeps its secrets', async () => {
    const p = t.prefix;
    const secret = (app: string, name: string): DesiredObject => ({
      address: `ApplicationSecret.${app}/${name}`,
      kind: 'ApplicationSecret',
      spec: { applicationId: ref(`Application.${app}`), name },
    });
    const theirs = await converge(t, [
      { address: 'Application.other', kind: 'Application', spec: { name: `${p}other-web`, type: 'Traditional' } },
      secret('other', 'ci'),
    ]);
    const managed: DesiredObject[] = [
      { address: 'Application.acme', kind: 'Application', spec: { name: `${p}acme-web`, type: 'Traditional' } },
      secret('acme', 'ci'),
    ];
    const ours = await converge(t, [...managed, secret('acme', 'old')]);
    const prior = without(ours.state, 'ApplicationSecret.acme/old');
    const acmeId = ours.state.objects['Application.acme']!.id;
    const otherId = theirs.state.objects['Application.other']!.id;
    const live = async (appId: string) =>
      (await rows<{ name: string }>(t, `/applications/${appId}/secrets`)).map((s) => s.name).sort();
    // Whatever Logto seeded (a "Default secret") is unmanaged too, and only the managed app's goes.
    const acmeExtra = (await live(acmeId)).filter((n) => n !== 'ci');
    expect(acmeExtra).toContain('old');
    const otherBefore = await live(otherId);
    expect(otherBefore).toContain('ci');

    // Known by id, and adopted by name (no state): the same deletes.
    for (const state of [prior, undefined]) {
      const plan = await planTenant(managed, {
        client: t.client,
        ...(state ? { prior: state } : {}),
        allowDelete: ['ApplicationSecret'],
      });
      const deletes = deletesOf(plan.changes);
      expect(deletes.map((c) => c.kind)).toEqual(acmeExtra.map(() => 'ApplicationSecret'));
      expect(deletes.map((c) => c.key).sort()).toEqual(acmeExtra.map((n) => `${p}acme-web/${n}`).sort());
      expect(JSON.stringify(plan)).not.toContain(otherId);
    }

    const plan = await planTenant(managed, { client: t.client, prior, allowDelete: ['ApplicationSecret'] });
    const result = await applyPlan(plan, { client: t.client, desired: managed, prior });
    expect(result.summary).toMatchObject({ deleted: acmeExtra.length, failed: 0 });
    expect(await live(acmeId)).toEqual(['ci']);
    expect(await live(otherId)).toEqual(otherBefore);
  });

  it('ApplicationRoleAssignment: only the managed app loses its roles; the key is the app name', async () => {
    const p = t.prefix;
    const setup = (who: string): DesiredObject[] => [
      {
        address: `Role.${who}`,
        kind: 'Role',
        spec: { name: `${p}${who}-bot-role`, description: 'bot', type: 'MachineToMachine' },
      },
      {
        address: `Application.${who}`,
        kind: 'Application',
        spec: { name: `${p}${who}-bot`, type: 'MachineToMachine' },
      },
      {
        address: `ApplicationRoleAssignment.${who}`,
        kind: 'ApplicationRoleAssignment',
        spec: { applicationId: ref(`Application.${who}`), roleIds: [ref(`Role.${who}`)] },
      },
    ];
    const theirs = await converge(t, setup('other'));
    const ours = await converge(t, setup('acme'));
    const managed = setup('acme').filter((o) => o.kind === 'Application');
    const prior = without(ours.state, 'ApplicationRoleAssignment.acme', 'Role.acme');
    const acmeId = ours.state.objects['Application.acme']!.id;
    const otherId = theirs.state.objects['Application.other']!.id;

    const plan = await planTenant(managed, { client: t.client, prior, allowDelete: ['ApplicationRoleAssignment'] });
    expect(deletesOf(plan.changes).map((c) => [c.address, c.key])).toEqual([
      [`ApplicationRoleAssignment[${acmeId}]`, `${p}acme-bot`],
    ]);
    const result = await applyPlan(plan, { client: t.client, desired: managed, prior });
    expect(result.summary).toMatchObject({ deleted: 1, failed: 0 });
    expect(await rows(t, `/applications/${acmeId}/roles`)).toEqual([]);
    expect((await rows<{ id: string }>(t, `/applications/${otherId}/roles`)).map((r) => r.id)).toEqual([
      theirs.state.objects['Role.other']!.id,
    ]);
  });

  it("SamlApplicationCertificate: the managed SAML app loses Logto's first certificate once its own signs; another app keeps its own", async () => {
    const p = t.prefix;
    const app = (who: string): DesiredObject => ({
      address: `SamlApplication.${who}`,
      kind: 'SamlApplication',
      spec: { name: `${p}${who}-sp` },
    });
    const theirs = await converge(t, [app('other')]);
    const managed: DesiredObject[] = [
      app('acme'),
      {
        address: 'SamlApplicationCertificate.acme',
        kind: 'SamlApplicationCertificate',
        spec: { samlApplicationId: ref('SamlApplication.acme'), lifeSpanInYears: 2, active: true },
      },
    ];
    const ours = await converge(t, managed);
    const acmeId = ours.state.objects['SamlApplication.acme']!.id;
    const otherId = theirs.state.objects['SamlApplication.other']!.id;
    const certs = (appId: string) => rows<{ id: string; active: boolean }>(t, `/saml-applications/${appId}/secrets`);
    const signing = ours.state.objects['SamlApplicationCertificate.acme']!.id;
    const first = (await certs(acmeId)).find((c) => `${acmeId}/${c.id}` !== signing)!;
    const otherCerts = await certs(otherId);

    const plan = await planTenant(managed, {
      client: t.client,
      prior: ours.state,
      allowDelete: ['SamlApplicationCertificate'],
    });
    expect(deletesOf(plan.changes).map((c) => c.address)).toEqual([
      `SamlApplicationCertificate[${acmeId}/${first.id}]`,
    ]);
    const result = await applyPlan(plan, { client: t.client, desired: managed, prior: ours.state });
    expect(result.summary).toMatchObject({ deleted: 1, failed: 0 });
    expect((await certs(acmeId)).map((c) => `${acmeId}/${c.id}`)).toEqual([signing]);
    expect(await certs(otherId)).toEqual(otherCerts);
  });

  it('a child the prior state records under a parent that is no longer desired is still pruned, keyed by parent', async () => {
    const p = t.prefix;
    const indicator = `https://${p}dropped.example.com`;
    const { state } = await converge(t, [
      { address: 'ApiResource.d', kind: 'ApiResource', spec: { name: `${p}dropped`, indicator } },
      {
        address: 'ApiResourceScope.d',
        kind: 'ApiResourceScope',
        spec: { resourceId: ref('ApiResource.d'), name: 'r' },
      },
    ]);
    const plan = await planTenant([], { client: t.client, prior: state, allowDelete: ['ApiResourceScope'] });
    expect(plan.changes.map((c) => [c.address, c.action, c.key])).toEqual([
      ['ApiResourceScope.d', 'delete', `${indicator}/r`],
    ]);
  });
});
