/**
 * Per-application settings with their own routes (OpenAPI document, OSS 1.42.0):
 * - `/applications/:applicationId/sign-in-experience` (GET, PUT): the app-level branding, colors and CSS
 *   (first-party apps) and display name, logo and terms links (third-party apps' consent page);
 * - `/applications/:applicationId/user-consent-scopes` (POST, GET, DELETE one): what a third-party app
 *   asks users to consent to;
 * - `/applications/:id/users/:userId/consent-organizations` (GET, PUT, POST, DELETE one): the organizations a
 *   user has consented a third-party app to reach;
 * - `/applications/:applicationId/access-control` (GET, PUT): the app-level access-control rules.
 */
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import {
  deleteRelationRow,
  emptyArrayError,
  noContent,
  notExistsWithId,
  notFound,
  ok,
  paginate,
  RELATIONS,
  relation,
  relationAdd,
  relationRemove,
  relationRows,
  TABLES,
  table,
  text,
} from '../util.js';
import { getApplication } from './applications.js';
import { requireMembershipError } from './organizations.js';

type Row = Record<string, unknown>;

export interface ApplicationSignInExperienceRow extends Row {
  tenantId: string;
  applicationId: string;
  color: Row;
  branding: Row;
  customCss: string | null;
  termsOfUseUrl: string | null;
  privacyPolicyUrl: string | null;
  displayName: string | null;
}

const SIE_FIELDS = ['color', 'branding', 'customCss', 'termsOfUseUrl', 'privacyPolicyUrl', 'displayName'] as const;

const appSignInExperiences = (ctx: RequestContext) =>
  table<ApplicationSignInExperienceRow>(ctx, TABLES.applicationSignInExperiences);

/** A third-party app's user consent scopes, by the body key Logto uses for each group. */
const CONSENT = {
  organizationScopes: {
    type: 'organization-scopes',
    relation: RELATIONS.appConsentOrgScopes,
    column: 'organizationScopeId',
  },
  resourceScopes: { type: 'resource-scopes', relation: RELATIONS.appConsentResourceScopes, column: 'scopeId' },
  organizationResourceScopes: {
    type: 'organization-resource-scopes',
    relation: RELATIONS.appConsentOrgResourceScopes,
    column: 'scopeId',
  },
  userScopes: { type: 'user-scopes', relation: RELATIONS.appConsentUserScopes, column: 'userScope' },
} as const;
type ConsentGroup = keyof typeof CONSENT;
const CONSENT_GROUPS = Object.keys(CONSENT) as ConsentGroup[];

export interface AccessControl {
  userIds: string[];
  userRoleIds: string[];
  organizationIds: string[];
  organizationRoleRules: Array<{ organizationId: string; organizationRoleIds: string[] }>;
}

const fkNotFound = () =>
  new ApiError(
    422,
    'entity.relation_foreign_key_not_found',
    'Cannot find the entity with the given foreign key, please check your input.',
  );
const constraintViolated = () => new ApiError(422, 'entity.db_constraint_violated', 'Database constraint violated.');

const thirdPartyOnly = () =>
  new ApiError(
    422,
    'application.third_party_application_only',
    'The feature is only available for third-party applications.',
  );

/** An existing third-party application and an existing user (`/applications/:id/users/:userId/…`). */
function requireThirdPartyAppAndUser(ctx: RequestContext): void {
  const app = getApplication(ctx, ctx.params.id as string);
  if (app.isThirdParty !== true) throw thirdPartyOnly();
  if (!table(ctx, TABLES.users)[ctx.params.userId as string]) throw notFound();
}

/** The relations holding an application's access-control rules (all keyed by `applicationId`). */
export const ACCESS_CONTROL_RELATIONS = [
  RELATIONS.appAccessUsers,
  RELATIONS.appAccessUserRoles,
  RELATIONS.appAccessOrganizations,
  RELATIONS.appAccessOrgRoles,
] as const;

