/**
 * Hook: a webhook (`/hooks`). Names are not unique in Logto, so the name is an adoption key: without a
 * known id the one hook with that name is adopted (several are an error naming their ids). The API nests the
 * endpoint in `config {url, headers, retries}` and replaces `config` wholesale on PATCH: an update sends the
 * complete config, desired fields laid over the live ones. The signing key Logto generates is a secret
 * output; headers usually carry credentials and are sensitive too.
 */
import { z } from 'zod';
import { defineResource, type Live } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { collection, isRecord, pickDefined } from './shared.js';

/** The `HookEvent` enum of the Management API (OpenAPI `events.items.enum`). */
export const HOOK_EVENTS = [
  'PostRegister',
  'PostSignIn',
  'PostSignInAdaptiveMfaTriggered',
  'PostResetPassword',
  'User.Created',
  'User.Deleted',
  'User.Data.Updated',
  'User.SuspensionStatus.Updated',
  'Role.Created',
  'Role.Deleted',
  'Role.Data.Updated',
  'Role.Scopes.Updated',
  'Scope.Created',
  'Scope.Deleted',
  'Scope.Data.Updated',
  'Organization.Created',
  'Organization.Deleted',
  'Organization.Data.Updated',
  'Organization.Membership.Updated',
  'OrganizationRole.Created',
  'OrganizationRole.Deleted',
  'OrganizationRole.Data.Updated',
  'OrganizationRole.Scopes.Updated',
  'OrganizationScope.Created',
  'OrganizationScope.Deleted',
  'OrganizationScope.Data.Updated',
  'Identifier.Lockout',
  'Message.RateLimited',
  'Grant.LimitExceeded',
] as const;

const spec = lazySchema(() =>
  z.object({
    name: z
      .string()
      .min(1)
      .max(256)
      .describe(
        'Name of the webhook. Logto allows duplicates; without a known id the one webhook with this name is adopted (several is an error).',
      ),
    events: z
      .array(z.enum(HOOK_EVENTS))
      .min(1, 'a webhook needs at least one event, e.g. `["User.Created"]`')
      .describe(`Events that trigger the webhook (order-insensitive set): any of ${HOOK_EVENTS.join(', ')}.`),
    url: z
      .url({ protocol: /^https?$/, error: 'use an absolute http(s) URL, e.g. `https://example.com/hooks/logto`' })
      .describe('Endpoint URL Logto POSTs the event payload to.'),
    headers: z
      .record(z.string().min(1), z.string())
      .optional()
      .describe('Extra HTTP headers sent with every request, e.g. an `Authorization` token. Sensitive.'),
    enabled: z.boolean().optional().describe('Whether the webhook is active. Logto enables new webhooks.'),
  }),
);

export type HookSpec = z.infer<typeof spec>;

interface ApiHookConfig {
  url: string;
  headers?: Record<string, string>;
  retries?: number;
}
interface ApiHook {
  id: string;
  name: string;
  events: string[];
  config: ApiHookConfig;
  signingKey: string;
  enabled: boolean;
  createdAt: number;
}

function toLive(row: ApiHook): Live<HookSpec> {
  return {
    id: row.id,
    spec: {
      name: row.name,
      events: (row.events ?? []) as HookSpec['events'],
      url: row.config?.url,
      headers: row.config?.headers ?? {},
      enabled: row.enabled,
    },
    outputs: { id: row.id, createdAt: row.createdAt, signingKey: row.signingKey },
    raw: row,
  };
}

const api = collection<ApiHook, HookSpec>('Hook', '/hooks', toLive);

/** The complete `config` to send: live config (keeps `retries` and anything else) with desired fields on top. */
function mergedConfig(live: unknown, changes: Partial<HookSpec>, desired: HookSpec): ApiHookConfig {
  const base = isRecord(live) ? (live as unknown as ApiHookConfig) : ({ url: desired.url } as ApiHookConfig);
  const config: ApiHookConfig = { ...base };
  config.url = changes.url ?? desired.url ?? base.url;
  if (changes.headers !== undefined) config.headers = changes.headers;
  return config;
}

export const Hook = defineResource<HookSpec>({
  kind: 'Hook',
  description:
    'A webhook: Logto POSTs a signed JSON payload to `url` when one of `events` happens. Verify requests with the `signingKey` output.',
  spec,
  outputs: [
    { name: 'id', description: 'Id assigned by Logto.', type: 'string', stable: true },
    { name: 'createdAt', description: 'Creation time, epoch milliseconds.', type: 'number', stable: true },
    {
      name: 'signingKey',
      description: 'Key Logto signs every request with (HMAC SHA-256, header `logto-signature-sha-256`). Secret.',
      type: 'string',
      sensitive: true,
      stable: true,
    },
  ],
  adoptionKey: { fields: ['name'], of: (s) => s.name },
  immutable: [],
  sensitive: ['headers'],
  sets: ['events'],
  references: [],
  relations: [],

  read: api.read,
  list: api.list,
  findByKey: api.findBy((row, s) => row.name === s.name),

  async create(ctx, s) {
    const config: ApiHookConfig = { url: s.url };
    if (s.headers !== undefined) config.headers = s.headers;
    return api.create(ctx, { ...pickDefined(s, ['name', 'events', 'enabled']), config });
  },

  async update(ctx, id, changes, live, desired) {
    const body: Record<string, unknown> = pickDefined(changes, ['name', 'events', 'enabled']);
    if (changes.url !== undefined || changes.headers !== undefined) {
      body.config = mergedConfig((live.raw as ApiHook | undefined)?.config, changes, desired);
    }
    return api.patch(ctx, id, body, live);
  },

  delete: api.delete,
});
