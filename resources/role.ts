/**
 * Role: a tenant role for users or machine-to-machine apps (`/roles`). The name is unique across types;
 * the type cannot change. Its API resource scopes are an authoritative set reconciled by add/remove calls
 * (`POST /roles/:id/scopes` is not idempotent, so only missing scopes are ever posted).
 */
import { z } from 'zod';
import { cached, defineResource, invalidate, type Live, type Relation, type ResourceContext } from './contract.js';
import { deleteIgnoringMissing, pickDefined, readViaList, seg } from './shared.js';

const spec = z.object({
  name: z
    .string()
    .min(1)
    .max(128)
    .describe('Role name, unique in the tenant (across user and machine-to-machine roles).'),
  description: z.string().min(1).max(128).describe('Description of the role (required by Logto, 1–128 characters).'),
  type: z
    .enum(['User', 'MachineToMachine'])
    .optional()
    .describe(
      'Who can hold the role: `User` (Logto default) or `MachineToMachine` apps. Changing it replaces the role.',
    ),
  isDefault: z.boolean().optional().describe('Assign the role to every new user automatically.'),
  scopeIds: z
    .array(z.string().min(1))
    .optional()
    .describe('Ids of the API resource scopes the role grants. Authoritative: scopes not listed are removed.'),
});

export type RoleSpec = z.infer<typeof spec>;

interface RoleRow {
  id: string;
  name: string;
  description: string;
  type: 'User' | 'MachineToMachine';
  isDefault: boolean;
}

const CACHE = 'Role';
/** Seeded by Logto for Management API access; never deleted or pruned. */
export const MANAGEMENT_ROLE_NAME = 'Logto Management API access';

function listAll(ctx: ResourceContext): Promise<RoleRow[]> {
  return cached(ctx, `${CACHE}:list`, () => ctx.client.list<RoleRow>('/roles'));
}

function toLive(row: RoleRow): Live<RoleSpec> {
  return {
    id: row.id,
    spec: { name: row.name, description: row.description, type: row.type, isDefault: row.isDefault },
    outputs: { id: row.id },
    raw: row,
  };
}

function hasCode(error: unknown, status: number, code: string): boolean {
  const e = error as { status?: unknown; code?: unknown } | undefined;
  return !!e && e.status === status && e.code === code;
}

async function readScopeIds(ctx: ResourceContext, roleId: string): Promise<string[]> {
  const rows = await ctx.client.list<{ id: string }>(`/roles/${seg(roleId)}/scopes`);
  return rows.map((r) => r.id);
}

const scopeRelation: Relation = {
  field: 'scopeIds',
  read: (ctx, roleId) => readScopeIds(ctx, roleId),
  async add(ctx, roleId, ids) {
    if (ids.length === 0) return;
    try {
      await ctx.client.post(`/roles/${seg(roleId)}/scopes`, { scopeIds: ids }, { createsObject: false });
    } catch (error) {
      // A retried POST whose first attempt committed: post only what is still missing.
      if (!hasCode(error, 422, 'role.scope_exists')) throw error;
      const have = new Set(await readScopeIds(ctx, roleId));
      const missing = ids.filter((id) => !have.has(id));
      if (missing.length > 0)
        await ctx.client.post(`/roles/${seg(roleId)}/scopes`, { scopeIds: missing }, { createsObject: false });
    }
  },
  async remove(ctx, roleId, ids) {
    for (const id of ids) await deleteIgnoringMissing(ctx, `/roles/${seg(roleId)}/scopes/${seg(id)}`);
  },
};

export const Role = defineResource<RoleSpec>({
  kind: 'Role',
  description: 'A role for users or machine-to-machine applications, granting API resource scopes.',
  spec,
  outputs: [{ name: 'id', description: 'Id assigned by Logto.', type: 'string', stable: true }],
  key: { fields: ['name'], of: (s) => s.name },
  immutable: ['type'],
  sensitive: [],
  sets: ['scopeIds'],
  references: [{ field: 'scopeIds', kind: 'ApiResourceScope', many: true }],
  relations: [scopeRelation],

  async read(ctx, id) {
    const row = await readViaList(ctx, listAll(ctx), id, `/roles/${seg(id)}`);
    return row ? toLive(row) : undefined;
  },

  async list(ctx) {
    return (await listAll(ctx)).map(toLive);
  },

  async findByKey(ctx, s) {
    return (await listAll(ctx)).filter((r) => r.name === s.name).map(toLive);
  },

  async create(ctx, s) {
    invalidate(ctx, `${CACHE}:`);
    const row = await ctx.client.post<RoleRow>('/roles', pickDefined(s, ['name', 'description', 'type', 'isDefault']));
    return toLive(row);
  },

  async update(ctx, id, changes) {
    invalidate(ctx, `${CACHE}:`);
    const row = await ctx.client.patch<RoleRow>(
      `/roles/${seg(id)}`,
      pickDefined(changes, ['name', 'description', 'isDefault']),
    );
    return toLive(row);
  },

  async delete(ctx, id) {
    invalidate(ctx, `${CACHE}:`);
    await ctx.client.delete(`/roles/${seg(id)}`);
  },

  builtin: (live) => live.spec.name === MANAGEMENT_ROLE_NAME || live.spec.name.startsWith('#internal:'),
});
