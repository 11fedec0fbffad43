/**
 * OrganizationScope: a permission of the organization template (`/organization-scopes`). The name is
 * unique tenant-wide (422 on a duplicate) and, unlike API resource scopes, may contain spaces.
 */
import { z } from 'zod';
import { defineResource, type Live } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { collection, pickDefined } from './shared.js';

const spec = lazySchema(() =>
  z.object({
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
  }),
);

export type OrganizationScopeSpec = z.infer<typeof spec>;

interface ApiOrganizationScope {
  id: string;
  name: string;
  description: string | null;
}

function toLive(row: ApiOrganizationScope): Live<OrganizationScopeSpec> {
  return {
    id: row.id,
    spec: { name: row.name, description: row.description ?? null },
    outputs: { id: row.id },
    raw: row,
  };
}

const api = collection<ApiOrganizationScope, OrganizationScopeSpec>(
  'OrganizationScope',
  '/organization-scopes',
  toLive,
);

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

  read: api.read,
  list: api.list,
  findByKey: api.findBy((row, s) => row.name === s.name),
  create: (ctx, s) => api.create(ctx, pickDefined(s, ['name', 'description'])),
  update: (ctx, id, changes, live) => api.patch(ctx, id, pickDefined(changes, ['name', 'description']), live),
  delete: api.delete,
});
