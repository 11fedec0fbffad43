/**
 * OrganizationUser: a user as a member of an organization, with the organization roles it holds there
 * (`/organizations/:id/users`, `…/users/:userId/roles`) — the same shape as OrganizationApplication, so a
 * Terraform user writes `logto_organization_user` next to `logto_user` the way they write
 * `logto_organization_application` next to `logto_application`. Its id is `<organizationId>/<userId>`.
 * Logto gives users only User-type organization roles (422 `entity.db_constraint_violated` for a
 * machine-to-machine one, measured on 1.42): refused offline.
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
      .describe('Id of the organization the user joins. Changing it replaces the membership.'),
    userId: z.string().min(1).describe('Id of the user. Changing it replaces the membership.'),
    organizationRoleIds: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Ids of the User organization roles the user holds in the organization. Authoritative: roles not listed are removed.',
      ),
  }),
);

export type OrganizationUserSpec = z.infer<typeof spec>;

const membership = organizationMembership<OrganizationUserSpec>({
  kind: 'OrganizationUser',
  memberField: 'userId',
  route: 'users',
  bodyKey: 'userIds',
});

export const OrganizationUser = defineResource<OrganizationUserSpec>({
  kind: 'OrganizationUser',
  description:
    'A user as a member of an organization, with the organization roles it holds there (its id is `<organizationId>/<userId>`).',
  spec,
  outputs: [{ name: 'id', description: '`<organizationId>/<userId>`.', type: 'string', stable: true }],
  key: membership.key,
  immutable: ['organizationId', 'userId'],
  sensitive: [],
  sets: ['organizationRoleIds'],
  references: [
    { field: 'organizationId', kind: 'Organization' },
    { field: 'userId', kind: 'User' },
    {
      field: 'organizationRoleIds',
      kind: 'OrganizationRole',
      many: true,
      accepts: (role) =>
        role.type === 'MachineToMachine'
          ? 'it is a MachineToMachine organization role, and users hold only User organization roles (Logto: entity.db_constraint_violated); use a User organization role'
          : undefined,
    },
  ],
  relations: membership.relations,
  // Memberships are end-user data too: exported only on request, like users.
  exportOnRequest: true,

  read: membership.read,
  list: membership.list,
  findByKey: membership.findByKey,
  create: membership.create,
  update: membership.update,
  delete: membership.delete,
});
