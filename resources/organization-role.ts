/**
 * OrganizationRole: a role of the organization template (`/organization-roles`). Its organization scopes
 * and API resource scopes are authoritative sets reconciled with add/remove calls. Unlike tenant roles,
 * the type (User ↔ MachineToMachine) can be changed in place.
 *
 * The bulk list embeds `scopes` and `resourceScopes`, so reading N roles and their relations costs one
 * paginated list call.
 */
import { z } from 'zod';
import { defineResource, invalidate, type Live, type Relation } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { collection, idSetRelation, pickDefined } from './shared.js';

const spec = lazySchema(() =>
  z.object({
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
  }),
);

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

function toLive(row: ApiOrganizationRole): Live<OrganizationRoleSpec> {
  const s: OrganizationRoleSpec = { name: row.name, description: row.description ?? null, type: row.type };
  if (row.scopes) s.organizationScopeIds = row.scopes.map((x) => x.id);
  if (row.resourceScopes) s.resourceScopeIds = row.resourceScopes.map((x) => x.id);
  return { id: row.id, spec: s, outputs: { id: row.id }, raw: row };
}

const api = collection<ApiOrganizationRole, OrganizationRoleSpec>(CACHE, '/organization-roles', toLive);

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
  const set = idSetRelation(field, (id) => `${api.path(id)}/${route}`, bodyKey);
  return {
    field,
    async read(ctx, parentId, spec) {
      const row = (await api.listAll(ctx)).find((r) => r.id === parentId);
      return row?.[embedded]?.map((x) => x.id) ?? set.read(ctx, parentId, spec);
    },
    async add(ctx, parentId, ids, spec) {
      if (ids.length === 0) return;
      invalidate(ctx, `${CACHE}:`);
      await set.add(ctx, parentId, ids, spec);
    },
    async remove(ctx, parentId, ids, spec) {
      if (ids.length === 0) return;
      invalidate(ctx, `${CACHE}:`);
      await set.remove(ctx, parentId, ids, spec);
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

  read: api.read,
  list: api.list,
  findByKey: api.findBy((row, s) => row.name === s.name),

  async create(ctx, s) {
    // The reconciler adds the scope sets afterwards (relation.add); empty arrays keep the body valid for
    // servers that treat the OpenAPI `required` list strictly.
    const live = await api.create(ctx, {
      ...pickDefined(s, ['name', 'description', 'type']),
      organizationScopeIds: [],
      resourceScopeIds: [],
    });
    live.spec.organizationScopeIds = [];
    live.spec.resourceScopeIds = [];
    return live;
  },

  async update(ctx, id, changes, live) {
    const next = await api.patch(ctx, id, pickDefined(changes, ['name', 'description', 'type']), live);
    if (next === live) return live; // nothing to PATCH
    // The PATCH answer has no scopes: keep what the caller knew.
    next.spec.organizationScopeIds ??= live.spec.organizationScopeIds;
    next.spec.resourceScopeIds ??= live.spec.resourceScopeIds;
    return next;
  },

  delete: api.delete,
});
