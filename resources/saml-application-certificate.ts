/**
 * SamlApplicationCertificate: a signing certificate of a SAML application (`/saml-applications/:id/secrets`).
 * Measured on Logto 1.42: Logto creates one (active, 3 years) with every SAML app and generates each new one
 * inactive from `lifeSpanInYears` (a whole number ≥ 1); at most one per app is active, and activating one
 * deactivates the others. Logto never returns the private key (only the public certificate and its SHA-256
 * fingerprint), so nothing secret reaches state. Quirks the operations work around: PATCH `active` to the value
 * a certificate already has is a 500, so the current value is read first; the active certificate cannot be
 * deleted (400 `application.saml.can_not_delete_active_secret`), so deleting one deactivates it first — the
 * app then has no active certificate and its metadata is a 404 until another is activated. The id here is
 * `<samlApplicationId>/<certificateId>`.
 */
import { z } from 'zod';
import { cached, defineResource, invalidate, type Live, type ResourceContext } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { isNotFound, seg } from './shared.js';

const spec = lazySchema(() =>
  z.object({
    samlApplicationId: z
      .string()
      .min(1)
      .describe('Id of the SAML application the certificate signs for. Changing it replaces the certificate.'),
    lifeSpanInYears: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        'Validity in whole years from creation (default 3, like the one Logto creates). Changing it replaces the certificate.',
      ),
    active: z
      .boolean()
      .optional()
      .describe(
        'Whether this is the certificate Logto signs with and publishes in the metadata. One per application: activating it deactivates the others.',
      ),
  }),
);

export type SamlApplicationCertificateSpec = z.infer<typeof spec>;

interface CertificateRow {
  id: string;
  certificate: string;
  fingerprints?: { sha256?: { formatted?: string } };
  active: boolean;
  createdAt: number;
  expiresAt: number;
}

const KIND = 'SamlApplicationCertificate';
const YEAR = 365.25 * 24 * 3600 * 1000;
const DEFAULT_YEARS = 3;
const idOf = (appId: string, certId: string) => `${appId}/${certId}`;
const route = (appId: string) => `/saml-applications/${seg(appId)}/secrets`;

function split(id: string): { appId: string; certId: string } | undefined {
  const at = id.indexOf('/');
  if (at <= 0 || at === id.length - 1) return undefined;
  return { appId: id.slice(0, at), certId: id.slice(at + 1) };
}

/** One app's certificates, once per run; none when the app is gone (Logto answers 200 [] then). */
function certificatesOf(ctx: ResourceContext, appId: string): Promise<CertificateRow[]> {
  return cached(ctx, `${KIND}:${appId}`, async () => {
    try {
      return await ctx.client.get<CertificateRow[]>(route(appId));
    } catch (error) {
      if (isNotFound(error) || (error as { status?: number }).status === 422) return [];
      throw error;
    }
  });
}

function toLive(appId: string, row: CertificateRow): Live<SamlApplicationCertificateSpec> {
  const id = idOf(appId, row.id);
  return {
    id,
    spec: {
      samlApplicationId: appId,
      lifeSpanInYears: Math.max(1, Math.round((row.expiresAt - row.createdAt) / YEAR)),
      active: row.active,
    },
    outputs: {
      id,
      certificate: row.certificate,
      fingerprint: row.fingerprints?.sha256?.formatted ?? null,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
    },
  };
}

/** PATCH `active` only when it differs from what Logto has now (the same value is a 500 on Logto 1.42). */
async function setActive(ctx: ResourceContext, appId: string, certId: string, active: boolean): Promise<void> {
  invalidate(ctx, `${KIND}:`);
  const now = (await certificatesOf(ctx, appId)).find((c) => c.id === certId);
  if (!now || now.active === active) return;
  invalidate(ctx, `${KIND}:`);
  await ctx.client.patch(`${route(appId)}/${seg(certId)}`, { active });
}

async function reread(ctx: ResourceContext, appId: string, certId: string) {
  invalidate(ctx, `${KIND}:`);
  const row = (await certificatesOf(ctx, appId)).find((c) => c.id === certId);
  if (!row) throw new Error(`SAML certificate ${certId} of application ${appId} disappeared while it was written`);
  return toLive(appId, row);
}

