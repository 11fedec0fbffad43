/**
 * `/saml-applications`: SAML apps are rows of `applications` (type `SAML`) plus a SAML config and signing
 * certificates. Measured on Logto 1.42 (docs/logto-behaviour.md#saml-applications): at most 3 per tenant, the HTTP-POST
 * binding checked on create only, unknown attribute-mapping keys dropped, an empty entity id stored as null,
 * certificates listed newest first, PATCH `active` to the value a certificate has is a 500, the IdP metadata
 * is public XML and a 404 while no certificate is active. Certificates are placeholders (random DER bytes in
 * PEM armour), not real X.509; each row keeps a placeholder private key that no route ever answers.
 */
import { createHash, randomBytes } from 'node:crypto';
// The claims Logto maps and the one ACS binding it accepts, as the resource module knows them.
import { HTTP_POST, SAML_ATTRIBUTE_CLAIMS } from '../../resources/saml-application.js';
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import { CORE_TABLES, guardError, newId, noContent, notExistsWithId, ok, table } from '../util.js';
import { type ApplicationRow, applications, deleteApplicationCascade, newApplicationRow } from './applications.js';

type Row = Record<string, unknown>;

interface SamlConfigRow extends Row {
  attributeMapping: Row;
  entityId: string | null;
  acsUrl: Row | null;
  encryption: Row | null;
  nameIdFormat: string;
}

interface SamlSecretRow extends Row {
  id: string;
  applicationId: string;
  certificate: string;
  fingerprints: { sha256: { formatted: string; unformatted: string } };
  active: boolean;
  createdAt: number;
  expiresAt: number;
  privateKey: string;
}

const DEFAULT_NAME_ID_FORMAT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
const configs = (ctx: RequestContext) => table<SamlConfigRow>(ctx, CORE_TABLES.samlApplicationConfigs);
const certs = (ctx: RequestContext) => table<SamlSecretRow>(ctx, CORE_TABLES.samlApplicationSecrets);

function getSamlApp(ctx: RequestContext, id: string): ApplicationRow {
  const app = applications(ctx)[id];
  if (!app) throw notExistsWithId('applications', id);
  if (app.type !== 'SAML') {
    throw new ApiError(
      422,
      'application.saml.saml_application_only',
      'The API is only available for SAML applications.',
    );
  }
  return app;
}

/** Logto receives SAML assertions by HTTP-POST only (docs/logto-behaviour.md#saml-applications). */
function checkAcsUrl(acsUrl: unknown): void {
  const binding = (acsUrl as { binding?: unknown } | null | undefined)?.binding;
  if (binding !== undefined && binding !== HTTP_POST) {
    throw new ApiError(
      422,
      'application.saml.acs_url_binding_not_supported',
      'Only HTTP-POST binding is supported for receiving SAML assertions.',
    );
  }
}

/** The user claims Logto maps (its guard drops other keys silently). */
const CLAIMS = new Set<string>(SAML_ATTRIBUTE_CLAIMS);

/** The config fields of a create or PATCH body as Logto's guards leave them. */
function configOf(body: Row): Partial<SamlConfigRow> {
  const out: Partial<SamlConfigRow> = {};
  if (body.attributeMapping !== undefined) {
    const mapping = body.attributeMapping as Row;
    out.attributeMapping = Object.fromEntries(Object.entries(mapping).filter(([k]) => CLAIMS.has(k)));
  }
  if (body.entityId !== undefined) out.entityId = (body.entityId as string | null) || null;
  if (body.acsUrl !== undefined) out.acsUrl = body.acsUrl as Row | null;
  if (body.nameIdFormat !== undefined) out.nameIdFormat = body.nameIdFormat as string;
  if (body.encryption !== undefined) {
    const e = body.encryption as Row | null;
    if (e?.encryptAssertion === true && (e.encryptThenSign === undefined || e.certificate === undefined))
      throw guardError(
        'encryption',
        '`encryptThenSign` and `certificate` are required when `encryptAssertion` is `true`',
      );
    out.encryption = e
      ? Object.fromEntries(
          Object.entries(e).filter(([k]) => ['encryptAssertion', 'encryptThenSign', 'certificate'].includes(k)),
        )
      : null;
  }
  return out;
}

function render(ctx: RequestContext, app: ApplicationRow): Row {
  const { oidcClientMetadata: _o, customClientMetadata: _c, protectedAppMetadata: _p, secret: _s, ...rest } = app;
  const cfg = configs(ctx)[app.id];
  return {
    ...rest,
    attributeMapping: cfg?.attributeMapping ?? {},
    entityId: cfg?.entityId ?? null,
    acsUrl: cfg?.acsUrl ?? null,
    encryption: cfg?.encryption ?? null,
    nameIdFormat: cfg?.nameIdFormat ?? DEFAULT_NAME_ID_FORMAT,
  };
}

