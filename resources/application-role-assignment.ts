/**
 * ApplicationRoleAssignment: the machine-to-machine roles of one application, as an authoritative set
 * (`/applications/:id/roles`). It is the app's role set, so its id is the application id. Members are
 * added with POST and removed one by one with DELETE: `PUT []` would strip every role and then fail.
 */
import { z } from 'zod';
import { defineResource, invalidate, type Live, type ResourceContext } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { listApplications } from './application.js';
import { idSetRelation, isNotFound, readViaList, seg } from './shared.js';

const spec = lazySchema(() =>
  z.object({
    applicationId: z
      .string()
      .min(1)
      .describe(
        'Id of the MachineToMachine application whose roles this manages. Changing it replaces the assignment.',
      ),
    roleIds: z
      .array(z.string().min(1))
      .optional()
      .describe('Ids of MachineToMachine roles the application holds. Authoritative: roles not listed are removed.'),
  }),
);

export type ApplicationRoleAssignmentSpec = z.infer<typeof spec>;

const CACHE = 'ApplicationRoleAssignment';

async function readApp(ctx: ResourceContext, id: string): Promise<{ id: string; type: string } | undefined> {
  return readViaList(ctx, listApplications(ctx), id, `/applications/${seg(id)}`);
}

function toLive(applicationId: string): Live<ApplicationRoleAssignmentSpec> {
  return { id: applicationId, spec: { applicationId }, outputs: { id: applicationId } };
}

/** POST is idempotent on Logto's side (already-held roles are skipped), so a retry is harmless. */
const roles = idSetRelation('roleIds', (applicationId) => `/applications/${seg(applicationId)}/roles`, 'roleIds');

export const ApplicationRoleAssignment = defineResource<ApplicationRoleAssignmentSpec>({
  kind: 'ApplicationRoleAssignment',
  description:
    'The set of machine-to-machine roles an application holds (one per application; its id is the application id).',
  spec,
  outputs: [{ name: 'id', description: 'The application id.', type: 'string', stable: true }],
  key: { fields: ['applicationId'], of: (s) => s.applicationId },
  immutable: ['applicationId'],
  sensitive: [],
  sets: ['roleIds'],
  references: [
    {
      field: 'applicationId',
      kind: 'Application',
      accepts: (app) =>
        typeof app.type === 'string' && app.type !== 'MachineToMachine'
          ? `it is a ${app.type} application, and only MachineToMachine applications hold roles; use a MachineToMachine application`
          : undefined,
    },
    {
      field: 'roleIds',
      kind: 'Role',
      many: true,
      accepts: (role) =>
        role.type === 'MachineToMachine'
          ? undefined
          : `it is a User role (type ${role.type === undefined ? 'unset, so User' : String(role.type)}), and applications hold only MachineToMachine roles; set the role's type to MachineToMachine`,
    },
  ],
  relations: [roles],
  parent: { field: 'applicationId', kind: 'Application' },

  /** Only machine-to-machine apps hold roles: another type has no assignment (create explains why). */
  async read(ctx, id) {
    const app = await readApp(ctx, id);
    return app?.type === 'MachineToMachine' ? toLive(app.id) : undefined;
  },

  async list(ctx, parentId) {
    const apps = (await listApplications(ctx)).filter(
      (a) => a.type === 'MachineToMachine' && (!parentId || a.id === parentId),
    );
    return apps.map((a) => toLive(a.id));
  },

  async findByKey(ctx, s) {
    const app = await readApp(ctx, s.applicationId);
    return app?.type === 'MachineToMachine' ? [toLive(app.id)] : [];
  },

  /** Nothing to create on the server: the roles are added by the relation. */
  async create(ctx, s) {
    const app = await readApp(ctx, s.applicationId);
    if (!app) throw new Error(`application ${s.applicationId} does not exist`);
    if (app.type !== 'MachineToMachine') {
      throw new Error(`application ${s.applicationId} is ${app.type}: only MachineToMachine applications hold roles`);
    }
    return toLive(app.id);
  },

  async update(_ctx, _id, _changes, live) {
    return live;
  },

  /** Removes every role the application holds, one by one. */
  async delete(ctx, id) {
    invalidate(ctx, `${CACHE}:`);
    let ids: string[];
    try {
      ids = await roles.read(ctx, id, {});
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    await roles.remove(ctx, id, ids, {});
  },

  builtin: (live, ctx) => live.id === ctx.client.appId,
});
