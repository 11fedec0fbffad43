/**
 * Lookup functions (`logto.getRole({ name })`…), the Pulumi side of Terraform's data sources: they run in the
 * program itself (not in the provider host), read one existing object with the same credentials the
 * resources use (Pulumi config `logto:*`, else `LOGTO_*`), and resolve with its fields and outputs; secret
 * ones are wrapped with `pulumi.secret`. By `id`, by the kind's key, or by any fields that match exactly one
 * object (the shared `lookupObject`, as the data sources do). The typed `get<Kind>` functions are generated
 * into `resources.generated.ts`.
 */
import * as pulumi from '@pulumi/pulumi';
import { createClient } from '../../core/client/index.js';
import { createContext, lookupObject } from '../../core/reconcile/index.js';
import { getDefinition } from '../../resources/index.js';
import { resolveCredentials } from './operations.js';
import { secretPropertyNames } from './resource.js';

/** Pulumi config of the running program, read without the SDK's "use getSecret" warning (values stay in memory). */
const programConfig = { get: (key: string) => pulumi.runtime.getConfig(key) };

export async function lookup<T>(kind: string, args: Record<string, unknown>): Promise<T> {
  const definition = getDefinition(kind);
  const client = createClient(resolveCredentials(programConfig, process.env));
  try {
    const { id, ...fields } = args;
    const live = await lookupObject(createContext(client), definition, {
      ...(typeof id === 'string' ? { id } : {}),
      fields,
    }).catch((error: unknown) => {
      throw new Error(`logto.get${kind}: ${(error as Error).message}`);
    });
    const secret = new Set(secretPropertyNames(kind));
    const result: Record<string, unknown> = {};
    for (const [name, value] of Object.entries({ ...live.spec, ...live.outputs, id: live.id })) {
      if (value === undefined) continue;
      result[name] = secret.has(name) ? pulumi.secret(value) : value;
    }
    return result as T;
  } finally {
    await client.close();
  }
}
