/**
 * Single-object operations with the reconciler's semantics. Terraform and Pulumi call these directly;
 * `planTenant`/`applyPlan` are built on them.
 */
import type { z } from 'zod';
import type { LogtoClient } from '../client/types.js';
import {
  cached,
  invalidate,
  type Live,
  type ResourceContext,
  type ResourceDefinition,
  type Spec,
} from '../contract.js';
import { diffObject, normalizeSpec, valuesEqual } from './diff.js';
import { AmbiguousKeyError, isLostResponse, isNotFound, PartialCreateError } from './errors.js';
import { hasUnknown } from './graph.js';
import { describeKey, identityKey } from './identity.js';
import { versionField, versionFields } from './secrets.js';

export function createContext(client: LogtoClient): ResourceContext {
  return { client, cache: new Map() };
}

export type ValidationResult = { ok: true; spec: Spec } | { ok: false; issues: { field: string; message: string }[] };

/** Check a spec against the type's schema; unknown fields are errors too (a typo must not be ignored). */
export function validateSpec(definition: ResourceDefinition<any>, spec: Spec): ValidationResult {
  const issues: { field: string; message: string }[] = [];
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) {
    return { ok: false, issues: [{ field: '', message: 'the spec must be an object' }] };
  }
  const known = Object.keys(definition.spec.shape);
  for (const key of Object.keys(spec)) {
    if (!known.includes(key)) {
      issues.push({ field: key, message: `unknown field for ${definition.kind}; known fields: ${known.join(', ')}` });
    }
  }
  const parsed = (definition.spec as z.ZodType).safeParse(spec);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ field: issue.path.map(String).join('.'), message: issue.message });
    }
  }
  for (const field of definition.writeOnly ?? []) {
    const version = versionField(field);
    if (spec[version] !== undefined && spec[field] === undefined)
      issues.push({
        field: version,
        message: `${version} says when ${field} is written, and ${field} is not set: set ${field} too, or remove ${version}`,
      });
  }
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  const out: Spec = {};
  for (const [k, v] of Object.entries(parsed.data as Spec)) if (v !== undefined) out[k] = v;
  return { ok: true, spec: out };
}

/**
 * The type's checks against the tenant (`checkLive`), for a spec whose values are all known; none when the
 * type has none or a value is not known yet (decided at apply, when it is). Reads only.
 */
export async function checkLive(
  ctx: ResourceContext,
  definition: ResourceDefinition<any>,
  spec: Spec,
  planned?: { kind: string; spec: Spec }[],
): Promise<{ field: string; message: string; deferrable?: boolean }[]> {
  if (!definition.checkLive || hasUnknown(spec)) return [];
  return definition.checkLive(ctx, spec, planned);
}

export interface ReadOptions {
  /** Which relation fields to fill (default: all). */
  relations?: string[];
}

