/** Helpers shared by route modules. */
import { randomBytes } from 'node:crypto';
import { ApiError, type HandlerResult, type PaginationMode, type RequestContext } from './types.js';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Logto ids: lowercase [0-9a-z]; 21 chars for most entities, 12 for organizations and SSO connectors. */
export function newId(length = 21): string {
  const bytes = randomBytes(length);
  let id = '';
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
  return id;
}

export function table<T extends Record<string, unknown> = Record<string, unknown>>(
  ctx: RequestContext,
  name: string,
): Record<string, T> {
  ctx.state.tables[name] ??= {};
  return ctx.state.tables[name] as Record<string, T>;
}

export function relation(ctx: RequestContext, name: string): Array<Record<string, string>> {
  ctx.state.relations[name] ??= [];
  return ctx.state.relations[name];
}

/** `The <table> with ID \`<id>\` does not exist.` — 404 entity.not_exists_with_id. */
export function notExistsWithId(tableName: string, id: string): ApiError {
  return new ApiError(404, 'entity.not_exists_with_id', `The ${tableName} with ID \`${id}\` does not exist.`);
}
export function notFound(): ApiError {
  return new ApiError(404, 'entity.not_found', 'The resource does not exist.');
}
export function notExists(tableName: string): ApiError {
  return new ApiError(404, 'entity.not_exists', `The ${tableName} does not exist.`);
}
export function emptyPatch(): ApiError {
  return new ApiError(422, 'entity.invalid_input', 'Invalid input. Value list must not be empty.');
}

export const ok = (json: unknown, status = 200): HandlerResult => ({ status, json });
export const text = (body: string, status: number): HandlerResult => ({ status, text: body });
export const noContent = (): HandlerResult => ({ status: 204 });

/** The `keys` of a PATCH body whose value is not undefined; none of them → 422 `emptyPatch()`. */
export function patchOf<T extends object, K extends keyof T & string>(
  body: T | undefined,
  keys: readonly K[],
): Partial<Pick<T, K>> {
  const patch: Partial<Pick<T, K>> = {};
  for (const key of keys) if (body?.[key] !== undefined) patch[key] = body[key];
  if (Object.keys(patch).length === 0) throw emptyPatch();
  return patch;
}

/**
 * Render a list the way Logto's koa-pagination does: `optional` routes return everything without headers
 * unless `page` or `page_size` is present; `always` routes paginate with 20 per page by default; `none`
 * routes ignore the parameters. Invalid parameters → 400 guard.invalid_pagination. `Link` URLs omit `/api`
 * like the real server.
 */
export function paginate(ctx: RequestContext, rows: unknown[], mode: PaginationMode): HandlerResult {
  const hasPage = ctx.query.has('page');
  const hasSize = ctx.query.has('page_size');
  if (mode === 'none' || (mode === 'optional' && !hasPage && !hasSize)) return ok(rows);
  const page = hasPage ? Number(ctx.query.get('page')) : 1;
  const size = hasSize ? Number(ctx.query.get('page_size')) : 20;
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > 100) {
    throw new ApiError(400, 'guard.invalid_pagination', 'The request pagination value is invalid.');
  }
  const total = rows.length;
  const items = rows.slice((page - 1) * size, page * size);
  const last = Math.max(1, Math.ceil(total / size));
  const path = ctx.route.replace(/:(\w+)/g, (_, name: string) => ctx.params[name] ?? '');
  const link = (p: number, rel: string) => `<${ctx.baseUrl}${path}?page=${p}&page_size=${size}>; rel="${rel}"`;
  const links = [link(1, 'first')];
  if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'));
  // Logto's order: first, prev, last, next.
  links.push(link(last, 'last'));
  if (page < last) links.push(link(page + 1, 'next'));
  return { status: 200, json: items, headers: { 'Total-Number': String(total), Link: links.join(', ') } };
}

/**
 * Table, relation and singleton names shared by route modules (one place, so cross-module relations agree).
 * Rows in `tables` are keyed by id unless noted.
 */
export const TABLES = {
  applications: 'applications',
  roles: 'roles',
  resources: 'resources',
  /** Resource scopes (`/resources/:id/scopes`). */
  scopes: 'scopes',
  users: 'users',
  organizations: 'organizations',
  organizationRoles: 'organization_roles',
  organizationScopes: 'organization_scopes',
  ssoConnectors: 'sso_connectors',
  hooks: 'hooks',
  /** Keyed by language tag. */
  customPhrases: 'custom_phrases',
  emailTemplates: 'email_templates',
  /** Keyed by field name. */
  customProfileFields: 'custom_profile_fields',
  connectors: 'connectors',
  /** Custom domains (`routes/domains.ts`). */
  domains: 'domains',
  /** App-level sign-in experience, keyed by application id. */
  applicationSignInExperiences: 'application_sign_in_experiences',
  /** `POST /hooks/:id/test` calls, recorded as well as sent (keyed by an internal id). */
  hookTestRequests: 'hook_test_requests',
} as const;

