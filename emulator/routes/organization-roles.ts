/**
 * `/organization-roles` with its `/scopes` and `/resource-scopes` relations
 * (docs/logto-behaviour.md#organization-scopes-and-roles).
 */
import { ApiError, type Registrar, type RequestContext, type RouteModule } from '../types.js';
import {
  deleteRelationRow,
  newId,
  noContent,
  notExists,
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
import { matchesQuery, type OrganizationScopeRow, uniqueViolation } from './organization-scopes.js';

export type RoleType = 'User' | 'MachineToMachine';

export interface OrganizationRoleRow extends Record<string, unknown> {
  tenantId: string;
  id: string;
  name: string;
  description: string | null;
  type: RoleType;
}

type Row = Record<string, unknown>;

export const foreignKeyNotFound = (): ApiError =>
  new ApiError(422, 'entity.relation_foreign_key_not_found', 'Cannot find the entity referenced by the foreign key.');

export const orgRoles = (ctx: RequestContext) => table<OrganizationRoleRow>(ctx, TABLES.organizationRoles);
const orgScopes = (ctx: RequestContext) => table<OrganizationScopeRow>(ctx, TABLES.organizationScopes);
const resourceScopes = (ctx: RequestContext) => table<Row>(ctx, TABLES.scopes);

/** Throws 422 `entity.relation_foreign_key_not_found` unless every id is a key of `rows`. */
export function requireAll(rows: Record<string, unknown>, ids: readonly string[]): void {
  for (const id of ids) if (!rows[id]) throw foreignKeyNotFound();
}

function roleScopes(ctx: RequestContext, roleId: string): OrganizationScopeRow[] {
  const all = orgScopes(ctx);
  return relationRows(ctx, RELATIONS.orgRoleScopes, { organizationRoleId: roleId })
    .map((rel) => all[rel.organizationScopeId])
    .filter((s): s is OrganizationScopeRow => Boolean(s));
}

function roleResourceScopes(ctx: RequestContext, roleId: string): Row[] {
  const all = resourceScopes(ctx);
  return relationRows(ctx, RELATIONS.orgRoleResourceScopes, { organizationRoleId: roleId })
    .map((rel) => all[rel.scopeId])
    .filter((s): s is Row => Boolean(s));
}

function withRelations(ctx: RequestContext, role: OrganizationRoleRow): Row {
  const resources = table<Row>(ctx, TABLES.resources);
  return {
    ...role,
    scopes: roleScopes(ctx, role.id).map(({ id, name }) => ({ id, name })),
    resourceScopes: roleResourceScopes(ctx, role.id).map((s) => {
      const resource = resources[String(s.resourceId)];
      return { id: s.id, name: s.name, resource: { id: s.resourceId, name: resource?.name ?? null } };
    }),
  };
}

/**
 * GET/POST/PUT/DELETE of one scope set of a role: organization scopes (`/scopes`) or API resource scopes
 * (`/resource-scopes`). `column` is the relation column and the DELETE path parameter.
 */
function scopeSetRoutes(
  r: Registrar,
  opts: {
    path: string;
    relation: string;
    bodyKey: string;
    column: string;
    targets: (ctx: RequestContext) => Record<string, unknown>;
    members: (ctx: RequestContext, roleId: string) => Row[];
  },
): void {
  const base = `/organization-roles/:id/${opts.path}`;
  /** The body's ids, once the role and every id exist. */
  const checkedIds = (ctx: RequestContext): string[] => {
    const ids = (ctx.body as Record<string, string[]>)[opts.bodyKey] as string[];
    if (!orgRoles(ctx)[ctx.params.id]) throw foreignKeyNotFound();
    requireAll(opts.targets(ctx), ids);
    return ids;
  };
  const add = (ctx: RequestContext, ids: string[]) => {
    for (const id of ids) relationAdd(ctx, opts.relation, { organizationRoleId: ctx.params.id, [opts.column]: id });
  };

  r.route('GET', base, (ctx) =>
    paginate(
      ctx,
      opts.members(ctx, ctx.params.id).filter((s) => matchesQuery(ctx, s, ['name'])),
      'optional',
    ),
  );
  r.route('POST', base, (ctx) => {
    add(ctx, checkedIds(ctx));
    return text('Created', 201);
  });
  r.route('PUT', base, (ctx) => {
    const ids = checkedIds(ctx);
    relationRemove(ctx, opts.relation, { organizationRoleId: ctx.params.id });
    add(ctx, ids);
    return noContent();
  });
  r.route('DELETE', `${base}/:${opts.column}`, (ctx) =>
    deleteRelationRow(ctx, opts.relation, {
      organizationRoleId: ctx.params.id,
      [opts.column]: ctx.params[opts.column],
    }),
  );
}

const organizationRoles: RouteModule = (r) => {
  r.route('GET', '/organization-roles', (ctx) => {
    const rows = Object.values(orgRoles(ctx)).filter((role) => matchesQuery(ctx, role, ['id', 'name', 'description']));
    return paginate(
      ctx,
      rows.map((role) => withRelations(ctx, role)),
      'always',
    );
  });

  r.route('POST', '/organization-roles', (ctx) => {
    const body = ctx.body as {
      name: string;
      description?: string | null;
      type?: RoleType;
      organizationScopeIds?: string[];
      resourceScopeIds?: string[];
    };
    const all = orgRoles(ctx);
    if (Object.values(all).some((role) => role.name === body.name)) throw uniqueViolation();
    const scopeIds = body.organizationScopeIds ?? [];
    const rsIds = body.resourceScopeIds ?? [];
    requireAll(orgScopes(ctx), scopeIds);
    requireAll(resourceScopes(ctx), rsIds);
    const row: OrganizationRoleRow = {
      tenantId: 'default',
      id: newId(),
      name: body.name,
      description: body.description ?? null,
      type: body.type ?? 'User',
    };
    all[row.id] = row;
    for (const id of scopeIds)
      relationAdd(ctx, RELATIONS.orgRoleScopes, { organizationRoleId: row.id, organizationScopeId: id });
    for (const id of rsIds)
      relationAdd(ctx, RELATIONS.orgRoleResourceScopes, { organizationRoleId: row.id, scopeId: id });
    return ok(row, 201);
  });

  r.route('GET', '/organization-roles/:id', (ctx) => {
    const row = orgRoles(ctx)[ctx.params.id];
    if (!row) throw notFound();
    return ok(row);
  });

  r.route('PATCH', '/organization-roles/:id', (ctx) => {
    const body = ctx.body as { name?: string; description?: string | null; type?: RoleType };
    const patch = patchOf(body, ['name', 'description', 'type']);
    const all = orgRoles(ctx);
    const row = all[ctx.params.id];
    if (!row) throw notExists(TABLES.organizationRoles);
    if (patch.name !== undefined && Object.values(all).some((x) => x.id !== row.id && x.name === patch.name)) {
      throw uniqueViolation();
    }
    Object.assign(row, patch);
    return ok(row);
  });

  r.route('DELETE', '/organization-roles/:id', (ctx) => {
    const all = orgRoles(ctx);
    const id = ctx.params.id;
    if (!all[id]) throw notFound();
    delete all[id];
    relationRemove(ctx, RELATIONS.orgRoleScopes, { organizationRoleId: id });
    relationRemove(ctx, RELATIONS.orgRoleResourceScopes, { organizationRoleId: id });
    relationRemove(ctx, RELATIONS.orgApplicationRoles, { organizationRoleId: id });
    relationRemove(ctx, RELATIONS.orgJitRoles, { organizationRoleId: id });
    return noContent();
  });

  scopeSetRoutes(r, {
    path: 'scopes',
    relation: RELATIONS.orgRoleScopes,
    bodyKey: 'organizationScopeIds',
    column: 'organizationScopeId',
    targets: orgScopes,
    members: roleScopes,
  });
  scopeSetRoutes(r, {
    path: 'resource-scopes',
    relation: RELATIONS.orgRoleResourceScopes,
    bodyKey: 'scopeIds',
    column: 'scopeId',
    targets: resourceScopes,
    members: roleResourceScopes,
  });
};

export default organizationRoles;
