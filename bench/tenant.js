/**
 * Tenants the bench works on.
 *
 * - `desiredTenant()`: ~1,000 desired objects across the catalog, with references, for the reconciler
 *   (scenario 1), plus what a no-op plan of it minimally costs and what a one-GET-per-object reader does.
 * - `seedLargeTenant()`: 5,000 objects written straight through HTTP (scenario 4's export).
 */
import { mapLimit } from './lib.js';

const ref = (address) => ({ $ref: address });

export const PLAN_TENANT = {
  apiResources: 10,
  scopesPerResource: 20, // 200 API scopes
  roles: 300, // 250 User + 50 MachineToMachine, each with 3 scopes
  m2mRoles: 50,
  applications: 150, // 50 M2M, 40 SPA, 30 Traditional, 30 Native
  m2mApps: 50,
  appRoleAssignments: 50,
  organizationScopes: 60,
  organizationRoles: 60, // 2 org scopes + 1 API scope each
  organizations: 100, // 1 JIT organization role each
  hooks: 70,
};

/**
 * The scenario-1 tenant's shape at `scale` (0.1 → 100 objects, 1 → 1,000, 10 → 10,000): every count is
 * multiplied, API resources keep 20 scopes each and application types keep their proportions.
 */
export function scaledTenant(scale) {
  const n = (count) => Math.max(1, Math.round(count * scale));
  return {
    ...Object.fromEntries(Object.entries(PLAN_TENANT).map(([k, v]) => [k, n(v)])),
    scopesPerResource: PLAN_TENANT.scopesPerResource,
  };
}

/** The desired objects of the scenario-1 tenant (1,000 of them). */
export function desiredTenant(t = PLAN_TENANT) {
  const out = [];
  const scopeAddresses = [];
  for (let r = 0; r < t.apiResources; r++) {
    out.push({
      address: `ApiResource.api${r}`,
      kind: 'ApiResource',
      spec: { name: `Bench API ${r}`, indicator: `https://api${r}.bench.example` },
    });
    for (let s = 0; s < t.scopesPerResource; s++) {
      const address = `ApiResourceScope.api${r}/s${s}`;
      scopeAddresses.push(address);
      out.push({
        address,
        kind: 'ApiResourceScope',
        spec: { resourceId: ref(`ApiResource.api${r}`), name: `do:thing${s}`, description: `Scope ${s} of API ${r}` },
      });
    }
  }
  const pick = (i, n) =>
    Array.from({ length: n }, (_, k) => ref(scopeAddresses[(i * 7 + k * 13) % scopeAddresses.length]));
  for (let i = 0; i < t.roles; i++) {
    const m2m = i < t.m2mRoles;
    out.push({
      address: `Role.role${i}`,
      kind: 'Role',
      spec: {
        name: `bench-role-${i}`,
        description: `Bench role ${i}`,
        ...(m2m ? { type: 'MachineToMachine' } : {}),
        scopeIds: pick(i, 3),
      },
    });
  }
  const types = [
    ...Array(t.m2mApps).fill('MachineToMachine'),
    ...Array(Math.floor(t.applications * 0.27)).fill('SPA'),
    ...Array(Math.round(t.applications * 0.2)).fill('Traditional'),
    ...Array(t.applications).fill('Native'),
  ].slice(0, t.applications);
  types.forEach((type, i) => {
    const spec = { name: `Bench app ${i}`, type, description: `Bench ${type} app` };
    if (type === 'SPA' || type === 'Traditional') {
      spec.redirectUris = [`https://app${i}.bench.example/callback`];
      spec.postLogoutRedirectUris = [`https://app${i}.bench.example/`];
    }
    if (type === 'Native') spec.redirectUris = [`bench${i}://callback`];
    out.push({ address: `Application.app${i}`, kind: 'Application', spec });
  });
  for (let i = 0; i < t.appRoleAssignments; i++) {
    out.push({
      address: `ApplicationRoleAssignment.app${i}`,
      kind: 'ApplicationRoleAssignment',
      spec: { applicationId: ref(`Application.app${i}`), roleIds: [ref(`Role.role${i % t.m2mRoles}`)] },
    });
  }
  for (let i = 0; i < t.organizationScopes; i++) {
    out.push({
      address: `OrganizationScope.os${i}`,
      kind: 'OrganizationScope',
      spec: { name: `bench:org-scope-${i}`, description: `Org scope ${i}` },
    });
  }
  for (let i = 0; i < t.organizationRoles; i++) {
    out.push({
      address: `OrganizationRole.or${i}`,
      kind: 'OrganizationRole',
      spec: {
        name: `bench-org-role-${i}`,
        description: `Org role ${i}`,
        organizationScopeIds: [
          ref(`OrganizationScope.os${i % t.organizationScopes}`),
          ref(`OrganizationScope.os${(i + 1) % t.organizationScopes}`),
        ],
        resourceScopeIds: [ref(scopeAddresses[(i * 11) % scopeAddresses.length])],
      },
    });
  }
  for (let i = 0; i < t.organizations; i++) {
    out.push({
      address: `Organization.org${i}`,
      kind: 'Organization',
      spec: {
        name: `Bench org ${i}`,
        description: `Organization ${i}`,
        jitRoleIds: [ref(`OrganizationRole.or${i % t.organizationRoles}`)],
      },
    });
  }
  for (let i = 0; i < t.hooks; i++) {
    out.push({
      address: `Hook.hook${i}`,
      kind: 'Hook',
      spec: { name: `bench-hook-${i}`, events: ['User.Created'], url: `https://hooks.bench.example/${i}` },
    });
  }
  return out;
}

