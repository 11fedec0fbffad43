/**
 * Values between the catalog and Terraform: Terraform object values (as `cty.ts` decodes them) → specs, spec
 * and live values → Terraform's forms, the state object after a write, and the unknown markers of both sides.
 * The schema (`schema.ts`) says what the attributes are; the server (`server.ts`) uses these to answer
 * Terraform's calls.
 */
import type { Live, Spec } from '../../core/contract.js';
import { stableStringify } from '../../core/reconcile/secrets.js';
import { UNKNOWN as RECONCILE_UNKNOWN } from '../../core/reconcile/types.js';
import { type CtyType, type CtyValue, isUnknown, isWhollyKnown, UNKNOWN } from './cty.js';
import type { Attr, TypeSchema } from './schema.js';

export type Obj = Record<string, CtyValue>;

export const asObject = (v: CtyValue): Obj | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null;

/** JSON text with sorted keys and no whitespace — what `jsonencode` produces. */
export function canonicalJson(value: unknown): string {
  return stableStringify(value);
}

export class JsonAttributeError extends Error {
  constructor(
    readonly path: string[],
    message: string,
  ) {
    super(message);
  }
}

/**
 * A Terraform object value → a spec (camelCase), leaving out nulls (unset = unmanaged). Unknown values are
 * kept as `unknown` marker `UNKNOWN` (the caller decides). JSON strings are parsed.
 */
export function toSpec(attrs: Attr[], value: CtyValue, path: string[] = []): Spec {
  const spec: Spec = {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) return spec;
  for (const attr of attrs) {
    if (attr.kind !== 'spec') continue;
    const v = (value as Record<string, CtyValue>)[attr.name];
    if (v === null || v === undefined) continue;
    if (isUnknown(v)) {
      spec[attr.field] = UNKNOWN;
      continue;
    }
    if (attr.json) {
      try {
        spec[attr.field] = JSON.parse(v as string);
      } catch (error) {
        throw new JsonAttributeError(
          [...path, attr.name],
          `${attr.name} is not valid JSON: ${(error as Error).message}`,
        );
      }
    } else if (attr.nested) {
      spec[attr.field] = toSpec(attr.nested, v, [...path, attr.name]);
    } else if (Array.isArray(v) && v.some(isUnknown)) {
      spec[attr.field] = UNKNOWN;
    } else {
      spec[attr.field] = v;
    }
  }
  return spec;
}

/** A spec value (live) → its Terraform form. */
export function toTerraform(attr: Attr, value: unknown): CtyValue {
  if (value === undefined || value === null) return null;
  if (attr.json) return typeof value === 'string' ? value : canonicalJson(value);
  if (attr.nested) {
    const object = value as Record<string, unknown>;
    return Object.fromEntries(attr.nested.map((n) => [n.name, toTerraform(n, object[n.field])]));
  }
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : String(v)));
  return value as CtyValue;
}

/** Every attribute name → null; the starting point of a state object. */
export function emptyObject(attrs: Attr[]): Record<string, CtyValue> {
  return Object.fromEntries(attrs.map((a) => [a.name, null]));
}

/** Spec values without unknowns (those fields are left out) and the names of the unknown fields. */
export function knownPart(spec: Spec): { known: Spec; unknown: Set<string> } {
  const known: Spec = {};
  const unknown = new Set<string>();
  const visit = (source: Spec, target: Spec, prefix: string) => {
    for (const [k, v] of Object.entries(source)) {
      if (v === UNKNOWN) unknown.add(prefix + k);
      else if (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).includes(UNKNOWN)) {
        target[k] = {};
        visit(v as Spec, target[k] as Spec, `${prefix}${k}.`);
      } else target[k] = v;
    }
  };
  visit(spec, known, '');
  return { known, unknown };
}

/** Replace our unknown marker with the reconciler's (diffObject treats that as "changes"). */
export function forDiff(spec: Spec): Spec {
  return Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, v === UNKNOWN ? RECONCILE_UNKNOWN : v]));
}

// ---- state building ---------------------------------------------------------------------------

export function outputValue(attr: Attr, value: unknown): CtyValue {
  if (value === undefined || value === null) return null;
  if (attr.json) return typeof value === 'string' ? value : canonicalJson(value);
  // A list of objects (`records` outputs): exactly the declared fields, each a string or null.
  const t = attr.type;
  if (Array.isArray(t) && t[0] === 'list' && Array.isArray(t[1]) && t[1][0] === 'object') {
    const fields = Object.keys(t[1][1] as Record<string, CtyType>);
    return (Array.isArray(value) ? value : []).map((item) =>
      Object.fromEntries(fields.map((f) => [f, typeof item?.[f] === 'string' ? item[f] : null])),
    );
  }
  return value as CtyValue;
}

/** Merge planned values (kept where known: Terraform requires the result to match) with live values. */
export function mergeAttr(attr: Attr, planned: CtyValue | undefined, liveValue: unknown): CtyValue {
  if (planned !== undefined && planned !== null && !isUnknown(planned)) {
    if (attr.nested && asObject(planned)) {
      const p = planned as Obj;
      const l = (liveValue ?? {}) as Record<string, unknown>;
      return Object.fromEntries(attr.nested.map((n) => [n.name, mergeAttr(n, p[n.name], l[n.field])]));
    }
    return planned;
  }
  return toTerraform(attr, liveValue);
}

/** The state object after create/update/import: planned (user's form) where known, live elsewhere. */
export function stateFrom(ts: TypeSchema, live: Live, planned?: Obj | null): Obj {
  const out = emptyObject(ts.attrs);
  for (const attr of ts.attrs) {
    const p = planned?.[attr.name];
    if (attr.kind === 'id') out[attr.name] = live.id;
    else if (attr.kind === 'output') {
      const v = live.outputs[attr.field];
      out[attr.name] = v === undefined && p !== undefined && !isUnknown(p) ? p : outputValue(attr, v);
    } else if (attr.kind === 'spec') {
      const liveValue = live.spec[attr.field];
      if (liveValue === undefined && attr.sensitive && p !== undefined && !isUnknown(p)) out[attr.name] = p;
      else out[attr.name] = mergeAttr(attr, p, liveValue);
    }
  }
  return stripUnknown(out) as Obj;
}

export function stripUnknown(value: CtyValue): CtyValue {
  if (isUnknown(value)) return null;
  if (Array.isArray(value)) return value.map(stripUnknown);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripUnknown(v)]));
  return value;
}

export function plannedOnCreate(
  attr: Attr,
  configValue: CtyValue | undefined,
  proposed: CtyValue | undefined,
): CtyValue {
  if (configValue === null || configValue === undefined) return attr.computed ? UNKNOWN : null;
  if (attr.nested && asObject(configValue)) {
    const c = configValue as Obj;
    const p = (asObject(proposed ?? null) ?? {}) as Obj;
    return Object.fromEntries(attr.nested.map((n) => [n.name, plannedOnCreate(n, c[n.name], p[n.name])]));
  }
  return proposed ?? configValue;
}

export function sameValue(a: CtyValue | undefined, b: CtyValue | undefined): boolean {
  if (!isWhollyKnown(a ?? null) || !isWhollyKnown(b ?? null)) return false;
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
