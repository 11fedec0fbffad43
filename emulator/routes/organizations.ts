/**
 * `/organizations` and its relations: applications (+ their organization roles), users, and just-in-time
 * provisioning (email domains, roles, SSO connectors). See docs/logto-behaviour.md#organizations.
 */
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import {
  deleteRelationRow,
  GuardError,
  guardError,
  newId,
  noContent,
  notExists,
  notExistsWithId,
  notFound,
  ok,
  paginate,
  patchOf,
  RELATIONS,
  relationAdd,
  relationRemove,
  relationRows,
  TABLES,
  table,
  text,
} from '../util.js';
import { foreignKeyNotFound, type OrganizationRoleRow, orgRoles, requireAll } from './organization-roles.js';
import { matchesQuery, uniqueViolation } from './organization-scopes.js';
import { userColumns } from './users.js';

type Row = Record<string, unknown>;

export interface OrganizationRow extends Row {
  tenantId: string;
  id: string;
  name: string;
  description: string | null;
  customData: Record<string, unknown>;
  isMfaRequired: boolean;
  color: Record<string, unknown>;
  branding: Record<string, unknown>;
  customCss: string | null;
  createdAt: number;
}

const PATCHABLE = ['name', 'description', 'customData', 'isMfaRequired', 'color', 'branding', 'customCss'] as const;

const orgs = (ctx: RequestContext) => table<OrganizationRow>(ctx, TABLES.organizations);
const apps = (ctx: RequestContext) => table<Row>(ctx, TABLES.applications);

const dbConstraint = (): ApiError =>
  new ApiError(422, 'entity.db_constraint_violated', 'Database constraint violated.');

const minOne = (field: string): GuardError =>
  new GuardError([
    {
      code: 'too_small',
      minimum: 1,
      type: 'array',
      inclusive: true,
      path: [field],
      message: 'Array must contain at least 1 element(s)',
    },
  ]);

/** Application rows as the API shows them (no legacy `secret`, no emulator-internal keys). */
function publicApp(app: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(app)) if (k !== 'secret' && !k.startsWith('_')) out[k] = v;
  return out;
}

function requireOrg(ctx: RequestContext): void {
  if (!orgs(ctx)[ctx.params.id]) throw foreignKeyNotFound();
}

function orgAppRoles(ctx: RequestContext, organizationId: string, applicationId: string): OrganizationRoleRow[] {
  const roles = orgRoles(ctx);
  return relationRows(ctx, RELATIONS.orgApplicationRoles, { organizationId, applicationId })
    .map((rel) => roles[rel.organizationRoleId])
    .filter((x): x is OrganizationRoleRow => Boolean(x));
}

function orgUserRoles(ctx: RequestContext, organizationId: string, userId: string): OrganizationRoleRow[] {
  const roles = orgRoles(ctx);
  return relationRows(ctx, RELATIONS.orgUserRoles, { organizationId, userId })
    .map((rel) => roles[rel.organizationRoleId])
    .filter((x): x is OrganizationRoleRow => Boolean(x));
}

/** M2M applications may join organizations; anything else violates the table's check constraint. */
function requireM2mApps(ctx: RequestContext, ids: readonly string[]): void {
  const all = apps(ctx);
  requireAll(all, ids);
  for (const id of ids) if (all[id]?.type !== 'MachineToMachine') throw dbConstraint();
}

/** Organization roles given to an application must be of type MachineToMachine. */
function requireM2mRoles(ctx: RequestContext, ids: readonly string[]): void {
  const all = orgRoles(ctx);
  requireAll(all, ids);
  for (const id of ids) if (all[id]?.type !== 'MachineToMachine') throw dbConstraint();
}

function requireMembership(ctx: RequestContext, organizationId: string, applicationId: string): void {
  if (relationRows(ctx, RELATIONS.orgApplications, { organizationId, applicationId }).length === 0) {
    throw foreignKeyNotFound();
  }
}