export const RELATIONS = {
  /** {organizationRoleId, organizationScopeId} */
  orgRoleScopes: 'organization_role_scope_relations',
  /** {organizationRoleId, scopeId} */
  orgRoleResourceScopes: 'organization_role_resource_scope_relations',
  /** {organizationId, applicationId} */
  orgApplications: 'organization_application_relations',
  /** {organizationId, applicationId, organizationRoleId} */
  orgApplicationRoles: 'organization_role_application_relations',
  /** {organizationId, userId} */
  orgUsers: 'organization_user_relations',
  /** {organizationId, userId, organizationRoleId} */
  orgUserRoles: 'organization_role_user_relations',
  /** {organizationId, emailDomain} */
  orgJitEmailDomains: 'organization_jit_email_domains',
  /** {organizationId, organizationRoleId} */
  orgJitRoles: 'organization_jit_roles',
  /** {organizationId, ssoConnectorId} */
  orgJitSsoConnectors: 'organization_jit_sso_connectors',
  /** App-level access control: {applicationId, userId} */
  appAccessUsers: 'application_access_control_user_relations',
  /** {applicationId, roleId} */
  appAccessUserRoles: 'application_access_control_user_role_relations',
  /** {applicationId, organizationId} */
  appAccessOrganizations: 'application_access_control_organization_relations',
  /** {applicationId, organizationId, organizationRoleId} */
  appAccessOrgRoles: 'application_access_control_org_role_relations',
  /** Third-party app consent: {applicationId, organizationScopeId} */
  appConsentOrgScopes: 'application_user_consent_organization_scopes',
  /** {applicationId, scopeId} */
  appConsentResourceScopes: 'application_user_consent_resource_scopes',
  /** {applicationId, scopeId} */
  appConsentOrgResourceScopes: 'application_user_consent_organization_resource_scopes',
  /** {applicationId, userScope} */
  appConsentUserScopes: 'application_user_consent_user_scopes',
  /** The organizations a user consented a third-party app to: {applicationId, userId, organizationId} */
  appConsentOrganizations: 'application_user_consent_organizations',
} as const;

export const SINGLETONS = {
  signInExperience: 'sign_in_experience',
  accountCenter: 'account_center',
  captchaProvider: 'captcha_provider',
  /** Record<'jwt.accessToken' | 'jwt.clientCredentials', value> */
  jwtCustomizers: 'jwt_customizers',
  oidcSession: 'oidc_session',
  idToken: 'id_token',
  adminConsole: 'admin_console',
  oidcPrivateKeys: 'oidc_private_keys',
  oidcCookieKeys: 'oidc_cookie_keys',
  /** `true` when custom domains are available, as on Logto Cloud (see `routes/domains.ts`). */
  hostnameProvider: 'hostname_provider',
  /** Connector factories offered by this emulator (see `routes/connectors.ts`). */
  connectorFactories: 'connector_factories',
} as const;

/** Does every key of `match` equal the row's value? */
function matches(row: Record<string, string>, match: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(match)) if (row[k] !== v) return false;
  return true;
}

type RelationRow = Record<string, string>;

/**
 * Per relation array, its rows grouped by the value of each column asked for, so a lookup costs the rows that
 * match rather than the whole table (a 10,000-object tenant has tens of thousands of links). Rows are only
 * ever appended in place or the array is replaced (`relationRemove`, seeding), so rows past `indexed` are
 * added on the next lookup and a replaced array simply gets a new index.
 */
const relationIndexes = new WeakMap<
  RelationRow[],
  { indexed: number; byColumn: Map<string, Map<string, RelationRow[]>> }
>();

function rowsWith(rows: RelationRow[], column: string, value: string): RelationRow[] {
  let index = relationIndexes.get(rows);
  if (!index) {
    index = { indexed: rows.length, byColumn: new Map() };
    relationIndexes.set(rows, index);
  }
  if (index.indexed < rows.length) {
    for (const [col, groups] of index.byColumn)
      for (let i = index.indexed; i < rows.length; i++) group(groups, rows[i]!, col);
    index.indexed = rows.length;
  }
  let groups = index.byColumn.get(column);
  if (!groups) {
    groups = new Map();
    for (const row of rows) group(groups, row, column);
    index.byColumn.set(column, groups);
  }
  return groups.get(value) ?? [];
}

function group(groups: Map<string, RelationRow[]>, row: RelationRow, column: string): void {
  const value = row[column];
  if (value === undefined) return;
  const list = groups.get(value);
  if (list) list.push(row);
  else groups.set(value, [row]);
}

/** Rows of a relation table that match all given columns. */
export function relationRows(ctx: RequestContext, name: string, match: Record<string, string>): RelationRow[] {
  const rows = relation(ctx, name);
  const first = Object.entries(match)[0];
  const candidates = first ? rowsWith(rows, first[0], first[1]) : rows;
  return candidates.filter((row) => matches(row, match));
}

/** Insert a relation row unless an identical one exists (`on conflict do nothing`). Returns true if inserted. */
export function relationAdd(ctx: RequestContext, name: string, row: RelationRow): boolean {
  if (relationRows(ctx, name, row).length > 0) return false;
  relation(ctx, name).push({ ...row });
  return true;
}

