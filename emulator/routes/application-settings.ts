/**
 * Per-application settings with their own routes (OpenAPI document, OSS 1.42.0):
 * - `/applications/:applicationId/sign-in-experience` (GET, PUT): branding and terms links of a
 *   third-party app;
 * - `/applications/:applicationId/access-control` (GET, PUT): the app-level access-control rules.
 */
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import { notExistsWithId, ok, RELATIONS, relation, relationRemove, TABLES, table } from '../util.js';
import { getApplication } from './applications.js';

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
    const id = ctx.params.applicationId as string;
    const app = getApplication(ctx, id);
    if (app.isThirdParty !== true) {
      throw new ApiError(
        422,
        'application.third_party_application_only',
        'The feature is only available for third-party applications.',
      );
    }
    const body = ctx.body as Partial<ApplicationSignInExperienceRow>;
    const all = appSignInExperiences(ctx);
    const current = all[id];
    if (current) {
      // An update writes the fields sent; JSON fields are replaced, not merged.
      for (const k of SIE_FIELDS) if (body[k] !== undefined) (current as Row)[k] = body[k];
      return ok(current);
    }
    const row: ApplicationSignInExperienceRow = {
      tenantId: 'default',
      applicationId: id,
      color: body.color ?? {},
      branding: body.branding ?? {},
      customCss: body.customCss ?? null,
      termsOfUseUrl: body.termsOfUseUrl ?? null,
      privacyPolicyUrl: body.privacyPolicyUrl ?? null,
      displayName: body.displayName ?? null,
    };
    all[id] = row;
    return ok(row, 201);
  });

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
