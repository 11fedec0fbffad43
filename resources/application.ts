/**
 * Application: an OIDC client (`/applications`). The spec is flat; the module maps it onto Logto's
 * `oidcClientMetadata` / `customClientMetadata`, which PATCH replaces wholesale, so updates are merged into
 * the live objects and never wipe settings this tool does not manage. Names are not unique in Logto, so the
 * name is an adoption key: without a known id the one application with that name is adopted (several are an
 * error naming their ids), and `name=…` imports it.
 */
import { z } from 'zod';
import { defineResource, invalidate, type Live, type ResourceContext } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { collection, isRecord, pickDefined, seg } from './shared.js';

/**
 * A web redirect URI as Logto 1.42 takes it: http(s); a `*` only in the host (which then needs a dot) or the
 * path, never in the scheme, port, query or fragment, nor with user info or an IPv6 host; no `.` or `..`
 * path segments (plain or %2e-encoded).
 */
export function isWebRedirectUri(uri: string): boolean {
  const wildcard = uri.includes('*');
  const sep = uri.indexOf('://');
  if (sep > 0) {
    const authority = uri.slice(sep + 3).split(/[/?#]/)[0] ?? '';
    const path = (uri.slice(sep + 3 + authority.length).split(/[?#]/)[0] ?? '').toLowerCase();
    if (path.split('/').some((segment) => ['.', '..', '%2e', '%2e%2e'].includes(segment))) return false;
    if (wildcard) {
      if (uri.slice(0, sep).includes('*') || /[?#].*\*/.test(uri.slice(sep + 3 + authority.length))) return false;
      if (authority.includes('@') || authority.startsWith('[')) return false;
      const colon = authority.lastIndexOf(':');
      const hasPort = colon >= 0 && authority.indexOf(':') === colon;
      const host = hasPort ? authority.slice(0, colon) : authority;
      if ((host.includes('*') && !host.includes('.')) || (hasPort && authority.slice(colon + 1).includes('*')))
        return false;
    }
  } else if (wildcard) return false;
  const candidate = wildcard ? uri.replaceAll('*', 'wildcard') : uri;
  return URL.canParse(candidate) && /^https?:$/.test(new URL(candidate).protocol);
}

/** A native app's own URI scheme as Logto takes it (`io.example.app://callback`, `myapp:/cb`): never http(s). */
export function isAppSchemeRedirectUri(uri: string): boolean {
  return URL.canParse(uri) && /^(?!https?:)[a-z][\d+_a-z-]*(\.[\d+_a-z-]+)*:$/.test(new URL(uri).protocol);
}

/** What Logto accepts in `redirectUris` and `postLogoutRedirectUris`, whatever the application type. */
export function acceptsRedirectUri(uri: string): boolean {
  return isWebRedirectUri(uri) || isAppSchemeRedirectUri(uri);
}

const redirectUri = lazySchema(() =>
  z.string().min(1).refine(acceptsRedirectUri, {
    message:
      'must be an absolute URI Logto accepts: https://app.example.com/callback (a * only in the host or path, no ./.. segments), or a native app scheme such as io.example.app://callback',
  }),
);

/** Application types that sign in in a browser: sent back only to web (http/https) addresses. */
const WEB_TYPES = new Set(['SPA', 'Traditional']);

/**
 * Logto stores any non-empty string and compares it with the browser's `Origin` header as is: anything but
 * an origin in the form browsers send (lower-case scheme and host, no path, no trailing slash) never matches.
 * Schemes without a web origin (`capacitor://localhost`) are taken in the same scheme://host[:port] form.
 */
const origin = lazySchema(() =>
  z.string().refine(
    (v) => {
      if (!URL.canParse(v)) return false;
      const u = new URL(v);
      if (u.origin !== 'null') return u.origin === v;
      return /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s]+$/.test(v) && v === v.toLowerCase();
    },
    { message: 'must be an origin: scheme://host[:port] without path or trailing slash, e.g. https://app.example.com' },
  ),
);

const spec = lazySchema(() =>
  z
    .object({
      name: z
        .string()
        .min(1)
        .max(256)
        .describe(
          'Display name of the application. Logto allows duplicates; without a known id the one application with this name is adopted (several is an error).',
        ),
      type: z
        .enum(['Native', 'SPA', 'Traditional', 'MachineToMachine'])
        .describe('Application type. Changing it replaces the application (new client id and secrets).'),
      description: z.string().nullable().optional().describe('Description of the application; null clears it.'),
      redirectUris: z
        .array(redirectUri)
        .optional()
        .describe('Allowed sign-in redirect URIs (order does not matter). Custom schemes are allowed for native apps.'),
      postLogoutRedirectUris: z
        .array(redirectUri)
        .optional()
        .describe('Allowed post sign-out redirect URIs (order does not matter).'),
      corsAllowedOrigins: z
        .array(origin)
        .optional()
        .describe('Origins allowed to call Logto from a browser for this app (CORS), e.g. `https://app.example.com`.'),
      backchannelLogoutUri: z
        .string()
        .url()
        .optional()
        .describe('OIDC back-channel logout URI notified when a session ends.'),
      backchannelLogoutSessionRequired: z
        .boolean()
        .optional()
        .describe('Include the session id (`sid`) in back-channel logout tokens.'),
      idTokenTtl: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe('ID token lifetime in seconds (Logto uses 3600 when unset).'),
      refreshTokenTtlInDays: z
        .number()
        .int()
        .min(1)
        .max(90)
        .optional()
        .describe('Refresh token lifetime in days, 1–90 (Logto uses 14 when unset).'),
      rotateRefreshToken: z
        .boolean()
        .optional()
        .describe('Issue a new refresh token on every use (refresh-token rotation).'),
      alwaysIssueRefreshToken: z
        .boolean()
        .optional()
        .describe(
          'Issue a refresh token even when the client did not request `offline_access` (non-standard; for some SDKs).',
        ),
      isThirdParty: z
        .boolean()
        .optional()
        .describe(
          'A third-party app (consent screen, limited scopes). Not allowed for MachineToMachine. Changing it replaces the app.',
        ),
      customData: z
        .record(z.string(), z.unknown())
        .optional()
        .describe('Arbitrary JSON stored with the application (replaced as a whole).'),
    })
    .superRefine((s, ctx) => {
      if (WEB_TYPES.has(s.type)) {
        for (const field of ['redirectUris', 'postLogoutRedirectUris'] as const) {
          (s[field] ?? []).forEach((uri, i) => {
            if (acceptsRedirectUri(uri) && !isWebRedirectUri(uri))
              ctx.addIssue({
                code: 'custom',
                path: [field, i],
                message: `"${uri}" is not a web address: a ${s.type} application signs users in in a browser, which can only be sent back to http(s):// URIs (Logto would store it as a native app scheme, and sign-in would never come back)`,
                params: {
                  fix: 'use the https:// address of the page, e.g. https://app.example.com/callback (an app with its own URI scheme is type: Native)',
                },
              });
          });
        }
      }
      if (s.isThirdParty && s.type === 'MachineToMachine') {
        ctx.addIssue({
          code: 'custom',
          path: ['isThirdParty'],
          message: 'a MachineToMachine application cannot be third-party; remove isThirdParty or change the type',
        });
      }
    }),
);

export type ApplicationSpec = z.infer<typeof spec>;

interface ApplicationRow {
  id: string;
  name: string;
  description: string | null;
  type: string;
  oidcClientMetadata: Record<string, unknown> & { redirectUris: string[]; postLogoutRedirectUris: string[] };
  customClientMetadata: Record<string, unknown>;
  customData: Record<string, unknown>;
  isThirdParty: boolean;
  createdAt: number;
}

const OIDC_FIELDS = [
  'redirectUris',
  'postLogoutRedirectUris',
  'backchannelLogoutUri',
  'backchannelLogoutSessionRequired',
] as const;
const CUSTOM_FIELDS = [
  'corsAllowedOrigins',
  'idTokenTtl',
  'refreshTokenTtlInDays',
  'rotateRefreshToken',
  'alwaysIssueRefreshToken',
] as const;

const CACHE = 'Application';

export function listApplications(ctx: ResourceContext): Promise<ApplicationRow[]> {
  return api.listAll(ctx);
}

function toLive(row: ApplicationRow, extraOutputs: Record<string, unknown> = {}): Live<ApplicationSpec> {
  const oidc = isRecord(row.oidcClientMetadata)
    ? row.oidcClientMetadata
    : { redirectUris: [], postLogoutRedirectUris: [] };
  const custom = isRecord(row.customClientMetadata) ? row.customClientMetadata : {};
  const s: Record<string, unknown> = {
    name: row.name,
    type: row.type,
    description: row.description ?? null,
    redirectUris: oidc.redirectUris ?? [],
    postLogoutRedirectUris: oidc.postLogoutRedirectUris ?? [],
    corsAllowedOrigins: custom.corsAllowedOrigins ?? [],
    isThirdParty: row.isThirdParty ?? false,
    customData: row.customData ?? {},
  };
  for (const f of OIDC_FIELDS.slice(2)) if (oidc[f] !== undefined) s[f] = oidc[f];
  for (const f of CUSTOM_FIELDS.slice(1)) if (custom[f] !== undefined) s[f] = custom[f];
  return {
    id: row.id,
    spec: s as ApplicationSpec,
    outputs: { id: row.id, createdAt: row.createdAt, ...extraOutputs },
    raw: row,
  };
}

const api = collection<ApplicationRow, ApplicationSpec>(CACHE, '/applications', toLive);

/** `changes` laid over the live JSON object, or undefined when none of `fields` changed. */
function merged(
  live: Record<string, unknown> | undefined,
  changes: Record<string, unknown>,
  fields: readonly string[],
): Record<string, unknown> | undefined {
  const touched = fields.filter((f) => changes[f] !== undefined);
  if (touched.length === 0) return undefined;
  const out: Record<string, unknown> = { ...(isRecord(live) ? live : {}) };
  for (const f of touched) out[f] = changes[f];
  return out;
}

function oidcBody(s: Partial<ApplicationSpec>, live?: Record<string, unknown>) {
  const body = merged(live, s as Record<string, unknown>, OIDC_FIELDS);
  if (!body) return undefined;
  // Logto requires both URI lists in every oidcClientMetadata it is sent.
  body.redirectUris ??= [];
  body.postLogoutRedirectUris ??= [];
  return body;
}

export const Application = defineResource<ApplicationSpec>({
  kind: 'Application',
  description: 'An application (OIDC client): native, single-page, traditional web or machine-to-machine.',
  spec,
  outputs: [
    { name: 'id', description: 'Client id assigned by Logto.', type: 'string', stable: true },
    { name: 'createdAt', description: 'Creation time, epoch milliseconds.', type: 'number', stable: true },
    {
      name: 'defaultSecret',
      description:
        'Value of the "Default secret" Logto creates for Traditional and MachineToMachine apps (known after create).',
      type: 'string',
      sensitive: true,
      stable: true,
    },
  ],
  adoptionKey: { fields: ['name'], of: (s) => s.name },
  immutable: ['type', 'isThirdParty'],
  sensitive: [],
  sets: ['redirectUris', 'postLogoutRedirectUris', 'corsAllowedOrigins'],
  references: [],
  relations: [],

  read: api.read,
  /** SAML apps are rows of `/applications` too, but they are `SamlApplication`s (Logto refuses them here). */
  async list(ctx) {
    return (await api.list(ctx)).filter((live) => (live.spec.type as string) !== 'SAML');
  },
  findByKey: api.findBy((r, s) => r.name === s.name && r.type !== 'SAML'),

  async create(ctx, s) {
    invalidate(ctx, `${CACHE}:`);
    const body: Record<string, unknown> = pickDefined(s, ['name', 'type', 'description', 'isThirdParty', 'customData']);
    const oidc = oidcBody(s);
    if (oidc) body.oidcClientMetadata = oidc;
    const custom = merged(undefined, s as Record<string, unknown>, CUSTOM_FIELDS);
    if (custom) body.customClientMetadata = custom;
    const row = await ctx.client.post<ApplicationRow>('/applications', body);
    const extra: Record<string, unknown> = {};
    if (row.type === 'Traditional' || row.type === 'MachineToMachine') {
      try {
        const secrets = await ctx.client.get<{ name: string; value: string }[]>(`/applications/${seg(row.id)}/secrets`);
        const found = secrets.find((x) => x.name === 'Default secret');
        if (found) extra.defaultSecret = found.value;
      } catch {
        // The secret is a convenience output; the app exists either way.
      }
    }
    return toLive(row, extra);
  },

  async update(ctx, id, changes, live) {
    invalidate(ctx, `${CACHE}:`);
    const raw = live.raw as ApplicationRow | undefined;
    const body: Record<string, unknown> = pickDefined(changes, ['name', 'description', 'customData']);
    const oidc = oidcBody(changes, raw?.oidcClientMetadata);
    if (oidc) body.oidcClientMetadata = oidc;
    const custom = merged(raw?.customClientMetadata, changes as Record<string, unknown>, CUSTOM_FIELDS);
    if (custom) body.customClientMetadata = custom;
    if (Object.keys(body).length === 0) return live;
    const row = await ctx.client.patch<ApplicationRow>(api.path(id), body);
    return toLive(row, { defaultSecret: live.outputs.defaultSecret });
  },

  delete: api.delete,

  /** The app this tool authenticates as must never be pruned from under itself. */
  builtin: (live, ctx) => live.id === ctx.client.appId,
});
