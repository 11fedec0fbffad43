/**
 * Prune, for every deletable kind in the catalog: an object dropped from the desired set is deleted only
 * when its kind is allowed, and the plan lists each delete (by its old address). Singletons are never
 * deleted. On a real Logto the plan also lists unmanaged objects of the tenant; only this run's are applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, planTenant } from '../../index.js';
import { catalog } from '../../resources/index.js';
import { converge, ref, rows } from '../support/harness.js';
import { prefixedLanguageTag, startTarget, type Target } from '../support/target.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

/** One object of every non-singleton kind (the secret's app is Traditional so it may hold secrets). */
function everyKind(p: string): DesiredObject[] {
  return [
    {
      address: 'ApiResource.api',
      kind: 'ApiResource',
      spec: { name: `${p}api`, indicator: `https://${p}api.example.com` },
    },
    {
      address: 'ApiResourceScope.read',
      kind: 'ApiResourceScope',
      spec: { resourceId: ref('ApiResource.api'), name: 'read' },
    },
    {
      address: 'Role.bot',
      kind: 'Role',
      spec: { name: `${p}bot`, description: 'bot', type: 'MachineToMachine', scopeIds: [ref('ApiResourceScope.read')] },
    },
    { address: 'Application.bot', kind: 'Application', spec: { name: `${p}bot`, type: 'MachineToMachine' } },
    { address: 'Application.web', kind: 'Application', spec: { name: `${p}web`, type: 'Traditional' } },
    {
      address: 'Application.partner',
      kind: 'Application',
      spec: { name: `${p}partner`, type: 'Traditional', isThirdParty: true },
    },
    {
      address: 'ApplicationUserConsentScopes.partner',
      kind: 'ApplicationUserConsentScopes',
      spec: { applicationId: ref('Application.partner'), userScopes: ['email'] },
    },
    {
      address: 'ApplicationSignInExperience.web',
      kind: 'ApplicationSignInExperience',
      spec: { applicationId: ref('Application.web'), customCss: `.${p} {}` },
    },
    {
      address: 'ApplicationSecret.web',
      kind: 'ApplicationSecret',
      spec: { applicationId: ref('Application.web'), name: 'ci' },
    },
    {
      address: 'ApplicationRoleAssignment.bot',
      kind: 'ApplicationRoleAssignment',
      spec: { applicationId: ref('Application.bot'), roleIds: [ref('Role.bot')] },
    },
    { address: 'OrganizationScope.read', kind: 'OrganizationScope', spec: { name: `${p}read` } },
    {
      address: 'OrganizationRole.member',
      kind: 'OrganizationRole',
      spec: { name: `${p}member`, organizationScopeIds: [ref('OrganizationScope.read')] },
    },
    {
      address: 'Organization.acme',
      kind: 'Organization',
      spec: { name: `${p}acme`, jitRoleIds: [ref('OrganizationRole.member')] },
    },
    { address: 'SsoConnector.corp', kind: 'SsoConnector', spec: { providerName: 'SAML', connectorName: `${p}corp` } },
    {
      address: 'Hook.audit',
      kind: 'Hook',
      spec: { name: `${p}audit`, events: ['User.Created'], url: 'https://h.example.com/a' },
    },
    { address: 'CustomProfileField.dept', kind: 'CustomProfileField', spec: { name: `${p}dept`, type: 'Text' } },
    {
      address: 'EmailTemplate.welcome',
      kind: 'EmailTemplate',
      spec: {
        languageTag: prefixedLanguageTag(p.slice(0, 11), 'en'),
        templateType: 'Register',
        subject: 'Hi',
        content: '{{code}}',
      },
    },
    {
      address: 'OrganizationApplication.bot',
      kind: 'OrganizationApplication',
      spec: { organizationId: ref('Organization.acme'), applicationId: ref('Application.bot') },
    },
    { address: 'SamlApplication.wiki', kind: 'SamlApplication', spec: { name: `${p}wiki` } },
    {
      address: 'SamlApplicationCertificate.wiki',
      kind: 'SamlApplicationCertificate',
      spec: { samlApplicationId: ref('SamlApplication.wiki'), active: true },
    },
    { address: 'User.ops', kind: 'User', spec: { username: `${p}ops`, password: 'prune-Pa55word' } },
    {
      address: 'OrganizationUser.ops',
      kind: 'OrganizationUser',
      spec: { organizationId: ref('Organization.acme'), userId: ref('User.ops') },
    },
    {
      address: 'JwtCustomizer.cc',
      kind: 'JwtCustomizer',
      spec: { tokenType: 'client-credentials', script: `// ${p}\nconst getCustomJwtClaims = () => ({});` },
    },
    {
      address: 'CustomPhrase.ja',
      kind: 'CustomPhrase',
      spec: { languageTag: 'ja', translation: { action: { sign_in: `ログイン ${p}` } } },
    },
    {
      address: 'Connector.idp',
      kind: 'Connector',
      spec: {
        connectorId: 'oidc',
        target: `${p}idp`,
        config: {
          authorizationEndpoint: 'https://idp.example.com/auth',
          tokenEndpoint: 'https://idp.example.com/token',
          clientId: `${p}client`,
          clientSecret: 'secret',
          scope: 'openid',
          idTokenVerificationConfig: { jwksUri: 'https://idp.example.com/jwks' },
        },
      },
    },
  ];
}

