/**
 * ApiResourceScope: a permission of an API resource (`/resources/:id/scopes`). The name is unique per
 * resource and has no spaces. All scopes of all resources are read in one `GET /resources?includeScopes=true`.
 */
import { z } from 'zod';
import { defineResource, invalidate, type Live, type ResourceContext } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { invalidateResources, listResourcesWithScopes, MANAGEMENT_API_ID } from './api-resource.js';
import { pickDefined, seg } from './shared.js';

const spec = lazySchema(() =>
  z.object({
    resourceId: z
      .string()
      .min(1)
      .describe('Id of the API resource the scope belongs to. Changing it replaces the scope.'),
    name: z
      .string()
      .min(1)
      .max(256)
      .refine((v) => !/\s/.test(v), { message: 'must not contain spaces, e.g. `read:orders`' })
      .describe('Scope (permission) name, unique within its API resource, without spaces, e.g. `read:orders`.'),
    description: z.string().nullable().optional().describe('Human-readable description of the scope; null clears it.'),
  }),
);

export type ApiResourceScopeSpec = z.infer<typeof spec>;

interface ScopeRow {
  id: string;
  resourceId: string;
  name: string;
  description: string | null;
  createdAt?: number;
}

const CACHE = 'ApiResourceScope';

function toLive(row: ScopeRow): Live<ApiResourceScopeSpec> {
  return {
    id: row.id,
    spec: { resourceId: row.resourceId, name: row.name, description: row.description ?? null },
    outputs: { id: row.id, ...(row.createdAt !== undefined ? { createdAt: row.createdAt } : {}) },
    raw: row,
  };
}

async function allScopes(ctx: ResourceContext): Promise<ScopeRow[]> {
  const resources = await listResourcesWithScopes(ctx);
  return resources.flatMap((r) => (r.scopes ?? []).map((s) => ({ ...s, resourceId: s.resourceId ?? r.id })));
}

function invalidateAll(ctx: ResourceContext): void {
  invalidate(ctx, `${CACHE}:`);
  invalidateResources(ctx);
}

async function resourceIdOf(
  ctx: ResourceContext,
  id: string,
  live?: Live<ApiResourceScopeSpec>,
): Promise<string | undefined> {
  return live?.spec.resourceId ?? (await allScopes(ctx)).find((s) => s.id === id)?.resourceId;
}

export const ApiResourceScope = defineResource<ApiResourceScopeSpec>({
  kind: 'ApiResourceScope',
  description: 'A permission (scope) of an API resource, granted through roles and organization roles.',
  spec,
  outputs: [
    { name: 'id', description: 'Id assigned by Logto.', type: 'string', stable: true },
    { name: 'createdAt', description: 'Creation time, epoch milliseconds.', type: 'number', stable: true },
  ],
  key: { fields: ['resourceId', 'name'], of: (s) => `${s.resourceId}/${s.name}` },
  immutable: ['resourceId'],
  sensitive: [],
  sets: [],
  references: [{ field: 'resourceId', kind: 'ApiResource' }],
  relations: [],
  parent: { field: 'resourceId', kind: 'ApiResource' },

  async read(ctx, id, hint) {
    const row = (await allScopes(ctx)).find((s) => s.id === id);
    if (row) return toLive(row);
    // Not in the bulk read (made after it?): ask the parent directly when it is known.
    if (hint?.resourceId) {
      const rows = await ctx.client.list<ScopeRow>(`/resources/${seg(hint.resourceId)}/scopes`);
      const found = rows.find((s) => s.id === id);
      return found ? toLive({ ...found, resourceId: hint.resourceId }) : undefined;
    }
    return undefined;
  },

  async list(ctx, parentId) {
    const rows = await allScopes(ctx);
    return rows.filter((s) => !parentId || s.resourceId === parentId).map(toLive);
  },

  async findByKey(ctx, s) {
    return (await allScopes(ctx)).filter((row) => row.resourceId === s.resourceId && row.name === s.name).map(toLive);
  },

  async create(ctx, s) {
    invalidateAll(ctx);
    const row = await ctx.client.post<ScopeRow>(
      `/resources/${seg(s.resourceId)}/scopes`,
      pickDefined(s, ['name', 'description']),
    );
    return toLive({ ...row, resourceId: row.resourceId ?? s.resourceId });
  },

  async update(ctx, id, changes, live) {
    invalidateAll(ctx);
    const row = await ctx.client.patch<ScopeRow>(
      `/resources/${seg(live.spec.resourceId)}/scopes/${seg(id)}`,
      pickDefined(changes, ['name', 'description']),
    );
    return toLive({ ...row, resourceId: row.resourceId ?? live.spec.resourceId });
  },

  async delete(ctx, id, live) {
    const resourceId = await resourceIdOf(ctx, id, live);
    invalidateAll(ctx);
    if (!resourceId) return; // no resource holds it: already gone
    await ctx.client.delete(`/resources/${seg(resourceId)}/scopes/${seg(id)}`);
  },

  builtin: (live) => live.spec.resourceId === MANAGEMENT_API_ID,
});
