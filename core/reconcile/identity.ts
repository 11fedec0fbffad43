/**
 * Which live object a desired entry stands for: an id (declared, or remembered in prior state), else the
 * type's key. A unique `key` is Logto's guarantee; an `adoptionKey` (a name Logto lets repeat) adopts only
 * when exactly one live object matches, so the same rules serve plan, apply, import and lost creates.
 */
import type { ResourceDefinition, Spec } from '../contract.js';
import type { DesiredObject, ObjectState, PriorState } from './types.js';

export interface IdentityKey {
  fields: string[];
  of(spec: Spec): string;
  /** True for a natural key Logto keeps unique; false for an adoption key (duplicates are possible). */
  unique: boolean;
}

/** The key objects of this type are adopted, imported and recovered by, if any. */
export function identityKey(definition: ResourceDefinition<any>): IdentityKey | undefined {
  if (!definition.findByKey) return undefined;
  if (definition.key) return { fields: definition.key.fields, of: definition.key.of, unique: true };
  if (definition.adoptionKey)
    return { fields: definition.adoptionKey.fields, of: definition.adoptionKey.of, unique: false };
  return undefined;
}

/** `name "Acme SPA"`, `resourceId+name "abc/read"`: a key in words for messages. */
export function describeKey(key: IdentityKey, spec: Spec): string {
  let value: string;
  try {
    value = key.of(spec);
  } catch {
    value = key.fields.map((f) => String(spec[f])).join('/');
  }
  return `${key.fields.join('+')} "${value}"`;
}

/** The id a desired object is known by: declared, or from the prior state's record for its address. */
export function knownId(object: DesiredObject, prior?: PriorState): string | undefined {
  const entry = prior?.objects[object.address];
  return object.id ?? (entry?.kind === object.kind ? entry.id : undefined);
}

/**
 * `Kind:id` of every live object a desired entry already holds by id, and of every object the prior state
 * marks for deletion (the old half of a replacement): never adopted by another entry.
 */
export function claimedIds(
  objects: Iterable<DesiredObject>,
  prior?: PriorState,
  extra: Iterable<string> = [],
): Set<string> {
  const out = new Set(extra);
  for (const object of objects) {
    const id = knownId(object, prior);
    if (id) out.add(`${object.kind}:${id}`);
  }
  for (const entry of Object.values(prior?.objects ?? {})) {
    for (const id of entry.pendingDelete ?? []) out.add(`${entry.kind}:${id}`);
  }
  return out;
}

/** The ids a state entry marks for deletion, without its own id. */
export function pendingDeletes(entry: ObjectState | undefined): string[] {
  return (entry?.pendingDelete ?? []).filter((id) => id !== entry?.id);
}

/**
 * A live object's key for people: the natural key (or adoption key) without the parent's id, else a string
 * `name`. `Role` → `old-admin`, `ApiResourceScope` → `read:orders`; undefined when there is nothing but ids.
 */
export function displayKey(definition: ResourceDefinition<any>, spec: Spec): string | undefined {
  const fields = (definition.key ?? definition.adoptionKey)?.fields.filter((f) => f !== definition.parent?.field);
  const values = (fields && fields.length > 0 ? fields : ['name']).map((f) => spec[f]);
  if (values.some((v) => typeof v !== 'string' || v === '')) return undefined;
  return values.join('/');
}
