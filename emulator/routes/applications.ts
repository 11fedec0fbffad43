/**
 * `/applications` (every OSS type), their secrets, M2M roles, organizations, custom-data merge and the
 * legacy secret. See docs/logto-behaviour.md#applications, #application-secrets and #application-roles.
 */
import { acceptsRedirectUri } from '../../resources/application.js';
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import {
  CORE_RELATIONS,
  CORE_TABLES,
  deleteRelationRow,
  emptyPatch,
  guardError,
  newId,
  noContent,
  notExists,
  notExistsWithId,
  notFound,
  ok,
  paginate,
  RELATIONS,
  relationAdd,
  relationRemove,
  relationRows,
  searchFilter,
  TABLES,
  table,
  text,
} from '../util.js';

type Row = Record<string, unknown>;

export interface ApplicationRow extends Row {
  tenantId: string;
  id: string;
  name: string;
  description: string | null;
  type: string;
  oidcClientMetadata: Row;
  customClientMetadata: Row;
  protectedAppMetadata: Row | null;
  customData: Row;
  isThirdParty: boolean;
  appLevelAccessControlEnabled: boolean;
  createdAt: number;
  /** Legacy secret column: stored, never returned. */
  secret?: string;
}

interface SecretRow extends Row {
  tenantId: string;
  applicationId: string;
  name: string;
  value: string;
  createdAt: number;
  expiresAt: number | null;
}

export const applications = (ctx: RequestContext) => table<ApplicationRow>(ctx, TABLES.applications);
const secrets = (ctx: RequestContext) => table<SecretRow>(ctx, CORE_TABLES.applicationSecrets);

/** Logto's built-in `demo-app` (the sign-in experience's live preview), as GET answers it on Logto 1.42. */
const DEMO_APP = Object.freeze({
  tenantId: 'default',
  id: 'demo-app',
  name: 'Live Preview',
  secret: 'N/A',
  description: 'Preview for Sign-in Experience.',
  type: 'SPA',
  oidcClientMetadata: { redirectUris: [], postLogoutRedirectUris: [] },
  customClientMetadata: {},
  protectedAppMetadata: null,
  customData: {},
  isThirdParty: false,
  appLevelAccessControlEnabled: false,
  createdAt: 0,
});

/** The row as the API returns it (list items and PATCH responses): no legacy secret. */
export function publicApplication(row: ApplicationRow): Row {
  const { secret: _legacy, ...rest } = row;
  return rest;
}

export function getApplication(ctx: RequestContext, id: string): ApplicationRow {
  const row = applications(ctx)[id];
  if (!row) throw notExistsWithId('applications', id);
  return row;
}

/** Newest first, as observed. */
function newestFirst<T extends Row>(rows: T[]): T[] {
  return [...rows].sort((a, b) => Number(b.createdAt ?? 0) - Number(a.createdAt ?? 0));
}

function checkUris(metadata: Row | undefined): void {
  if (!metadata) return;
  for (const key of ['redirectUris', 'postLogoutRedirectUris']) {
    const list = metadata[key];
    if (!Array.isArray(list)) continue;
    // Logto's rule, whatever the application type: a web URI or a native app scheme.
    list.forEach((uri, i) => {
      if (typeof uri !== 'string' || !acceptsRedirectUri(uri))
        throw guardError(`oidcClientMetadata.${key}.${i}`, 'Invalid input', 'custom');
    });
  }
}

/** Third-party apps may not enable token exchange (create and PATCH): 422, as in Logto's application routes. */
function assertNoThirdPartyTokenExchange(isThirdParty: boolean, customClientMetadata: Row | undefined): void {
  if (isThirdParty && customClientMetadata?.allowTokenExchange === true) {
    throw new ApiError(
      422,
      'application.third_party_application_cannot_enable_token_exchange',
      'Third-party applications are not allowed to enable token exchange.',
    );
  }
}

/** 400 for `/applications` calls on a SAML app: those go through `/saml-applications`. */
const useSamlAppApi = (verb: 'create' | 'manage') =>
  new ApiError(400, 'application.saml.use_saml_app_api', `Use the SAML application API to ${verb} SAML applications.`);

function defaultOidcMetadata(): Row {
  return { redirectUris: [], postLogoutRedirectUris: [] };
}

const secretTypes = new Set(['Traditional', 'MachineToMachine', 'Protected', 'SAML']);

function addSecret(ctx: RequestContext, applicationId: string, name: string, expiresAt: number | null): SecretRow {
  const row: SecretRow = {
    tenantId: 'default',
    applicationId,
    name,
    value: newId(32),
    createdAt: Date.now(),
    expiresAt,
  };
  secrets(ctx)[newId(21)] = row;
  return row;
}

