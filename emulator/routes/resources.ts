/**
 * `/resources` (API resources), `is-default`, and resource scopes. The built-in `management-api` resource
 * can be read but not modified or deleted. See docs/logto-behaviour.md#api-resources-and-scopes.
 */
import { MANAGEMENT_API_ID } from '../seed.js';
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import {
  CORE_RELATIONS,
  emptyPatch,
  newId,
  noContent,
  notExistsWithId,
  notFound,
  ok,
  paginate,
  RELATIONS,
  relationRemove,
  searchFilter,
  TABLES,
  table,
} from '../util.js';

type Row = Record<string, unknown>;

export interface ResourceRow extends Row {
  tenantId: string;
  id: string;
  name: string;
  indicator: string;
  isDefault: boolean;
  accessTokenTtl: number;
}

export interface ScopeRow extends Row {
  tenantId: string;
  id: string;
  resourceId: string;
  name: string;
  description: string | null;
  createdAt: number;
}

export const resources = (ctx: RequestContext) => table<ResourceRow>(ctx, TABLES.resources);
export const scopes = (ctx: RequestContext) => table<ScopeRow>(ctx, TABLES.scopes);

export function getResource(ctx: RequestContext, id: string): ResourceRow {
  const row = resources(ctx)[id];
  if (!row) throw notExistsWithId('resources', id);
  return row;
}

function guardManagementApi(resource: ResourceRow): void {
  if (resource.id === MANAGEMENT_API_ID) {
    throw new ApiError(400, 'resource.cannot_modify_management_api', 'The Management API cannot be modified.');
  }
}

function scopesOf(ctx: RequestContext, resourceId: string): ScopeRow[] {
  return Object.values(scopes(ctx))
    .filter((s) => s.resourceId === resourceId)
    .sort((a, b) => a.createdAt - b.createdAt);
}

function checkScopeName(name: string): void {
  if (/\s/.test(name))
    throw new ApiError(400, 'scope.name_with_space', 'The name of the scope cannot contain any spaces.');
}

function scopeNameExists(name: string): ApiError {
  return new ApiError(422, 'scope.name_exists', `The scope name ${name} is already in use`);
}

/** Delete a scope and every link to it. */
function deleteScopeCascade(ctx: RequestContext, scopeId: string): void {
  delete scopes(ctx)[scopeId];
  relationRemove(ctx, CORE_RELATIONS.rolesScopes, { scopeId });
  relationRemove(ctx, RELATIONS.orgRoleResourceScopes, { scopeId });
  relationRemove(ctx, RELATIONS.appConsentResourceScopes, { scopeId });
  relationRemove(ctx, RELATIONS.appConsentOrgResourceScopes, { scopeId });
}

export const resourceRoutes: RouteModule = (r) => {
  r.route('GET', '/resources', (ctx) => {
    const include = ctx.query.get('includeScopes') === 'true';
    const rows = Object.values(resources(ctx)).map((res) =>
      include ? { ...res, scopes: scopesOf(ctx, res.id) } : res,
    );
    return paginate(ctx, rows, 'optional');
  });

  r.route('POST', '/resources', (ctx) => {
    const body = ctx.body as { name: string; indicator: string; accessTokenTtl?: number };
    if (Object.values(resources(ctx)).some((res) => res.indicator === body.indicator)) {
      throw new ApiError(
        422,
        'resource.resource_identifier_in_use',
        `The API identifier ${body.indicator} is already in use.`,
      );
    }
    const row: ResourceRow = {
      tenantId: 'default',
      id: newId(21),
      name: body.name,
      indicator: body.indicator,
      isDefault: false,
      accessTokenTtl: body.accessTokenTtl ?? 3600,
    };
    resources(ctx)[row.id] = row;
    return ok({ ...row, scopes: [] }, 201);
  });

  r.route('GET', '/resources/:id', (ctx) => ok(getResource(ctx, ctx.params.id as string)));

  r.route('PATCH', '/resources/:id', (ctx) => {
    const res = getResource(ctx, ctx.params.id as string);
    guardManagementApi(res);
    const body = ctx.body as { name?: string; accessTokenTtl?: number };
    if (body.name === undefined && body.accessTokenTtl === undefined) throw emptyPatch();
    if (body.name !== undefined) res.name = body.name;
    if (body.accessTokenTtl !== undefined) res.accessTokenTtl = body.accessTokenTtl;
    return ok(res);
  });

  r.route('PATCH', '/resources/:id/is-default', (ctx) => {
    const res = getResource(ctx, ctx.params.id as string);
    guardManagementApi(res);
    const isDefault = (ctx.body as { isDefault: boolean }).isDefault;
    if (isDefault) for (const other of Object.values(resources(ctx))) other.isDefault = false;
    res.isDefault = isDefault;
    return ok(res);
  });

  r.route('DELETE', '/resources/:id', (ctx) => {
    const res = getResource(ctx, ctx.params.id as string);
    if (res.id === MANAGEMENT_API_ID) {
      throw new ApiError(400, 'resource.cannot_delete_management_api', 'The Management API cannot be deleted.');
    }
    for (const scope of scopesOf(ctx, res.id)) deleteScopeCascade(ctx, scope.id);
    delete resources(ctx)[res.id];
    return noContent();
  });

  // ---- scopes
  r.route('GET', '/resources/:resourceId/scopes', (ctx) => {
    // An unknown resource gives 200 [] (Total-Number: 0), not 404.
    const matchesSearch = searchFilter(ctx, ['id', 'name', 'description']);
    const rows = scopesOf(ctx, ctx.params.resourceId as string).filter(matchesSearch);
    return paginate(ctx, rows, 'always');
  });

  r.route('POST', '/resources/:resourceId/scopes', (ctx) => {
    const res = getResource(ctx, ctx.params.resourceId as string);
    guardManagementApi(res);
    const body = ctx.body as { name: string; description?: string | null };
    checkScopeName(body.name);
    if (scopesOf(ctx, res.id).some((s) => s.name === body.name)) throw scopeNameExists(body.name);
    const row: ScopeRow = {
      tenantId: 'default',
      id: newId(21),
      resourceId: res.id,
      name: body.name,
      description: body.description ?? null,
      createdAt: Date.now(),
    };
    scopes(ctx)[row.id] = row;
    return ok(row, 201);
  });

  r.route('PATCH', '/resources/:resourceId/scopes/:scopeId', (ctx) => {
    const res = getResource(ctx, ctx.params.resourceId as string);
    guardManagementApi(res);
    const scope = scopes(ctx)[ctx.params.scopeId as string];
    if (!scope || scope.resourceId !== res.id) throw notExistsWithId('scopes', ctx.params.scopeId as string);
    const body = ctx.body as { name?: string; description?: string | null };
    if (body.name === undefined && body.description === undefined) throw emptyPatch();
    if (body.name !== undefined) {
      checkScopeName(body.name);
      if (scopesOf(ctx, res.id).some((s) => s.name === body.name && s.id !== scope.id))
        throw scopeNameExists(body.name);
      scope.name = body.name;
    }
    if (body.description !== undefined) scope.description = body.description;
    return ok(scope);
  });

  r.route('DELETE', '/resources/:resourceId/scopes/:scopeId', (ctx) => {
    const res = getResource(ctx, ctx.params.resourceId as string);
    guardManagementApi(res);
    const scope = scopes(ctx)[ctx.params.scopeId as string];
    if (!scope || scope.resourceId !== res.id) throw notFound();
    deleteScopeCascade(ctx, scope.id);
    return noContent();
  });
};
