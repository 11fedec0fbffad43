import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, planTenant } from '../../index.js';
import { converge, expectClean, ref } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { expectConverges, expectRefusedBeforeWrites } from './cases.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

const o = (address: string, kind: string, spec: Record<string, unknown>): DesiredObject => ({ address, kind, spec });
const base = () => [
  o('Organization.acme', 'Organization', { name: `${t.prefix}acme` }),
  o('Application.worker', 'Application', { name: `${t.prefix}worker`, type: 'MachineToMachine' }),
  o('Application.spa', 'Application', { name: `${t.prefix}spa`, type: 'SPA' }),
  o('OrganizationRole.service', 'OrganizationRole', { name: `${t.prefix}service`, type: 'MachineToMachine' }),
  o('OrganizationRole.auditor', 'OrganizationRole', { name: `${t.prefix}auditor`, type: 'MachineToMachine' }),
  o('OrganizationRole.member', 'OrganizationRole', { name: `${t.prefix}member`, type: 'User' }),
];
const membership = (spec: Record<string, unknown>) =>
  o('OrganizationApplication.worker', 'OrganizationApplication', {
    organizationId: ref('Organization.acme'),
    applicationId: ref('Application.worker'),
    ...spec,
  });

describe('OrganizationApplication', () => {
  it('joins an organization with its roles, is adopted without state, keeps the roles authoritative, leaves', async () => {
    const desired = [...base(), membership({ organizationRoleIds: [ref('OrganizationRole.service')] })];
    const state = await expectConverges(t, desired);
    const orgId = state.objects['Organization.acme']!.id;
    const appId = state.objects['Application.worker']!.id;
    const service = state.objects['OrganizationRole.service']!.id;
    const auditor = state.objects['OrganizationRole.auditor']!.id;
    expect(state.objects['OrganizationApplication.worker']!.id).toBe(`${orgId}/${appId}`);
    const rolesPath = `/organizations/${orgId}/applications/${appId}/roles`;
    const held = async () => (await t.client.list<{ id: string }>(rolesPath)).map((r) => r.id).sort();
    expect(await held()).toEqual([service]);

    // Without state: the membership is found by its organization and application.
    const adopt = await planTenant(desired, { client: t.client });
    expect(adopt.changes.find((c) => c.kind === 'OrganizationApplication')).toMatchObject({
      action: 'noop',
      adopted: true,
    });

    // A role added by hand is drift on exactly organizationRoleIds, and is removed.
    await t.client.post(rolesPath, { organizationRoleIds: [auditor] }, { createsObject: false });
    const drift = await planTenant(desired, { client: t.client, prior: state });
    expect(drift.drift.map((d) => `${d.address}:${d.field}`)).toEqual([
      'OrganizationApplication.worker:organizationRoleIds',
    ]);
    const { state: next } = await converge(t, desired, state);
    expect(await held()).toEqual([service]);

    // Another role set is an update in place.
    const both = [
      ...base(),
      membership({ organizationRoleIds: [ref('OrganizationRole.service'), ref('OrganizationRole.auditor')] }),
    ];
    const after = await expectConverges(t, both, next);
    expect(await held()).toEqual([service, auditor].sort());

    // Dropped where the kind may be deleted: the application leaves the organization.
    const prune = await planTenant(base(), {
      client: t.client,
      prior: after,
      allowDelete: ['OrganizationApplication'],
    });
    const ours = {
      ...prune,
      changes: prune.changes.filter((c) => c.kind !== 'OrganizationApplication' || c.id === `${orgId}/${appId}`),
    };
    expect(ours.changes.filter((c) => c.action === 'delete').map((c) => c.address)).toEqual([
      'OrganizationApplication.worker',
    ]);
    await applyPlan(ours, { client: t.client, desired: base(), prior: after });
    expect(
      (await t.client.list<{ id: string }>(`/organizations/${orgId}/applications`)).map((a) => a.id),
    ).not.toContain(appId);
    await expectClean(t, base());
  });

  it('refuses before any write an application or organization role Logto would refuse', async () => {
    const spa = await expectRefusedBeforeWrites(t, [
      ...base(),
      o('OrganizationApplication.spa', 'OrganizationApplication', {
        organizationId: ref('Organization.acme'),
        applicationId: ref('Application.spa'),
      }),
    ]);
    expect(spa.issues).toEqual([
      expect.objectContaining({
        field: 'applicationId',
        message: expect.stringMatching(/only MachineToMachine applications join/),
      }),
    ]);
    const userRole = await expectRefusedBeforeWrites(t, [
      ...base(),
      membership({ organizationRoleIds: [ref('OrganizationRole.member')] }),
    ]);
    expect(userRole.issues).toEqual([
      expect.objectContaining({
        field: 'organizationRoleIds',
        message: expect.stringMatching(/set its type to MachineToMachine/),
      }),
    ]);
  });
});
