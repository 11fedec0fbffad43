/**
 * OidcSessionConfig: how long a user's sign-in session with Logto lasts (`/configs/oidc/session`, a
 * singleton). "Create" adopts the singleton and patches the TTL; "delete" forgets it.
 */
import { z } from 'zod';
import { defineResource, type Live } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { singletonOperations } from './shared.js';

const spec = lazySchema(() =>
  z.object({
    ttl: z
      .int()
      .min(1)
      .optional()
      .describe('Lifetime of the OIDC sign-in session in seconds (Logto’s default is 1209600, 14 days).'),
  }),
);

export type OidcSessionConfigSpec = z.infer<typeof spec>;

interface ApiOidcSessionConfig {
  ttl: number;
}

const ID = 'default';
const ROUTE = '/configs/oidc/session';

function toLive(row: ApiOidcSessionConfig): Live<OidcSessionConfigSpec> {
  return { id: ID, spec: { ttl: row.ttl }, outputs: { id: ID }, raw: row };
}

const operations = singletonOperations<ApiOidcSessionConfig, OidcSessionConfigSpec>({
  route: ROUTE,
  method: 'PATCH',
  toLive,
  body: (_fields, desired) => (desired.ttl === undefined ? {} : { ttl: desired.ttl }),
});

export const OidcSessionConfig = defineResource<OidcSessionConfigSpec>({
  kind: 'OidcSessionConfig',
  description:
    'The tenant’s OIDC session settings (singleton): how long a sign-in session lasts. Removing the resource leaves the setting as it is.',
  spec,
  outputs: [{ name: 'id', description: 'Always `default`.', type: 'string', stable: true }],
  immutable: [],
  sensitive: [],
  sets: [],
  references: [],
  relations: [],
  singleton: true,
  ...operations,
});
