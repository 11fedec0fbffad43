/**
 * Organization (`/organizations`). Names are not unique in Logto, so the name is an adoption key: without a
 * known id the one organization with that name is adopted (several are an error naming their ids), and
 * `name=…` imports it. `customData`, `branding` and `color` are replaced wholesale
 * by PATCH; the spec owns those values entirely, so the desired value is sent as it is.
 *
 * Just-in-time provisioning (email domains, default organization roles, enterprise SSO connectors) is
 * modelled as three authoritative sets reconciled with add/remove calls.
 */
import { z } from 'zod';
import { defineResource, type Live, type Relation } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { collection, deleteIgnoringMissing, idSetRelation, pickDefined, seg } from './shared.js';

const hexColor = lazySchema(() =>
  z.string().regex(/^#[\da-f]{3}([\da-f]{3})?$/i, 'use a hex color such as `#5b3ff0` or `#fff`'),
);

/** A bare domain such as `example.com`: what Logto matches against the part of an email after `@`. */
const emailDomain = lazySchema(() =>
  z
    .string()
    .regex(
      /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i,
      'use a bare email domain such as `example.com` (no `@`, no scheme, no spaces)',
    ),
);

const spec = lazySchema(() =>
  z.object({
    name: z
      .string()
      .min(1)
      .max(128)
      .describe(
        'Display name of the organization. Logto allows duplicates; without a known id the one organization with this name is adopted (several is an error).',
      ),
    description: z
      .string()
      .max(256)
      .nullable()
      .optional()
      .describe('Description of the organization (at most 256 characters); null clears it.'),
    customData: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Arbitrary JSON object stored with the organization. Replaced as a whole on change.'),
    isMfaRequired: z
      .boolean()
      .optional()
      .describe('Whether members must have multi-factor authentication configured to access the organization.'),
    branding: z
      .object({
        logoUrl: z.url().optional().describe('URL of the organization logo (light mode).'),
        darkLogoUrl: z.url().optional().describe('URL of the organization logo in dark mode.'),
        favicon: z.url().optional().describe('URL of the organization favicon (light mode).'),
        darkFavicon: z.url().optional().describe('URL of the organization favicon in dark mode.'),
      })
      .optional()
      .describe(
        'Organization branding shown on the sign-in page for organization-specific flows. Replaced as a whole.',
      ),
    color: z
      .object({
        primaryColor: hexColor.optional().describe('Primary brand color (hex), e.g. `#5b3ff0`.'),
        isDarkModeEnabled: z
          .boolean()
          .optional()
          .describe('Whether the sign-in page offers a dark mode for this organization.'),
        darkPrimaryColor: hexColor.optional().describe('Primary brand color in dark mode (hex).'),
      })
      .optional()
      .describe('Organization brand colors. Replaced as a whole.'),
    customCss: z
      .string()
      .nullable()
      .optional()
      .describe('Custom CSS applied to the sign-in page for this organization; null clears it.'),
    jitEmailDomains: z
      .array(emailDomain)
      .optional()
      .describe(
        'Just-in-time provisioning: users signing up or in with a verified email of these domains join the organization automatically (authoritative set).',
      ),
    jitRoleIds: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Ids of the organization roles given to users who join by just-in-time provisioning (authoritative set).',
      ),
    jitSsoConnectorIds: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Ids of the enterprise SSO connectors whose users join the organization just in time (authoritative set).',
      ),
  }),
);

export type OrganizationSpec = z.infer<typeof spec>;

interface ApiOrganization {
  id: string;
  name: string;
  description: string | null;
  customData: Record<string, unknown>;
  isMfaRequired: boolean;
  branding: Record<string, unknown>;
  color: Record<string, unknown>;
  customCss: string | null;
  createdAt: number;
}

const FIELDS = ['name', 'description', 'customData', 'isMfaRequired', 'branding', 'color', 'customCss'] as const;

function toLive(row: ApiOrganization): Live<OrganizationSpec> {
  return {
    id: row.id,
    spec: {
      name: row.name,
      description: row.description ?? null,
      customData: row.customData ?? {},
      isMfaRequired: row.isMfaRequired,
      branding: (row.branding ?? {}) as OrganizationSpec['branding'],
      color: (row.color ?? {}) as OrganizationSpec['color'],
      customCss: row.customCss ?? null,
    },
    outputs: { id: row.id, createdAt: row.createdAt },
    raw: row,
  };
}

const api = collection<ApiOrganization, OrganizationSpec>('Organization', '/organizations', toLive);
const { path } = api;

const jitEmailDomains: Relation = {
  field: 'jitEmailDomains',
  async read(ctx, parentId) {
    const rows = await ctx.client.list<{ emailDomain: string }>(`${path(parentId)}/jit/email-domains`);
    return rows.map((x) => x.emailDomain);
  },
  async add(ctx, parentId, domains) {
    // One POST per domain: the route takes a single `emailDomain`.
    for (const emailDomain of domains) {
      await ctx.client.post(`${path(parentId)}/jit/email-domains`, { emailDomain }, { createsObject: false });
    }
  },
  async remove(ctx, parentId, domains) {
    for (const d of domains) await deleteIgnoringMissing(ctx, `${path(parentId)}/jit/email-domains/${seg(d)}`);
  },
};

export const Organization = defineResource<OrganizationSpec>({
  kind: 'Organization',
  description:
    'An organization (tenant of your product): members, applications and roles are scoped to it. Names may repeat in Logto: without a known id the one organization with the name is adopted.',
  spec,
  outputs: [
    { name: 'id', description: 'Id assigned by Logto (12 characters).', type: 'string', stable: true },
    { name: 'createdAt', description: 'Creation time, epoch milliseconds.', type: 'number', stable: true },
  ],
  adoptionKey: { fields: ['name'], of: (s) => s.name },
  immutable: [],
  sensitive: [],
  sets: ['jitEmailDomains', 'jitRoleIds', 'jitSsoConnectorIds'],
  references: [
    { field: 'jitRoleIds', kind: 'OrganizationRole', many: true },
    { field: 'jitSsoConnectorIds', kind: 'SsoConnector', many: true },
  ],
  relations: [
    jitEmailDomains,
    idSetRelation('jitRoleIds', (id) => `${path(id)}/jit/roles`, 'organizationRoleIds'),
    idSetRelation('jitSsoConnectorIds', (id) => `${path(id)}/jit/sso-connectors`, 'ssoConnectorIds'),
  ],

  read: api.read,
  list: api.list,
  findByKey: api.findBy((row, s) => row.name === s.name),
  create: (ctx, s) => api.create(ctx, pickDefined(s, FIELDS)),
  // customData / branding / color are replaced wholesale: `changes` carries their complete desired value.
  update: (ctx, id, changes, live) => api.patch(ctx, id, pickDefined(changes, FIELDS), live),
  delete: api.delete,
});
