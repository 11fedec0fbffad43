/**
 * Secrets are values, never text: redacted in plans, and kept in state only as salted, slow digests (to
 * detect drift and changes without storing them).
 *
 * A digest is `scrypt$N=16384,r=8,p=1$<salt>$<hash>`: node:crypto's scrypt (cost N = 2^14, block size r = 8,
 * parallelism p = 1, 16 MiB of memory per guess; 32-byte hash), salt and hash in base64url. The CLI keeps one
 * random 16-byte salt per state file (`PriorState.salt`), so equal values digest equally within a state and
 * a state file rewritten with unchanged values does not churn; Terraform's `<field>_digest` attributes get a
 * fresh random salt per value written. The salt defeats precomputed tables and makes each state a separate
 * target; the cost makes every guess at a leaked digest take about as long as a password check does.
 *
 * Digests written before salting (`sha256:<hex>`, unsalted) are still read: `matchesDigest` compares them,
 * and `needsRewrite` tells the reconciler to write such a write-only secret once more so the state can drop
 * the unsalted form (see `diffObject`).
 *
 * A write-only field `f` (never returned by Logto: a user's password) may have a version companion, the spec
 * field `fVersion` (`versionField(f)`). With it, nothing derived from the secret is kept at all: the secret
 * is written when the object is created and whenever the version changes (Terraform's `<f>_wo` and
 * `<f>_wo_version` convention).
 */
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { ResourceDefinition, Spec } from '../contract.js';
import { SENSITIVE } from './types.js';

const LEGACY_PREFIX = 'sha256:';
const LEGACY = /^sha256:[0-9a-f]{64}$/;
const SCRYPT = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{40,})$/;
/** The parameters new digests use (node:crypto's defaults, the cost of an interactive login). */
export const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

/** A random salt for a state (16 bytes, base64url). */
export function newSalt(): string {
  return randomBytes(16).toString('base64url');
}

/** The companion field that versions a write-only field: `password` → `passwordVersion`. */
export function versionField(field: string): string {
  return `${field}Version`;
}

/** Every write-only field's version companion of a type. */
export function versionFields(definition: ResourceDefinition<any>): Set<string> {
  return new Set((definition.writeOnly ?? []).map(versionField));
}

// scrypt is slow on purpose: a run computes each (salt, value) pair once. The memo holds no secret text.
const memo = new Map<string, Buffer>();

function scrypt(value: unknown, salt: string, N: number, r: number, p: number): Buffer {
  const text = stableStringify(value);
  const key = `${N},${r},${p}$${salt}$${createHash('sha256').update(text).digest('base64url')}`;
  let hash = memo.get(key);
  if (!hash) {
    hash = scryptSync(text, Buffer.from(salt, 'base64url'), KEY_LENGTH, { N, r, p, maxmem: 256 * N * r + 1024 });
    if (memo.size > 10_000) memo.clear();
    memo.set(key, hash);
  }
  return hash;
}

/** The salted, slow digest of a secret value. A value that is a digest already is returned as it is. */
export function digestSecret(value: unknown, salt: string = newSalt()): string {
  if (isDigest(value)) return value;
  const { N, r, p } = SCRYPT_PARAMS;
  return `scrypt$N=${N},r=${r},p=${p}$${salt}$${scrypt(value, salt, N, r, p).toString('base64url')}`;
}

/** A digest of either form (salted scrypt, or an unsalted `sha256:` one from an older state). */
export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && (SCRYPT.test(value) || LEGACY.test(value));
}

/** An unsalted `sha256:` digest from an older state: still compared, replaced on the next write. */
export function isLegacyDigest(value: unknown): value is string {
  return typeof value === 'string' && LEGACY.test(value);
}

/**
 * Does `value` match what state recorded? `recorded` is a digest (either form) or, where a front end keeps
 * the value itself (Pulumi's encrypted state), the value.
 */
export function matchesDigest(recorded: unknown, value: unknown): boolean {
  if (isDigest(value)) return recorded === value;
  if (typeof recorded !== 'string') return stableStringify(recorded) === stableStringify(value);
  if (LEGACY.test(recorded)) {
    const legacy = LEGACY_PREFIX + createHash('sha256').update(stableStringify(value)).digest('hex');
    return timingSafeEqual(Buffer.from(legacy), Buffer.from(recorded));
  }
  const m = SCRYPT.exec(recorded);
  if (!m) return stableStringify(recorded) === stableStringify(value);
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // A state file is input: refuse parameters that would take minutes or gigabytes.
  if (N > 2 ** 20 || r > 32 || p > 16 || (N & (N - 1)) !== 0) return false;
  const expected = Buffer.from(m[5] as string, 'base64url');
  const actual = scrypt(value, m[4] as string, N, r, p);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
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

/**
 * The form kept in state: secret fields as salted digests (with the state's `salt`), and write-only fields
 * that have a version left out entirely (the version says when they were written).
 */
export function hashSecrets(definition: ResourceDefinition<any>, spec: Spec, salt: string): Spec {
  const secret = sensitiveFields(definition);
  const writeOnly = new Set(definition.writeOnly ?? []);
  const out: Spec = {};
  for (const [k, v] of Object.entries(spec)) {
    if (writeOnly.has(k) && spec[versionField(k)] !== undefined) continue;
    out[k] = secret.has(k) && v !== undefined && v !== null ? digestSecret(v, salt) : v;
  }
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
