/**
 * References in a plan as a reviewer reads them: a reference field's ids shown as the objects they point at,
 * `ApiResourceScope https://api.example.com/orders/read:orders`, the id only where the object has no key.
 * The ids stay in `before`/`after` (what apply and machines use); the words go in `shown` beside them.
 */
import type { Catalog, Live, Reference, ResourceContext, Spec } from '../contract.js';
import { isRef } from './graph.js';
import { displayKey } from './identity.js';
import { readObject } from './objects.js';
import { definitionFor } from './prepare.js';
import type { DesiredObject, DriftEntry, FieldChange, PlannedChange } from './types.js';
import { UNKNOWN } from './types.js';

export interface LabelSources {
  ctx: ResourceContext;
  catalog: Catalog;
  /** The desired objects by address (their specs hold `Ref`s to other desired objects). */
  byAddress: ReadonlyMap<string, DesiredObject>;
  /** `Kind:id` → the address of the desired object that stands for it. */
  addressById: ReadonlyMap<string, string>;
  /** `Kind:id` → live objects already read (parents' keys). */
  liveById: ReadonlyMap<string, Live>;
}

/** `ApiResourceScope.https://x/read` → `ApiResourceScope https://x/read`. */
export function addressLabel(address: string, kind: string): string {
  return address.startsWith(`${kind}.`) ? `${kind} ${address.slice(kind.length + 1)}` : address;
}

/**
 * A live object's key for people, for a child kind after its parent's (`https://api.example.com/orders/read:orders`),
 * the parent's id when the parent has no key; undefined when the object has no key at all.
 */
export async function liveKey(
  ctx: ResourceContext,
  catalog: Catalog,
  kind: string,
  spec: Spec,
  liveById: ReadonlyMap<string, Live>,
): Promise<string | undefined> {
  const definition = definitionFor(catalog, kind);
  if (!definition) return undefined;
  const keyFields = definition.key?.fields ?? [];
  const keyReference =
    keyFields.length === 1 ? definition.references.find((r) => r.field === keyFields[0] && !r.many) : undefined;
  const owner = definition.parent ?? keyReference;
  const own = keyReference ? undefined : displayKey(definition, spec);
  const ownerDefinition = owner && definitionFor(catalog, owner.kind);
  const ownerId = owner ? spec[owner.field] : undefined;
  if (!owner || !ownerDefinition || typeof ownerId !== 'string' || ownerId === '')
    return own ?? displayKey(definition, spec);
  const ownerLive =
    liveById.get(`${owner.kind}:${ownerId}`) ??
    (await readObject(ctx, ownerDefinition, ownerId, undefined, { relations: [] }));
  const ownerKey = ownerLive ? displayKey(ownerDefinition, ownerLive.spec) : undefined;
  if (own === undefined) return ownerKey ?? ownerId;
  return `${ownerKey ?? ownerId}/${own}`;
}

/** Fills `shown` on every reference field of the changes and the drift entries (in place). */
export async function labelReferences(
  sources: LabelSources,
  changes: PlannedChange[],
  drift: DriftEntry[],
): Promise<void> {
  const cache = new Map<string, Promise<string>>();
  const labelOfId = (kind: string, id: unknown): Promise<unknown> => {
    if (typeof id !== 'string' || id === UNKNOWN) return Promise.resolve(id);
    const k = `${kind}:${id}`;
    let label = cache.get(k);
    if (!label) {
      label = (async () => {
        const address = sources.addressById.get(k);
        if (address) return addressLabel(address, kind);
        const definition = definitionFor(sources.catalog, kind);
        const live =
          sources.liveById.get(k) ??
          (definition ? await readObject(sources.ctx, definition, id, undefined, { relations: [] }) : undefined);
        const key = live ? await liveKey(sources.ctx, sources.catalog, kind, live.spec, sources.liveById) : undefined;
        return `${kind} ${key ?? id}`;
      })();
      cache.set(k, label);
    }
    return label;
  };
  /** Ids as objects; a set's members in the order of their names (ids would order them at random). */
  const labelAll = async (kind: string, value: unknown, set: boolean): Promise<unknown> => {
    if (!Array.isArray(value)) return labelOfId(kind, value);
    const labels = await Promise.all(value.map((v) => labelOfId(kind, v)));
    return set ? labels.sort() : labels;
  };
  /** The desired value with each `Ref` as its target's address, each id as its object. */
  const desiredLabels = async (reference: Reference, value: unknown, set: boolean): Promise<unknown> => {
    const one = (v: unknown) => (isRef(v) ? addressLabel(v.$ref, reference.kind) : labelOfId(reference.kind, v));
    if (!Array.isArray(value)) return one(value);
    const labels = await Promise.all(value.map(one));
    return set ? labels.sort() : labels;
  };

  for (const change of changes) {
    if (change.action === 'delete') continue;
    const definition = definitionFor(sources.catalog, change.kind);
    const sets = new Set(definition?.sets ?? []);
    const spec = sources.byAddress.get(change.address)?.spec ?? {};
    for (const field of change.changes) {
      const reference = definition?.references.find((r) => r.field === field.field);
      if (!reference || field.sensitive) continue;
      const shown: NonNullable<FieldChange['shown']> = {};
      if (field.before !== null && field.before !== undefined)
        shown.before = await labelAll(reference.kind, field.before, sets.has(field.field));
      shown.after =
        spec[field.field] !== undefined
          ? await desiredLabels(reference, spec[field.field], sets.has(field.field))
          : field.after;
      if (field.added) {
        const known = await Promise.all(
          field.added.filter((v) => v !== UNKNOWN).map((v) => labelOfId(reference.kind, v)),
        );
        // Members that are not known yet are the references to objects this plan creates.
        const fresh = field.added.includes(UNKNOWN)
          ? (Array.isArray(spec[field.field]) ? (spec[field.field] as unknown[]) : [])
              .filter((v) => isRef(v) && !isKnown(sources, v.$ref, reference.kind, field.after))
              .map((v) => addressLabel((v as { $ref: string }).$ref, reference.kind))
          : [];
        shown.added = [...known, ...fresh].sort();
      }
      if (field.removed) shown.removed = (await labelAll(reference.kind, field.removed, true)) as unknown[];
      field.shown = shown;
    }
  }
  for (const entry of drift) {
    const definition = definitionFor(sources.catalog, entry.kind);
    const reference = definition?.references.find((r) => r.field === entry.field);
    if (!reference || entry.sensitive) continue;
    const set = definition!.sets.includes(entry.field);
    entry.shown = {
      expected: await labelAll(reference.kind, entry.expected, set),
      live: await labelAll(reference.kind, entry.live, set),
    };
  }
}

/** Is the object at `address` one whose id the resolved value `after` already holds? */
function isKnown(sources: LabelSources, address: string, kind: string, after: unknown): boolean {
  const ids = Array.isArray(after) ? after : [after];
  return ids.some((id) => typeof id === 'string' && sources.addressById.get(`${kind}:${id}`) === address);
}
