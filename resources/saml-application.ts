/**
 * SamlApplication: Logto as a SAML identity provider for one service provider (`/saml-applications`).
 * Measured on Logto 1.42: the app is also a row of `/applications` (type `SAML`), which is how it is listed
 * (there is no list route under `/saml-applications`, and `/applications/:id` refuses to change or delete it);
 * an OSS tenant holds at most 3 (403 `application.saml.reach_oss_limit`). Names are not unique, so the name is
 * an adoption key. Logto only receives assertions by HTTP-POST, so `acsUrl` is a URL and the binding is implied
 * (a create with another binding is a 422; a PATCH stores it, and a live HTTP-Redirect binding reads as drift
 * of `acsUrl`). The IdP metadata (public, XML) is an output; it exists only while a signing certificate is
 * active, and the certificates themselves are the child kind `SamlApplicationCertificate`.
 */
import { z } from 'zod';
import { cached, defineResource, type Live, type ResourceContext } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { collection, isNotFound, isRecord, pickDefined, seg } from './shared.js';

/** The one ACS binding Logto accepts when a SAML app is created. */
export const HTTP_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

/** The user claims Logto maps to SAML attributes (other keys are dropped silently by Logto 1.42). */
export const SAML_ATTRIBUTE_CLAIMS = [
  'sub',
  'name',
  'given_name',
  'family_name',
  'middle_name',
  'nickname',
  'preferred_username',
  'profile',
  'picture',
  'website',
  'email',
  'email_verified',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'phone_number',
  'phone_number_verified',
  'address',
  'updated_at',
  'username',
  'created_at',
  'custom_data',
  'identities',
  'sso_identities',
  'roles',
  'organizations',
  'organization_data',
  'organization_roles',
] as const;

export const NAME_ID_FORMATS = [
  'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
  'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
] as const;

const claims = new Set<string>(SAML_ATTRIBUTE_CLAIMS);

const encryption = lazySchema(() =>
  z
    .object({
      encryptAssertion: z.boolean().describe('Encrypt the SAML assertion for the service provider.'),
      encryptThenSign: z
        .boolean()
        .optional()
        .describe('Encrypt the assertion before signing the response (required when encryptAssertion is true).'),
      certificate: z
        .string()
        .min(1)
        .optional()
        .describe(
          "The service provider's encryption certificate, PEM (required when encryptAssertion is true). Public.",
        ),
    })
    .superRefine((e, issue) => {
      if (e.encryptAssertion && (e.encryptThenSign === undefined || e.certificate === undefined)) {
        issue.addIssue({
          code: 'custom',
          message:
            'encryptThenSign and certificate are required when encryptAssertion is true: set both, or set encryptAssertion to false',
        });
      }
    }),
);

const spec = lazySchema(() =>
  z.object({
    name: z
      .string()
      .min(1)
      .max(256)
      .describe(
        'Name of the SAML application. Logto allows duplicates; without a known id the one SAML app with this name is adopted (several is an error).',
      ),
    description: z.string().optional().describe('Description shown in the Console.'),
    customData: z.record(z.string(), z.unknown()).optional().describe('Arbitrary JSON kept with the application.'),
    entityId: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .describe("The service provider's entity id (its SAML issuer), at most 128 characters."),
    acsUrl: z
      .url({ error: 'use an absolute URL, e.g. `https://sp.example.com/saml/acs`' })
      .optional()
      .describe(
        "The service provider's assertion consumer service URL. Logto posts assertions to it (HTTP-POST binding, the only one Logto supports).",
      ),
    attributeMapping: z
      .record(z.string(), z.string())
      .optional()
      .superRefine((mapping, issue) => {
        for (const key of Object.keys(mapping ?? {}))
          if (!claims.has(key))
            issue.addIssue({
              code: 'custom',
              path: [key],
              message: `"${key}" is not a user claim Logto maps (Logto would drop it): use one of ${SAML_ATTRIBUTE_CLAIMS.join(', ')}`,
            });
      })
      .describe(
        `SAML attribute name for each user claim sent in the assertion, e.g. \`{ email: "mail" }\`. Keys: ${SAML_ATTRIBUTE_CLAIMS.join(', ')}. The whole mapping is owned.`,
      ),
    nameIdFormat: z
      .enum(NAME_ID_FORMATS)
      .optional()
      .describe(
        `Format of the assertion's NameID: one of ${NAME_ID_FORMATS.join(', ')}. Logto's default is persistent.`,
      ),
    encryption: encryption.optional().describe('Assertion encryption. Logto stores none by default.'),
  }),
);

export type SamlApplicationSpec = z.infer<typeof spec>;

interface SamlAppRow {
  id: string;
  name: string;
  description: string | null;
  customData: Record<string, unknown>;
  createdAt: number;
  entityId: string | null;
  acsUrl: { binding: string; url: string } | null;
  attributeMapping: Record<string, string>;
  nameIdFormat: string;
  encryption: Record<string, unknown> | null;
}

const KIND = 'SamlApplication';
const route = (id: string) => `/saml-applications/${seg(id)}`;