/** Remove every relation row matching `match`. Returns the number of rows removed. */
export function relationRemove(ctx: RequestContext, name: string, match: Record<string, string>): number {
  const rows = relation(ctx, name);
  const kept = rows.filter((r) => !matches(r, match));
  const removed = rows.length - kept.length;
  ctx.state.relations[name] = kept;
  return removed;
}

/** DELETE of one relation link: 204 once the matching rows are removed, 404 `entity.not_found` when none match. */
export function deleteRelationRow(ctx: RequestContext, name: string, match: Record<string, string>): HandlerResult {
  if (relationRemove(ctx, name, match) === 0) throw notFound();
  return noContent();
}

/** Read a singleton, creating it from `init` on first access. */
export function singleton<T>(ctx: RequestContext, name: string, init: () => T): T {
  if (!(name in ctx.state.singletons)) ctx.state.singletons[name] = init();
  return ctx.state.singletons[name] as T;
}

/** One zod-like issue as Logto returns it in `data.issues` of `guard.invalid_input`. */
export interface GuardIssue {
  code: string;
  path: Array<string | number>;
  message: string;
  [extra: string]: unknown;
}

/**
 * 400 `guard.invalid_input` with Logto's shape: `data: {issues, name: "ZodError"}` and a `details` string.
 * Thrown by the core's body validation; route modules may throw it for checks the OpenAPI document cannot
 * express (e.g. `guardError('oidcClientMetadata.redirectUris.0', 'Invalid url')`).
 */
export class GuardError extends ApiError {
  readonly details: string;
  constructor(
    readonly issues: GuardIssue[],
    where: 'body' | 'params' | 'query' = 'body',
  ) {
    super(400, 'guard.invalid_input', `The request ${where} is invalid.`, { issues, name: 'ZodError' });
    // Logto's `formatZodError`: one line per issue; `invalid_type` lines name the expected and received types.
    this.details = issues
      .map((i) => {
        const base = `Error in key path "${i.path.map(String).join('.')}": (${i.code}) `;
        if (i.code === 'invalid_type' && i.expected !== undefined && i.received !== undefined) {
          return `${base}Expected ${String(i.expected)} but received ${String(i.received)}.`;
        }
        return base + i.message;
      })
      .join('\n');
  }
}

/** Logto's guard answer for an array field that must not be empty (zod's `too_small` issue). */
export function emptyArrayError(field: string): GuardError {
  return new GuardError([
    {
      code: 'too_small',
      minimum: 1,
      type: 'array',
      inclusive: true,
      exact: false,
      path: [field],
      message: 'Array must contain at least 1 element(s)',
    },
  ]);
}

/** A single-issue `GuardError` for a dotted path such as `oidcClientMetadata.redirectUris.0`. */
export function guardError(path: string, message: string, code = 'custom'): GuardError {
  const segments = path ? path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [];
  return new GuardError([{ code, path: segments, message }]);
}

/** Tables and relations of the core route modules (applications, resources, roles, SAML apps). */
export const CORE_TABLES = {
  /** Keyed by an internal id; rows `{tenantId, applicationId, name, value, createdAt, expiresAt}`. */
  applicationSecrets: 'application_secrets',
  /** Keyed by application id: `{attributeMapping, entityId, acsUrl, encryption, nameIdFormat}`. */
  samlApplicationConfigs: 'saml_application_configs',
  /** Keyed by secret id; rows carry `applicationId`. */
  samlApplicationSecrets: 'saml_application_secrets',
  /**
   * Apps with admin access (`PATCH /applications/:id {isAdmin: true}`), keyed by app id. Logto gives them its
   * internal admin role, which no role list shows and which holds the Management API's `all` scope.
   */
  adminApplications: 'admin_applications',
} as const;

export const CORE_RELATIONS = {
  /** {roleId, scopeId} */
  rolesScopes: 'roles_scopes',
  /** {applicationId, roleId} */
  applicationsRoles: 'applications_roles',
  /** {userId, roleId} */
  usersRoles: 'users_roles',
} as const;

/** SQL `ILIKE` as Logto's `search` uses it: no implicit wildcards; `%` = any run, `_` = one char. */
export function ilike(pattern: string, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  let re = '';
  for (const ch of pattern) {
    if (ch === '%') re += '.*';
    else if (ch === '_') re += '.';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'is').test(value);
}

/**
 * Logto's `search` / `search.<field>` query parameters: keep a row when any searched field matches any
 * searched value with ILIKE (`fields` are the columns searched by a bare `search`).
 */
export function searchFilter(ctx: RequestContext, fields: string[]): (row: Record<string, unknown>) => boolean {
  const terms: Array<{ field?: string; value: string }> = [];
  for (const [k, v] of ctx.query) {
    if (k === 'search') terms.push({ value: v });
    else if (k.startsWith('search.')) terms.push({ field: k.slice('search.'.length), value: v });
  }
  if (terms.length === 0) return () => true;
  return (row) => terms.some((t) => (t.field ? [t.field] : fields).some((f) => ilike(t.value, row[f])));
}