function newCertificate(applicationId: string, lifeSpanInYears: number, active: boolean): SamlSecretRow {
  const der = randomBytes(512);
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim();
  const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
  const now = Date.now();
  return {
    id: newId(21),
    applicationId,
    certificate: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`,
    fingerprints: { sha256: { formatted: hex.replace(/(..)(?!$)/g, '$1:'), unformatted: hex } },
    active,
    createdAt: now,
    expiresAt: now + lifeSpanInYears * 365 * 24 * 3600 * 1000,
    privateKey: `-----BEGIN PRIVATE KEY-----\n${randomBytes(48).toString('base64')}\n-----END PRIVATE KEY-----\n`,
  };
}

function publicCert(c: SamlSecretRow): Row {
  const { applicationId: _a, privateKey: _k, ...rest } = c;
  return rest;
}

export const samlApplicationRoutes: RouteModule = (r) => {
  r.route('POST', '/saml-applications', (ctx) => {
    const samlApps = Object.values(applications(ctx)).filter((a) => a.type === 'SAML').length;
    if (samlApps >= 3)
      throw new ApiError(
        403,
        'application.saml.reach_oss_limit',
        'You CAN NOT create more SAML apps since the limit of 3 is hit.',
        {
          limit: 3,
        },
      );
    const body = ctx.body as Row;
    checkAcsUrl(body.acsUrl);
    const config = configOf(body);
    const app = newApplicationRow(body, 'SAML');
    applications(ctx)[app.id] = app;
    configs(ctx)[app.id] = {
      attributeMapping: {},
      entityId: null,
      acsUrl: null,
      encryption: null,
      nameIdFormat: DEFAULT_NAME_ID_FORMAT,
      ...config,
    };
    const cert = newCertificate(app.id, 3, true);
    certs(ctx)[cert.id] = cert;
    return ok(render(ctx, app), 201);
  });

  r.route('GET', '/saml-applications/:id', (ctx) => ok(render(ctx, getSamlApp(ctx, ctx.params.id as string))));

  r.route('PATCH', '/saml-applications/:id', (ctx) => {
    const app = getSamlApp(ctx, ctx.params.id as string);
    const body = ctx.body as Row;
    // Logto checks the ACS binding on create only: a PATCH stores any binding.
    const config = configOf(body);
    for (const key of ['name', 'description', 'customData', 'appLevelAccessControlEnabled'] as const) {
      if (body[key] !== undefined) (app as Row)[key] = body[key];
    }
    configs(ctx)[app.id] ??= {
      attributeMapping: {},
      entityId: null,
      acsUrl: null,
      encryption: null,
      nameIdFormat: DEFAULT_NAME_ID_FORMAT,
    };
    Object.assign(configs(ctx)[app.id] as SamlConfigRow, config);
    return ok(render(ctx, app));
  });

  r.route('DELETE', '/saml-applications/:id', (ctx) => {
    const app = getSamlApp(ctx, ctx.params.id as string);
    deleteApplicationCascade(ctx, app.id);
    return noContent();
  });

  /** Logto answers 200 [] for an app that does not exist. */
  r.route('GET', '/saml-applications/:id/secrets', (ctx) => {
    const id = ctx.params.id as string;
    const list = Object.values(certs(ctx))
      .filter((c) => c.applicationId === id)
      .sort((a, b) => b.createdAt - a.createdAt);
    return ok(list.map(publicCert));
  });

  r.route('POST', '/saml-applications/:id/secrets', (ctx) => {
    const app = applications(ctx)[ctx.params.id as string];
    if (!app)
      throw new ApiError(
        404,
        'entity.relation_foreign_key_not_found',
        'Cannot find one or more foreign keys. Please check the input and ensure that all referenced entities exist.',
      );
    getSamlApp(ctx, app.id);
    const cert = newCertificate(app.id, (ctx.body as { lifeSpanInYears: number }).lifeSpanInYears, false);
    certs(ctx)[cert.id] = cert;
    return ok(publicCert(cert), 201);
  });

  const certOf = (ctx: RequestContext): SamlSecretRow => {
    const cert = certs(ctx)[ctx.params.secretId as string];
    if (!cert || cert.applicationId !== ctx.params.id)
      throw new ApiError(404, 'entity.not_found', 'The resource does not exist.');
    return cert;
  };

  r.route('PATCH', '/saml-applications/:id/secrets/:secretId', (ctx) => {
    const cert = certOf(ctx);
    const active = (ctx.body as { active: boolean }).active;
    // Logto 1.42 answers the unchanged row without fingerprints, which its response guard refuses: a 500.
    if (cert.active === active) throw new ApiError(500, undefined as unknown as string, 'Internal server error.');
    // Only one certificate is active at a time.
    if (active) for (const c of Object.values(certs(ctx))) if (c.applicationId === cert.applicationId) c.active = false;
    cert.active = active;
    return ok(publicCert(cert));
  });

  r.route('DELETE', '/saml-applications/:id/secrets/:secretId', (ctx) => {
    const cert = certOf(ctx);
    if (cert.active) {
      throw new ApiError(400, 'application.saml.can_not_delete_active_secret', 'Can not delete the active secret.');
    }
    delete certs(ctx)[cert.id];
    return noContent();
  });

  /** Public (no token): the IdP metadata with the active certificate; 404 while none is active. */
  r.route('GET', '/saml-applications/:id/metadata', (ctx) => {
    const id = ctx.params.id as string;
    const cert = Object.values(certs(ctx)).find((c) => c.applicationId === id && c.active);
    const app = applications(ctx)[id];
    if (!cert || app?.type !== 'SAML')
      throw new ApiError(404, 'entity.not_found', 'The resource does not exist.', {
        message: `Can not find SAML application by ID (${id}) with active certificate.`,
      });
    const base = ctx.baseUrl.replace(/\/+$/, '');
    const der = cert.certificate.replace(/-----[A-Z ]+-----|\s/g, '');
    const nameIdFormat = configs(ctx)[id]?.nameIdFormat ?? DEFAULT_NAME_ID_FORMAT;
    const sso = (binding: string) =>
      `<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:${binding}" Location="${base}/api/saml/${id}/authn"></SingleSignOnService>`;
    const xml =
      `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${base}/saml/${id}">` +
      `<IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
      `<KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${der}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></KeyDescriptor>` +
      `<NameIDFormat>${nameIdFormat}</NameIDFormat>${sso('HTTP-Redirect')}${sso('HTTP-POST')}</IDPSSODescriptor></EntityDescriptor>`;
    return { status: 200, text: xml, headers: { 'Content-Type': 'text/xml;charset=utf-8' } };
  });
};
