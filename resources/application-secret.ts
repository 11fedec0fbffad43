/**
 * ApplicationSecret: a named client secret of a Traditional or MachineToMachine app
 * (`/applications/:id/secrets`). Secrets have no id: they are addressed by name, so the id here is
 * `<applicationId>/<name>`. The value is a sensitive output.
 */
import { z } from 'zod';
import { cached, defineResource, invalidate, type Live, type ResourceContext } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { listApplications } from './application.js';
import { hasCode, isNotFound, seg } from './shared.js';

const spec = lazySchema(() =>
  z.object({
    applicationId: z
      .string()
      .min(1)
      .describe('Id of the Traditional or MachineToMachine application. Changing it replaces the secret.'),
    name: z
      .string()
      .min(1)
      .max(256)
      .describe(
        'Secret name, unique per application (Logto creates one named "Default secret"). Renaming keeps the value.',
      ),
    expiresAt: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        'Expiry time in epoch milliseconds (must be in the future when created). Changing it replaces the secret.',
      ),
  }),
);

export type ApplicationSecretSpec = z.infer<typeof spec>;

interface SecretRow {
  applicationId?: string;
  name: string;
  value: string;
  createdAt: number;
  expiresAt: number | null;
}

const CACHE = 'ApplicationSecret';
export const DEFAULT_SECRET = 'Default secret';

export function secretId(applicationId: string, name: string): string {
  return `${applicationId}/${name}`;
}

function splitId(id: string): { applicationId: string; name: string } | undefined {
  const at = id.indexOf('/');
  if (at <= 0 || at === id.length - 1) return undefined;
  return { applicationId: id.slice(0, at), name: id.slice(at + 1) };
}

/** One app's secrets, once per run; undefined when the app does not exist. */
function secretsOf(ctx: ResourceContext, applicationId: string): Promise<SecretRow[] | undefined> {
  return cached(ctx, `${CACHE}:app:${applicationId}`, async () => {
    try {
      return await ctx.client.get<SecretRow[]>(`/applications/${seg(applicationId)}/secrets`);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  });
}

function toLive(applicationId: string, row: SecretRow): Live<ApplicationSecretSpec> {
  const live: Live<ApplicationSecretSpec> = {
    id: secretId(applicationId, row.name),
    spec: { applicationId, name: row.name },
    outputs: {
      id: secretId(applicationId, row.name),
      value: row.value,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
    },
    raw: undefined, // keeps the value out of anything that might print raw objects
  };
  if (row.expiresAt !== null && row.expiresAt !== undefined) live.spec.expiresAt = row.expiresAt;
  return live;
}

function explain(error: unknown, applicationId: string, expiresAt?: number): unknown {
  if (hasCode(error, 400, 'request.invalid_input') && expiresAt !== undefined) {
    return new Error(
      `expiresAt ${new Date(expiresAt).toISOString()} is not in the future: Logto only creates secrets that expire later; set a later expiresAt or remove it`,
    );
  }
  if (hasCode(error, 422, 'entity.db_constraint_violated')) {
    return new Error(
      `application ${applicationId} cannot have secrets: only Traditional and MachineToMachine applications have client secrets`,
    );
  }
  return error;
}

export const ApplicationSecret = defineResource<ApplicationSecretSpec>({
  kind: 'ApplicationSecret',
  description:
    'A named client secret of a Traditional or MachineToMachine application; its value is a sensitive output.',
  spec,
  outputs: [
    { name: 'id', description: '`<applicationId>/<name>`: secrets are addressed by name.', type: 'string' },
    { name: 'value', description: 'The client secret.', type: 'string', sensitive: true, stable: true },
    { name: 'createdAt', description: 'Creation time, epoch milliseconds.', type: 'number', stable: true },
    { name: 'expiresAt', description: 'Expiry time, epoch milliseconds, or null.', type: 'number', stable: true },
  ],
  key: { fields: ['applicationId', 'name'], of: (s) => secretId(s.applicationId, s.name) },
  immutable: ['applicationId', 'expiresAt'],
  sensitive: [],
  sets: [],
  references: [
    {
      field: 'applicationId',
      kind: 'Application',
      accepts: (app) =>
        app.type === 'SPA' || app.type === 'Native'
          ? `it is a ${app.type} application, and only Traditional and MachineToMachine applications have client secrets; remove this secret or change the application's type`
          : undefined,
    },
  ],
  relations: [],
  /** Logto gives every new Traditional / MachineToMachine app a "Default secret": a spec naming it adopts it. */
  parent: { field: 'applicationId', kind: 'Application', seeded: (s) => s.name === DEFAULT_SECRET },
  /** The secrets of the app this process authenticates with: pruning them would lock the tool out. */
  builtin: (live, ctx) => live.spec.applicationId === ctx.client.appId,

  async read(ctx, id) {
    const parts = splitId(id);
    if (!parts) return undefined;
    const rows = await secretsOf(ctx, parts.applicationId);
    const row = rows?.find((r) => r.name === parts.name);
    return row ? toLive(parts.applicationId, row) : undefined;
  },

  async list(ctx, parentId) {
    const appIds = parentId
      ? [parentId]
      : (await listApplications(ctx))
          .filter((a) => a.type === 'Traditional' || a.type === 'MachineToMachine')
          .map((a) => a.id);
    const out: Live<ApplicationSecretSpec>[] = [];
    for (const appId of appIds) {
      for (const row of (await secretsOf(ctx, appId)) ?? []) out.push(toLive(appId, row));
    }
    return out;
  },

  async findByKey(ctx, s) {
    const rows = await secretsOf(ctx, s.applicationId);
    return (rows ?? []).filter((r) => r.name === s.name).map((r) => toLive(s.applicationId, r));
  },

  async create(ctx, s) {
    invalidate(ctx, `${CACHE}:`);
    const body: Record<string, unknown> = { name: s.name };
    if (s.expiresAt !== undefined) body.expiresAt = s.expiresAt;
    try {
      const row = await ctx.client.post<SecretRow>(`/applications/${seg(s.applicationId)}/secrets`, body);
      return toLive(s.applicationId, row);
    } catch (error) {
      throw explain(error, s.applicationId, s.expiresAt);
    }
  },

  /** Only `name` is mutable (a rename keeps the value; the id follows the name). */
  async update(ctx, id, changes, live) {
    invalidate(ctx, `${CACHE}:`);
    if (changes.name === undefined) return live;
    const parts = splitId(id);
    const applicationId = parts?.applicationId ?? live.spec.applicationId;
    const oldName = parts?.name ?? live.spec.name;
    const row = await ctx.client.patch<SecretRow>(`/applications/${seg(applicationId)}/secrets/${seg(oldName)}`, {
      name: changes.name,
    });
    return toLive(applicationId, row);
  },

  async delete(ctx, id, live) {
    invalidate(ctx, `${CACHE}:`);
    const parts = splitId(id) ?? (live ? { applicationId: live.spec.applicationId, name: live.spec.name } : undefined);
    if (!parts) return;
    await ctx.client.delete(`/applications/${seg(parts.applicationId)}/secrets/${seg(parts.name)}`);
  },
});
