/**
 * `/saml-applications`: SAML apps are rows of `applications` (type `SAML`) plus a SAML config and signing
 * certificates. Facts §6. Certificates are placeholders (random DER bytes in PEM armour), not real X.509.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import { CORE_TABLES, newId, noContent, notExistsWithId, ok, table } from '../util.js';
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

const HTTP_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

/** Logto receives SAML assertions by HTTP-POST only (facts §25.5). */
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
  };
}

function publicCert(c: SamlSecretRow): Row {
  const { applicationId: _a, ...rest } = c;
  return rest;
}

export const samlApplicationRoutes: RouteModule = (r) => {
  r.route('POST', '/saml-applications', (ctx) => {
    const body = ctx.body as Row;
    checkAcsUrl(body.acsUrl);
    const app = newApplicationRow(body, 'SAML');
    applications(ctx)[app.id] = app;
    configs(ctx)[app.id] = {
      attributeMapping: (body.attributeMapping as Row | undefined) ?? {},
      entityId: (body.entityId as string | null | undefined) ?? null,
      acsUrl: (body.acsUrl as Row | null | undefined) ?? null,
      encryption: (body.encryption as Row | null | undefined) ?? null,
      nameIdFormat: (body.nameIdFormat as string | undefined) ?? DEFAULT_NAME_ID_FORMAT,
    };
    const cert = newCertificate(app.id, 3, true);
    certs(ctx)[cert.id] = cert;
    return ok(render(ctx, app), 201);
  });

  r.route('GET', '/saml-applications/:id', (ctx) => ok(render(ctx, getSamlApp(ctx, ctx.params.id as string))));

  r.route('PATCH', '/saml-applications/:id', (ctx) => {
    const app = getSamlApp(ctx, ctx.params.id as string);
    const body = ctx.body as Row;
    checkAcsUrl(body.acsUrl);
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
    const cfg = configs(ctx)[app.id] as SamlConfigRow;
    for (const key of ['attributeMapping', 'entityId', 'acsUrl', 'encryption', 'nameIdFormat'] as const) {
      if (body[key] !== undefined) (cfg as Row)[key] = body[key];
    }
    return ok(render(ctx, app));
  });

  r.route('DELETE', '/saml-applications/:id', (ctx) => {
    const app = getSamlApp(ctx, ctx.params.id as string);
    deleteApplicationCascade(ctx, app.id);
    return noContent();
  });

  r.route('GET', '/saml-applications/:id/secrets', (ctx) => {
    const app = getSamlApp(ctx, ctx.params.id as string);
    const list = Object.values(certs(ctx))
      .filter((c) => c.applicationId === app.id)
      .sort((a, b) => a.createdAt - b.createdAt);
    return ok(list.map(publicCert));
  });

  r.route('POST', '/saml-applications/:id/secrets', (ctx) => {
    const app = getSamlApp(ctx, ctx.params.id as string);
    const cert = newCertificate(app.id, (ctx.body as { lifeSpanInYears: number }).lifeSpanInYears, false);
    certs(ctx)[cert.id] = cert;
    return ok(publicCert(cert), 201);
  });

  r.route('PATCH', '/saml-applications/:id/secrets/:secretId', (ctx) => {
    const app = getSamlApp(ctx, ctx.params.id as string);
    const cert = certs(ctx)[ctx.params.secretId as string];
    if (!cert || cert.applicationId !== app.id)
      throw notExistsWithId('saml_application_secrets', String(ctx.params.secretId));
    const active = (ctx.body as { active: boolean }).active;
    // Only one certificate is active at a time.
    if (active) for (const c of Object.values(certs(ctx))) if (c.applicationId === app.id) c.active = false;
    cert.active = active;
    return ok(publicCert(cert));
  });

  r.route('DELETE', '/saml-applications/:id/secrets/:secretId', (ctx) => {
    const app = getSamlApp(ctx, ctx.params.id as string);
    const cert = certs(ctx)[ctx.params.secretId as string];
    if (!cert || cert.applicationId !== app.id)
      throw notExistsWithId('saml_application_secrets', String(ctx.params.secretId));
    if (cert.active) {
      throw new ApiError(400, 'application.saml.can_not_delete_active_secret', 'Can not delete the active secret.');
    }
    delete certs(ctx)[cert.id];
    return noContent();
  });
};
