/**
 * IdTokenConfig: which extended claims Logto adds to ID tokens (`/configs/id-token`, a singleton). `PUT`
 * replaces the claim list; the list is an order-insensitive set. "Create" adopts the singleton and writes
 * the set when it differs; "delete" forgets it (the tenant keeps its claims).
 */
import { z } from 'zod';
import { defineResource, type Live } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { singletonOperations } from './shared.js';

export const EXTENDED_CLAIMS = [
  'custom_data',
  'identities',
  'sso_identities',
  'roles',
  'organizations',
  'organization_data',
  'organization_roles',
] as const;

const spec = lazySchema(() =>
  z.object({
    enabledExtendedClaims: z
      .array(z.enum(EXTENDED_CLAIMS))
      .optional()
      .describe(
        `Extended claims included in ID tokens when their scope is requested (order-insensitive): ${EXTENDED_CLAIMS.join(', ')}. Logto's default is roles, organizations, organization_roles.`,
      ),
  }),
);

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

/** PUT replaces the whole claim list; nothing is written when the spec leaves it out. */
const operations = singletonOperations<ApiIdTokenConfig, IdTokenConfigSpec>({
  route: ROUTE,
  method: 'PUT',
  toLive,
  body: (_fields, desired) =>
    desired.enabledExtendedClaims === undefined ? {} : { enabledExtendedClaims: desired.enabledExtendedClaims },
});

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
  ...operations,
});
