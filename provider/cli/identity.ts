/**
 * Identity of keyless objects in a GitOps run. Applications, organizations and hooks have no natural key in
 * Logto (names may repeat), so the reconciler adopts them only by a known id. Tenant files have no ids: the
 * CLI names such an object by its `name`, and finds it with one bulk list per kind. Two live objects with the
 * same name, or two file entries with the same name, are an error naming them, raised before any write.
 * With `--state`, ids remembered from the last apply win (renames are then tracked too).
 */
import type { ResourceDefinition } from '../../resources/contract.js';
import type { LogtoClient } from '../client/types.js';
import { createContext } from '../reconcile/index.js';
import type { DesiredObject, PriorState } from '../reconcile/types.js';

export class IdentityError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'IdentityError';
  }
}

export async function locateKeylessObjects(
  desired: DesiredObject[],
  client: LogtoClient,
  catalog: ResourceDefinition<any>[],
  prior?: PriorState,
): Promise<DesiredObject[]> {
  const byKind = new Map<string, DesiredObject[]>();
  for (const object of desired) {
    const definition = catalog.find((d) => d.kind === object.kind);
    if (!definition || definition.key || definition.singleton || definition.parent || !definition.list) continue;
    if (object.id || prior?.objects[object.address]?.kind === object.kind) continue;
    if (typeof object.spec.name !== 'string') continue;
    const list = byKind.get(object.kind) ?? [];
    list.push(object);
    byKind.set(object.kind, list);
  }
  if (byKind.size === 0) return desired;
  const ctx = createContext(client);
  const ids = new Map<string, string>();
  const claimed = new Set(Object.values(prior?.objects ?? {}).map((o) => `${o.kind}:${o.id}`));
  for (const [kind, objects] of byKind) {
    const definition = catalog.find((d) => d.kind === kind)!;
    const names = new Map<string, string>();
    for (const object of objects) {
      const name = object.spec.name as string;
      const other = names.get(name);
      if (other) {
        throw new IdentityError(
          `${other} and ${object.address} have the same name "${name}"; ${kind} objects are identified by name in tenant files`,
          'give them different names (or use --state to track ids)',
        );
      }
      names.set(name, object.address);
    }
    const live = (await definition.list!(ctx)).filter(
      (l) => !(definition.builtin?.(l, ctx) ?? false) && !claimed.has(`${kind}:${l.id}`),
    );
    for (const object of objects) {
      const matches = live.filter((l) => l.spec.name === object.spec.name);
      if (matches.length > 1) {
        throw new IdentityError(
          `${object.address}: ${matches.length} ${kind} objects in the tenant are named "${String(object.spec.name)}" (ids ${matches.map((m) => m.id).join(', ')})`,
          'rename or delete the extra ones in Logto, or use --state with an id recorded for this object',
        );
      }
      if (matches.length === 1) ids.set(object.address, matches[0]!.id);
    }
  }
  return desired.map((object) => (ids.has(object.address) ? { ...object, id: ids.get(object.address) } : object));
}
