/**
 * SsoConnector: an enterprise SSO connector (`/sso-connectors`). `connectorName` is unique (409 on a
 * duplicate), so it is the natural key; the provider cannot be changed after creation (Logto ignores it on
 * PATCH), so a new provider means a new connector. `config` holds client secrets / certificates and is
 * sensitive. `domains` and `branding` are replaced wholesale by PATCH; the spec owns them entirely.
 */
import { z } from 'zod';
import { defineResource, type Live } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { collection, isRecord, pickDefined } from './shared.js';

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

const domain = lazySchema(() =>
  z
    .string()
    .regex(
      /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i,
      'use a bare email domain such as `example.com` (no `@`, no scheme, no spaces)',
    )
    .refine((d) => d === d.toLowerCase(), {
      message: 'write the domain in lower case: Logto stores domains lower-cased',
    })
    .refine((d) => !PUBLIC_EMAIL_DOMAINS.has(d.toLowerCase()), {
      message: 'public email domains cannot route to an enterprise connector; use your organization’s own domain',
    }),
);

/**
 * Config keys Logto accepts per OIDC-based provider (its guards; anything else is dropped, so it would diff
 * forever). The other providers (SAML, AzureAD) take one of the `SAML_SHAPES`.
 */
const OIDC_KEYS = { required: ['clientId', 'clientSecret', 'issuer'], optional: ['scope', 'trustUnverifiedEmail'] };
const OIDC_CONFIG_KEYS: Partial<Record<SsoProvider, { required: string[]; optional: string[] }>> = {
  OIDC: OIDC_KEYS,
  Okta: OIDC_KEYS,
  AzureAdOidc: OIDC_KEYS,
  // Google's issuer is fixed; `offlineAccess` asks for a refresh token.
  GoogleWorkspace: {
    required: ['clientId', 'clientSecret'],
    optional: ['scope', 'trustUnverifiedEmail', 'offlineAccess'],
  },
};
const SAML_SHAPES = [['metadataUrl'], ['metadata'], ['entityId', 'signInEndpoint', 'x509Certificate']];
const SAML_ATTRIBUTES = ['id', 'email', 'name'];
const BOOLEAN_KEYS = new Set(['trustUnverifiedEmail', 'offlineAccess']);

type SsoProvider = (typeof SSO_PROVIDERS)[number];
type Issue = { path: (string | number)[]; message: string };

/**
 * What Logto would refuse (400 `connector.invalid_config`) or silently drop in a connector's `config`, checked
 * offline: the provider's required and known keys, value types, URLs Logto fetches, and a PEM certificate.
 */
function ssoConfigIssues(providerName: SsoProvider, config: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  const at = (key: string, message: string) => issues.push({ path: ['config', key], message });
  const oidcKeys = OIDC_CONFIG_KEYS[providerName];
  let allowed: string[];
  if (!oidcKeys) {
    const shape = SAML_SHAPES.find((keys) => keys.some((k) => config[k] !== undefined));
    if (!shape) {
      issues.push({
        path: ['config'],
        message: `a ${providerName} connector needs the IdP's metadata: \`metadataUrl\`, or \`metadata\` (the XML), or \`entityId\` + \`signInEndpoint\` + \`x509Certificate\``,
      });
      return issues;
    }
    for (const key of shape) if (config[key] === undefined) at(key, `missing: ${shape.join(', ')} go together`);
    const other = SAML_SHAPES.filter((s) => s !== shape).flat();
    for (const key of other)
      if (config[key] !== undefined) at(key, `use one way to give the IdP's metadata: ${shape.join(' + ')} or ${key}`);
    allowed = [...SAML_SHAPES.flat(), 'attributeMapping'];
    const mapping = config.attributeMapping;
    if (mapping !== undefined) {
      if (!isRecord(mapping)) at('attributeMapping', 'must be an object such as `{ "email": "mail" }`');
      else
        for (const [k, v] of Object.entries(mapping)) {
          if (!SAML_ATTRIBUTES.includes(k))
            issues.push({
              path: ['config', 'attributeMapping', k],
              message: `Logto maps only ${SAML_ATTRIBUTES.join(', ')} from SAML attributes`,
            });
          else if (typeof v !== 'string')
            issues.push({
              path: ['config', 'attributeMapping', k],
              message: 'must be the SAML attribute name (a string)',
            });
        }
    }
    const cert = config.x509Certificate;
    if (typeof cert === 'string' && !/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(cert))
      at('x509Certificate', 'must be the IdP signing certificate in PEM form (-----BEGIN CERTIFICATE----- …)');
  } else {
    for (const key of oidcKeys.required)
      if (config[key] === undefined) at(key, `required for a ${providerName} connector`);
    allowed = [...oidcKeys.required, ...oidcKeys.optional];
  }
  for (const [key, value] of Object.entries(config)) {
    if (!allowed.includes(key)) {
      at(key, `Logto does not keep \`${key}\` for ${providerName} connectors; known keys: ${allowed.join(', ')}`);
      continue;
    }
    if (value === undefined || key === 'attributeMapping') continue;
    if (BOOLEAN_KEYS.has(key) ? typeof value !== 'boolean' : typeof value !== 'string')
      at(key, `must be a ${BOOLEAN_KEYS.has(key) ? 'boolean' : 'string'}`);
  }
  for (const key of ['issuer', 'metadataUrl', 'signInEndpoint']) {
    const value = config[key];
    if (typeof value === 'string' && !/^https?:\/\/[^\s/]/i.test(value))
      at(
        key,
        key === 'issuer'
          ? 'must be the IdP issuer URL (http(s)://…); Logto fetches <issuer>/.well-known/openid-configuration when the connector is written'
          : 'must be an absolute http(s) URL',
      );
  }
  return issues;
}

const spec = lazySchema(() =>
  z
    .object({
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
          'Provider configuration as JSON. OIDC, Okta, AzureAdOidc: `issuer`, `clientId`, `clientSecret` (required), `scope`, `trustUnverifiedEmail`; Logto fetches the issuer’s discovery document when the connector is written. GoogleWorkspace: `clientId`, `clientSecret`, `scope`, `offlineAccess`. SAML, AzureAD: `"metadataUrl"`, or `metadata` (XML), or `"entityId"` + `signInEndpoint` + `x509Certificate` (PEM), with optional `"attributeMapping"` (`id`, `email`, `name`). Sensitive: it holds client secrets. Replaced as a whole on change.',
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
        .describe(
          'Whether to store the identity provider tokens (Logto Secret Vault) for later use by your application.',
        ),
    })
    .superRefine((s, ctx) => {
      if (!isRecord(s.config) || !SSO_PROVIDERS.includes(s.providerName)) return;
      for (const issue of ssoConfigIssues(s.providerName, s.config)) ctx.addIssue({ code: 'custom', ...issue });
    }),
);

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

  /** Logto stores an OIDC-family config with `trustUnverifiedEmail` filled in (false): compare it that way. */
  normalize(s) {
    if (!isRecord(s.config) || !OIDC_CONFIG_KEYS[s.providerName] || s.config.trustUnverifiedEmail !== undefined)
      return s;
    return { ...s, config: { ...s.config, trustUnverifiedEmail: false } };
  },

  read: api.read,
  list: api.list,
  findByKey: api.findBy((row, s) => row.connectorName === s.connectorName),
  create: (ctx, s) => api.create(ctx, { providerName: s.providerName, ...pickDefined(s, FIELDS) }),
  update: (ctx, id, changes, live) => api.patch(ctx, id, pickDefined(changes, FIELDS), live),
  delete: api.delete,
});