const unique = (ids: string[]) => [...new Set(ids)];
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Dedupe every list and merge rule groups of the same organization (Logto's body transform). */
function normaliseAccessControl(body: AccessControl): AccessControl {
  const groups = new Map<string, Set<string>>();
  for (const { organizationId, organizationRoleIds } of body.organizationRoleRules) {
    const set = groups.get(organizationId) ?? new Set<string>();
    for (const id of organizationRoleIds) set.add(id);
    groups.set(organizationId, set);
  }
  return {
    userIds: unique(body.userIds),
    userRoleIds: unique(body.userRoleIds),
    organizationIds: unique(body.organizationIds),
    organizationRoleRules: [...groups].map(([organizationId, ids]) => ({
      organizationId,
      organizationRoleIds: [...ids],
    })),
  };
}

/**
 * The stored rules, sorted by id like Logto's query. Rows whose referenced entity is gone are left out:
 * the database cascades those deletes, and the emulator's other modules do not know these relations.
 */
function readAccessControl(ctx: RequestContext, applicationId: string): AccessControl {
  const exists = (name: string, id: string | undefined) => Boolean(id && table(ctx, name)[id]);
  const rows = (name: string) => relation(ctx, name).filter((r) => r.applicationId === applicationId);
  const rules = new Map<string, string[]>();
  for (const r of rows(RELATIONS.appAccessOrgRoles)) {
    if (!exists(TABLES.organizations, r.organizationId) || !exists(TABLES.organizationRoles, r.organizationRoleId))
      continue;
    const list = rules.get(r.organizationId as string) ?? [];
    list.push(r.organizationRoleId as string);
    rules.set(r.organizationId as string, list);
  }
  return {
    userIds: rows(RELATIONS.appAccessUsers)
      .map((r) => r.userId as string)
      .filter((id) => exists(TABLES.users, id))
      .sort(byId),
    userRoleIds: rows(RELATIONS.appAccessUserRoles)
      .map((r) => r.roleId as string)
      .filter((id) => exists(TABLES.roles, id))
      .sort(byId),
    organizationIds: rows(RELATIONS.appAccessOrganizations)
      .map((r) => r.organizationId as string)
      .filter((id) => exists(TABLES.organizations, id))
      .sort(byId),
    organizationRoleRules: [...rules]
      .sort(([a], [b]) => byId(a, b))
      .map(([organizationId, ids]) => ({ organizationId, organizationRoleIds: ids.sort(byId) })),
  };
}

const applicationSettings: RouteModule = (r) => {
  r.route('GET', '/applications/:applicationId/sign-in-experience', (ctx) => {
    const id = ctx.params.applicationId as string;
    getApplication(ctx, id);
    const row = appSignInExperiences(ctx)[id];
    if (!row) throw notExistsWithId(TABLES.applicationSignInExperiences, id);
    return ok(row);
  });

  r.route('PUT', '/applications/:applicationId/sign-in-experience', (ctx) => {
    // Any application type (Logto applies branding to first-party apps and shows the name, logo and links
    // on third-party apps' consent page). The fields sent are written; `color` and `branding` are replaced
    // whole; an empty string is stored as null; a body with no known field is refused.
    const id = ctx.params.applicationId as string;
    getApplication(ctx, id);
    const body = ctx.body as Partial<ApplicationSignInExperienceRow>;
    const sent = SIE_FIELDS.filter((k) => body[k] !== undefined);
    if (sent.length === 0)
      throw new ApiError(422, 'entity.invalid_input', 'Invalid input. Value list must not be empty.');
    const all = appSignInExperiences(ctx);
    const created = !all[id];
    const row: ApplicationSignInExperienceRow = all[id] ?? {
      tenantId: 'default',
      applicationId: id,
      color: {},
      branding: {},
      customCss: null,
      termsOfUseUrl: null,
      privacyPolicyUrl: null,
      displayName: null,
    };
    for (const k of sent) (row as Row)[k] = body[k] === '' ? null : body[k];
    all[id] = row;
    return ok(row, created ? 201 : 200);
  });

  r.route('POST', '/applications/:applicationId/user-consent-scopes', (ctx) => {
    const id = ctx.params.applicationId as string;
    if (getApplication(ctx, id).isThirdParty !== true) throw thirdPartyOnly();
    const body = ctx.body as Partial<Record<ConsentGroup, string[]>>;
    const missing = (group: ConsentGroup, tableName: string) =>
      (body[group] ?? []).filter((scopeId) => !table(ctx, tableName)[scopeId]);
    const invalid = {
      invalidOrganizationScopes: missing('organizationScopes', TABLES.organizationScopes),
      invalidResourceScopes: missing('resourceScopes', TABLES.scopes),
      invalidOrganizationResourceScopes: missing('organizationResourceScopes', TABLES.scopes),
    };
    if (Object.values(invalid).some((ids) => ids.length > 0)) {
      throw new ApiError(422, 'application.user_consent_scopes_not_found', 'Invalid user consent scopes.', invalid);
    }
    // Adding a scope that is already there is not an error (the insert ignores conflicts).
    for (const group of CONSENT_GROUPS) {
      const { relation: name, column } = CONSENT[group];
      for (const scope of body[group] ?? []) relationAdd(ctx, name, { applicationId: id, [column]: scope });
    }
    return ok('Created', 201);
  });

  r.route('GET', '/applications/:applicationId/user-consent-scopes', (ctx) => {
    const id = ctx.params.applicationId as string;
    getApplication(ctx, id);
    const ids = (group: ConsentGroup) =>
      relationRows(ctx, CONSENT[group].relation, { applicationId: id }).map((r) => r[CONSENT[group].column] as string);
    const orgScopes = table(ctx, TABLES.organizationScopes);
    const byResource = (group: ConsentGroup) => {
      const groups = new Map<string, Row[]>();
      for (const scopeId of ids(group)) {
        const scope = table(ctx, TABLES.scopes)[scopeId];
        if (!scope) continue;
        const list = groups.get(scope.resourceId as string) ?? [];
        list.push({ id: scope.id, name: scope.name, description: scope.description ?? null });
        groups.set(scope.resourceId as string, list);
      }
      return [...groups].map(([resourceId, scopes]) => {
        const { id: rid, name, indicator } = table(ctx, TABLES.resources)[resourceId] ?? {};
        return { resource: { id: rid, name, indicator }, scopes };
      });
    };
    return ok({
      organizationScopes: ids('organizationScopes')
        .filter((scopeId) => orgScopes[scopeId])
        .map((scopeId) => ({
          id: scopeId,
          name: orgScopes[scopeId]!.name,
          description: orgScopes[scopeId]!.description ?? null,
        })),
      resourceScopes: byResource('resourceScopes'),
      organizationResourceScopes: byResource('organizationResourceScopes'),
      userScopes: ids('userScopes'),
    });
  });

  r.route('DELETE', '/applications/:applicationId/user-consent-scopes/:scopeType/:scopeId', (ctx) => {
    const id = ctx.params.applicationId as string;
    getApplication(ctx, id);
    const group = CONSENT_GROUPS.find((g) => CONSENT[g].type === ctx.params.scopeType);
    if (!group) throw notFound();
    const { relation: name, column } = CONSENT[group];
    return deleteRelationRow(ctx, name, { applicationId: id, [column]: ctx.params.scopeId as string });
  });

  // A user's consented organizations. Logto checks the app (third-party) and the user on the whole path before
  // any route's guard runs, so an unknown app or user wins over a bad body.
  const consentOrgs = '/applications/:id/users/:userId/consent-organizations';
  const consentGuard = { before: requireThirdPartyAppAndUser };
  const requireMemberships = (ctx: RequestContext, organizationIds: string[]) => {
    const userId = ctx.params.userId as string;
    if (
      organizationIds.some(
        (organizationId) => relationRows(ctx, RELATIONS.orgUsers, { organizationId, userId }).length === 0,
      )
    ) {
      throw requireMembershipError();
    }
  };
  r.route(
    'GET',
    consentOrgs,
    (ctx) => {
      const all = table(ctx, TABLES.organizations);
      const rows = relationRows(ctx, RELATIONS.appConsentOrganizations, {
        applicationId: ctx.params.id as string,
        userId: ctx.params.userId as string,
      }).flatMap((link) => (all[link.organizationId!] ? [all[link.organizationId!]] : []));
      const page = paginate(ctx, rows, 'always');
      return { ...page, json: { organizations: page.json } };
    },
    consentGuard,
  );
  r.route(
    'PUT',
    consentOrgs,
    (ctx) => {
      const { organizationIds } = ctx.body as { organizationIds: string[] };
      requireMemberships(ctx, organizationIds);
      const match = { applicationId: ctx.params.id as string, userId: ctx.params.userId as string };
      relationRemove(ctx, RELATIONS.appConsentOrganizations, match);
      for (const organizationId of organizationIds)
        relationAdd(ctx, RELATIONS.appConsentOrganizations, { ...match, organizationId });
      return noContent();
    },
    consentGuard,
  );
  r.route(
    'POST',
    consentOrgs,
    (ctx) => {
      const { organizationIds } = ctx.body as { organizationIds: string[] };
      if (organizationIds.length === 0) {
        throw emptyArrayError('organizationIds');
      }
      requireMemberships(ctx, organizationIds);
      const match = { applicationId: ctx.params.id as string, userId: ctx.params.userId as string };
      // Already consented organizations are not an error (the insert ignores conflicts).
      for (const organizationId of organizationIds)
        relationAdd(ctx, RELATIONS.appConsentOrganizations, { ...match, organizationId });
      return text('Created', 201);
    },
    consentGuard,
  );
  r.route(
    'DELETE',
    `${consentOrgs}/:organizationId`,
    (ctx) =>
      deleteRelationRow(ctx, RELATIONS.appConsentOrganizations, {
        applicationId: ctx.params.id as string,
        userId: ctx.params.userId as string,
        organizationId: ctx.params.organizationId as string,
      }),
    consentGuard,
  );

  r.route('GET', '/applications/:applicationId/access-control', (ctx) => {
    const id = ctx.params.applicationId as string;
    getApplication(ctx, id);
    return ok(readAccessControl(ctx, id));
  });

  r.route('PUT', '/applications/:applicationId/access-control', (ctx) => {
    const id = ctx.params.applicationId as string;
    const rules = normaliseAccessControl(ctx.body as AccessControl);
    getApplication(ctx, id);
    // Foreign keys and role types are checked before anything is replaced (one transaction in Logto).
    const roles = table(ctx, TABLES.roles);
    const orgRoles = table(ctx, TABLES.organizationRoles);
    const organizations = table(ctx, TABLES.organizations);
    const users = table(ctx, TABLES.users);
    if (rules.userIds.some((u) => !users[u])) throw fkNotFound();
    if (rules.userRoleIds.some((roleId) => !roles[roleId])) throw fkNotFound();
    if (rules.userRoleIds.some((roleId) => roles[roleId]?.type !== 'User')) throw constraintViolated();
    if (rules.organizationIds.some((o) => !organizations[o])) throw fkNotFound();
    for (const g of rules.organizationRoleRules) {
      if (!organizations[g.organizationId] || g.organizationRoleIds.some((o) => !orgRoles[o])) throw fkNotFound();
      if (g.organizationRoleIds.some((o) => orgRoles[o]?.type !== 'User')) throw constraintViolated();
    }
    for (const name of ACCESS_CONTROL_RELATIONS) relationRemove(ctx, name, { applicationId: id });
    for (const userId of rules.userIds) relation(ctx, RELATIONS.appAccessUsers).push({ applicationId: id, userId });
    for (const roleId of rules.userRoleIds) {
      relation(ctx, RELATIONS.appAccessUserRoles).push({ applicationId: id, roleId });
    }
    for (const organizationId of rules.organizationIds) {
      relation(ctx, RELATIONS.appAccessOrganizations).push({ applicationId: id, organizationId });
    }
    for (const g of rules.organizationRoleRules) {
      for (const organizationRoleId of g.organizationRoleIds) {
        relation(ctx, RELATIONS.appAccessOrgRoles).push({
          applicationId: id,
          organizationId: g.organizationId,
          organizationRoleId,
        });
      }
    }
    return ok(rules);
  });
};

export default applicationSettings;
