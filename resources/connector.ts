/**
 * Connector: a social (GitHub, Google, generic OIDC or SAML…), email (SMTP, HTTP email…) or SMS (Twilio…)
 * connector (`/connectors`), created from one of the tenant's connector factories (`/connector-factories`).
 *
 * Identity, as Logto enforces it: a tenant has at most one email and one SMS connector (creating another
 * replaces it), and one social connector per target (a non-standard factory's target is fixed, so it is used
 * once; a standard factory — generic OIDC, OAuth 2, SAML — is used once per target chosen at creation). The
 * factory and the target cannot change afterwards. `config` holds client secrets, SMTP passwords and API
 * tokens: the whole object is sensitive. Logto validates it against the factory's own schema and replaces it
 * whole on PATCH; it drops empty values before storing (compared the same way here).
 *
 * Factories measured from Logto's official packages (`connector-factories.generated.ts`) are checked offline;
 * any factory is checked against what the tenant offers at plan time.
 */
import { z } from 'zod';
import { cached, defineResource, type Live, type ResourceContext, type Spec } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { CONNECTOR_FACTORIES } from './connector-factories.generated.js';
import {
  type ConnectorFactoryInfo,
  type ConnectorType,
  connectorConfigIssues,
  factoryInfo,
} from './connector-factory-info.js';
import { cleanDeep, collection, isRecord, pickDefined } from './shared.js';

const KNOWN = new Map(CONNECTOR_FACTORIES.map((f) => [f.id, f]));
const METADATA_FIELDS = ['displayName', 'logo', 'logoDark'] as const;

