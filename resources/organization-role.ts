/**
 * OrganizationRole: a role of the organization template (`/organization-roles`). Its organization scopes
 * and API resource scopes are authoritative sets reconciled with add/remove calls. Unlike tenant roles,
 * the type (User ↔ MachineToMachine) can be changed in place.
 *
 * The bulk list embeds `scopes` and `resourceScopes`, so reading N roles and their relations costs one
 * paginated list call.
 */
import { z } from 'zod';
import { cached, defineResource, invalidate, type Live, type Relation, type ResourceContext } from './contract.js';
import { deleteIgnoringMissing, pickDefined, readViaList, seg } from './shared.js';

const spec = z.object({
  name: z.string().min(1).max(128).describe('Name of the organization role, unique in the tenant, e.g. `admin`.'),
  description: z
    .string()
    .max(256)
    .nullable()
    .optional()
    .describe('Human-readable description of the organization role (at most 256 characters); null clears it.'),
  type: z
    .enum(['User', 'MachineToMachine'])
    .optional()
    .describe(
      'Who can hold the role inside an organization: `User` (members) or `MachineToMachine` (applications). Logto assumes `User`. Can be changed in place.',
    ),
  organizationScopeIds: z
    .array(z.string().min(1))
    .optional()
    .describe('Ids of the organization scopes this role grants (authoritative set: others are removed).'),
  resourceScopeIds: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'Ids of the API resource scopes this role grants inside organizations (authoritative set: others are removed).',
    ),
});

export type OrganizationRoleSpec = z.infer<typeof spec>;

interface ApiOrganizationRole {
  id: string;
  name: string;
  description: string | null;
  type: 'User' | 'MachineToMachine';
  /** Only on list items. */
  scopes?: { id: string }[];
  resourceScopes?: { id: string }[];
}

const CACHE = 'OrganizationRole';
const path = (id: string) => `/organization-roles/${seg(id)}`;

function listAll(ctx: ResourceContext): Promise<ApiOrganizationRole[]> {
  return cached(ctx, `${CACHE}:list`, () => ctx.client.list<ApiOrganizationRole>('/organization-roles'));
}

function toLive(row: ApiOrganizationRole): Live<OrganizationRoleSpec> {
  const s: OrganizationRoleSpec = { name: row.name, description: row.description ?? null, type: row.type };
  if (row.scopes) s.organizationScopeIds = row.scopes.map((x) => x.id);
  if (row.resourceScopes) s.resourceScopeIds = row.resourceScopes.map((x) => x.id);
  return { id: row.id, spec: s, outputs: { id: row.id }, raw: row };
}

/**
 * A relation of the role: read from the bulk list when the role is in it, otherwise from the relation
 * route. Adds are idempotent on this API (POST is `on conflict do nothing`); removes are one DELETE each.
 */
function scopeRelation(
  field: 'organizationScopeIds' | 'resourceScopeIds',
  route: 'scopes' | 'resource-scopes',
  bodyKey: 'organizationScopeIds' | 'scopeIds',
  embedded: 'scopes' | 'resourceScopes',
): Relation {
  return {
    field,
    async read(ctx, parentId) {
      const row = (await listAll(ctx)).find((r) => r.id === parentId);
      const rows = row?.[embedded] ?? (await ctx.client.list<{ id: string }>(`${path(parentId)}/${route}`));
      return rows.map((x) => x.id);
    },
    async add(ctx, parentId, ids) {
      if (ids.length === 0) return;
      invalidate(ctx, `${CACHE}:`);
      await ctx.client.post(`${path(parentId)}/${route}`, { [bodyKey]: ids }, { createsObject: false });
    },
    async remove(ctx, parentId, ids) {
      if (ids.length === 0) return;
      invalidate(ctx, `${CACHE}:`);
      for (const id of ids) await deleteIgnoringMissing(ctx, `${path(parentId)}/${route}/${seg(id)}`);
    },
  };
}

export const OrganizationRole = defineResource<OrganizationRoleSpec>({
  kind: 'OrganizationRole',
  description:
    'A role of the organization template, granting organization scopes and API resource scopes to the members (users or applications) that hold it in an organization.',
  spec,
  outputs: [{ name: 'id', description: 'Id assigned by Logto.', type: 'string', stable: true }],
  key: { fields: ['name'], of: (s) => s.name },
  immutable: [],
  sensitive: [],
  sets: ['organizationScopeIds', 'resourceScopeIds'],
  references: [
    { field: 'organizationScopeIds', kind: 'OrganizationScope', many: true },
    { field: 'resourceScopeIds', kind: 'ApiResourceScope', many: true },
  ],
  relations: [
    scopeRelation('organizationScopeIds', 'scopes', 'organizationScopeIds', 'scopes'),
    scopeRelation('resourceScopeIds', 'resource-scopes', 'scopeIds', 'resourceScopes'),
  ],

  async read(ctx, id) {
    const row = await readViaList(ctx, listAll(ctx), id, path(id));
    return row ? toLive(row) : undefined;
  },

  async list(ctx) {
    return (await listAll(ctx)).map(toLive);
  },

  async findByKey(ctx, s) {
    return (await listAll(ctx)).filter((row) => row.name === s.name).map(toLive);
  },

  async create(ctx, s) {
    invalidate(ctx, `${CACHE}:`);
    // The reconciler adds the scope sets afterwards (relation.add); empty arrays keep the body valid for
    // servers that treat the OpenAPI `required` list strictly.
    const row = await ctx.client.post<ApiOrganizationRole>('/organization-roles', {
      ...pickDefined(s, ['name', 'description', 'type']),
      organizationScopeIds: [],
      resourceScopeIds: [],
    });
    const live = toLive(row);
    live.spec.organizationScopeIds = [];
    live.spec.resourceScopeIds = [];
    return live;
  },

  async update(ctx, id, changes, live) {
    const body = pickDefined(changes, ['name', 'description', 'type']);
    if (Object.keys(body).length === 0) return live; // PATCH {} is a 422 on this route
    invalidate(ctx, `${CACHE}:`);
    const row = await ctx.client.patch<ApiOrganizationRole>(path(id), body);
    const next = toLive(row);
    // The PATCH answer has no scopes: keep what the caller knew.
    next.spec.organizationScopeIds ??= live.spec.organizationScopeIds;
    next.spec.resourceScopeIds ??= live.spec.resourceScopeIds;
    return next;
  },

  async delete(ctx, id) {
    invalidate(ctx, `${CACHE}:`);
    await ctx.client.delete(path(id));
  },
});
