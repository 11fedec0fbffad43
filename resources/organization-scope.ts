/**
 * OrganizationScope: a permission of the organization template (`/organization-scopes`). The name is
 * unique tenant-wide (422 on a duplicate) and, unlike API resource scopes, may contain spaces.
 */
import { z } from 'zod';
import { cached, defineResource, invalidate, type Live, type ResourceContext } from './contract.js';
import { pickDefined, readViaList, seg } from './shared.js';

const spec = z.object({
  name: z
    .string()
    .min(1)
    .max(128)
    .describe(
      'Name of the organization scope (permission), unique in the tenant, e.g. `read:members`. Spaces are allowed.',
    ),
  description: z
    .string()
    .max(256)
    .nullable()
    .optional()
    .describe('Human-readable description of the organization scope (at most 256 characters); null clears it.'),
});

export type OrganizationScopeSpec = z.infer<typeof spec>;

interface ApiOrganizationScope {
  id: string;
  name: string;
  description: string | null;
}

const CACHE = 'OrganizationScope';

function toLive(row: ApiOrganizationScope): Live<OrganizationScopeSpec> {
  return {
    id: row.id,
    spec: { name: row.name, description: row.description ?? null },
    outputs: { id: row.id },
    raw: row,
  };
}

function listAll(ctx: ResourceContext): Promise<ApiOrganizationScope[]> {
  return cached(ctx, `${CACHE}:list`, () => ctx.client.list<ApiOrganizationScope>('/organization-scopes'));
}

export const OrganizationScope = defineResource<OrganizationScopeSpec>({
  kind: 'OrganizationScope',
  description:
    'A permission of the organization template. Organization roles grant organization scopes to the members of every organization.',
  spec,
  outputs: [{ name: 'id', description: 'Id assigned by Logto.', type: 'string', stable: true }],
  key: { fields: ['name'], of: (s) => s.name },
  immutable: [],
  sensitive: [],
  sets: [],
  references: [],
  relations: [],

  async read(ctx, id) {
    const row = await readViaList(ctx, listAll(ctx), id, `/organization-scopes/${seg(id)}`);
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
    const body = pickDefined(s, ['name', 'description']);
    const row = await ctx.client.post<ApiOrganizationScope>('/organization-scopes', body);
    return toLive(row);
  },

  async update(ctx, id, changes, live) {
    const body = pickDefined(changes, ['name', 'description']);
    if (Object.keys(body).length === 0) return live; // PATCH {} is a 422 on this route
    invalidate(ctx, `${CACHE}:`);
    const row = await ctx.client.patch<ApiOrganizationScope>(`/organization-scopes/${seg(id)}`, body);
    return toLive(row);
  },

  async delete(ctx, id) {
    invalidate(ctx, `${CACHE}:`);
    await ctx.client.delete(`/organization-scopes/${seg(id)}`);
  },
});
