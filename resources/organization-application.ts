/**
 * OrganizationApplication: a machine-to-machine application as a member of an organization, with the
 * organization roles it holds there (`/organizations/:id/applications`, `…/applications/:appId/roles`).
 * The membership has no id of its own in Logto: here it is `<organizationId>/<applicationId>`, and the pair
 * is the key (the plumbing is `organizationMembership`, shared with OrganizationUser). Logto lets only
 * machine-to-machine apps join and gives them only machine-to-machine organization roles (422
 * `entity.db_constraint_violated` otherwise): both are refused offline.
 */
import { z } from 'zod';
import { defineResource } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { organizationMembership } from './organization-member.js';

const spec = lazySchema(() =>
  z.object({
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
  }),
);

export type OrganizationApplicationSpec = z.infer<typeof spec>;

const membership = organizationMembership<OrganizationApplicationSpec>({
  kind: 'OrganizationApplication',
  memberField: 'applicationId',
  route: 'applications',
  bodyKey: 'applicationIds',
});

export const OrganizationApplication = defineResource<OrganizationApplicationSpec>({
  kind: 'OrganizationApplication',
  description:
    'A machine-to-machine application as a member of an organization, with the organization roles it holds there (its id is `<organizationId>/<applicationId>`).',
  spec,
  outputs: [{ name: 'id', description: '`<organizationId>/<applicationId>`.', type: 'string', stable: true }],
  key: membership.key,
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
  relations: membership.relations,

  read: membership.read,
  list: membership.list,
  findByKey: membership.findByKey,
  create: membership.create,
  update: membership.update,
  delete: membership.delete,
});