function appSecrets(ctx: RequestContext, applicationId: string): Array<[string, SecretRow]> {
  return Object.entries(secrets(ctx))
    .filter(([, s]) => s.applicationId === applicationId)
    .sort(([, a], [, b]) => a.createdAt - b.createdAt);
}

/** Delete an application and every row that points at it. */
export function deleteApplicationCascade(ctx: RequestContext, id: string): void {
  delete applications(ctx)[id];
  for (const [key, s] of Object.entries(secrets(ctx))) if (s.applicationId === id) delete secrets(ctx)[key];
  delete table(ctx, CORE_TABLES.samlApplicationConfigs)[id];
  delete table(ctx, CORE_TABLES.adminApplications)[id];
  const samlSecrets = table(ctx, CORE_TABLES.samlApplicationSecrets);
  for (const [key, s] of Object.entries(samlSecrets)) if (s.applicationId === id) delete samlSecrets[key];
  relationRemove(ctx, CORE_RELATIONS.applicationsRoles, { applicationId: id });
  relationRemove(ctx, RELATIONS.orgApplications, { applicationId: id });
  relationRemove(ctx, RELATIONS.orgApplicationRoles, { applicationId: id });
  // App-level sign-in experience, access-control rules and consent scopes (routes/application-settings.ts).
  delete table(ctx, TABLES.applicationSignInExperiences)[id];
  for (const name of [
    RELATIONS.appAccessUsers,
    RELATIONS.appAccessUserRoles,
    RELATIONS.appAccessOrganizations,
    RELATIONS.appAccessOrgRoles,
    RELATIONS.appConsentOrgScopes,
    RELATIONS.appConsentResourceScopes,
    RELATIONS.appConsentOrgResourceScopes,
    RELATIONS.appConsentUserScopes,
    RELATIONS.appConsentOrganizations,
  ]) {
    relationRemove(ctx, name, { applicationId: id });
  }
}

/** A new application row with Logto's defaults (shared with `/saml-applications`). */
export function newApplicationRow(body: Row, type: string): ApplicationRow {
  return {
    tenantId: 'default',
    id: newId(21),
    name: String(body.name),
    description: (body.description as string | null | undefined) ?? null,
    type,
    oidcClientMetadata: (body.oidcClientMetadata as Row | undefined) ?? defaultOidcMetadata(),
    customClientMetadata: (body.customClientMetadata as Row | undefined) ?? {},
    protectedAppMetadata: null,
    customData: (body.customData as Row | undefined) ?? {},
    isThirdParty: (body.isThirdParty as boolean | undefined) ?? false,
    appLevelAccessControlEnabled: false,
    createdAt: Date.now(),
  };
}

function roleRows(ctx: RequestContext): Record<string, Row> {
  return table(ctx, TABLES.roles);
}

/** Validate role ids for an M2M app: existence (404) and type (422). */
function checkRolesForApp(ctx: RequestContext, app: ApplicationRow, roleIds: string[]): void {
  if (app.type !== 'MachineToMachine') {
    throw new ApiError(422, 'application.invalid_type', 'Invalid application type.');
  }
  for (const roleId of roleIds) {
    const role = roleRows(ctx)[roleId];
    if (!role) throw notExistsWithId('roles', roleId);
    if (role.type !== 'MachineToMachine') {
      throw new ApiError(
        422,
        'application.invalid_role_type',
        'Can not assign user type role to machine to machine application.',
      );
    }
  }
}

