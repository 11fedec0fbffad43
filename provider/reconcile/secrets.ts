/** Secrets are values, never text: redacted in plans, hashed in state (to detect drift without storing them). */
import { createHash } from 'node:crypto';
import type { ResourceDefinition, Spec } from '../../resources/contract.js';
import { SENSITIVE } from './types.js';

const HASH_PREFIX = 'sha256:';

export function hashSecret(value: unknown): string {
  if (typeof value === 'string' && value.startsWith(HASH_PREFIX)) return value;
  return HASH_PREFIX + createHash('sha256').update(stableStringify(value)).digest('hex');
}

export function isHashed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(HASH_PREFIX) && value.length === HASH_PREFIX.length + 64;
}

/** Names of every secret field of a type: sensitive spec fields and sensitive outputs. */
export function sensitiveFields(definition: ResourceDefinition<any>): Set<string> {
  return new Set([...definition.sensitive, ...definition.outputs.filter((o) => o.sensitive).map((o) => o.name)]);
}

/** A copy of `spec` (or of an outputs record) with every secret field replaced by `(sensitive)`. */
export function redactSecrets(definition: ResourceDefinition<any>, spec: Spec): Spec {
  const secret = sensitiveFields(definition);
  const out: Spec = {};
  for (const [k, v] of Object.entries(spec)) out[k] = secret.has(k) && v !== undefined && v !== null ? SENSITIVE : v;
  return out;
}

/** The form kept in state: secret fields hashed. */
export function hashSecrets(definition: ResourceDefinition<any>, spec: Spec): Spec {
  const secret = sensitiveFields(definition);
  const out: Spec = {};
  for (const [k, v] of Object.entries(spec))
    out[k] = secret.has(k) && v !== undefined && v !== null ? hashSecret(v) : v;
  return out;
}

/** JSON with sorted object keys: equal values give equal text. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'undefined';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