const pages = (n) => Math.max(1, Math.ceil(n / 100));

/**
 * The fewest API requests a no-op plan of `desired` can make: one list call per page per type (API scopes
 * come with their resources in `GET /resources?includeScopes=true`, organization-role scope sets with the
 * organization-role list), plus one read per object for the relations that have no bulk form (role scopes,
 * application roles, organization JIT roles). `live` holds the tenant's row counts per list route.
 */
export function minimumPlanRequests(desired, live) {
  const kinds = new Set(desired.map((d) => d.kind));
  const parts = {};
  if (kinds.has('ApiResource') || kinds.has('ApiResourceScope'))
    parts['GET /resources?includeScopes'] = pages(live.resources);
  if (kinds.has('Role')) parts['GET /roles'] = pages(live.roles);
  if (kinds.has('Application') || kinds.has('ApplicationRoleAssignment'))
    parts['GET /applications'] = pages(live.applications);
  if (kinds.has('OrganizationScope')) parts['GET /organization-scopes'] = pages(live.organizationScopes);
  if (kinds.has('OrganizationRole')) parts['GET /organization-roles'] = pages(live.organizationRoles);
  if (kinds.has('Organization')) parts['GET /organizations'] = pages(live.organizations);
  if (kinds.has('Hook')) parts['GET /hooks'] = pages(live.hooks);
  const count = (kind, field) => desired.filter((d) => d.kind === kind && d.spec[field] !== undefined).length;
  parts['GET /roles/:id/scopes'] = count('Role', 'scopeIds');
  parts['GET /applications/:id/roles'] = count('ApplicationRoleAssignment', 'roleIds');
  parts['GET /organizations/:id/jit/roles'] = count('Organization', 'jitRoleIds');
  parts['GET /organizations/:id/jit/email-domains'] = count('Organization', 'jitEmailDomains');
  parts['GET /organizations/:id/jit/sso-connectors'] = count('Organization', 'jitSsoConnectorIds');
  for (const [k, v] of Object.entries(parts)) if (v === 0) delete parts[k];
  return { total: Object.values(parts).reduce((a, b) => a + b, 0), parts };
}

/**
 * What a provider that reads each object by itself does (Terraform's per-resource Read): the object's GET
 * and then its relation GETs. Logto has no GET for one API scope, so a scope is read from its resource's
 * scope list. `state` is the reconciler's applied state (ids and applied specs).
 */
export function perObjectReads(state) {
  const q = '?page=1&page_size=100';
  return Object.values(state.objects).map(({ kind, id, applied }) => {
    switch (kind) {
      case 'ApiResource':
        return [`/resources/${id}`];
      case 'ApiResourceScope':
        return [`/resources/${applied.resourceId}/scopes${q}`];
      case 'Role':
        return [`/roles/${id}`, `/roles/${id}/scopes${q}`];
      case 'Application':
        return [`/applications/${id}`];
      case 'ApplicationRoleAssignment':
        return [`/applications/${id}`, `/applications/${id}/roles${q}`];
      case 'OrganizationScope':
        return [`/organization-scopes/${id}`];
      case 'OrganizationRole':
        return [
          `/organization-roles/${id}`,
          `/organization-roles/${id}/scopes${q}`,
          `/organization-roles/${id}/resource-scopes${q}`,
        ];
      case 'Organization':
        return [`/organizations/${id}`, `/organizations/${id}/jit/roles${q}`];
      case 'Hook':
        return [`/hooks/${id}`];
      default:
        throw new Error(`perObjectReads: no reader for ${kind}`);
    }
  });
}

