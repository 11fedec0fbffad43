/** `/sso-connectors` and `/sso-connector-providers` (facts §13). Nothing is fetched over the network. */
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import { newId, noContent, notExistsWithId, ok, paginate, RELATIONS, relationRemove, TABLES, table } from '../util.js';

export type ProviderName = 'OIDC' | 'SAML' | 'AzureAD' | 'AzureAdOidc' | 'GoogleWorkspace' | 'Okta';

interface Provider {
  providerName: ProviderName;
  providerType: 'oidc' | 'saml';
  name: string;
  description: string;
  logo: string;
  logoDark: string;
}

/** A tiny SVG data URI standing in for each provider's logo (the real ones are large). */
const logo = (label: string, fg: string, bg: string): string =>
  `data:image/svg+xml;base64,${Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><rect width="32" height="32" rx="6" fill="${bg}"/><text x="16" y="21" font-size="11" text-anchor="middle" fill="${fg}">${label}</text></svg>`,
  ).toString('base64')}`;

const provider = (
  providerName: ProviderName,
  providerType: 'oidc' | 'saml',
  name: string,
  short: string,
): Provider => ({
  providerName,
  providerType,
  name,
  description: `Single sign-on with ${name}.`,
  logo: logo(short, '#ffffff', '#5d34f2'),
  logoDark: logo(short, '#000000', '#cabeff'),
});

export const SSO_PROVIDERS: readonly Provider[] = [
  provider('AzureAD', 'saml', 'Microsoft Entra ID (SAML)', 'AAD'),
  provider('AzureAdOidc', 'oidc', 'Microsoft Entra ID (OIDC)', 'AAD'),
  provider('GoogleWorkspace', 'oidc', 'Google Workspace', 'G'),
  provider('Okta', 'oidc', 'Okta', 'Okta'),
  provider('OIDC', 'oidc', 'OIDC', 'OIDC'),
  provider('SAML', 'saml', 'SAML', 'SAML'),
];

/** Public email providers' domains: enterprise SSO may not claim them. */
export const PUBLIC_EMAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'aol.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'protonmail.com',
  'proton.me',
  'gmx.com',
  'gmx.de',
  'mail.com',
  'yandex.com',
  'yandex.ru',
  'zoho.com',
  'qq.com',
  '163.com',
  '126.com',
]);

export interface SsoConnectorRow extends Record<string, unknown> {
  tenantId: string;
  id: string;
  providerName: ProviderName;
  connectorName: string;
  config: Record<string, unknown>;
  domains: string[];
  branding: Record<string, unknown>;
  syncProfile: boolean;
  enableTokenStorage: boolean;
  createdAt: number;
}

const connectors = (ctx: RequestContext) => table<SsoConnectorRow>(ctx, TABLES.ssoConnectors);

const invalidConfig = (detail: string): ApiError =>
  new ApiError(400, 'connector.invalid_config', 'The connector config is invalid.', { detail });

const isHttpUrl = (value: unknown): boolean => {
  if (typeof value !== 'string') return false;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
};

/**
 * Offline stand-in for Logto's config validation. OIDC-type providers: a non-empty config needs an http(s)
 * `issuer` (real Logto fetches its discovery document). SAML-type: `metadataUrl`, when given, must be an
 * http(s) URL and `metadata`, when given, an XML string.
 */
function validateConfig(p: Provider, config: Record<string, unknown>): void {
  if (Object.keys(config).length === 0) return;
  if (p.providerType === 'oidc') {
    if (!isHttpUrl(config.issuer)) throw invalidConfig('`issuer` must be an http(s) URL.');
    return;
  }
  if (config.metadataUrl !== undefined && !isHttpUrl(config.metadataUrl)) {
    throw invalidConfig('`metadataUrl` must be an http(s) URL.');
  }
  if (
    config.metadata !== undefined &&
    (typeof config.metadata !== 'string' || !config.metadata.trim().startsWith('<'))
  ) {
    throw invalidConfig('`metadata` must be an XML document.');
  }
}

function checkDomains(domains: readonly string[]): void {
  const forbidden = domains.filter((d) => PUBLIC_EMAIL_DOMAINS.has(d.toLowerCase()));
  if (forbidden.length > 0) {
    throw new ApiError(422, 'single_sign_on.forbidden_domains', 'Public email domains are not allowed.', {
      data: forbidden,
    });
  }
}

function checkName(ctx: RequestContext, name: string, selfId?: string): void {
  if (Object.values(connectors(ctx)).some((c) => c.id !== selfId && c.connectorName === name)) {
    throw new ApiError(409, 'single_sign_on.duplicate_connector_name', 'Connector name already exists.');
  }
}

/** The row plus its provider's metadata, as GET and list return it. */
function detailed(ctx: RequestContext, row: SsoConnectorRow): Record<string, unknown> {
  const p = SSO_PROVIDERS.find((x) => x.providerName === row.providerName);
  const out: Record<string, unknown> = {
    ...row,
    name: p?.name ?? row.providerName,
    providerType: p?.providerType ?? 'oidc',
    providerLogo: p?.logo ?? '',
    providerLogoDark: p?.logoDark ?? '',
  };
  if (p?.providerType === 'saml') {
    out.providerConfig = {
      defaultAttributeMapping: { id: 'nameID', email: 'email', name: 'name' },
      serviceProvider: {
        entityId: `${ctx.baseUrl}/enterprise-sso/${row.id}`,
        assertionConsumerServiceUrl: `${ctx.baseUrl}/api/authn/single-sign-on/saml/${row.id}`,
      },
    };
  }
  return out;
}

const ssoConnectors: RouteModule = (r) => {
  r.route('GET', '/sso-connector-providers', () => ok(SSO_PROVIDERS));

  r.route('GET', '/sso-connectors', (ctx) => {
    const rows = Object.values(connectors(ctx))
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((row) => detailed(ctx, row));
    return paginate(ctx, rows, 'optional');
  });

  r.route('POST', '/sso-connectors', (ctx) => {
    const body = ctx.body as Partial<SsoConnectorRow> & { providerName: string; connectorName: string };
    const p = SSO_PROVIDERS.find((x) => x.providerName === body.providerName);
    if (!p) {
      throw new ApiError(422, 'connector.not_found', `Cannot find available connector type: ${body.providerName}.`, {
        type: body.providerName,
      });
    }
    const config = body.config ?? {};
    const domains = body.domains ?? [];
    checkName(ctx, body.connectorName);
    checkDomains(domains);
    validateConfig(p, config);
    const row: SsoConnectorRow = {
      tenantId: 'default',
      id: newId(12),
      providerName: p.providerName,
      connectorName: body.connectorName,
      config,
      domains,
      branding: body.branding ?? {},
      syncProfile: body.syncProfile ?? false,
      enableTokenStorage: body.enableTokenStorage ?? false,
      createdAt: Date.now(),
    };
    connectors(ctx)[row.id] = row;
    return ok(row, 200);
  });

  r.route('GET', '/sso-connectors/:id', (ctx) => {
    const row = connectors(ctx)[ctx.params.id];
    if (!row) throw notExistsWithId(TABLES.ssoConnectors, ctx.params.id);
    return ok(detailed(ctx, row));
  });

  r.route('PATCH', '/sso-connectors/:id', (ctx) => {
    const row = connectors(ctx)[ctx.params.id];
    if (!row) throw notExistsWithId(TABLES.ssoConnectors, ctx.params.id);
    const body = ctx.body as Partial<SsoConnectorRow>;
    if (body.connectorName !== undefined) checkName(ctx, body.connectorName, row.id);
    if (body.domains !== undefined) checkDomains(body.domains);
    if (body.config !== undefined) {
      const p = SSO_PROVIDERS.find((x) => x.providerName === row.providerName);
      if (p) validateConfig(p, body.config);
    }
    for (const key of [
      'connectorName',
      'config',
      'domains',
      'branding',
      'syncProfile',
      'enableTokenStorage',
    ] as const) {
      if (body[key] !== undefined) (row as Record<string, unknown>)[key] = body[key];
    }
    return ok(detailed(ctx, row));
  });

  r.route('DELETE', '/sso-connectors/:id', (ctx) => {
    const all = connectors(ctx);
    if (!all[ctx.params.id]) throw notExistsWithId(TABLES.ssoConnectors, ctx.params.id);
    delete all[ctx.params.id];
    relationRemove(ctx, RELATIONS.orgJitSsoConnectors, { ssoConnectorId: ctx.params.id });
    return noContent();
  });
};

export default ssoConnectors;
