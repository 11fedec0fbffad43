/**
 * OrganizationApplication: a machine-to-machine application as a member of an organization, with the
 * organization roles it holds there (`/organizations/:id/applications`, `…/applications/:appId/roles`).
 * The membership has no id of its own in Logto: here it is `<organizationId>/<applicationId>`, and the pair
 * is the key. Joining is an idempotent POST; the roles are an authoritative set (added with POST, removed one
 * by one). Logto lets only machine-to-machine apps join and gives them only machine-to-machine organization
 * roles (422 `entity.db_constraint_violated` otherwise): both are refused offline.
 */
import { z } from 'zod';
import { cached, defineResource, invalidate, type Live, type ResourceContext } from './contract.js';
import { idSetRelation, isNotFound, seg } from './shared.js';

const spec = z.object({
  organizationId: z
    .string()
    .min(1)
    .describe('Id of the organization the application joins. Changing it replaces the membership.'),
  applicationId: z
    .string()
    .min(1)
    .describe('Id of the MachineToMachine application. Changing it replaces the membership.'),
  organizationRoleIds: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'Ids of the MachineToMachine organization roles the application holds in the organization. Authoritative: roles not listed are removed.',
    ),
});

export type OrganizationApplicationSpec = z.infer<typeof spec>;

const KIND = 'OrganizationApplication';
const idOf = (organizationId: string, applicationId: string) => `${organizationId}/${applicationId}`;

function split(id: string): { organizationId: string; applicationId: string } | undefined {
  const at = id.indexOf('/');
  if (at <= 0 || at === id.length - 1) return undefined;
  return { organizationId: id.slice(0, at), applicationId: id.slice(at + 1) };
}

function toLive(organizationId: string, applicationId: string): Live<OrganizationApplicationSpec> {
  const id = idOf(organizationId, applicationId);
  return { id, spec: { organizationId, applicationId }, outputs: { id } };
}

/** The applications of one organization (memoised for the run); none when the organization is gone. */
function members(ctx: ResourceContext, organizationId: string): Promise<string[]> {
  return cached(ctx, `${KIND}:${organizationId}`, async () => {
    try {
      const rows = await ctx.client.list<{ id: string }>(`/organizations/${seg(organizationId)}/applications`);
      return rows.map((r) => r.id);
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  });
}

const roles = idSetRelation(
  'organizationRoleIds',
  (id) => {
    const pair = split(id)!;
    return `/organizations/${seg(pair.organizationId)}/applications/${seg(pair.applicationId)}/roles`;
  },
  'organizationRoleIds',
);

export const OrganizationApplication = defineResource<OrganizationApplicationSpec>({
  kind: KIND,
  description:
    'A machine-to-machine application as a member of an organization, with the organization roles it holds there (its id is `<organizationId>/<applicationId>`).',
  spec,
  outputs: [{ name: 'id', description: '`<organizationId>/<applicationId>`.', type: 'string', stable: true }],
  key: { fields: ['organizationId', 'applicationId'], of: (s) => idOf(s.organizationId, s.applicationId) },
  immutable: ['organizationId', 'applicationId'],
  sensitive: [],
  sets: ['organizationRoleIds'],
  references: [
    { field: 'organizationId', kind: 'Organization' },
    {
      field: 'applicationId',
      kind: 'Application',
      accepts: (app) =>
        typeof app.type === 'string' && app.type !== 'MachineToMachine'
          ? `it is a ${app.type} application, and only MachineToMachine applications join organizations; use a MachineToMachine application`
          : undefined,
    },
    {
      field: 'organizationRoleIds',
      kind: 'OrganizationRole',
      many: true,
      accepts: (role) =>
        role.type === 'MachineToMachine'
          ? undefined
          : `it is a User organization role (type ${role.type === undefined ? 'unset, so User' : String(role.type)}), and applications hold only MachineToMachine organization roles; set its type to MachineToMachine`,
    },
  ],
  relations: [roles],

  async read(ctx, id) {
    const pair = split(id);
    if (!pair) return undefined;
    return (await members(ctx, pair.organizationId)).includes(pair.applicationId)
      ? toLive(pair.organizationId, pair.applicationId)
      : undefined;
  },
  async list(ctx) {
    const organizations = await cached(ctx, `${KIND}:organizations`, () =>
      ctx.client.list<{ id: string }>('/organizations'),
    );
    const out: Live<OrganizationApplicationSpec>[] = [];
    for (const { id } of organizations)
      for (const applicationId of await members(ctx, id)) out.push(toLive(id, applicationId));
    return out;
  },
  async findByKey(ctx, s) {
    return (await members(ctx, s.organizationId)).includes(s.applicationId)
      ? [toLive(s.organizationId, s.applicationId)]
      : [];
  },
  async create(ctx, s) {
    invalidate(ctx, `${KIND}:`);
    // Idempotent on Logto's side: an application that is already a member stays one.
    await ctx.client.post(
      `/organizations/${seg(s.organizationId)}/applications`,
      { applicationIds: [s.applicationId] },
      { createsObject: false },
    );
    return toLive(s.organizationId, s.applicationId);
  },
  /** The membership has no fields of its own; its roles are the relation. */
  async update(_ctx, _id, _changes, live) {
    return live;
  },
  async delete(ctx, id) {
    invalidate(ctx, `${KIND}:`);
    const pair = split(id);
    if (!pair) return;
    await ctx.client.delete(`/organizations/${seg(pair.organizationId)}/applications/${seg(pair.applicationId)}`);
  },
});