export const applicationRoutes: RouteModule = (r) => {
  r.route('GET', '/applications', (ctx) => {
    const types = ctx.query.getAll('types').flatMap((t) => t.split(','));
    const isThirdParty = ctx.query.get('isThirdParty');
    const excludeRoleId = ctx.query.get('excludeRoleId');
    const excludeOrganizationId = ctx.query.get('excludeOrganizationId');
    const matchesSearch = searchFilter(ctx, ['id', 'name', 'description']);
    const rows = newestFirst(Object.values(applications(ctx))).filter((app) => {
      if (types.length > 0 && !types.includes(app.type)) return false;
      if (isThirdParty !== null && String(app.isThirdParty) !== isThirdParty) return false;
      if (
        excludeRoleId &&
        relationRows(ctx, CORE_RELATIONS.applicationsRoles, { applicationId: app.id, roleId: excludeRoleId }).length > 0
      ) {
        return false;
      }
      if (
        excludeOrganizationId &&
        relationRows(ctx, RELATIONS.orgApplications, { applicationId: app.id, organizationId: excludeOrganizationId })
          .length > 0
      ) {
        return false;
      }
      return matchesSearch(app);
    });
    return paginate(ctx, rows.map(publicApplication), 'optional');
  });

  r.route('POST', '/applications', (ctx) => {
    const body = ctx.body as Row;
    const type = String(body.type);
    if (type === 'SAML') throw useSamlAppApi('create');
    if (type === 'Protected') {
      if (!body.protectedAppMetadata) {
        throw new ApiError(
          400,
          'application.protected_app_metadata_is_required',
          'Protected app metadata is required.',
        );
      }
      throw new ApiError(
        501,
        'application.protected_app_not_configured',
        'Protected app is not available for open source version.',
      );
    }
    if (body.isThirdParty === true && type === 'MachineToMachine') {
      throw new ApiError(
        400,
        'application.invalid_third_party_application_type',
        'Only traditional web, single-page and native applications can be marked as a third-party app.',
      );
    }
    assertNoThirdPartyTokenExchange(body.isThirdParty === true, body.customClientMetadata as Row | undefined);
    if ((body.customClientMetadata as Row | undefined)?.isDeviceFlow === true && type !== 'Native') {
      throw new ApiError(
        422,
        'application.device_flow_native_only',
        'Device flow is only available for native applications.',
      );
    }
    checkUris(body.oidcClientMetadata as Row | undefined);
    const row = newApplicationRow(body, type);
    applications(ctx)[row.id] = row;
    if (secretTypes.has(type)) addSecret(ctx, row.id, 'Default secret', null);
    return ok(publicApplication(row));
  });

  r.route('GET', '/applications/:id', (ctx) => {
    const id = ctx.params.id as string;
    // Logto's built-in sign-in experience preview app: readable here only (no list, PATCH, DELETE or sub-route).
    if (id === DEMO_APP.id) return ok({ ...DEMO_APP, isAdmin: false });
    const app = getApplication(ctx, id);
    return ok({ ...publicApplication(app), isAdmin: Boolean(table(ctx, CORE_TABLES.adminApplications)[app.id]) });
  });

  r.route('PATCH', '/applications/:id', (ctx) => {
    const app = getApplication(ctx, ctx.params.id as string);
    if (app.type === 'SAML') throw useSamlAppApi('manage');
    const body = { ...(ctx.body as Row) };
    // Not stored on the row (and not in PATCH's answer): admin access, for any app type, is Logto's internal
    // admin role (CORE_TABLES.adminApplications). Protected-app metadata only exists for Protected apps.
    const { isAdmin } = body;
    delete body.isAdmin;
    if (app.type !== 'Protected') delete body.protectedAppMetadata;
    checkUris(body.oidcClientMetadata as Row | undefined);
    const ccm = body.customClientMetadata as Row | undefined;
    if (ccm) {
      if (Boolean(ccm.isDeviceFlow) !== Boolean(app.customClientMetadata.isDeviceFlow)) {
        throw new ApiError(422, 'application.device_flow_not_changeable', 'Device flow setting can not be changed.');
      }
      assertNoThirdPartyTokenExchange(app.isThirdParty === true, ccm);
    }
    Object.assign(app, body);
    const admins = table(ctx, CORE_TABLES.adminApplications);
    if (isAdmin === true) admins[app.id] = { applicationId: app.id };
    else if (isAdmin === false) delete admins[app.id];
    return ok(publicApplication(app));
  });

  r.route('DELETE', '/applications/:id', (ctx) => {
    const app = getApplication(ctx, ctx.params.id as string);
    if (app.type === 'SAML') throw useSamlAppApi('manage');
    deleteApplicationCascade(ctx, app.id);
    return noContent();
  });

  r.route('PATCH', '/applications/:applicationId/custom-data', (ctx) => {
    const app = getApplication(ctx, ctx.params.applicationId as string);
    app.customData = { ...app.customData, ...(ctx.body as Row) };
    return ok(app.customData);
  });

  r.route('DELETE', '/applications/:id/legacy-secret', (ctx) => {
    const app = getApplication(ctx, ctx.params.id as string);
    if (typeof app.secret !== 'string' || app.secret === '') {
      throw new ApiError(400, 'application.no_legacy_secret_found', 'The application does not have a legacy secret.');
    }
    delete app.secret;
    return noContent();
  });

  // ---- secrets (addressed by name)
  r.route('GET', '/applications/:id/secrets', (ctx) => {
    const app = getApplication(ctx, ctx.params.id as string);
    return ok(appSecrets(ctx, app.id).map(([, s]) => s));
  });

  r.route('POST', '/applications/:id/secrets', (ctx) => {
    const app = getApplication(ctx, ctx.params.id as string);
    const body = ctx.body as { name: string; expiresAt?: number | null };
    if (typeof body.expiresAt === 'number' && body.expiresAt <= Date.now()) {
      throw new ApiError(
        400,
        'request.invalid_input',
        'Input is invalid. The value of `expiresAt` must be in the future.',
      );
    }
    if (!secretTypes.has(app.type)) {
      throw new ApiError(422, 'entity.db_constraint_violated', 'Database constraint violated.');
    }
    if (appSecrets(ctx, app.id).some(([, s]) => s.name === body.name)) {
      throw new ApiError(422, 'application.secret_name_exists', 'Secret name already exists.');
    }
    return ok(addSecret(ctx, app.id, body.name, body.expiresAt ?? null), 201);
  });

  r.route('PATCH', '/applications/:id/secrets/:name', (ctx) => {
    const app = getApplication(ctx, ctx.params.id as string);
    const list = appSecrets(ctx, app.id);
    const found = list.find(([, s]) => s.name === ctx.params.name);
    if (!found) throw notExists('application_secrets');
    const name = (ctx.body as { name: string }).name;
    if (name !== found[1].name && list.some(([, s]) => s.name === name)) {
      throw new ApiError(422, 'application.secret_name_exists', 'Secret name already exists.');
    }
    found[1].name = name;
    return ok(found[1]);
  });

  r.route('DELETE', '/applications/:id/secrets/:name', (ctx) => {
    const app = getApplication(ctx, ctx.params.id as string);
    const found = appSecrets(ctx, app.id).find(([, s]) => s.name === ctx.params.name);
    if (!found) throw notFound();
    delete secrets(ctx)[found[0]];
    return noContent();
  });

  // ---- M2M roles
  const onlyM2mRoles = () =>
    new ApiError(422, 'application.invalid_type', 'Only machine to machine applications can have associated roles.');
  r.route('GET', '/applications/:applicationId/roles', (ctx) => {
    const app = getApplication(ctx, ctx.params.applicationId as string);
    if (app.type !== 'MachineToMachine') throw onlyM2mRoles();
    const matchesSearch = searchFilter(ctx, ['id', 'name', 'description']);
    const roles = roleRows(ctx);
    const rows = relationRows(ctx, CORE_RELATIONS.applicationsRoles, { applicationId: app.id })
      .map((l) => roles[l.roleId as string])
      .filter((role): role is Row => Boolean(role) && matchesSearch(role as Row));
    return paginate(ctx, rows, 'always');
  });

  r.route('POST', '/applications/:applicationId/roles', (ctx) => {
    const app = getApplication(ctx, ctx.params.applicationId as string);
    const roleIds = (ctx.body as { roleIds: string[] }).roleIds;
    checkRolesForApp(ctx, app, roleIds);
    const added: string[] = [];
    for (const roleId of roleIds) {
      if (relationAdd(ctx, CORE_RELATIONS.applicationsRoles, { applicationId: app.id, roleId })) added.push(roleId);
    }
    return ok({ roleIds, addedRoleIds: added }, 201);
  });

  r.route('PUT', '/applications/:applicationId/roles', (ctx) => {
    const app = getApplication(ctx, ctx.params.applicationId as string);
    const roleIds = [...new Set((ctx.body as { roleIds: string[] }).roleIds)];
    checkRolesForApp(ctx, app, roleIds);
    // Logto deletes first and then inserts; inserting an empty list fails, and the deletion stays.
    relationRemove(ctx, CORE_RELATIONS.applicationsRoles, { applicationId: app.id });
    if (roleIds.length === 0) throw emptyPatch();
    for (const roleId of roleIds) relationAdd(ctx, CORE_RELATIONS.applicationsRoles, { applicationId: app.id, roleId });
    return text('OK', 200);
  });

  r.route('DELETE', '/applications/:applicationId/roles/:roleId', (ctx) => {
    const app = getApplication(ctx, ctx.params.applicationId as string);
    return deleteRelationRow(ctx, CORE_RELATIONS.applicationsRoles, {
      applicationId: app.id,
      roleId: ctx.params.roleId as string,
    });
  });

  // ---- organizations the app belongs to (tables owned by routes/organizations.ts)
  r.route('GET', '/applications/:id/organizations', (ctx) => {
    const app = getApplication(ctx, ctx.params.id as string);
    const orgs = table(ctx, TABLES.organizations);
    const orgRoles = table(ctx, TABLES.organizationRoles);
    const rows = relationRows(ctx, RELATIONS.orgApplications, { applicationId: app.id })
      .map((l) => orgs[l.organizationId as string])
      .filter((org): org is Row => Boolean(org))
      .map((org) => ({
        ...org,
        organizationRoles: relationRows(ctx, RELATIONS.orgApplicationRoles, {
          organizationId: String(org.id),
          applicationId: app.id,
        })
          .map((l) => orgRoles[l.organizationRoleId as string])
          .filter((role): role is Row => Boolean(role))
          .map((role) => ({ id: role.id, name: role.name })),
      }));
    return paginate(ctx, rows, 'optional');
  });
};
