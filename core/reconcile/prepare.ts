/** Checks on the desired set shared by plan and apply: kinds, addresses, references, specs, keys. */
import type { Catalog, Reference, ResourceDefinition } from '../contract.js';
import { type SpecIssue, SpecValidationError } from './errors.js';
import { isRef, placeholderRefs, refsOf, resolveRefs, topoOrder } from './graph.js';
import { describeKey, identityKey, knownId } from './identity.js';
import { validateSpec } from './objects.js';
import type { DesiredObject, PriorState, Ref } from './types.js';

export interface Prepared {
  /** The resource types the run knows (handed over by the front end). */
  catalog: Catalog;
  objects: DesiredObject[];
  byAddress: Map<string, DesiredObject>;
  definitions: Map<string, ResourceDefinition<any>>;
  /** address → addresses it depends on */
  deps: Map<string, string[]>;
  /** Dependency order. */
  order: string[];
}

export function definitionFor(catalog: Catalog, kind: string): ResourceDefinition<any> | undefined {
  return catalog.find((d) => d.kind === kind);
}

const withArticle = (kind: string) => `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}`;

/** Why a reference field may not point at `target` (wrong kind, or the target's spec rules it out). */
function referenceProblem(reference: Reference | undefined, ref: Ref, target: DesiredObject): string | undefined {
  if (!reference || (ref.attr ?? 'id') !== 'id') return undefined;
  if (target.kind !== reference.kind) {
    return `${withArticle(target.kind)}; ${reference.field} needs the id of ${withArticle(reference.kind)}`;
  }
  const why = reference.accepts?.(target.spec ?? {});
  return why ? `which cannot be used here: ${why}` : undefined;
}

/**
 * Throws `SpecValidationError` listing every problem (object address + field), before any request. `prior`
 * tells which objects are known by id (they may share an adoption key).
 */
export function prepareDesired(desired: DesiredObject[], catalog: Catalog, prior?: PriorState): Prepared {
  const issues: SpecIssue[] = [];
  const byAddress = new Map<string, DesiredObject>();
  const definitions = new Map<string, ResourceDefinition<any>>();
  for (const object of desired) {
    if (byAddress.has(object.address)) {
      issues.push({
        address: object.address,
        field: '',
        message: 'the address is used twice; addresses must be unique',
      });
      continue;
    }
    byAddress.set(object.address, object);
    const definition = definitionFor(catalog, object.kind);
    if (!definition) {
      issues.push({
        address: object.address,
        field: 'kind',
        message: `unknown kind "${object.kind}"; known kinds: ${catalog.map((d) => d.kind).join(', ')}`,
      });
      continue;
    }
    definitions.set(object.address, definition);
  }
  const deps = new Map<string, string[]>();
  const addressesOfKind = new Map<string, string[]>();
  for (const object of byAddress.values()) {
    const same = addressesOfKind.get(object.kind);
    if (same) same.push(object.address);
    else addressesOfKind.set(object.kind, [object.address]);
  }
  for (const object of byAddress.values()) {
    const definition = definitions.get(object.address);
    if (!definition) continue;
    const refs = refsOf(object.spec ?? {});
    for (const [field, value] of Object.entries(object.spec ?? {})) {
      const values = Array.isArray(value) ? value : [value];
      const reference = definition.references.find((r) => r.field === field);
      for (const v of values) {
        if (!isRef(v)) continue;
        const target = byAddress.get(v.$ref);
        const problem = !target ? 'which is not in the desired set' : referenceProblem(reference, v, target);
        if (problem) issues.push({ address: object.address, field, message: `refers to "${v.$ref}", ${problem}` });
      }
    }
    const ordered = (definition.after ?? []).flatMap((kind) => addressesOfKind.get(kind) ?? []);
    deps.set(object.address, [...new Set([...refs.filter((r) => byAddress.has(r)), ...ordered])]);
    const result = validateSpec(definition, placeholderRefs(object.spec ?? {}));
    if (!result.ok) for (const issue of result.issues) issues.push({ address: object.address, ...issue });
  }
  for (const definition of new Set(definitions.values())) {
    if (!definition.checkDesired) continue;
    const own = [...byAddress.values()].filter((o) => definitions.get(o.address) === definition);
    issues.push(...definition.checkDesired(own.map((o) => ({ address: o.address, spec: o.spec ?? {} }))));
  }
  // Two desired objects with the same key would stand for one live object: always for a unique key, and for
  // an adoption key when neither is known by id. References count by address (same parent, same name).
  const keys = new Map<string, string>();
  for (const object of byAddress.values()) {
    const definition = definitions.get(object.address);
    const key = definition && identityKey(definition);
    if (!key || (!key.unique && knownId(object, prior))) continue;
    const spec = resolveRefs(object.spec ?? {}, (ref) => `(${ref.$ref})`);
    let value: string;
    try {
      value = `${object.kind}:${key.of(spec)}`;
    } catch {
      continue;
    }
    const other = keys.get(value);
    if (!other) {
      keys.set(value, object.address);
      continue;
    }
    issues.push({
      address: object.address,
      field: key.fields.join(','),
      message: key.unique
        ? `same ${describeKey(key, spec)} as ${other}; it must be unique`
        : `same ${describeKey(key, spec)} as ${other}; without known ids both would stand for the same ${object.kind} in Logto. Give them different ${key.fields.join('+')} values, or set their ids`,
    });
  }
  if (issues.length > 0) throw new SpecValidationError(issues);
  const objects = [...byAddress.values()];
  let order: string[];
  try {
    order = topoOrder(objects, deps);
  } catch (error) {
    throw new SpecValidationError([
      { address: objects[0]?.address ?? '', field: '', message: (error as Error).message },
    ]);
  }
  return { catalog, objects, byAddress, definitions, deps, order };
}

/**
 * The offline checks `planTenant` and `applyPlan` start with (specs, references, cross-object rules, keys),
 * as a list: empty when the desired set would be accepted. Makes no request (for `validate` commands).
 */
export function validateDesired(
  desired: DesiredObject[],
  options: { catalog: Catalog; prior?: PriorState },
): SpecIssue[] {
  try {
    prepareDesired(desired, options.catalog, options.prior);
    return [];
  } catch (error) {
    if (error instanceof SpecValidationError) return error.issues;
    throw error;
  }
}