export const SamlApplicationCertificate = defineResource<SamlApplicationCertificateSpec>({
  kind: KIND,
  description:
    "A signing certificate of a SAML application; `active` selects the one Logto signs with (one per application). Logto keeps the private key to itself: the certificate and its fingerprint are the outputs. Without a known id an active entry adopts the app's active certificate (at first the one Logto created).",
  spec,
  outputs: [
    { name: 'id', description: '`<samlApplicationId>/<certificateId>`.', type: 'string', stable: true },
    { name: 'certificate', description: 'The X.509 certificate, PEM (public).', type: 'string', stable: true },
    { name: 'fingerprint', description: 'SHA-256 fingerprint, colon-separated hex.', type: 'string', stable: true },
    { name: 'createdAt', description: 'Creation time, epoch milliseconds.', type: 'number', stable: true },
    { name: 'expiresAt', description: 'Expiry time, epoch milliseconds.', type: 'number', stable: true },
  ],
  /**
   * A certificate has nothing but its id, yet an app has at most one active certificate: without a known id,
   * an active entry adopts the app's active certificate (at first the one Logto created) and an inactive
   * entry the app's one inactive certificate; several inactive ones are an error naming their ids.
   */
  adoptionKey: {
    fields: ['samlApplicationId', 'active'],
    of: (s) => `${s.samlApplicationId}/${s.active === true ? 'active' : 'inactive'}`,
  },
  immutable: ['samlApplicationId', 'lifeSpanInYears'],
  sensitive: [],
  sets: [],
  references: [{ field: 'samlApplicationId', kind: 'SamlApplication' }],
  relations: [],
  parent: { field: 'samlApplicationId', kind: 'SamlApplication' },
  checkDesired(objects) {
    const active = new Map<string, string[]>();
    for (const o of objects)
      if (o.spec.active === true) {
        const app = JSON.stringify(o.spec.samlApplicationId);
        active.set(app, [...(active.get(app) ?? []), o.address]);
      }
    return [...active.values()]
      .filter((addresses) => addresses.length > 1)
      .flatMap((addresses) =>
        addresses.slice(1).map((address) => ({
          address,
          field: 'active',
          message: `only one certificate of a SAML application can be active, and ${addresses[0]} is too: set active to false on all but one`,
        })),
      );
  },

  async read(ctx, id) {
    const parts = split(id);
    if (!parts) return undefined;
    const row = (await certificatesOf(ctx, parts.appId)).find((c) => c.id === parts.certId);
    return row ? toLive(parts.appId, row) : undefined;
  },
  async list(ctx, parentId) {
    const appIds = parentId
      ? [parentId]
      : (
          await cached(ctx, `${KIND}:apps`, () => ctx.client.list<{ id: string }>('/applications', { types: 'SAML' }))
        ).map((a) => a.id);
    const out: Live<SamlApplicationCertificateSpec>[] = [];
    for (const appId of appIds) for (const row of await certificatesOf(ctx, appId)) out.push(toLive(appId, row));
    return out;
  },
  async findByKey(ctx, s) {
    const rows = await certificatesOf(ctx, s.samlApplicationId);
    return rows.filter((c) => c.active === (s.active === true)).map((c) => toLive(s.samlApplicationId, c));
  },
  async create(ctx, s) {
    invalidate(ctx, `${KIND}:`);
    const row = await ctx.client.post<CertificateRow>(route(s.samlApplicationId), {
      lifeSpanInYears: s.lifeSpanInYears ?? DEFAULT_YEARS,
    });
    if (s.active !== true) return toLive(s.samlApplicationId, row);
    await setActive(ctx, s.samlApplicationId, row.id, true);
    return reread(ctx, s.samlApplicationId, row.id);
  },
  /** Only `active` changes in place. */
  async update(ctx, id, changes, live) {
    const parts = split(id);
    if (!parts || changes.active === undefined) return live;
    await setActive(ctx, parts.appId, parts.certId, changes.active);
    return reread(ctx, parts.appId, parts.certId);
  },
  async delete(ctx, id) {
    const parts = split(id);
    if (!parts) return;
    await setActive(ctx, parts.appId, parts.certId, false);
    invalidate(ctx, `${KIND}:`);
    await ctx.client.delete(`${route(parts.appId)}/${seg(parts.certId)}`);
  },
});