// Custom domains need Logto Cloud (the reference Logto is OSS): their prune is in custom-domain.test.ts.
const deletable = catalog.filter((d) => !d.singleton && d.kind !== 'CustomDomain').map((d) => d.kind);

describe('prune', () => {
  it('the fixture covers every deletable kind', () => {
    expect([...new Set(everyKind('x').map((o) => o.kind))].sort()).toEqual([...deletable].sort());
  });

  it('deletes a dropped object only when its kind is allowed, lists every delete, and applies them', async () => {
    const desired = everyKind(`${t.prefix}prune`);
    const { state } = await converge(t, desired);
    const ours = new Map(Object.entries(state.objects).map(([address, o]) => [`${o.kind}:${o.id}`, address]));

    // Not allowed: nothing of ours is deleted; the plan is empty.
    const keep = await planTenant([], { client: t.client, prior: state });
    expect(keep.changes).toEqual([]);

    // Allowed for one kind: only that kind's objects are listed.
    const hooksOnly = await planTenant([], { client: t.client, prior: state, allowDelete: ['Hook'] });
    expect(new Set(hooksOnly.changes.map((c) => c.kind))).toEqual(new Set(['Hook']));
    expect(hooksOnly.changes.filter((c) => ours.has(`${c.kind}:${c.id}`)).map((c) => c.address)).toEqual([
      'Hook.audit',
    ]);

    // Allowed for every kind: each of our objects is listed under its old address.
    const all = await planTenant([], { client: t.client, prior: state, allowDelete: deletable });
    const mine = all.changes.filter((c) => ours.has(`${c.kind}:${c.id}`));
    expect(mine.every((c) => c.action === 'delete')).toBe(true);
    expect(mine.map((c) => c.address).sort()).toEqual(desired.map((o) => o.address).sort());
    expect(all.changes.some((c) => c.id === t.appId)).toBe(false); // the tool's own app is never pruned

    const result = await applyPlan({ ...all, changes: mine }, { client: t.client, desired: [], prior: state });
    expect(result.results.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(result.summary.deleted).toBe(desired.length);
    expect(result.state.objects).toEqual({});
    const gone = async (route: string, id: string) => !(await rows<{ id: string }>(t, route)).some((r) => r.id === id);
    const id = (a: string) => state.objects[a]!.id;
    expect(await gone('/applications', id('Application.bot'))).toBe(true);
    expect(await gone('/organizations', id('Organization.acme'))).toBe(true);
    expect(await gone('/organization-roles', id('OrganizationRole.member'))).toBe(true);
    expect(await gone('/sso-connectors', id('SsoConnector.corp'))).toBe(true);
    expect(await gone('/resources', id('ApiResource.api'))).toBe(true);
    const fieldNames = (await rows<{ name: string }>(t, '/custom-profile-fields')).map((r) => r.name);
    expect(fieldNames).not.toContain(id('CustomProfileField.dept')); // addressed by name
  });

  it("a delete of an object no entry or state names carries its key or name for people; a child its parent's too", async () => {
    const p = `${t.prefix}keyed`;
    const desired = everyKind(p);
    const { state } = await converge(t, desired);
    const ours = new Map(Object.values(state.objects).map((o) => [`${o.kind}:${o.id}`, o]));
    // No prior state: the plan knows these objects only from the live tenant, by id. The children's parents
    // stay desired (adopted by key), because children are pruned only under parents the desired set manages.
    const parents = desired.filter((o) =>
      ['ApiResource.api', 'Application.bot', 'Application.web'].includes(o.address),
    );
    const plan = await planTenant(parents, { client: t.client, allowDelete: deletable });
    expect(plan.changes.filter((c) => c.action !== 'delete').map((c) => [c.address, c.action, c.adopted])).toEqual(
      expect.arrayContaining(parents.map((o) => [o.address, 'noop', true])),
    );
    const deletes = plan.changes.filter((c) => c.action === 'delete' && ours.has(`${c.kind}:${c.id}`));
    const keys = Object.fromEntries(deletes.map((c) => [c.address.replace(/\[.*\]$/, ''), c.key]));
    expect(deletes.every((c) => c.address === `${c.kind}[${c.id}]`)).toBe(true);
    expect(keys).toEqual({
      ApiResourceScope: `https://${p}api.example.com/read`,
      Role: `${p}bot`,
      ApplicationSecret: `${p}web/ci`,
      ApplicationRoleAssignment: `${p}bot`, // nothing but the app's id: the app's name
      Application: `${p}partner`,
      ApplicationUserConsentScopes: `${p}partner`, // keyed by one reference: the app's name
      ApplicationSignInExperience: `${p}web`,
      OrganizationScope: `${p}read`,
      OrganizationRole: `${p}member`,
      Organization: `${p}acme`,
      SsoConnector: `${p}corp`,
      Hook: `${p}audit`,
      SamlApplication: `${p}wiki`, // its certificates go with it (children are pruned under managed parents)
      CustomProfileField: `${p}dept`,
      EmailTemplate: `${prefixedLanguageTag(p.slice(0, 11), 'en')}/Register`,
      Connector: `oidc/${p}idp`,
      CustomPhrase: 'ja',
      JwtCustomizer: 'client-credentials',
      // A membership's key is its two ids (the organization and the application have no other unique name).
      OrganizationApplication: `${state.objects['Organization.acme']!.id}/${state.objects['Application.bot']!.id}`,
      User: `${p}ops`,
      OrganizationUser: `${state.objects['Organization.acme']!.id}/${state.objects['User.ops']!.id}`,
    });
    // Clean up through the reconciler, by state: only this run's objects. (The plan allows every kind and so
    // lists every deletable object of a shared tenant: other runs' objects and users must not be touched.)
    const cleanup = await planTenant([], { client: t.client, prior: state, allowDelete: deletable });
    const result = await applyPlan(
      { ...cleanup, changes: cleanup.changes.filter((c) => ours.has(`${c.kind}:${c.id}`)) },
      { client: t.client, desired: [], prior: state },
    );
    expect(result.results.filter((r) => r.status !== 'ok')).toEqual([]);
  });

  it('a top-level delete carries its key or name without ids', async () => {
    const p = `${t.prefix}top-`;
    const desired = everyKind(p).filter((o) => o.kind === 'ApiResource' || o.kind === 'Application');
    const { state } = await converge(t, desired);
    const ours = new Set(Object.values(state.objects).map((o) => `${o.kind}:${o.id}`));
    const plan = await planTenant([], { client: t.client, allowDelete: ['ApiResource', 'Application'] });
    const mine = plan.changes.filter((c) => ours.has(`${c.kind}:${c.id}`));
    expect(mine.map((c) => [c.kind, c.key]).sort()).toEqual([
      ['ApiResource', `https://${p}api.example.com`],
      ['Application', `${p}bot`],
      ['Application', `${p}partner`],
      ['Application', `${p}web`],
    ]);
    const result = await applyPlan({ ...plan, changes: mine }, { client: t.client, desired: [], prior: state });
    expect(result.summary.failed).toBe(0);
  });

  it('a prior object of a kind that may not be deleted is forgotten; the singletons are never deleted', async () => {
    // (A removable singleton, the captcha provider, is pruned like any kind: see its own test.)
    const singletons = catalog.filter((d) => d.singleton && !d.removable).map((d) => d.kind);
    const desired: DesiredObject[] = [
      ...singletons.map((kind) => ({ address: `${kind}.main`, kind, spec: {} })),
      { address: 'Organization.x', kind: 'Organization', spec: { name: `${t.prefix}forget` } },
    ];
    const { state } = await converge(t, desired);
    const plan = await planTenant([], {
      client: t.client,
      prior: state,
      allowDelete: singletons,
    });
    expect(plan.changes).toEqual([]);
    const result = await applyPlan(plan, { client: t.client, desired: [], prior: state });
    expect(result.state.objects).toEqual({});
    expect(
      (await rows<{ id: string }>(t, '/organizations')).some((o) => o.id === state.objects['Organization.x']!.id),
    ).toBe(true);
  });
});