export const EXPORT_TENANT = {
  apiResources: 20,
  scopesPerResource: 50, // 1,000 API scopes
  roles: 1000, // 2 scopes each
  applications: 1000, // 250 of each type
  organizationScopes: 500,
  organizationRoles: 300, // 2 org scopes each
  organizations: 1000,
  hooks: 180,
};

export function exportTenantSize(t = EXPORT_TENANT) {
  return (
    t.apiResources +
    t.apiResources * t.scopesPerResource +
    t.roles +
    t.applications +
    t.organizationScopes +
    t.organizationRoles +
    t.organizations +
    t.hooks
  );
}

/** Write the 5,000-object tenant straight through HTTP (not measured). Returns the number of creates. */
export async function seedLargeTenant(api, parallelism = 32, t = EXPORT_TENANT) {
  let creates = 0;
  const post = async (path, body) => {
    creates++;
    return api.post(path, body);
  };
  const resources = await mapLimit(
    Array.from({ length: t.apiResources }, (_, i) => i),
    parallelism,
    (i) => post('/resources', { name: `Export API ${i}`, indicator: `https://export${i}.bench.example` }),
  );
  const scopeJobs = resources.flatMap((r, ri) => Array.from({ length: t.scopesPerResource }, (_, s) => ({ r, ri, s })));
  const scopes = await mapLimit(scopeJobs, parallelism, ({ r, ri, s }) =>
    post(`/resources/${r.id}/scopes`, { name: `export:${ri}:${s}`, description: `Scope ${s}` }),
  );
  await mapLimit(
    Array.from({ length: t.roles }, (_, i) => i),
    parallelism,
    (i) =>
      post('/roles', {
        name: `export-role-${i}`,
        description: `Export role ${i}`,
        scopeIds: [scopes[i % scopes.length].id, scopes[(i * 7 + 3) % scopes.length].id].filter(
          (v, k, a) => a.indexOf(v) === k,
        ),
      }),
  );
  const appTypes = ['MachineToMachine', 'SPA', 'Traditional', 'Native'];
  await mapLimit(
    Array.from({ length: t.applications }, (_, i) => i),
    parallelism,
    (i) => {
      const type = appTypes[i % appTypes.length];
      const oidcClientMetadata =
        type === 'MachineToMachine'
          ? undefined
          : {
              redirectUris: [type === 'Native' ? `export${i}://callback` : `https://e${i}.bench.example/cb`],
              postLogoutRedirectUris: [],
            };
      return post('/applications', {
        name: `Export app ${i}`,
        type,
        ...(oidcClientMetadata ? { oidcClientMetadata } : {}),
      });
    },
  );
  const orgScopes = await mapLimit(
    Array.from({ length: t.organizationScopes }, (_, i) => i),
    parallelism,
    (i) => post('/organization-scopes', { name: `export:org:${i}`, description: `Org scope ${i}` }),
  );
  await mapLimit(
    Array.from({ length: t.organizationRoles }, (_, i) => i),
    parallelism,
    (i) =>
      post('/organization-roles', {
        name: `export-org-role-${i}`,
        description: `Org role ${i}`,
        organizationScopeIds: [orgScopes[i % orgScopes.length].id, orgScopes[(i + 1) % orgScopes.length].id],
        resourceScopeIds: [],
      }),
  );
  await mapLimit(
    Array.from({ length: t.organizations }, (_, i) => i),
    parallelism,
    (i) => post('/organizations', { name: `Export org ${i}`, description: `Organization ${i}` }),
  );
  await mapLimit(
    Array.from({ length: t.hooks }, (_, i) => i),
    parallelism,
    (i) =>
      post('/hooks', {
        name: `export-hook-${i}`,
        events: ['User.Created'],
        config: { url: `https://hooks.bench.example/e${i}` },
      }),
  );
  return creates;
}