const spec = lazySchema(() =>
  z
    .object({
      connectorId: z
        .string()
        .min(1)
        .describe(
          `Id of the connector factory, e.g. ${CONNECTOR_FACTORIES.map((f) => `\`${f.id}\``).join(', ')} (the tenant must offer it). Changing it replaces the connector.`,
        ),
      target: z
        .string()
        .regex(/^[\w.-]+$/, 'use letters, digits, `-`, `_` or `.`')
        .optional()
        .describe(
          'Social target, the name the sign-in experience lists this connector by (`socialSignInConnectorTargets`). Set it for standard factories (generic OIDC, OAuth 2, SAML), which can be used once per target; other factories have a fixed target (e.g. `github`), reported here. Changing it replaces the connector.',
        ),
      displayName: z
        .string()
        .min(1)
        .optional()
        .describe(
          'Name shown on the sign-in button, in English (standard factories only; other languages set in Logto are kept).',
        ),
      logo: z.url().optional().describe('URL of the sign-in button’s logo (standard factories only).'),
      logoDark: z.url().optional().describe('URL of the logo in dark mode (standard factories only).'),
      config: z
        .record(z.string(), z.unknown())
        .describe(
          'The factory’s settings as JSON, e.g. for GitHub `{"clientId": …, "clientSecret": …}`, for SMTP `host`, `port`, `auth`, `fromEmail`, `templates`. Checked against the factory’s fields. Sensitive: it holds secrets. Replaced as a whole on change; empty values are dropped, as Logto does.',
        ),
      syncProfile: z
        .boolean()
        .optional()
        .describe(
          'Social connectors: update the user’s profile from the provider at every sign-in (otherwise only at the first).',
        ),
      enableTokenStorage: z
        .boolean()
        .optional()
        .describe(
          'Social connectors that support it: keep the provider’s tokens in Logto’s Secret Vault (the server needs one configured).',
        ),
    })
    .superRefine((s, ctx) => {
      const factory = KNOWN.get(s.connectorId);
      if (factory) for (const issue of specIssues(factory, s)) ctx.addIssue({ code: 'custom', ...issue });
    }),
);

export type ConnectorSpec = z.infer<typeof spec>;

/** What Logto would refuse in a connector of this factory: target and metadata rules, config, social-only flags. */
function specIssues(factory: ConnectorFactoryInfo, s: Spec): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  const at = (field: string, message: string) => issues.push({ path: [field], message });
  const kind = `${factory.name} (\`${factory.id}\`)`;
  if (factory.isStandard) {
    if (s.target === undefined)
      at('target', `a ${kind} connector needs a target: the name this connector is listed by, e.g. "acme"`);
  } else {
    if (s.target !== undefined && s.target !== factory.target)
      at('target', `the ${kind} connector’s target is always "${factory.target}"; leave \`target\` out`);
    for (const field of METADATA_FIELDS)
      if (s[field] !== undefined)
        at(
          field,
          `Logto shows its own name and logo for ${kind}; only standard factories (OIDC, OAuth 2, SAML) take \`${field}\``,
        );
  }
  if (factory.type !== 'Social') {
    for (const field of ['syncProfile', 'enableTokenStorage'])
      if (s[field] !== undefined)
        at(field, `only social connectors have \`${field}\`; ${kind} is an ${factory.type} connector`);
  } else if (s.enableTokenStorage === true && !factory.isTokenStorageSupported) {
    at('enableTokenStorage', `${kind} cannot store tokens`);
  }
  if (isRecord(s.config)) issues.push(...connectorConfigIssues(factory, s.config));
  return issues;
}

interface ApiConnector {
  id: string;
  connectorId: string;
  type: ConnectorType;
  target: string;
  isStandard?: boolean;
  config: Record<string, unknown>;
  metadata: Record<string, unknown>;
  syncProfile: boolean;
  enableTokenStorage?: boolean;
}

function toLive(row: ApiConnector): Live<ConnectorSpec> {
  const metadata = isRecord(row.metadata) ? row.metadata : {};
  const s: ConnectorSpec = { connectorId: row.connectorId, target: row.target, config: row.config ?? {} };
  if (row.type === 'Social') {
    s.syncProfile = row.syncProfile;
    if (row.enableTokenStorage !== undefined) s.enableTokenStorage = row.enableTokenStorage;
  }
  if (isRecord(metadata.name) && typeof metadata.name.en === 'string') s.displayName = metadata.name.en;
  if (typeof metadata.logo === 'string') s.logo = metadata.logo;
  if (typeof metadata.logoDark === 'string') s.logoDark = metadata.logoDark;
  return { id: row.id, spec: s, outputs: { id: row.id, type: row.type, target: row.target }, raw: row };
}

export const connectors = collection<ApiConnector, ConnectorSpec>('Connector', '/connectors', toLive, {
  unpaginated: true,
});

/** The tenant's connector factories (memoised for the run). */
async function tenantFactories(ctx: ResourceContext): Promise<ConnectorFactoryInfo[]> {
  const rows = await cached(ctx, 'ConnectorFactory:list', () =>
    ctx.client.get<Record<string, unknown>[]>('/connector-factories'),
  );
  return rows.filter((r) => r.isDemo !== true).map(factoryInfo);
}

/** The factory a spec names: measured offline when known, else the tenant's. */
async function factoryOf(ctx: ResourceContext, connectorId: string): Promise<ConnectorFactoryInfo | undefined> {
  return KNOWN.get(connectorId) ?? (await tenantFactories(ctx)).find((f) => f.id === connectorId);
}

/**
 * What the tenant's connectors provide — connector types (an email connector for sign-up by email…) and
 * social targets — now, plus what the run's desired connectors will add when the front end knows them.
 */
export async function connectorsOffered(
  ctx: ResourceContext,
  planned: { kind: string; spec: Spec }[] = [],
): Promise<{ types: Set<ConnectorType>; socialTargets: Set<string> }> {
  const types = new Set<ConnectorType>();
  const socialTargets = new Set<string>();
  for (const live of await connectors.list(ctx)) {
    const row = live.raw as ApiConnector;
    types.add(row.type);
    if (row.type === 'Social') socialTargets.add(row.target);
  }
  for (const { kind, spec: s } of planned) {
    if (kind !== 'Connector' || typeof s.connectorId !== 'string') continue;
    const factory = await factoryOf(ctx, s.connectorId);
    if (!factory) continue;
    types.add(factory.type);
    if (factory.type === 'Social') socialTargets.add(typeof s.target === 'string' ? s.target : factory.target);
  }
  return { types, socialTargets };
}

/** The identity Logto enforces: `email` / `sms` (one per tenant) or the social target. */
function identity(s: Pick<ConnectorSpec, 'connectorId' | 'target'>, factory?: ConnectorFactoryInfo): string {
  if (factory && factory.type !== 'Social') return factory.type.toLowerCase();
  return s.target ?? factory?.target ?? s.connectorId;
}

/** Metadata for a standard factory's connector: the target and the button, over what Logto has. */
function metadataBody(s: Partial<ConnectorSpec>, live?: Record<string, unknown>): Record<string, unknown> {
  const base = isRecord(live) ? live : {};
  const out: Record<string, unknown> = { ...base, target: s.target ?? base.target };
  if (s.displayName !== undefined) out.name = { ...(isRecord(base.name) ? base.name : {}), en: s.displayName };
  if (s.logo !== undefined) out.logo = s.logo;
  if (s.logoDark !== undefined) out.logoDark = s.logoDark;
  return out;
}

export const Connector = defineResource<ConnectorSpec>({
  kind: 'Connector',
  description:
    'A connector: social sign-in (GitHub, Google, generic OIDC or SAML…), or the tenant’s email or SMS sender (SMTP, HTTP email, Twilio…) used for verification codes. One email and one SMS connector per tenant, one social connector per target.',
  spec,
  outputs: [
    { name: 'id', description: 'Id assigned by Logto (12 characters).', type: 'string', stable: true },
    { name: 'type', description: '`Social`, `Email` or `Sms` (from the factory).', type: 'string', stable: true },
    {
      name: 'target',
      description:
        'The connector’s target (the factory’s, or the one given): what `socialSignInConnectorTargets` lists. Refer to it to order a sign-in experience after the connector.',
      type: 'string',
      stable: true,
    },
  ],
  key: {
    fields: ['connectorId', 'target'],
    of: (s) => identity(s, KNOWN.get(s.connectorId)),
  },
  immutable: ['connectorId', 'target'],
  sensitive: ['config'],
  sets: [],
  references: [],
  relations: [],

  checkDesired(objects) {
    const issues: { address: string; field: string; message: string }[] = [];
    const seen = new Map<string, string>();
    for (const { address, spec: s } of objects) {
      const factory = typeof s.connectorId === 'string' ? KNOWN.get(s.connectorId) : undefined;
      if (!factory || factory.type === 'Social') continue;
      const other = seen.get(factory.type);
      if (other)
        issues.push({
          address,
          field: 'connectorId',
          message: `a tenant has one ${factory.type.toLowerCase()} connector (Logto replaces the old one when another is created), and ${other} is one too; keep one of them`,
        });
      else seen.set(factory.type, address);
    }
    return issues;
  },

  async checkLive(ctx, s) {
    const offered = await tenantFactories(ctx);
    const factory = offered.find((f) => f.id === s.connectorId);
    if (!factory) {
      const list = offered.map((f) => `${f.id} (${f.name}, ${f.type})`).join(', ');
      return [
        {
          field: 'connectorId',
          message: `the tenant offers no connector factory "${s.connectorId}"; it offers ${list || 'none'}. Install the connector package in Logto (OSS: \`logto connector add\`) or use one of those`,
        },
      ];
    }
    if (KNOWN.has(s.connectorId)) return [];
    return specIssues(factory, s).map((i) => ({ field: i.path.join('.'), message: i.message }));
  },

  normalize(s) {
    if (!isRecord(s.config)) return s;
    return { ...s, config: (cleanDeep(s.config) as Record<string, unknown> | undefined) ?? {} };
  },

  read: connectors.read,
  list: connectors.list,
  async findByKey(ctx, s) {
    const factory = await factoryOf(ctx, s.connectorId);
    const key = identity(s, factory);
    return (await connectors.list(ctx)).filter((live) => {
      const row = live.raw as ApiConnector;
      return factory && factory.type !== 'Social'
        ? row.type === factory.type
        : row.type === 'Social' && row.target === key;
    });
  },
  async create(ctx, s) {
    const factory = await factoryOf(ctx, s.connectorId);
    const body: Record<string, unknown> = {
      connectorId: s.connectorId,
      config: cleanDeep(s.config) ?? {},
      ...pickDefined(s, ['syncProfile', 'enableTokenStorage']),
    };
    if (factory?.isStandard) body.metadata = metadataBody(s);
    return connectors.create(ctx, body);
  },
  async update(ctx, id, changes, live, desired) {
    const body: Record<string, unknown> = pickDefined(changes, ['syncProfile', 'enableTokenStorage']);
    if (changes.config !== undefined) body.config = cleanDeep(changes.config) ?? {};
    if (METADATA_FIELDS.some((f) => changes[f] !== undefined))
      body.metadata = metadataBody({ ...desired, target: live.spec.target }, (live.raw as ApiConnector).metadata);
    return connectors.patch(ctx, id, body, live);
  },
  // A new email or SMS connector replaces the old one in Logto, so the old half of a replacement may be gone
  // already: a 404 on delete is success (as for every kind).
  delete: connectors.delete,
});