/** One object with its relation fields filled, or undefined when it does not exist. */
export async function readObject(
  ctx: ResourceContext,
  definition: ResourceDefinition<any>,
  id: string,
  hint?: Spec,
  options: ReadOptions = {},
): Promise<Live | undefined> {
  let live: Live | undefined;
  try {
    live = await definition.read(ctx, id, hint);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  if (!live) return undefined;
  const wanted = options.relations;
  const relations = definition.relations.filter((r) => !wanted || wanted.includes(r.field));
  if (relations.length === 0) return live;
  const spec = { ...live.spec };
  await Promise.all(
    relations.map(async (relation) => {
      if (spec[relation.field] === undefined) spec[relation.field] = await relation.read(ctx, id, spec);
    }),
  );
  return { ...live, spec };
}

/** The spec minus its relation fields (what `create` and `update` see; relations go through add/remove). */
export function withoutRelations(definition: ResourceDefinition<any>, spec: Spec): Spec {
  const out = { ...spec };
  for (const relation of definition.relations) delete out[relation.field];
  return out;
}

export interface CreateReport {
  live: Live;
  /** What happened beyond a plain create (lost response recovered…), in words. */
  note?: string;
}

/** Does `live` carry every managed field of `spec` (relations excluded)? */
function matchesSpec(definition: ResourceDefinition<any>, spec: Spec, live: Live): boolean {
  const want = normalizeSpec(definition, withoutRelations(definition, spec));
  const have = normalizeSpec(definition, live.spec);
  return Object.keys(want).every((k) => definition.sensitive.includes(k) || valuesEqual(want[k], have[k]));
}

function parentIdOf(definition: ResourceDefinition<any>, spec: Spec): string | undefined {
  return definition.parent ? (spec[definition.parent.field] as string | undefined) : undefined;
}

/**
 * Ids that existed before this run's creates of a type without a unique key (plus the ones it created):
 * one list per kind and parent per run, kept under a key the kind's invalidation does not touch.
 */
function knownIds(ctx: ResourceContext, definition: ResourceDefinition<any>, spec: Spec): Promise<Set<string>> {
  const parentId = parentIdOf(definition, spec);
  return cached(ctx, `#known-ids:${definition.kind}:${parentId ?? ''}`, async () => {
    if (!definition.list) return new Set<string>();
    const all = await definition.list(ctx, parentId);
    return new Set(all.map((l) => l.id));
  });
}

/**
 * After a lost create response: the object the POST made, if it committed. Found by key (a unique key
 * alone suffices; an adoption key only among ids that are new since before the create), or for a type
 * without any key as the one new object matching the spec.
 */
async function findLostCreate(
  ctx: ResourceContext,
  definition: ResourceDefinition<any>,
  spec: Spec,
  before: Set<string> | undefined,
): Promise<CreateReport | undefined> {
  const key = identityKey(definition);
  let found: Live[];
  if (key) found = await definition.findByKey!(ctx, spec);
  else if (before && definition.list) {
    found = (await definition.list(ctx, parentIdOf(definition, spec))).filter((l) => matchesSpec(definition, spec, l));
  } else {
    throw new Error(
      `${definition.kind}: the create response was lost and the type cannot be listed to check; verify in Logto before rerunning`,
    );
  }
  if (before) found = found.filter((l) => !before.has(l.id));
  const ids = found.map((l) => l.id);
  if (found.length > 1) {
    const what = key ? describeKey(key, spec) : 'the spec';
    throw new AmbiguousKeyError(
      definition.kind,
      key ? key.of(spec) : '(spec)',
      ids,
      `the create response was lost and ${found.length} new objects match ${what}; delete the extra ones and rerun`,
    );
  }
  const live = found[0];
  if (!live) return undefined;
  before?.add(live.id);
  const how = !key
    ? `${definition.kind} has no key, so the one new object matching the spec (id ${live.id}) was adopted`
    : key.unique
      ? `found the created object by its key ${describeKey(key, spec)} (id ${live.id})`
      : `found the one new ${definition.kind} with ${describeKey(key, spec)} (id ${live.id})`;
  return { live, note: `create response was lost; ${how}` };
}

/**
 * A child Logto made together with its parent (an app's "Default secret"): adopted when it matches the spec;
 * when an immutable field differs (an expiry), deleted so the caller creates it as specified.
 */
async function adoptSeeded(
  ctx: ResourceContext,
  definition: ResourceDefinition<any>,
  spec: Spec,
): Promise<CreateReport | undefined> {
  const key = identityKey(definition);
  if (!key) return undefined;
  const found = await definition.findByKey!(ctx, spec);
  if (found.length !== 1) return undefined;
  const seeded = found[0]!;
  const base = withoutRelations(definition, spec);
  const action = diffObject(definition, base, seeded).action;
  if (action !== 'replace') {
    const live = action === 'update' ? await updateObject(ctx, definition, seeded.id, base, seeded) : seeded;
    return { live, note: `Logto created this ${definition.kind} with its parent; adopted it (id ${live.id})` };
  }
  await deleteObject(ctx, definition, seeded.id, seeded);
  return undefined;
}

/** Create the base object; a lost response is resolved by `findLostCreate`, never by a blind second POST. */
async function createBase(
  ctx: ResourceContext,
  definition: ResourceDefinition<any>,
  spec: Spec,
): Promise<CreateReport> {
  // Version fields of write-only secrets are the reconciler's bookkeeping: the API never sees them.
  const base = withoutRelations(definition, spec);
  for (const field of versionFields(definition)) delete base[field];
  if (definition.parent?.seeded?.(spec)) {
    const seeded = await adoptSeeded(ctx, definition, spec);
    if (seeded) return seeded;
  }
  // Without a unique key, a snapshot of the ids taken before the POST tells the new object from old twins.
  const before = identityKey(definition)?.unique
    ? undefined
    : await knownIds(ctx, definition, spec).catch(() => undefined);
  try {
    const live = await definition.create(ctx, base);
    before?.add(live.id);
    return { live };
  } catch (error) {
    if (!isLostResponse(error)) throw error;
    invalidate(ctx, `${definition.kind}:`);
    const recovered = await findLostCreate(ctx, definition, spec, before);
    if (recovered) return recovered;
    const live = await definition.create(ctx, base);
    before?.add(live.id);
    return { live, note: 'create response was lost and nothing had been created; created it again' };
  } finally {
    invalidate(ctx, `${definition.kind}:`);
  }
}

/**
 * Create with relations; a lost response is resolved without duplicates. A relation is authoritative from
 * the start: members Logto gave the new object by itself (a new user's default roles) are removed.
 */
export async function createObjectWithReport(
  ctx: ResourceContext,
  definition: ResourceDefinition<any>,
  spec: Spec,
): Promise<CreateReport> {
  const report = await createBase(ctx, definition, spec);
  const live = report.live;
  const liveSpec = { ...live.spec };
  try {
    for (const relation of definition.relations) {
      const ids = spec[relation.field];
      if (!Array.isArray(ids)) continue;
      const current = live.spec[relation.field];
      const have = new Set(Array.isArray(current) ? current.map(String) : []);
      const want = new Set(ids.map(String));
      const add = [...want].filter((x) => !have.has(x));
      const remove = [...have].filter((x) => !want.has(x));
      if (remove.length > 0) await relation.remove(ctx, live.id, remove, { ...spec, ...liveSpec });
      if (add.length > 0) await relation.add(ctx, live.id, add, { ...spec, ...liveSpec });
      liveSpec[relation.field] = [...want].sort();
    }
  } catch (error) {
    throw new PartialCreateError(live.id, live, error);
  } finally {
    invalidate(ctx, `${definition.kind}:`);
  }
  return { ...report, live: { ...live, spec: liveSpec } };
}

export async function createObject(
  ctx: ResourceContext,
  definition: ResourceDefinition<any>,
  spec: Spec,
): Promise<Live> {
  return (await createObjectWithReport(ctx, definition, spec)).live;
}

/**
 * Bring `id` to `desired`: changed non-relation fields in one update call, relations by add/remove.
 * Refuses immutable changes (the caller replaces). `lastApplied` (the spec as last applied; secrets may be
 * hashed) lets a secret the API never returns, such as a user's password, count as changed when the
 * configuration's value differs from it.
 */
export async function updateObject(
  ctx: ResourceContext,
  definition: ResourceDefinition<any>,
  id: string,
  desired: Spec,
  live: Live,
  lastApplied?: Spec,
): Promise<Live> {
  const relationFields = new Set(definition.relations.map((r) => r.field));
  // Relation members may have changed since `live` was read (a replaced dependency): read them now.
  const current = { ...live.spec };
  for (const relation of definition.relations) {
    if (desired[relation.field] !== undefined)
      current[relation.field] = await relation.read(ctx, id, { ...current, ...desired });
  }
  const diff = diffObject(definition, desired, { ...live, spec: current }, lastApplied);
  if (diff.action === 'replace') {
    throw new Error(`${definition.kind} ${id}: ${diff.reason}; the object must be replaced, not updated`);
  }
  const want = normalizeSpec(definition, desired);
  const changes: Spec = {};
  const versions = versionFields(definition);
  for (const change of diff.changes)
    if (!relationFields.has(change.field) && !versions.has(change.field)) changes[change.field] = desired[change.field];
  let result: Live = { ...live, spec: current };
  try {
    if (Object.keys(changes).length > 0) {
      const updated = await definition.update(ctx, id, changes, live, desired);
      result = { ...updated, spec: { ...current, ...updated.spec } };
    }
    for (const relation of definition.relations) {
      const target = want[relation.field];
      if (!Array.isArray(target)) continue;
      const have = new Set(
        Array.isArray(current[relation.field]) ? (current[relation.field] as unknown[]).map(String) : [],
      );
      const wantSet = new Set(target.map(String));
      const remove = [...have].filter((x) => !wantSet.has(x));
      const add = [...wantSet].filter((x) => !have.has(x));
      if (remove.length > 0) await relation.remove(ctx, id, remove, { ...result.spec, ...desired });
      if (add.length > 0) await relation.add(ctx, id, add, { ...result.spec, ...desired });
      result.spec[relation.field] = [...wantSet].sort();
    }
  } finally {
    invalidate(ctx, `${definition.kind}:`);
  }
  return result;
}

/** Delete; an object that is already gone is fine. Built-in objects are never deleted. */
export async function deleteObject(
  ctx: ResourceContext,
  definition: ResourceDefinition<any>,
  id: string,
  live?: Live,
): Promise<void> {
  if (live && definition.builtin?.(live, ctx)) {
    throw new Error(`${definition.kind} ${id} is built into Logto and cannot be deleted`);
  }
  try {
    await definition.delete(ctx, id, live);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  } finally {
    invalidate(ctx, `${definition.kind}:`);
  }
}

/**
 * Parse an import id: `name=admin`, `indicator=https://api.example.com`, `resourceId=abc,name=read`.
 * Values may contain commas; a comma only splits before `<field>=`.
 */
export function parseImportId(definition: ResourceDefinition<any>, importId: string): Spec | undefined {
  const fields = Object.keys(definition.spec.shape);
  const starts = [...importId.matchAll(/(^|,)([A-Za-z_][A-Za-z0-9_]*)=/g)].filter((m) => fields.includes(m[2]!));
  if (starts.length === 0 || starts[0]!.index !== 0) return undefined;
  const spec: Spec = {};
  starts.forEach((m, i) => {
    const valueStart = m.index! + m[0].length;
    const valueEnd = i + 1 < starts.length ? starts[i + 1]!.index! : importId.length;
    spec[m[2]!] = importId.slice(valueStart, valueEnd);
  });
  return spec;
}

/**
 * Find one live object by its key (`name=admin`; for types with an adoption key, such as an application's
 * `name=Acme SPA`, the one object with that name) or, without `=`, by id. Errors on 0 or >1, naming the ids.
 */
export async function findObjectByKey(
  ctx: ResourceContext,
  definition: ResourceDefinition<any>,
  importId: string,
): Promise<Live> {
  const keySpec = parseImportId(definition, importId);
  if (!keySpec) {
    const live = await readObject(ctx, definition, importId);
    if (!live) throw new Error(`${definition.kind} with id "${importId}" does not exist`);
    return live;
  }
  const key = identityKey(definition);
  if (!key) {
    throw new Error(`${definition.kind} cannot be looked up by its fields; import it by id instead`);
  }
  const missing = key.fields.filter((f) => keySpec[f] === undefined);
  if (missing.length > 0) {
    throw new Error(
      `${definition.kind} import id "${importId}" lacks ${missing.join(', ')}; expected ${key.fields.map((f) => `${f}=…`).join(',')}`,
    );
  }
  const found = await definition.findByKey!(ctx, keySpec);
  if (found.length === 0) throw new Error(`${definition.kind} with ${importId} does not exist`);
  if (found.length > 1) {
    throw new AmbiguousKeyError(
      definition.kind,
      importId,
      found.map((l) => l.id),
      `Logto allows several ${definition.kind} objects with the same ${key.fields.join('+')}; import one of them by id`,
    );
  }
  return (await readObject(ctx, definition, found[0]!.id, keySpec)) ?? found[0]!;
}

/**
 * One live object for a data source or lookup: by `id`; else by its key when `fields` hold every key field
 * (`findObjectByKey`); else the one listed object whose fields equal `fields` (a singleton: the one object).
 * Errors name what matched.
 */
export async function lookupObject(
  ctx: ResourceContext,
  definition: ResourceDefinition<any>,
  by: { id?: string; fields: Record<string, unknown> },
): Promise<Live> {
  if (by.id !== undefined) return findObjectByKey(ctx, definition, by.id);
  const key = definition.key;
  if (key?.fields.every((f) => typeof by.fields[f] === 'string'))
    return findObjectByKey(ctx, definition, key.fields.map((f) => `${f}=${String(by.fields[f])}`).join(','));
  if (!definition.list) throw new Error(`${definition.kind} cannot be listed; look it up by id`);
  const all = await definition.list(ctx);
  if (definition.singleton && all.length === 0) throw new Error(`the tenant has no ${definition.kind} configured yet`);
  const criteria = Object.entries(by.fields).filter(([, v]) => v !== undefined);
  const matches = all.filter((l) => criteria.every(([f, v]) => l.spec[f] === v));
  if (matches.length !== 1) {
    throw new Error(
      `${matches.length} ${definition.kind} objects match ${criteria.map(([f, v]) => `${f}="${String(v)}"`).join(', ')}${matches.length > 1 ? ` (ids ${matches.map((m) => m.id).join(', ')}); look it up by id` : ''}`,
    );
  }
  return (await readObject(ctx, definition, matches[0]!.id)) ?? matches[0]!;
}
