/** `/organization-scopes`: organization permission scopes (docs/logto-behaviour.md#organization-scopes-and-roles). */
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import {
  newId,
  noContent,
  notExists,
  notExistsWithId,
  notFound,
  ok,
  paginate,
  patchOf,
  RELATIONS,
  relationRemove,
  TABLES,
  table,
} from '../util.js';

export interface OrganizationScopeRow extends Record<string, unknown> {
  tenantId: string;
  id: string;
  name: string;
  description: string | null;
}

export const uniqueViolation = (): ApiError =>
  new ApiError(
    422,
    'entity.unique_integrity_violation',
    'The entity already exists. Please check the input and try again.',
  );

/** Case-insensitive substring match of `q` against the given string fields (organization-style `?q=`). */
export function matchesQuery(ctx: RequestContext, row: Record<string, unknown>, fields: string[]): boolean {
  const q = ctx.query.get('q');
  if (!q) return true;
  const needle = q.toLowerCase();
  return fields.some((f) => {
    const v = row[f];
    return typeof v === 'string' && v.toLowerCase().includes(needle);
  });
}

const scopes = (ctx: RequestContext) => table<OrganizationScopeRow>(ctx, TABLES.organizationScopes);

const organizationScopes: RouteModule = (r) => {
  r.route('GET', '/organization-scopes', (ctx) => {
    const rows = Object.values(scopes(ctx)).filter((s) => matchesQuery(ctx, s, ['id', 'name', 'description']));
    return paginate(ctx, rows, 'optional');
  });

  r.route('POST', '/organization-scopes', (ctx) => {
    const body = ctx.body as { name: string; description?: string | null };
    const all = scopes(ctx);
    if (Object.values(all).some((s) => s.name === body.name)) throw uniqueViolation();
    const row: OrganizationScopeRow = {
      tenantId: 'default',
      id: newId(),
      name: body.name,
      description: body.description ?? null,
    };
    all[row.id] = row;
    return ok(row, 201);
  });

  r.route('GET', '/organization-scopes/:id', (ctx) => {
    const row = scopes(ctx)[ctx.params.id];
    if (!row) throw notExistsWithId(TABLES.organizationScopes, ctx.params.id);
    return ok(row);
  });

  r.route('PATCH', '/organization-scopes/:id', (ctx) => {
    const patch = patchOf(ctx.body as { name?: string; description?: string | null }, ['name', 'description']);
    const all = scopes(ctx);
    const row = all[ctx.params.id];
    if (!row) throw notExists(TABLES.organizationScopes);
    if (patch.name !== undefined && Object.values(all).some((s) => s.id !== row.id && s.name === patch.name)) {
      throw uniqueViolation();
    }
    Object.assign(row, patch);
    return ok(row);
  });

  r.route('DELETE', '/organization-scopes/:id', (ctx) => {
    const all = scopes(ctx);
    if (!all[ctx.params.id]) throw notFound();
    delete all[ctx.params.id];
    relationRemove(ctx, RELATIONS.orgRoleScopes, { organizationScopeId: ctx.params.id });
    relationRemove(ctx, RELATIONS.appConsentOrgScopes, { organizationScopeId: ctx.params.id });
    return noContent();
  });
};

export default organizationScopes;
