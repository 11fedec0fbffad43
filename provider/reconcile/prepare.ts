/** Checks on the desired set shared by plan and apply: kinds, addresses, references, specs, keys. */
import type { ResourceDefinition, Spec } from '../../resources/contract.js';
import { catalog } from '../../resources/index.js';
import { type SpecIssue, SpecValidationError } from './errors.js';
import { isRef, placeholderRefs, refsOf, topoOrder } from './graph.js';
import { validateSpec } from './objects.js';
import type { DesiredObject } from './types.js';

export interface Prepared {
  objects: DesiredObject[];
  byAddress: Map<string, DesiredObject>;
  definitions: Map<string, ResourceDefinition<any>>;
  /** address → addresses it depends on */
  deps: Map<string, string[]>;
  /** Dependency order. */
  order: string[];
}

export function definitionFor(kind: string): ResourceDefinition<any> | undefined {
  return catalog.find((d) => d.kind === kind);
}

/** Throws `SpecValidationError` listing every problem (object address + field), before any request. */
export function prepareDesired(desired: DesiredObject[]): Prepared {
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
    const definition = definitionFor(object.kind);
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
  for (const object of byAddress.values()) {
    const definition = definitions.get(object.address);
    if (!definition) continue;
    const refs = refsOf(object.spec ?? {});
    for (const [field, value] of Object.entries(object.spec ?? {})) {
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) {
        if (isRef(v) && !byAddress.has(v.$ref)) {
          issues.push({
            address: object.address,
            field,
            message: `refers to "${v.$ref}", which is not in the desired set`,
          });
        }
      }
    }
    deps.set(
      object.address,
      refs.filter((r) => byAddress.has(r)),
    );
    const result = validateSpec(definition, placeholderRefs(object.spec ?? {}));
    if (!result.ok) for (const issue of result.issues) issues.push({ address: object.address, ...issue });
  }
  // Two desired objects with the same natural key would fight over one live object.
  const keys = new Map<string, string>();
  for (const object of byAddress.values()) {
    const definition = definitions.get(object.address);
    if (!definition?.key || refsOf(object.spec ?? {}).some((r) => definition.key!.fields.includes(r))) continue;
    if (definition.key.fields.some((f) => isRef((object.spec as Spec)[f]))) continue;
    let key: string;
    try {
      key = `${definition.kind}:${definition.key.of(object.spec as Spec)}`;
    } catch {
      continue;
    }
    const other = keys.get(key);
    if (other) {
      issues.push({
        address: object.address,
        field: definition.key.fields.join(','),
        message: `same ${definition.key.fields.join('+')} as ${other}; it must be unique`,
      });
    } else keys.set(key, object.address);
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
  return { objects, byAddress, definitions, deps, order };
}
