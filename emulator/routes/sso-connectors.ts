import { X509Certificate } from 'node:crypto';
/**
 * `/sso-connectors` and `/sso-connector-providers` (docs/logto-behaviour.md#sso-connectors). A config is parsed with
 * its provider's guard and then checked as Logto checks it: the OIDC issuer's discovery document and SAML metadata are
 * fetched (loopback hosts only), a SAML certificate is parsed.
 */
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

/**
 * Logto's answer when a config does not match the provider's guard: no `data`, no details
 * (docs/logto-behaviour.md#sso-connectors).
 */
const invalidConfig = (): ApiError =>
  new ApiError(400, 'connector.invalid_config', "The connector's config is invalid.");

const OIDC_KEYS = ['clientId', 'clientSecret', 'issuer'];
const GOOGLE_ISSUER = 'https://accounts.google.com';
const SAML_SHAPES = [['metadataUrl'], ['metadata'], ['entityId', 'signInEndpoint', 'x509Certificate']];

const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * The provider's config guard, as Logto parses it: the stored config is the parsed one (unknown keys dropped,
 * `trustUnverifiedEmail` defaulted for OIDC-based providers). A mismatch is 400 `connector.invalid_config`.
 */
function parseConfig(p: Provider, config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (p.providerType === 'oidc') {
    const required = p.providerName === 'GoogleWorkspace' ? ['clientId', 'clientSecret'] : OIDC_KEYS;
    for (const key of required) {
      if (!isString(config[key])) throw invalidConfig();
      out[key] = config[key];
    }
    if (config.scope !== undefined) {
      if (!isString(config.scope)) throw invalidConfig();
      out.scope = config.scope;
    }
    for (const key of ['trustUnverifiedEmail', ...(p.providerName === 'GoogleWorkspace' ? ['offlineAccess'] : [])]) {
      if (config[key] !== undefined && typeof config[key] !== 'boolean') throw invalidConfig();
    }
    out.trustUnverifiedEmail = config.trustUnverifiedEmail ?? false;
    if (p.providerName === 'GoogleWorkspace' && config.offlineAccess !== undefined)
      out.offlineAccess = config.offlineAccess;
    return out;
  }
  // SAML: the first shape whose keys are all strings (zod's union tries them in this order).
  const shape = SAML_SHAPES.find((keys) => keys.every((k) => isString(config[k])));
  if (!shape) throw invalidConfig();
  for (const key of shape) out[key] = config[key];
  const mapping = config.attributeMapping;
  if (mapping !== undefined) {
    if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) throw invalidConfig();
    const kept: Record<string, unknown> = {};
    for (const key of ['id', 'email', 'name']) {
      const v = (mapping as Record<string, unknown>)[key];
      if (v === undefined) continue;
      if (!isString(v)) throw invalidConfig();
      kept[key] = v;
    }
    out.attributeMapping = kept;
  }
  return out; // the dev-only `signAuthnRequest` and anything else is dropped
}

/** The connection check failed: Logto's 400 with `data` saying why (docs/logto-behaviour.md#sso-connectors). */
function checkFailed(
  code: 'connector.invalid_config' | 'connector.invalid_certificate',
  data: Record<string, unknown>,
): ApiError {
  const message =
    code === 'connector.invalid_certificate'
      ? "The connector's certificate is invalid, please make sure the certificate is in PEM encoding."
      : "The connector's config is invalid.";
  return new ApiError(400, code, message, data);
}

/**
 * GET a document the way Logto's connection check does, with a short timeout. Only loopback hosts are
 * reached (tests serve discovery documents there); any other host fails as an unresolvable one would on a
 * machine without Internet access, which is also what a real Logto here answers.
 */
async function fetchDocument(url: string): Promise<{ ok: true; text: string } | { ok: false; code: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, code: 'ERR_INVALID_URL' };
  }
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname) && !parsed.hostname.startsWith('127.'))
    return { ok: false, code: 'ENOTFOUND' };
  try {
    const res = await fetch(parsed, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) return { ok: false, code: `HTTP ${res.status}` };
    return { ok: true, text: await res.text() };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { ok: false, code: cause?.code ?? (error as Error).name };
  }
}

