/**
 * ApplicationUserConsentScopes: what a third-party application asks its users to consent to
 * (`/applications/:id/user-consent-scopes`): organization scopes, API resource scopes, API resource scopes
 * in an organization's context, and user claims scopes. Logto keeps them per application, so the
 * application id is both the id and the key.
 *
 * There is no PUT: each group is an authoritative set reconciled by an idempotent POST of what is missing
 * and one DELETE per scope that is not wanted (`…/:scopeType/:scopeId`). One GET answers all four groups,
 * read once per run. Logto refuses the POST for a first-party app (422
 * `application.third_party_application_only`): refused offline when the application is in the same
 * configuration. Deleting the object removes every consent scope of the app.
 */
import { z } from 'zod';
import {
  cached,
  defineResource,
  invalidate,
  type Live,
  type Relation,
  type ResourceContext,
} from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { listApplications } from './application.js';
import { deleteIgnoringMissing, isNotFound, seg } from './shared.js';

const KIND = 'ApplicationUserConsentScopes';

/** User claims scopes a third-party app may ask for (Logto's `UserScope`; `openid` is always granted). */
export const USER_SCOPES = [
  'profile',
  'email',
  'phone',
  'address',
  'custom_data',
  'identities',
  'roles',
  'urn:logto:scope:organizations',
  'urn:logto:scope:organization_roles',
  'urn:logto:scope:sessions',
] as const;

const spec = lazySchema(() =>
  z.object({
    applicationId: z
      .string()
      .min(1)
      .describe('Id of the third-party application (`isThirdParty: true`). Changing it replaces the object.'),
    organizationScopeIds: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Ids of the organization scopes users consent to. Authoritative: others are removed (omitted: not managed).',
      ),
    resourceScopeIds: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Ids of the API resource scopes users consent to. Authoritative: others are removed (omitted: not managed).',
      ),
    organizationResourceScopeIds: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Ids of the API resource scopes users consent to in the context of an organization (organization tokens). Authoritative: others are removed (omitted: not managed).',
      ),
    userScopes: z
      .array(z.enum(USER_SCOPES))
      .optional()
      .describe(
        `User claims users consent to sharing: ${USER_SCOPES.join(', ')}. Authoritative: others are removed (omitted: not managed).`,
      ),
  }),
);

export type ApplicationUserConsentScopesSpec = z.infer<typeof spec>;
type Group = Exclude<keyof ApplicationUserConsentScopesSpec, 'applicationId'>;

interface Grouped {
  organizationScopes: { id: string }[];
  resourceScopes: { scopes: { id: string }[] }[];
  organizationResourceScopes: { scopes: { id: string }[] }[];
  userScopes: string[];
}

/** Each spec field's group: the key in the POST body and GET answer, and the path segment of its DELETE. */
const GROUPS: Record<Group, { key: keyof Grouped; type: string; ids(g: Grouped): string[] }> = {
  organizationScopeIds: {
    key: 'organizationScopes',
    type: 'organization-scopes',
    ids: (g) => g.organizationScopes.map((s) => s.id),
  },
  resourceScopeIds: {
    key: 'resourceScopes',
    type: 'resource-scopes',
    ids: (g) => g.resourceScopes.flatMap((r) => r.scopes.map((s) => s.id)),
  },
  organizationResourceScopeIds: {
    key: 'organizationResourceScopes',
    type: 'organization-resource-scopes',
    ids: (g) => g.organizationResourceScopes.flatMap((r) => r.scopes.map((s) => s.id)),
  },
  userScopes: { key: 'userScopes', type: 'user-scopes', ids: (g) => g.userScopes },
};
const FIELDS = Object.keys(GROUPS) as Group[];

const path = (applicationId: string) => `/applications/${seg(applicationId)}/user-consent-scopes`;

