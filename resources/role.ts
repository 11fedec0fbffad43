/**
 * Role: a tenant role for users or machine-to-machine apps (`/roles`). The name is unique across types;
 * the type cannot change. Its API resource scopes are an authoritative set reconciled by add/remove calls
 * (`POST /roles/:id/scopes` is not idempotent, so only missing scopes are ever posted).
 */
import { z } from 'zod';
import { defineResource, invalidate, type Live, type Relation } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { collection, hasCode, idSetRelation, pickDefined } from './shared.js';

const spec = lazySchema(() =>
  z.object({
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
  }),
);

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

function toLive(row: RoleRow): Live<RoleSpec> {
  return {
    id: row.id,
    spec: { name: row.name, description: row.description, type: row.type, isDefault: row.isDefault },
    outputs: { id: row.id },
    raw: row,
  };
}

const api = collection<RoleRow, RoleSpec>(CACHE, '/roles', toLive);

const scopeSet = idSetRelation('scopeIds', (roleId) => `${api.path(roleId)}/scopes`, 'scopeIds');

const scopeRelation: Relation = {
  ...scopeSet,
  async add(ctx, roleId, ids, spec) {
    try {
      await scopeSet.add(ctx, roleId, ids, spec);
    } catch (error) {
      // A retried POST whose first attempt committed: post only what is still missing.
      if (!hasCode(error, 422, 'role.scope_exists')) throw error;
      const have = new Set(await scopeSet.read(ctx, roleId, spec));
      const missing = ids.filter((id) => !have.has(id));
      if (missing.length > 0) await scopeSet.add(ctx, roleId, missing, spec);
    }
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

  read: api.read,
  list: api.list,
  findByKey: api.findBy((r, s) => r.name === s.name),
  create: (ctx, s) => api.create(ctx, pickDefined(s, ['name', 'description', 'type', 'isDefault'])),

  async update(ctx, id, changes) {
    invalidate(ctx, `${CACHE}:`);
    const row = await ctx.client.patch<RoleRow>(
      api.path(id),
      pickDefined(changes, ['name', 'description', 'isDefault']),
    );
    return toLive(row);
  },

  delete: api.delete,

  builtin: (live) => live.spec.name === MANAGEMENT_ROLE_NAME || live.spec.name.startsWith('#internal:'),
});