/** Register GET/POST/PUT/DELETE for a simple organization ↔ entity relation whose POST is idempotent. */
function simpleRelation(
  r: Parameters<RouteModule>[0],
  opts: {
    path: string;
    relation: string;
    bodyKey: string;
    column: string;
    param: string;
    target: (ctx: RequestContext) => Record<string, Row>;
    mode: 'optional' | 'always';
    validate?: (ctx: RequestContext, ids: readonly string[]) => void;
    /**
     * POST refuses an empty list (Logto's guard: at least one id), as for applications
     * (docs/logto-behaviour.md#relations).
     */
    nonEmptyOnAdd?: boolean;
    render?: (ctx: RequestContext, row: Row) => Row;
    /** POST's answer: `Created` as text unless the route answers JSON (users: `{userIds}` as sent). */
    added?: (ids: string[]) => unknown;
  },
): void {
  const base = `/organizations/:id/${opts.path}`;
  r.route('GET', base, (ctx) => {
    const all = opts.target(ctx);
    const rows = relationRows(ctx, opts.relation, { organizationId: ctx.params.id })
      .map((rel) => all[rel[opts.column]])
      .filter((x): x is Row => Boolean(x))
      .filter((x) => matchesQuery(ctx, x, ['id', 'name']))
      .map((x) => (opts.render ? opts.render(ctx, x) : x));
    return paginate(ctx, rows, opts.mode);
  });
  const add = (ctx: RequestContext, replace: boolean) => {
    const ids = (ctx.body as Record<string, string[]>)[opts.bodyKey] ?? [];
    if (!replace && opts.nonEmptyOnAdd && ids.length === 0)
      throw guardError(opts.bodyKey, 'Array must contain at least 1 element(s)', 'too_small');
    requireOrg(ctx);
    if (opts.validate) opts.validate(ctx, ids);
    else requireAll(opts.target(ctx), ids);
    if (replace) {
      for (const rel of relationRows(ctx, opts.relation, { organizationId: ctx.params.id })) {
        if (!ids.includes(rel[opts.column])) onRemove(ctx, rel[opts.column]);
      }
      relationRemove(ctx, opts.relation, { organizationId: ctx.params.id });
    }
    for (const id of ids) relationAdd(ctx, opts.relation, { organizationId: ctx.params.id, [opts.column]: id });
  };
  const onRemove = (ctx: RequestContext, id: string) => {
    if (opts.relation === RELATIONS.orgApplications) {
      relationRemove(ctx, RELATIONS.orgApplicationRoles, { organizationId: ctx.params.id, applicationId: id });
    }
    if (opts.relation === RELATIONS.orgUsers) {
      relationRemove(ctx, RELATIONS.orgUserRoles, { organizationId: ctx.params.id, userId: id });
    }
  };
  r.route('POST', base, (ctx) => {
    add(ctx, false);
    return opts.added
      ? ok(opts.added((ctx.body as Record<string, string[]>)[opts.bodyKey] ?? []), 201)
      : text('Created', 201);
  });
  r.route('PUT', base, (ctx) => {
    add(ctx, true);
    return noContent();
  });
  r.route('DELETE', `${base}/:${opts.param}`, (ctx) => {
    const id = ctx.params[opts.param];
    const removed = relationRemove(ctx, opts.relation, { organizationId: ctx.params.id, [opts.column]: id });
    if (removed === 0) throw notFound();
    onRemove(ctx, id);
    return noContent();
  });
}

