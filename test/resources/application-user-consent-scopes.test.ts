import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, planTenant } from '../../index.js';
import { converge, expectClean, ref } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { expectConverges, expectDriftRestored, expectRefusedBeforeWrites } from './cases.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

const o = (address: string, kind: string, spec: Record<string, unknown>): DesiredObject => ({ address, kind, spec });
const base = () => [
  o('Application.partner', 'Application', {
    name: `${t.prefix}partner`,
    type: 'Traditional',
    isThirdParty: true,
    redirectUris: ['https://partner.example.com/callback'],
  }),
  o('Application.web', 'Application', { name: `${t.prefix}web`, type: 'SPA' }),
  o('ApiResource.api', 'ApiResource', { name: `${t.prefix}api`, indicator: `https://${t.prefix}api.example.com` }),
  o('ApiResourceScope.read', 'ApiResourceScope', { resourceId: ref('ApiResource.api'), name: 'read:orders' }),
  o('ApiResourceScope.write', 'ApiResourceScope', { resourceId: ref('ApiResource.api'), name: 'write:orders' }),
  o('OrganizationScope.members', 'OrganizationScope', { name: `${t.prefix}read:members` }),
];
const consent = (spec: Record<string, unknown>, applicationId: unknown = ref('Application.partner')) =>
  o('ApplicationUserConsentScopes.partner', 'ApplicationUserConsentScopes', { applicationId, ...spec });

interface Grouped {
  organizationScopes: { id: string }[];
  resourceScopes: { resource: { id: string }; scopes: { id: string }[] }[];
  organizationResourceScopes: { scopes: { id: string }[] }[];
  userScopes: string[];
}

describe('ApplicationUserConsentScopes', () => {
  it('grants every group, is adopted without state, keeps each list authoritative, removes drift, and is deleted', async () => {
    const desired = [
      ...base(),
      consent({
        organizationScopeIds: [ref('OrganizationScope.members')],
        resourceScopeIds: [ref('ApiResourceScope.read')],
        organizationResourceScopeIds: [ref('ApiResourceScope.write')],
        userScopes: ['email', 'profile', 'urn:logto:scope:organizations'],
      }),
    ];
    const state = await expectConverges(t, desired);
    const appId = state.objects['Application.partner']!.id;
    const read = state.objects['ApiResourceScope.read']!.id.split('/').pop()!;
    const write = state.objects['ApiResourceScope.write']!.id.split('/').pop()!;
    const members = state.objects['OrganizationScope.members']!.id;
    expect(state.objects['ApplicationUserConsentScopes.partner']!.id).toBe(appId);
    const path = `/applications/${appId}/user-consent-scopes`;
    const live = await t.client.get<Grouped>(path);
    expect(live.organizationScopes.map((s) => s.id)).toEqual([members]);
    expect(live.resourceScopes.flatMap((r) => r.scopes.map((s) => s.id))).toEqual([read]);
    expect(live.organizationResourceScopes.flatMap((r) => r.scopes.map((s) => s.id))).toEqual([write]);
    expect([...live.userScopes].sort()).toEqual(['email', 'profile', 'urn:logto:scope:organizations']);

    // Without state the app's consent scopes are found by the application.
    const adopt = await planTenant(desired, { client: t.client });
    expect(adopt.changes.find((c) => c.kind === 'ApplicationUserConsentScopes')).toMatchObject({
      action: 'noop',
      adopted: true,
    });

    // A user scope granted in the Console is drift on exactly userScopes, and is removed.
    let next = await expectDriftRestored(t, desired, state, 'ApplicationUserConsentScopes.partner', 'userScopes', () =>
      t.client.post(path, { userScopes: ['phone'] }, { createsObject: false }),
    );
    expect([...(await t.client.get<Grouped>(path)).userScopes].sort()).toEqual([
      'email',
      'profile',
      'urn:logto:scope:organizations',
    ]);
    // A resource scope removed out of band is drift on exactly resourceScopeIds, and is added back.
    next = await expectDriftRestored(t, desired, next, 'ApplicationUserConsentScopes.partner', 'resourceScopeIds', () =>
      t.client.delete(`${path}/resource-scopes/${read}`),
    );

    // Changing the lists adds and removes in place (an empty list removes all; an omitted one is not managed).
    const changed = [
      ...base(),
      consent({
        organizationScopeIds: [],
        resourceScopeIds: [ref('ApiResourceScope.read'), ref('ApiResourceScope.write')],
        organizationResourceScopeIds: [],
        userScopes: ['email'],
      }),
    ];
    const plan = await planTenant(changed, { client: t.client, prior: next });
    const change = plan.changes.find((c) => c.kind === 'ApplicationUserConsentScopes')!;
    expect(change.action).toBe('update');
    expect(change.changes.map((c) => c.field).sort()).toEqual([
      'organizationResourceScopeIds',
      'organizationScopeIds',
      'resourceScopeIds',
      'userScopes',
    ]);
    const after = await expectConverges(t, changed, next);
    const now = await t.client.get<Grouped>(path);
    expect(now.organizationScopes).toEqual([]);
    expect(now.organizationResourceScopes).toEqual([]);
    expect(now.resourceScopes.flatMap((r) => r.scopes.map((s) => s.id)).sort()).toEqual([read, write].sort());
    expect(now.userScopes).toEqual(['email']);

    // Dropped where the kind may be deleted: every consent scope of the app is removed, the app stays.
    const { state: pruned } = await converge(t, base(), after, ['ApplicationUserConsentScopes']);
    expect(pruned.objects['ApplicationUserConsentScopes.partner']).toBeUndefined();
    expect(await t.client.get<Grouped>(path)).toEqual({
      organizationScopes: [],
      resourceScopes: [],
      organizationResourceScopes: [],
      userScopes: [],
    });
    await expectClean(t, base(), pruned);
  });

  it('refuses before any write a first-party application and an unknown user scope', async () => {
    const firstParty = await expectRefusedBeforeWrites(t, [
      ...base(),
      consent({ userScopes: ['email'] }, ref('Application.web')),
    ]);
    expect(firstParty.issues).toEqual([
      expect.objectContaining({
        field: 'applicationId',
        message: expect.stringMatching(/only third-party applications ask users for consent.*isThirdParty: true/),
      }),
    ]);
    const unknown = await expectRefusedBeforeWrites(t, [...base(), consent({ userScopes: ['openid'] })]);
    expect(unknown.issues).toEqual([expect.objectContaining({ field: 'userScopes.0' })]);
    expect(JSON.stringify(unknown.issues)).toMatch(/custom_data/);
  });

  it('an application given by id that is first-party fails with Logto’s reason and a rerun converges once fixed', async () => {
    const { state } = await converge(t, base());
    const webId = state.objects['Application.web']!.id;
    const desired = [...base(), consent({ userScopes: ['email'] }, webId)];
    const plan = await planTenant(desired, { client: t.client, prior: state });
    const result = await applyPlan(plan, { client: t.client, desired, prior: state });
    const failed = result.results.filter((r) => r.status !== 'ok');
    expect(failed.map((r) => r.address)).toEqual(['ApplicationUserConsentScopes.partner']);
    expect(JSON.stringify(failed)).toMatch(/third_party_application_only/);
    // Fixed by naming the third-party application: the rerun converges from the state the failure left.
    await expectConverges(t, [...base(), consent({ userScopes: ['email'] })], result.state);
  });
});
