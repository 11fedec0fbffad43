/**
 * How the tenant file is laid out, derived from the resource catalog (never written per kind):
 *
 * - every kind without a parent gets a top-level section: `ApiResource` → `apiResources` (a map from the
 *   object's key to its fields); singletons get a single object (`signInExperience`);
 * - a kind with a parent is nested under its parent's entries: `ApiResourceScope` → `apiResources.<key>.scopes`,
 *   `ApplicationSecret` → `applications.<key>.secrets`;
 * - a child kind whose only own field is one reference (an app ↔ role assignment) is written as a list of the
 *   referenced keys under the parent: `applications.<key>.roles: [admin, reader]`;
 * - a reference field holds keys, not ids, and loses its `Id`/`Ids` suffix: a role's `scopeIds` is written
 *   `scopes`, an organization role's `resourceScopeIds` is `resourceScopes`;
 * - an object's map key fills its natural-key field (`roles.admin` → `name: admin`, `apiResources.<indicator>`
 *   → `indicator`), or `name` for kinds without a natural key (the key is then the user's choice); a natural
 *   key that is a reference is written as one (`application: storefront`) under a key of the user's choice.
 */
import type { Reference, ResourceDefinition } from '../../core/contract.js';

export interface RefField {
  /** Name in the tenant file (`scopes`). */
  fileName: string;
  /** Spec field (`scopeIds`). */
  field: string;
  kind: string;
  many: boolean;
}

export interface KindLayout {
  kind: string;
  definition: ResourceDefinition<any>;
  /** Top-level section, or the section under the parent's entry. */
  section: string;
  singleton: boolean;
  parent?: { kind: string; field: string };
  /** Spec field filled from the object's map key (may be undefined: the key is only a handle). */
  keyField?: string;
  /** True when `keyField` is a natural key Logto keeps unique (then the key must equal the field). */
  naturalKey: boolean;
  /** Reference fields by their file name. */
  refs: Map<string, RefField>;
  /** Children written as a plain list of referenced keys (app → role names). */
  listForm?: RefField;
  children: KindLayout[];
  /** Spec field names (for "did you mean"). */
  specFields: string[];
}

export interface TenantLayout {
  kinds: Map<string, KindLayout>;
  /** Top-level kinds by section name. */
  sections: Map<string, KindLayout>;
  /** Kinds in catalog order. */
  ordered: KindLayout[];
}

export const SINGLETON_KEY = 'default';

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

export function plural(word: string): string {
  // A kind already named in the plural (`ApplicationUserConsentScopes`) keeps its name; `Access` does not.
  if (/[^siu]s$/.test(word)) return word;
  if (/(s|x|sh|ch)$/.test(word)) return `${word}es`;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

/** `scopeIds` → `scopes`, `roleId` → `role`, anything else unchanged. */
export function refFileName(field: string): string {
  if (/[a-z]Ids$/.test(field)) return `${field.slice(0, -3)}s`;
  if (/[a-z]Id$/.test(field)) return field.slice(0, -2);
  return field;
}

function toRefField(reference: Reference): RefField {
  return {
    fileName: refFileName(reference.field),
    field: reference.field,
    kind: reference.kind,
    many: reference.many ?? false,
  };
}

export function buildLayout(catalog: ResourceDefinition<any>[]): TenantLayout {
  const kinds = new Map<string, KindLayout>();
  for (const definition of catalog) {
    const specFields = Object.keys(definition.spec.shape);
    const parent = definition.parent ? { kind: definition.parent.kind, field: definition.parent.field } : undefined;
    const refs = new Map<string, RefField>();
    for (const reference of definition.references ?? []) {
      if (parent && reference.field === parent.field) continue;
      const ref = toRefField(reference);
      refs.set(ref.fileName, ref);
    }
    const keyFields = (definition.key?.fields ?? []).filter((f) => f !== parent?.field);
    let keyField: string | undefined;
    let naturalKey = false;
    const isReference = (field: string) => [...refs.values()].some((r) => r.field === field);
    // A key that is a reference (an app's sign-in experience, keyed by its application) is written as the
    // reference; the map key is then a handle of the user's choice.
    if (keyFields.length === 1 && !isReference(keyFields[0]!)) {
      keyField = keyFields[0];
      naturalKey = true;
    } else if (!definition.singleton && specFields.includes('name')) {
      keyField = 'name';
    }
    // A child whose own fields are exactly one reference: written as a list of keys under the parent.
    let listForm: RefField | undefined;
    const ownFields = specFields.filter((f) => f !== parent?.field);
    if (parent && ownFields.length === 1 && refs.size === 1) {
      const only = [...refs.values()][0]!;
      if (only.field === ownFields[0]) listForm = only;
    }
    let section: string;
    if (definition.singleton) section = lowerFirst(definition.kind);
    else if (parent) {
      if (listForm) section = listForm.many ? listForm.fileName : plural(listForm.fileName);
      else {
        const stripped = definition.kind.startsWith(parent.kind) ? definition.kind.slice(parent.kind.length) : '';
        section = plural(lowerFirst(stripped || definition.kind));
      }
    } else section = plural(lowerFirst(definition.kind));
    kinds.set(definition.kind, {
      kind: definition.kind,
      definition,
      section,
      singleton: definition.singleton ?? false,
      parent,
      keyField,
      naturalKey,
      refs,
      listForm,
      children: [],
      specFields,
    });
  }
  const sections = new Map<string, KindLayout>();
  for (const layout of kinds.values()) {
    if (layout.parent) {
      const parentLayout = kinds.get(layout.parent.kind);
      if (!parentLayout) throw new Error(`${layout.kind}: parent kind ${layout.parent.kind} is not in the catalog`);
      parentLayout.children.push(layout);
    } else sections.set(layout.section, layout);
  }
  return { kinds, sections, ordered: [...kinds.values()] };
}

/** Address of an object: `Kind.key`; children `Kind.parentKey/childKey`; singletons `Kind.default`. */
export function addressOf(kind: string, key: string): string {
  return `${kind}.${key}`;
}

/** The names a user may write at the top level of a tenant file besides kind sections. */
export const RESERVED_TOP_LEVEL = ['$schema', 'version', 'allowDelete'] as const;

/** Levenshtein-based suggestion for typos in field and section names. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  const a = word.toLowerCase();
  for (const candidate of candidates) {
    const b = candidate.toLowerCase();
    const d = distance(a, b);
    if (d < bestScore) {
      bestScore = d;
      best = candidate;
    }
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
