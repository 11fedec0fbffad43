/**
 * ApiResource: an API protected by Logto (`/resources`). The indicator is the natural key and cannot change.
 * Reads share one bulk `GET /resources?includeScopes=true` with ApiResourceScope.
 */
import { z } from 'zod';
import { defineResource, invalidate, type Live, type ResourceContext } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { collection, pickDefined } from './shared.js';

/** Logto reserves its own Management API indicators (`https://<tenant>.logto.app/api`). */
const RESERVED_INDICATOR = /^https:\/\/[^/]+\.logto\.app\/api\/?$/i;

const spec = lazySchema(() =>
  z.object({
    name: z.string().min(1).max(256).describe('Display name of the API resource (duplicates are allowed by Logto).'),
    indicator: z
      .string()
      .min(1)
      .max(256)
      .refine((v) => URL.canParse(v), { message: 'must be an absolute URI, e.g. https://api.example.com' })
      .refine((v) => !RESERVED_INDICATOR.test(v), {
        message: 'https://<tenant>.logto.app/api is reserved for the Logto Management API; use your own API URI',
      })
      .describe(
        'Resource indicator (RFC 8707): the absolute URI identifying the API, e.g. `https://api.example.com`. Unique in the tenant; changing it replaces the resource.',
      ),
    accessTokenTtl: z
      .number()
      .int()
      .min(1)
      .max(2_147_483_647)
      .optional()
      .describe('Lifetime of access tokens issued for this resource, in seconds (Logto uses 3600 when unset).'),
    isDefault: z
      .boolean()
      .optional()
      .describe(
        'Use this resource when a token request names none. Only one resource is the default: setting it unsets the others.',
      ),
  }),
);

export type ApiResourceSpec = z.infer<typeof spec>;

export interface ApiResourceRow {
  id: string;
  name: string;
  indicator: string;
  isDefault: boolean;
  accessTokenTtl: number;
  scopes?: { id: string; resourceId: string; name: string; description: string | null; createdAt?: number }[];
}

export const MANAGEMENT_API_ID = 'management-api';
const CACHE = 'ApiResource';

/** All resources with their scopes, once per run (shared with ApiResourceScope). */
export function listResourcesWithScopes(ctx: ResourceContext): Promise<ApiResourceRow[]> {
  return api.listAll(ctx);
}

export function invalidateResources(ctx: ResourceContext): void {
  invalidate(ctx, `${CACHE}:`);
}

function toLive(row: ApiResourceRow): Live<ApiResourceSpec> {
  return {
    id: row.id,
    spec: { name: row.name, indicator: row.indicator, accessTokenTtl: row.accessTokenTtl, isDefault: row.isDefault },
    outputs: { id: row.id },
    raw: row,
  };
}

const api = collection<ApiResourceRow, ApiResourceSpec>(CACHE, '/resources', toLive, {
  query: { includeScopes: 'true' },
});

async function setDefault(ctx: ResourceContext, id: string, isDefault: boolean): Promise<ApiResourceRow> {
  return ctx.client.patch<ApiResourceRow>(`${api.path(id)}/is-default`, { isDefault });
}

export const ApiResource = defineResource<ApiResourceSpec>({
  kind: 'ApiResource',
  description:
    'An API protected by Logto, identified by its resource indicator. Its permissions are ApiResourceScope objects.',
  spec,
  outputs: [{ name: 'id', description: 'Id assigned by Logto.', type: 'string', stable: true }],
  key: { fields: ['indicator'], of: (s) => s.indicator },
  immutable: ['indicator'],
  sensitive: [],
  sets: [],
  references: [],
  relations: [],

  /** Logto keeps one default resource: two desired defaults would take the flag from each other on every apply. */
  checkDesired(objects) {
    const defaults = objects.filter((o) => o.spec.isDefault === true);
    return defaults.slice(1).map((o) => ({
      address: o.address,
      field: 'isDefault',
      message: `${defaults[0]!.address} is the default API resource too, and Logto keeps only one; set isDefault on one of them`,
    }));
  },

  read: api.read,
  list: api.list,
  findByKey: api.findBy((r, s) => r.indicator === s.indicator),

  async create(ctx, s) {
    invalidateResources(ctx);
    let row = await ctx.client.post<ApiResourceRow>(
      '/resources',
      pickDefined(s, ['name', 'indicator', 'accessTokenTtl']),
    );
    if (s.isDefault) row = await setDefault(ctx, row.id, true);
    return toLive(row);
  },

  async update(ctx, id, changes, live) {
    invalidateResources(ctx);
    let row = live.raw as ApiResourceRow;
    const body = pickDefined(changes, ['name', 'accessTokenTtl']);
    if (Object.keys(body).length > 0) row = await ctx.client.patch<ApiResourceRow>(api.path(id), body);
    if (changes.isDefault !== undefined) row = await setDefault(ctx, id, changes.isDefault);
    return toLive(row);
  },

  delete: api.delete,

  builtin: (live) => live.id === MANAGEMENT_API_ID || RESERVED_INDICATOR.test(live.spec.indicator),
});