/** The public IdP metadata, or null while no signing certificate is active (Logto answers 404 then). */
async function metadata(ctx: ResourceContext, id: string): Promise<string | null> {
  try {
    const xml = await ctx.client.get<unknown>(`${route(id)}/metadata`);
    return typeof xml === 'string' ? xml : null;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

const attribute = (xml: string | null, pattern: RegExp): string | null => xml?.match(pattern)?.[1] ?? null;

async function toLive(ctx: ResourceContext, row: SamlAppRow): Promise<Live<SamlApplicationSpec>> {
  const xml = await metadata(ctx, row.id);
  const live: Live<SamlApplicationSpec> = {
    id: row.id,
    spec: {
      name: row.name,
      customData: row.customData ?? {},
      attributeMapping: row.attributeMapping ?? {},
      nameIdFormat: row.nameIdFormat as SamlApplicationSpec['nameIdFormat'],
    },
    outputs: {
      id: row.id,
      createdAt: row.createdAt,
      metadataUrl: `${ctx.client.endpoint.replace(/\/+$/, '')}/api${route(row.id)}/metadata`,
      metadataXml: xml,
      idpEntityId: attribute(xml, /entityID="([^"]+)"/),
      singleSignOnUrl: attribute(xml, /<SingleSignOnService[^>]*Binding="[^"]*HTTP-Redirect"[^>]*Location="([^"]+)"/),
    },
    raw: row,
  };
  if (row.description !== null && row.description !== undefined) live.spec.description = row.description;
  if (row.entityId) live.spec.entityId = row.entityId;
  // Another binding than HTTP-POST is not what a spec can ask for: it reads as no ACS URL (drift, rewritten).
  if (row.acsUrl && row.acsUrl.binding === HTTP_POST) live.spec.acsUrl = row.acsUrl.url;
  if (isRecord(row.encryption) && typeof row.encryption.encryptAssertion === 'boolean')
    live.spec.encryption = pickDefined(row.encryption as SamlApplicationSpec['encryption'] & object, [
      'encryptAssertion',
      'encryptThenSign',
      'certificate',
    ]) as SamlApplicationSpec['encryption'];
  return live;
}

/** The SAML rows: listed through `/applications?types=SAML`, each read through `/saml-applications/:id`. */
const listIds = (ctx: ResourceContext) =>
  cached(ctx, `${KIND}:list`, () => ctx.client.list<{ id: string }>('/applications', { types: 'SAML' }));

const api = collection<SamlAppRow, SamlApplicationSpec>(KIND, '/saml-applications', (row) => ({
  id: row.id,
  spec: {} as SamlApplicationSpec,
  outputs: {},
  raw: row,
}));

async function readRow(ctx: ResourceContext, id: string): Promise<SamlAppRow | undefined> {
  try {
    return await cached(ctx, `${KIND}:row:${id}`, () => ctx.client.get<SamlAppRow>(route(id)));
  } catch (error) {
    // 404: no such app; 422 saml_application_only: the id is another type of application.
    if (isNotFound(error) || (error as { status?: number }).status === 422) return undefined;
    throw error;
  }
}

function body(s: Partial<SamlApplicationSpec>): Record<string, unknown> {
  const out: Record<string, unknown> = pickDefined(s, [
    'name',
    'description',
    'customData',
    'entityId',
    'attributeMapping',
    'nameIdFormat',
    'encryption',
  ]);
  if (s.acsUrl !== undefined) out.acsUrl = { binding: HTTP_POST, url: s.acsUrl };
  return out;
}

export const SamlApplication = defineResource<SamlApplicationSpec>({
  kind: KIND,
  description:
    'A SAML application: Logto as the SAML identity provider of one service provider (entity id, ACS URL, attribute mapping, NameID format, encryption). Its IdP metadata URL and XML are outputs; its signing certificates are `SamlApplicationCertificate`s. Logto OSS allows 3 per tenant.',
  spec,
  outputs: [
    { name: 'id', description: 'Id assigned by Logto.', type: 'string', stable: true },
    { name: 'createdAt', description: 'Creation time, epoch milliseconds.', type: 'number', stable: true },
    {
      name: 'metadataUrl',
      description:
        "URL of the IdP metadata to give the service provider (public, no token). Logto's endpoint as configured here.",
      type: 'string',
      stable: true,
    },
    {
      name: 'metadataXml',
      description:
        'The IdP metadata XML (with the active signing certificate), or null while no certificate is active.',
      type: 'string',
    },
    {
      name: 'idpEntityId',
      description: "Logto's IdP entity id for this application (from the metadata).",
      type: 'string',
    },
    {
      name: 'singleSignOnUrl',
      description: "Logto's single sign-on URL for this application (HTTP-Redirect binding, from the metadata).",
      type: 'string',
    },
  ],
  adoptionKey: { fields: ['name'], of: (s) => s.name },
  immutable: [],
  sensitive: [],
  sets: [],
  references: [],
  relations: [],
  checkDesired(objects) {
    return objects.length > 3
      ? objects.slice(3).map((o) => ({
          address: o.address,
          field: 'name',
          message: `Logto OSS holds at most 3 SAML applications per tenant (403 application.saml.reach_oss_limit), and this file declares ${objects.length}: remove some`,
        }))
      : [];
  },

  async read(ctx, id) {
    const row = await readRow(ctx, id);
    return row ? toLive(ctx, row) : undefined;
  },
  async list(ctx) {
    const out: Live<SamlApplicationSpec>[] = [];
    for (const { id } of await listIds(ctx)) {
      const row = await readRow(ctx, id);
      if (row) out.push(await toLive(ctx, row));
    }
    return out;
  },
  async findByKey(ctx, s) {
    const rows = (await listIds(ctx)) as { id: string; name?: string }[];
    const out: Live<SamlApplicationSpec>[] = [];
    for (const { id } of rows.filter((r) => r.name === s.name)) {
      const row = await readRow(ctx, id);
      if (row) out.push(await toLive(ctx, row));
    }
    return out;
  },
  async create(ctx, s) {
    const created = await api.create(ctx, body(s));
    return toLive(ctx, created.raw as SamlAppRow);
  },
  async update(ctx, id, changes, live) {
    const request = body(changes);
    if (Object.keys(request).length === 0) return live;
    const updated = await api.patch(ctx, id, request, live);
    return toLive(ctx, updated.raw as SamlAppRow);
  },
  delete: api.delete,
});
