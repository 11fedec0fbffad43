/**
 * OidcSessionConfig: how long a user's sign-in session with Logto lasts (`/configs/oidc/session`, a
 * singleton). "Create" adopts the singleton and patches the TTL; "delete" forgets it.
 */
import { z } from 'zod';
import { defineResource, type Live, type ResourceContext } from './contract.js';

const spec = z.object({
  ttl: z
    .int()
    .min(1)
    .optional()
    .describe('Lifetime of the OIDC sign-in session in seconds (Logto’s default is 1209600, 14 days).'),
});

export type OidcSessionConfigSpec = z.infer<typeof spec>;

interface ApiOidcSessionConfig {
  ttl: number;
}

const ID = 'default';
const ROUTE = '/configs/oidc/session';

function toLive(row: ApiOidcSessionConfig): Live<OidcSessionConfigSpec> {
  return { id: ID, spec: { ttl: row.ttl }, outputs: { id: ID }, raw: row };
}

const readLive = (ctx: ResourceContext) => ctx.client.get<ApiOidcSessionConfig>(ROUTE);

async function write(ctx: ResourceContext, s: OidcSessionConfigSpec, live: Live<OidcSessionConfigSpec>) {
  if (s.ttl === undefined) return live;
  return toLive(await ctx.client.patch<ApiOidcSessionConfig>(ROUTE, { ttl: s.ttl }));
}

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

  async read(ctx) {
    return toLive(await readLive(ctx));
  },
  async list(ctx) {
    return [toLive(await readLive(ctx))];
  },
  /** Adopt the singleton and patch the TTL the spec gives. */
  async create(ctx, s) {
    return write(ctx, s, toLive(await readLive(ctx)));
  },
  async update(ctx, _id, changes, live, desired) {
    return write(ctx, { ...desired, ...changes }, live);
  },
  /** A singleton cannot be deleted: forgetting it leaves the tenant's settings as they are. */
  async delete() {},
});
