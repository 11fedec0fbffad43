/**
 * IdTokenConfig: which extended claims Logto adds to ID tokens (`/configs/id-token`, a singleton). `PUT`
 * replaces the claim list; the list is an order-insensitive set. "Create" adopts the singleton and writes
 * the set when it differs; "delete" forgets it (the tenant keeps its claims).
 */
import { z } from 'zod';
import { defineResource, type Live, type ResourceContext } from './contract.js';

export const EXTENDED_CLAIMS = [
  'custom_data',
  'identities',
  'sso_identities',
  'roles',
  'organizations',
  'organization_data',
  'organization_roles',
] as const;

const spec = z.object({
  enabledExtendedClaims: z
    .array(z.enum(EXTENDED_CLAIMS))
    .optional()
    .describe(
      `Extended claims included in ID tokens when their scope is requested (order-insensitive): ${EXTENDED_CLAIMS.join(', ')}. Logto's default is roles, organizations, organization_roles.`,
    ),
});

export type IdTokenConfigSpec = z.infer<typeof spec>;

interface ApiIdTokenConfig {
  enabledExtendedClaims: string[];
}

const ID = 'default';
const ROUTE = '/configs/id-token';

function toLive(row: ApiIdTokenConfig): Live<IdTokenConfigSpec> {
  return {
    id: ID,
    spec: { enabledExtendedClaims: (row.enabledExtendedClaims ?? []) as IdTokenConfigSpec['enabledExtendedClaims'] },
    outputs: { id: ID },
    raw: row,
  };
}

const readLive = (ctx: ResourceContext) => ctx.client.get<ApiIdTokenConfig>(ROUTE);

async function write(ctx: ResourceContext, s: IdTokenConfigSpec, live: Live<IdTokenConfigSpec>) {
  if (s.enabledExtendedClaims === undefined) return live;
  return toLive(await ctx.client.put<ApiIdTokenConfig>(ROUTE, { enabledExtendedClaims: s.enabledExtendedClaims }));
}

export const IdTokenConfig = defineResource<IdTokenConfigSpec>({
  kind: 'IdTokenConfig',
  description:
    'The tenant’s ID token settings (singleton): which extended claims (roles, organizations, custom data…) ID tokens carry. Removing the resource leaves the settings as they are.',
  spec,
  outputs: [{ name: 'id', description: 'Always `default`.', type: 'string', stable: true }],
  immutable: [],
  sensitive: [],
  sets: ['enabledExtendedClaims'],
  references: [],
  relations: [],
  singleton: true,

  async read(ctx) {
    return toLive(await readLive(ctx));
  },
  async list(ctx) {
    return [toLive(await readLive(ctx))];
  },
  /** Adopt the singleton and write the claim set the spec gives. */
  async create(ctx, s) {
    return write(ctx, s, toLive(await readLive(ctx)));
  },
  async update(ctx, _id, changes, live, desired) {
    return write(ctx, { ...desired, ...changes }, live);
  },
  /** A singleton cannot be deleted: forgetting it leaves the tenant's settings as they are. */
  async delete() {},
});
