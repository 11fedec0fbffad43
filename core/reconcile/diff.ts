/**
 * Managed-fields diff: only the fields the user set are compared, after the definition's normalisation and
 * set sorting. Drift is live ≠ last applied on those fields; without a last-applied spec there is no drift,
 * only changes.
 */
import type { Live, ResourceDefinition, Spec } from '../contract.js';
import { isDigest, isLegacyDigest, matchesDigest, sensitiveFields, stableStringify, versionField } from './secrets.js';
import { type Action, type FieldChange, SENSITIVE, UNKNOWN } from './types.js';

export interface ObjectDiff {
  action: Action;
  changes: FieldChange[];
  /** For replace: the immutable fields that changed, in words. */
  reason?: string;
  drift: FieldChange[];
}

/** Definition normalisation, then sets de-duplicated and sorted. Undefined fields are dropped. */
export function normalizeSpec(definition: ResourceDefinition<any>, spec: Spec): Spec {
  const copy: Spec = {};
  for (const [k, v] of Object.entries(spec)) if (v !== undefined) copy[k] = v;
  const normalized = definition.normalize ? { ...definition.normalize(copy) } : copy;
  for (const field of definition.sets) {
    const value = normalized[field];
    if (Array.isArray(value)) normalized[field] = [...new Set(value.map(String))].sort();
  }
  // A version is text (`2` and `"2"` are one version), as Terraform's string attribute has it.
  for (const field of definition.writeOnly ?? []) {
    const version = versionField(field);
    if (typeof normalized[version] === 'number') normalized[version] = String(normalized[version]);
  }
  return normalized;
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  const na = a === undefined ? null : a;
  const nb = b === undefined ? null : b;
  return stableStringify(na) === stableStringify(nb);
}

function containsUnknown(value: unknown): boolean {
  return value === UNKNOWN || (Array.isArray(value) && value.includes(UNKNOWN));
}

function fieldChange(definition: ResourceDefinition<any>, field: string, before: unknown, after: unknown): FieldChange {
  const secret = sensitiveFields(definition).has(field);
  const change: FieldChange = {
    field,
    before: secret && before !== undefined && before !== null ? SENSITIVE : (before ?? null),
    after: secret && after !== undefined && after !== null && after !== UNKNOWN ? SENSITIVE : (after ?? null),
  };
  if (secret) change.sensitive = true;
  if (!secret && definition.sets.includes(field) && Array.isArray(after)) {
    const beforeSet = new Set(Array.isArray(before) ? before.map(String) : []);
    const afterSet = new Set(after.map(String));
    change.added = [...afterSet].filter((x) => !beforeSet.has(x));
    change.removed = [...beforeSet].filter((x) => !afterSet.has(x));
  }
  return change;
}

/** Is a desired (or last-applied) value equal to what is live? Secrets compare through their digests. */
function sameAsLive(definition: ResourceDefinition<any>, field: string, expected: unknown, live: Spec): boolean {
  if (containsUnknown(expected)) return false;
  if (sensitiveFields(definition).has(field) || isVersionField(definition, field)) {
    if (!(field in live)) return true; // the API does not return it: nothing to compare
    if (isDigest(expected)) return matchesDigest(expected, live[field]);
  }
  return valuesEqual(expected, live[field]);
}

function isVersionField(definition: ResourceDefinition<any>, field: string): boolean {
  return (definition.writeOnly ?? []).some((f) => versionField(f) === field);
}

/**
 * Has a write-only secret (or its version) changed since it was last written? With a version (`fVersion`)
 * the version alone decides: the secret is written when the version differs from the one recorded (the
 * Terraform `_wo_version` rule; nothing derived from the secret is kept). Without one, the value is compared
 * with the salted digest recorded; an unsalted `sha256:` digest from an older state counts as changed, so
 * the secret is written once more and the state keeps only the salted form from then on. Without any record
 * (adoption, import) there is nothing to compare, and nothing is written.
 */
function writeOnlyChanged(
  definition: ResourceDefinition<any>,
  field: string,
  want: Spec,
  have: Spec,
  lastApplied: Spec | undefined,
): boolean {
  const owner = (definition.writeOnly ?? []).find((f) => versionField(f) === field) ?? field;
  const version = versionField(owner);
  if (want[version] !== undefined) {
    if (version in have) return !valuesEqual(want[version], have[version]);
    if (!lastApplied) return false;
    return !valuesEqual(want[version], lastApplied[version]);
  }
  if (owner !== field || !lastApplied) return false;
  const recorded = lastApplied[field];
  return !(field in lastApplied) || isLegacyDigest(recorded) || !matchesDigest(recorded, want[field]);
}

/**
 * Compare one object. `desired` holds only managed fields, with references already resolved (unresolved ones
 * are `UNKNOWN`). `lastApplied` is the state's record (secrets hashed).
 */
export function diffObject(
  definition: ResourceDefinition<any>,
  desired: Spec,
  live: Live | undefined,
  lastApplied?: Spec,
): ObjectDiff {
  const want = normalizeSpec(definition, desired);
  if (!live) {
    return {
      action: 'create',
      changes: Object.keys(want)
        .sort()
        .map((f) => fieldChange(definition, f, undefined, want[f])),
      drift: [],
    };
  }
  const have = normalizeSpec(definition, live.spec);
  const secret = sensitiveFields(definition);
  const changes: FieldChange[] = [];
  for (const field of Object.keys(want).sort()) {
    let same = sameAsLive(definition, field, want[field], have);
    // A secret the API never returns (a user's password) and its version: see writeOnlyChanged.
    const versioned = isVersionField(definition, field);
    if (same && (versioned || secret.has(field)) && !(field in have)) {
      same = !writeOnlyChanged(definition, field, want, have, lastApplied);
    }
    const before = versioned && !(field in have) ? lastApplied?.[field] : have[field];
    if (!same) changes.push(fieldChange(definition, field, before, want[field]));
  }

  const drift: FieldChange[] = [];
  if (lastApplied) {
    const applied = normalizeSpec(definition, lastApplied);
    for (const field of Object.keys(want).sort()) {
      if (!(field in applied)) continue;
      if (!sameAsLive(definition, field, applied[field], have)) {
        drift.push(fieldChange(definition, field, applied[field], have[field]));
      }
    }
  }

  const immutable = changes.filter((c) => definition.immutable.includes(c.field));
  if (immutable.length > 0) {
    const reason = immutable
      .map((c) =>
        c.sensitive
          ? `${c.field} changed (immutable)`
          : `${c.field} changed from ${stableStringify(c.before)} to ${stableStringify(c.after)} (immutable)`,
      )
      .join('; ');
    return { action: 'replace', changes, reason, drift };
  }
  return { action: changes.length > 0 ? 'update' : 'noop', changes, drift };
}