/** The app's consent scopes (once per run), or undefined when the application does not exist. */
function consent(ctx: ResourceContext, applicationId: string): Promise<Grouped | undefined> {
  return cached(ctx, `${KIND}:${applicationId}`, async () => {
    try {
      return await ctx.client.get<Grouped>(path(applicationId));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  });
}

function toLive(applicationId: string, grouped: Grouped): Live<ApplicationUserConsentScopesSpec> {
  const s: Record<string, unknown> = { applicationId };
  for (const field of FIELDS) s[field] = GROUPS[field].ids(grouped).sort();
  return { id: applicationId, spec: s as ApplicationUserConsentScopesSpec, outputs: { id: applicationId } };
}

function group(field: Group): Relation {
  const { key, type, ids } = GROUPS[field];
  return {
    field,
    async read(ctx, applicationId) {
      const grouped = await consent(ctx, applicationId);
      return grouped ? ids(grouped) : [];
    },
    async add(ctx, applicationId, added) {
      if (added.length === 0) return;
      invalidate(ctx, `${KIND}:`);
      await ctx.client.post(path(applicationId), { [key]: added }, { createsObject: false });
    },
    async remove(ctx, applicationId, removed) {
      invalidate(ctx, `${KIND}:`);
      for (const id of removed) await deleteIgnoringMissing(ctx, `${path(applicationId)}/${type}/${seg(id)}`);
    },
  };
}
const relations = FIELDS.map(group);

const THIRD_PARTY_ONLY =
  'it is a first-party application, and only third-party applications ask users for consent (Logto: application.third_party_application_only); set `isThirdParty: true` on it';

export const ApplicationUserConsentScopes = defineResource<ApplicationUserConsentScopesSpec>({
  kind: KIND,
  description:
    'What a third-party application asks its users to consent to: organization scopes, API resource scopes (also in an organization context) and user claims. Each list is authoritative.',
  spec,
  outputs: [{ name: 'id', description: 'The application id.', type: 'string', stable: true }],
  key: { fields: ['applicationId'], of: (s) => s.applicationId },
  immutable: ['applicationId'],
  sensitive: [],
  sets: [...FIELDS],
  references: [
    {
      field: 'applicationId',
      kind: 'Application',
      accepts: (app) => (app.isThirdParty === true ? undefined : THIRD_PARTY_ONLY),
    },
    { field: 'organizationScopeIds', kind: 'OrganizationScope', many: true },
    { field: 'resourceScopeIds', kind: 'ApiResourceScope', many: true },
    { field: 'organizationResourceScopeIds', kind: 'ApiResourceScope', many: true },
  ],
  relations,

  async read(ctx, id) {
    const grouped = await consent(ctx, id);
    return grouped ? toLive(id, grouped) : undefined;
  },
  /** The third-party applications that ask for any consent scope. */
  async list(ctx) {
    const out: Live<ApplicationUserConsentScopesSpec>[] = [];
    for (const app of await listApplications(ctx)) {
      if (app.isThirdParty !== true) continue;
      const grouped = await consent(ctx, app.id);
      if (grouped && FIELDS.some((f) => GROUPS[f].ids(grouped).length > 0)) out.push(toLive(app.id, grouped));
    }
    return out;
  },
  async findByKey(ctx, s) {
    const grouped = await consent(ctx, s.applicationId);
    return grouped ? [toLive(s.applicationId, grouped)] : [];
  },
  /** Nothing to create: the scopes are added by the relations; the application must exist. */
  async create(ctx, s) {
    const grouped = await consent(ctx, s.applicationId);
    if (!grouped) throw new Error(`applicationId: no application has id "${s.applicationId}"`);
    return toLive(s.applicationId, grouped);
  },
  async update(_ctx, _id, _changes, live) {
    return live;
  },
  async delete(ctx, id) {
    const grouped = await consent(ctx, id);
    if (!grouped) return;
    for (const relation of relations) await relation.remove(ctx, id, GROUPS[relation.field as Group].ids(grouped), {});
  },
});