const organizations: RouteModule = (r) => {
  r.route('GET', '/organizations', (ctx) => {
    let rows: Row[] = Object.values(orgs(ctx)).filter((o) => matchesQuery(ctx, o, ['id', 'name', 'description']));
    if (ctx.query.get('showFeatured') === 'true') {
      rows = rows.map((o) => ({
        ...o,
        usersCount: relationRows(ctx, RELATIONS.orgUsers, { organizationId: String(o.id) }).length,
        featuredUsers: [],
      }));
    }
    return paginate(ctx, rows, 'always');
  });

  r.route('POST', '/organizations', (ctx) => {
    const body = ctx.body as Partial<OrganizationRow> & { name: string };
    const row: OrganizationRow = {
      tenantId: 'default',
      id: newId(12),
      name: body.name,
      description: body.description ?? null,
      customData: body.customData ?? {},
      isMfaRequired: body.isMfaRequired ?? false,
      color: body.color ?? {},
      branding: body.branding ?? {},
      customCss: body.customCss ?? null,
      createdAt: Date.now(),
    };
    orgs(ctx)[row.id] = row;
    return ok(row, 201);
  });

  r.route('GET', '/organizations/:id', (ctx) => {
    const row = orgs(ctx)[ctx.params.id];
    if (!row) throw notExistsWithId(TABLES.organizations, ctx.params.id);
    return ok(row);
  });

  r.route('PATCH', '/organizations/:id', (ctx) => {
    const patch = patchOf(ctx.body as Partial<OrganizationRow>, PATCHABLE);
    const row = orgs(ctx)[ctx.params.id];
    if (!row) throw notExists(TABLES.organizations);
    Object.assign(row, patch);
    return ok(row);
  });

  r.route('DELETE', '/organizations/:id', (ctx) => {
    const id = ctx.params.id;
    const all = orgs(ctx);
    if (!all[id]) throw notFound();
    delete all[id];
    for (const rel of [
      RELATIONS.orgApplications,
      RELATIONS.orgApplicationRoles,
      RELATIONS.orgUsers,
      RELATIONS.orgUserRoles,
      RELATIONS.orgJitEmailDomains,
      RELATIONS.orgJitRoles,
      RELATIONS.orgJitSsoConnectors,
    ]) {
      relationRemove(ctx, rel, { organizationId: id });
    }
    return noContent();
  });

  // --- applications (machine-to-machine apps only) ---
  simpleRelation(r, {
    path: 'applications',
    relation: RELATIONS.orgApplications,
    bodyKey: 'applicationIds',
    column: 'applicationId',
    param: 'applicationId',
    target: apps,
    mode: 'always',
    validate: requireM2mApps,
    nonEmptyOnAdd: true,
    render: (ctx, app) => ({
      ...publicApp(app),
      organizationRoles: orgAppRoles(ctx, ctx.params.id, String(app.id)).map(({ id, name }) => ({ id, name })),
    }),
  });

  // Bulk: give each listed app each listed role.
  r.route('POST', '/organizations/:id/applications/roles', (ctx) => {
    const { applicationIds, organizationRoleIds } = ctx.body as {
      applicationIds: string[];
      organizationRoleIds: string[];
    };
    requireOrg(ctx);
    requireM2mRoles(ctx, organizationRoleIds);
    for (const appId of applicationIds) requireMembership(ctx, ctx.params.id, appId);
    for (const applicationId of applicationIds) {
      for (const organizationRoleId of organizationRoleIds) {
        relationAdd(ctx, RELATIONS.orgApplicationRoles, {
          organizationId: ctx.params.id,
          applicationId,
          organizationRoleId,
        });
      }
    }
    return text('Created', 201);
  });

  const appRolesPath = '/organizations/:id/applications/:applicationId/roles';
  r.route('GET', appRolesPath, (ctx) =>
    paginate(ctx, orgAppRoles(ctx, ctx.params.id, ctx.params.applicationId), 'optional'),
  );
  const setAppRoles = (ctx: RequestContext, replace: boolean) => {
    const ids = (ctx.body as { organizationRoleIds: string[] }).organizationRoleIds;
    if (replace && ids.length === 0) throw minOne('organizationRoleIds');
    const { id: organizationId, applicationId } = ctx.params;
    requireOrg(ctx);
    requireM2mRoles(ctx, ids);
    requireMembership(ctx, organizationId, applicationId);
    if (replace) relationRemove(ctx, RELATIONS.orgApplicationRoles, { organizationId, applicationId });
    for (const organizationRoleId of ids) {
      relationAdd(ctx, RELATIONS.orgApplicationRoles, { organizationId, applicationId, organizationRoleId });
    }
  };
  r.route('POST', appRolesPath, (ctx) => {
    setAppRoles(ctx, false);
    return text('Created', 201);
  });
  r.route('PUT', appRolesPath, (ctx) => {
    setAppRoles(ctx, true);
    return noContent();
  });
  r.route('DELETE', `${appRolesPath}/:organizationRoleId`, (ctx) =>
    deleteRelationRow(ctx, RELATIONS.orgApplicationRoles, {
      organizationId: ctx.params.id,
      applicationId: ctx.params.applicationId,
      organizationRoleId: ctx.params.organizationRoleId,
    }),
  );

  // --- users (rows of `routes/users.ts`): POST answers `{userIds}` as sent; roles are User organization roles ---
  simpleRelation(r, {
    path: 'users',
    relation: RELATIONS.orgUsers,
    bodyKey: 'userIds',
    column: 'userId',
    param: 'userId',
    target: (ctx) => table<Row>(ctx, TABLES.users),
    mode: 'always',
    nonEmptyOnAdd: true,
    added: (userIds) => ({ userIds }),
    render: (ctx, user) => ({
      ...userColumns(user),
      organizationRoles: orgUserRoles(ctx, ctx.params.id, String(user.id)).map(({ id, name }) => ({ id, name })),
    }),
  });
  const userRolesPath = '/organizations/:id/users/:userId/roles';
  /** Logto answers 422 `organization.require_membership` for a user outside the organization. */
  const requireUserMember = (ctx: RequestContext) => {
    const { id: organizationId, userId } = ctx.params;
    if (relationRows(ctx, RELATIONS.orgUsers, { organizationId, userId }).length === 0) {
      throw new ApiError(
        422,
        'organization.require_membership',
        'The user must be a member of the organization to proceed.',
      );
    }
  };
  r.route('GET', userRolesPath, (ctx) => {
    requireUserMember(ctx);
    return paginate(ctx, orgUserRoles(ctx, ctx.params.id, ctx.params.userId), 'optional');
  });
  const setUserRoles = (ctx: RequestContext, replace: boolean) => {
    requireUserMember(ctx);
    const ids = (ctx.body as { organizationRoleIds?: string[] }).organizationRoleIds ?? [];
    const all = orgRoles(ctx);
    for (const id of ids) if (!all[id]) throw foreignKeyNotFound();
    for (const id of ids) if (all[id]?.type !== 'User') throw dbConstraint();
    const { id: organizationId, userId } = ctx.params;
    if (replace) relationRemove(ctx, RELATIONS.orgUserRoles, { organizationId, userId });
    for (const organizationRoleId of ids) {
      relationAdd(ctx, RELATIONS.orgUserRoles, { organizationId, userId, organizationRoleId });
    }
    return ids;
  };
  r.route('POST', userRolesPath, (ctx) => ok({ organizationRoleIds: setUserRoles(ctx, false) }, 201));
  r.route('PUT', userRolesPath, (ctx) => {
    setUserRoles(ctx, true);
    return noContent();
  });
  r.route('DELETE', `${userRolesPath}/:organizationRoleId`, (ctx) =>
    deleteRelationRow(ctx, RELATIONS.orgUserRoles, {
      organizationId: ctx.params.id,
      userId: ctx.params.userId,
      organizationRoleId: ctx.params.organizationRoleId,
    }),
  );

  // --- JIT: email domains (values are not validated, duplicates are 422) ---
  const jitDomains = '/organizations/:id/jit/email-domains';
  const domainRow = (organizationId: string, emailDomain: string) => ({
    tenantId: 'default',
    organizationId,
    emailDomain,
  });
  r.route('GET', jitDomains, (ctx) =>
    paginate(
      ctx,
      relationRows(ctx, RELATIONS.orgJitEmailDomains, { organizationId: ctx.params.id }).map((x) =>
        domainRow(x.organizationId, x.emailDomain),
      ),
      'optional',
    ),
  );
  r.route('POST', jitDomains, (ctx) => {
    const { emailDomain } = ctx.body as { emailDomain: string };
    requireOrg(ctx);
    if (!relationAdd(ctx, RELATIONS.orgJitEmailDomains, { organizationId: ctx.params.id, emailDomain })) {
      throw uniqueViolation();
    }
    return ok(domainRow(ctx.params.id, emailDomain), 201);
  });
  r.route('PUT', jitDomains, (ctx) => {
    const { emailDomains } = ctx.body as { emailDomains: string[] };
    requireOrg(ctx);
    relationRemove(ctx, RELATIONS.orgJitEmailDomains, { organizationId: ctx.params.id });
    for (const emailDomain of emailDomains) {
      relationAdd(ctx, RELATIONS.orgJitEmailDomains, { organizationId: ctx.params.id, emailDomain });
    }
    return noContent();
  });
  r.route('DELETE', `${jitDomains}/:emailDomain`, (ctx) =>
    deleteRelationRow(ctx, RELATIONS.orgJitEmailDomains, {
      organizationId: ctx.params.id,
      emailDomain: ctx.params.emailDomain,
    }),
  );

  // --- JIT: organization roles (any type) and SSO connectors ---
  simpleRelation(r, {
    path: 'jit/roles',
    relation: RELATIONS.orgJitRoles,
    bodyKey: 'organizationRoleIds',
    column: 'organizationRoleId',
    param: 'organizationRoleId',
    target: orgRoles,
    mode: 'optional',
  });
  simpleRelation(r, {
    path: 'jit/sso-connectors',
    relation: RELATIONS.orgJitSsoConnectors,
    bodyKey: 'ssoConnectorIds',
    column: 'ssoConnectorId',
    param: 'ssoConnectorId',
    target: (ctx) => table<Row>(ctx, TABLES.ssoConnectors),
    mode: 'optional',
  });
};

export default organizations;