/** Logto's connection check, run after the guard on every write that carries a config. */
async function checkConnection(p: Provider, config: Record<string, unknown>): Promise<void> {
  if (p.providerType === 'oidc') {
    const issuer = p.providerName === 'GoogleWorkspace' ? GOOGLE_ISSUER : String(config.issuer);
    const answer = await fetchDocument(`${issuer}/.well-known/openid-configuration`);
    let valid = false;
    if (answer.ok) {
      try {
        const doc = JSON.parse(answer.text) as Record<string, unknown>;
        valid = ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'issuer'].every((k) => isString(doc[k]));
      } catch {
        valid = false;
      }
    }
    if (!valid) {
      throw checkFailed('connector.invalid_config', {
        ssoErrorCode: 'invalid_config',
        config: { issuer },
        message: 'fail_to_fetch_config',
        error: { code: answer.ok ? 'invalid_config_response' : answer.code, name: 'RequestError' },
      });
    }
    return;
  }
  if (isString(config.x509Certificate)) {
    try {
      new X509Certificate(config.x509Certificate);
    } catch (error) {
      throw checkFailed('connector.invalid_certificate', {
        ssoErrorCode: 'invalid_certificate',
        config,
        error: { code: (error as { code?: string }).code ?? 'ERR_OSSL_PEM', reason: (error as Error).message },
      });
    }
    return;
  }
  const xml: Awaited<ReturnType<typeof fetchDocument>> = isString(config.metadataUrl)
    ? await fetchDocument(config.metadataUrl)
    : { ok: true, text: String(config.metadata) };
  if (!xml.ok || !/<(?:[\w.-]+:)?IDPSSODescriptor\b/.test(xml.text)) {
    throw checkFailed('connector.invalid_config', {
      ssoErrorCode: 'invalid_metadata',
      config,
      message: xml.ok ? 'invalid_metadata' : 'fail_to_fetch_metadata',
      ...(xml.ok ? {} : { error: { code: xml.code } }),
    });
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

  r.route('POST', '/sso-connectors', async (ctx) => {
    const body = ctx.body as Partial<SsoConnectorRow> & { providerName: string; connectorName: string };
    const p = SSO_PROVIDERS.find((x) => x.providerName === body.providerName);
    if (!p) {
      throw new ApiError(
        422,
        'connector.not_found',
        `Cannot find any available connector for type: ${body.providerName}.`,
        {
          type: body.providerName,
        },
      );
    }
    // Logto's order (docs/logto-behaviour.md#sso-connectors): domains, config guard, duplicate name, then the
    // connection check.
    const domains = (body.domains ?? []).map((d) => d.toLowerCase());
    checkDomains(domains);
    const config = body.config === undefined ? undefined : parseConfig(p, body.config);
    checkName(ctx, body.connectorName);
    if (config) await checkConnection(p, config);
    const row: SsoConnectorRow = {
      tenantId: 'default',
      id: newId(12),
      providerName: p.providerName,
      connectorName: body.connectorName,
      config: config ?? {},
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

  r.route('PATCH', '/sso-connectors/:id', async (ctx) => {
    const row = connectors(ctx)[ctx.params.id];
    if (!row) throw notExistsWithId(TABLES.ssoConnectors, ctx.params.id);
    const body = ctx.body as Partial<SsoConnectorRow>;
    if (body.domains !== undefined) {
      body.domains = body.domains.map((d) => d.toLowerCase());
      checkDomains(body.domains);
    }
    const p = SSO_PROVIDERS.find((x) => x.providerName === row.providerName)!;
    if (body.config !== undefined) body.config = parseConfig(p, body.config);
    if (body.connectorName !== undefined) checkName(ctx, body.connectorName, row.id);
    if (body.config !== undefined) await checkConnection(p, body.config);
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
