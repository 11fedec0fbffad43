/**
 * SsoConnector: an enterprise SSO connector (`/sso-connectors`). `connectorName` is unique (409 on a
 * duplicate), so it is the natural key; the provider cannot be changed after creation (Logto ignores it on
 * PATCH), so a new provider means a new connector. `config` holds client secrets / certificates and is
 * sensitive. `domains` and `branding` are replaced wholesale by PATCH; the spec owns them entirely.
 */
import { z } from 'zod';
import { defineResource, type Live } from './contract.js';
import { collection, pickDefined } from './shared.js';

export const SSO_PROVIDERS = ['OIDC', 'SAML', 'AzureAD', 'AzureAdOidc', 'GoogleWorkspace', 'Okta'] as const;

/** Consumer mail providers Logto refuses as SSO domains (422 `single_sign_on.forbidden_domains`); the common ones. */
const PUBLIC_EMAIL_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'yahoo.com',
  'icloud.com',
  'aol.com',
  'protonmail.com',
  'proton.me',
  'qq.com',
  '163.com',
]);

const domain = z
  .string()
  .regex(
    /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i,
    'use a bare email domain such as `example.com` (no `@`, no scheme, no spaces)',
  )
  .refine((d) => !PUBLIC_EMAIL_DOMAINS.has(d.toLowerCase()), {
    message: 'public email domains cannot route to an enterprise connector; use your organization’s own domain',
  });

const spec = z.object({
  providerName: z
    .enum(SSO_PROVIDERS)
    .describe(`Identity provider type: one of ${SSO_PROVIDERS.join(', ')}. Changing it replaces the connector.`),
  connectorName: z
    .string()
    .min(1)
    .max(128)
    .describe('Name of the connector, unique in the tenant (also the import key: `connectorName=…`).'),
  config: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'Provider configuration as JSON (e.g. OIDC `issuer`, `clientId`, `clientSecret`, `scope`; SAML `metadataUrl` or `metadata`). Sensitive: it holds client secrets. Replaced as a whole on change.',
    ),
  domains: z
    .array(domain)
    .optional()
    .describe('Email domains whose users are routed to this connector (order-insensitive set).'),
  branding: z
    .object({
      displayName: z.string().optional().describe('Name shown on the sign-in button.'),
      logo: z.url().optional().describe('URL of the logo shown on the sign-in button (light mode).'),
      darkLogo: z.url().optional().describe('URL of the logo shown on the sign-in button in dark mode.'),
    })
    .optional()
    .describe('How the connector is shown on the sign-in page. Replaced as a whole on change.'),
  syncProfile: z
    .boolean()
    .optional()
    .describe(
      'Whether to update the user profile from the identity provider on every sign-in (otherwise only on first sign-in).',
    ),
  enableTokenStorage: z
    .boolean()
    .optional()
    .describe('Whether to store the identity provider tokens (Logto Secret Vault) for later use by your application.'),
});

export type SsoConnectorSpec = z.infer<typeof spec>;

interface ApiSsoConnector {
  id: string;
  providerName: string;
  connectorName: string;
  config: Record<string, unknown>;
  domains: string[];
  branding: Record<string, unknown>;
  syncProfile: boolean;
  enableTokenStorage?: boolean;
  createdAt: number;
}

const FIELDS = ['connectorName', 'config', 'domains', 'branding', 'syncProfile', 'enableTokenStorage'] as const;

function toLive(row: ApiSsoConnector): Live<SsoConnectorSpec> {
  const s: SsoConnectorSpec = {
    providerName: row.providerName as SsoConnectorSpec['providerName'],
    connectorName: row.connectorName,
    config: row.config ?? {},
    domains: row.domains ?? [],
    branding: (row.branding ?? {}) as SsoConnectorSpec['branding'],
    syncProfile: row.syncProfile,
  };
  if (row.enableTokenStorage !== undefined) s.enableTokenStorage = row.enableTokenStorage;
  return { id: row.id, spec: s, outputs: { id: row.id, createdAt: row.createdAt }, raw: row };
}

const api = collection<ApiSsoConnector, SsoConnectorSpec>('SsoConnector', '/sso-connectors', toLive);

export const SsoConnector = defineResource<SsoConnectorSpec>({
  kind: 'SsoConnector',
  description:
    'An enterprise single sign-on connector (OIDC, SAML, Microsoft Entra ID, Google Workspace, Okta). Users whose email domain matches are sent to the identity provider.',
  spec,
  outputs: [
    { name: 'id', description: 'Id assigned by Logto (12 characters).', type: 'string', stable: true },
    { name: 'createdAt', description: 'Creation time, epoch milliseconds.', type: 'number', stable: true },
  ],
  key: { fields: ['connectorName'], of: (s) => s.connectorName },
  immutable: ['providerName'],
  sensitive: ['config'],
  sets: ['domains'],
  references: [],
  relations: [],

  read: api.read,
  list: api.list,
  findByKey: api.findBy((row, s) => row.connectorName === s.connectorName),
  create: (ctx, s) => api.create(ctx, { providerName: s.providerName, ...pickDefined(s, FIELDS) }),
  update: (ctx, id, changes, live) => api.patch(ctx, id, pickDefined(changes, FIELDS), live),
  delete: api.delete,
});
