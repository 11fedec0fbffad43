/**
 * `planTenant`: read live state (bulk, cached per run), resolve identities (prior id → key: natural, or an
 * adoption key when exactly one object matches → create), diff managed fields, report drift, list prunes.
 * Makes no write request.
 */
import { createHash } from 'node:crypto';
import type { Catalog, Live, ResourceContext, ResourceDefinition, Spec } from '../contract.js';
import { diffObject, normalizeSpec, type ObjectDiff } from './diff.js';
import { AmbiguousKeyError, SpecValidationError } from './errors.js';
import { hasUnknown, resolveRefs, runGraph } from './graph.js';
import { claimedIds, identityKey, knownId, pendingDeletes } from './identity.js';
import { labelReferences, liveKey } from './labels.js';
import { checkLive, createContext, readObject } from './objects.js';
import { definitionFor, type Prepared, prepareDesired } from './prepare.js';
import { stableStringify } from './secrets.js';
import type { Action, DesiredObject, DriftEntry, Plan, PlannedChange, PlanOptions, PriorState, Ref } from './types.js';

export interface Observed {
  address: string;
  definition: ResourceDefinition<any>;
  /** Desired spec with references resolved (UNKNOWN where the target does not exist yet). */
  resolved: Spec;
  id?: string;
  live?: Live;
  adopted?: boolean;
  /** The prior state's record was for this id. */
  lastApplied?: Spec;
  /** Known by id (prior/desired) but gone from Logto. */
  vanished?: boolean;
}

/** The id (or another attribute) of a desired object, when it exists and keeps existing. */
export function refValue(target: Observed | undefined, ref: Ref, willChangeIdentity: boolean): unknown {
  if (!target || willChangeIdentity || !target.live) return undefined;
  const attr = ref.attr ?? 'id';
  if (attr === 'id') return target.live.id;
  return target.live.outputs[attr] ?? target.live.spec[attr];
}

/** Which relation fields of a spec the user manages (to read only those). */
function managedRelations(definition: ResourceDefinition<any>, spec: Spec): string[] {
  return definition.relations.filter((r) => spec[r.field] !== undefined).map((r) => r.field);
}

/**
 * Find the object a desired entry stands for: prior/declared id, else its key (unique or adoption key),
 * else a singleton. Live objects another desired entry holds by id (`claimed`) are never adopted; several
 * matches are an `AmbiguousKeyError` naming every id.
 */
export async function observe(
  ctx: ResourceContext,
  definition: ResourceDefinition<any>,
  object: DesiredObject,
  resolved: Spec,
  prior?: PriorState,
  claimed: ReadonlySet<string> = new Set(),
): Promise<Observed> {
  const priorEntry = prior?.objects[object.address];
  const id = knownId(object, prior);
  const relations = managedRelations(definition, resolved);
  const out: Observed = { address: object.address, definition, resolved };
  const adopt = async (found: Live) => {
    const live = (await readObject(ctx, definition, found.id, knownOnly(resolved), { relations })) ?? found;
    out.id = live.id;
    out.live = live;
    out.adopted = true;
  };
  if (id) {
    out.id = id;
    if (priorEntry && priorEntry.id === id) out.lastApplied = priorEntry.applied;
    const live = await readObject(ctx, definition, id, knownOnly(resolved), { relations });
    if (live) out.live = live;
    else out.vanished = true;
    return out;
  }
  if (definition.singleton) {
    const all = definition.list ? await definition.list(ctx) : [];
    const first = all[0] ?? (await definition.read(ctx, 'default'));
    if (first) await adopt(first);
    return out;
  }
  const key = identityKey(definition);
  if (!key) return out;
  const keySpec: Spec = {};
  for (const f of key.fields) keySpec[f] = resolved[f];
  if (hasUnknown(keySpec)) return out; // its parent is new: so is it
  // A built-in object (the app this tool signs in with) is never adopted by a name Logto lets repeat: a file
  // entry with the same name stands for a new object. A unique key has no such choice.
  const found = (await definition.findByKey!(ctx, resolved)).filter(
    (l) => !claimed.has(`${definition.kind}:${l.id}`) && (key.unique || !definition.builtin?.(l, ctx)),
  );
  if (found.length > 1) {
    throw new AmbiguousKeyError(
      object.address,
      key.of(resolved),
      found.map((l) => l.id),
      key.unique
        ? undefined
        : `Logto allows several ${definition.kind} objects with the same ${key.fields.join('+')}: rename or delete the extra ones in Logto, or give ${object.address} its id (prior state, import)`,
    );
  }
  if (found.length === 1) await adopt(found[0]!);
  return out;
}

/** The spec without fields that are not known yet (a read hint must not carry placeholders). */
function knownOnly(spec: Spec): Spec {
  const out: Spec = {};
  for (const [k, v] of Object.entries(spec)) if (!hasUnknown({ [k]: v })) out[k] = v;
  return out;
}

/**
 * Deterministic hash of what was observed, and of the live objects planned for deletion: an
 * object made by hand since the plan, which a prune would now delete too, changes it.
 */
export function fingerprint(observed: Observed[], pruned: { address: string; id?: string }[] = []): string {
  const rows = [
    ...observed
      .filter((o) => o.live)
      // One hash over everything: no digest of a single secret of its own.
      .map((o) => [o.address, o.live!.id, normalizeSpec(o.definition, o.live!.spec)]),
    ...pruned.map((d) => [`(delete) ${d.address}`, d.id ?? null]),
  ].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return `sha256:${createHash('sha256').update(stableStringify(rows)).digest('hex')}`;
}

/**
 * The live objects of a kind that prune may consider: every one for a top-level kind; for a child kind only
 * those under a parent the desired set stands for (a parent to be created has none yet).
 */
async function prunable(
  ctx: ResourceContext,
  definition: ResourceDefinition<any>,
  observed: Iterable<Observed>,
): Promise<Live[]> {
  if (!definition.list) return [];
  const parent = definition.parent;
  if (!parent) return definition.list(ctx);
  const parentIds = new Set<string>();
  for (const o of observed) if (o.definition.kind === parent.kind && o.live) parentIds.add(o.live.id);
  const out: Live[] = [];
  for (const parentId of [...parentIds].sort()) {
    for (const live of await definition.list(ctx, parentId)) {
      // `list` may serve a bulk read: keep only what is really under this parent.
      if (live.spec[parent.field] === parentId) out.push(live);
    }
  }
  return out;
}

/** Does this planned action give the object a new id (dependents see UNKNOWN)? */
function changesIdentity(action: Action): boolean {
  return action === 'create' || action === 'replace';
}

export interface PlanInternals {
  plan: Plan;
  observed: Map<string, Observed>;
}

/** What the forward walk found: each desired object as observed, its planned change, and drift. */
interface Walked {
  observed: Map<string, Observed>;
  changes: Map<string, PlannedChange>;
  drift: DriftEntry[];
}

/** The live objects desired entries stand for, by `Kind:id`, and the deletes planned so far. */
interface LiveIndex {
  /** `Kind:id` → the live object a desired entry stands for (parents' keys for delete entries). */
  liveById: Map<string, Live>;
  /** `Kind:id` of live objects a desired entry holds: never deleted. */
  held: Set<string>;
  /** `Kind:id` of objects a delete is planned for (one delete per object). */
  planned: Set<string>;
}

/**
 * Step 1, the forward walk in dependency order: resolve each desired object's references against what its
 * dependencies were found to be, run the live checks, find the object it stands for and diff it.
 */
async function walkDesired(ctx: ResourceContext, prepared: Prepared, options: PlanOptions): Promise<Walked> {
  const claimed = claimedIds(prepared.objects, options.prior);
  const walked: Walked = { observed: new Map(), changes: new Map(), drift: [] };
  const actions = new Map<string, Action>();
  const desiredSpecs = prepared.objects.map((o) => ({ kind: o.kind, spec: o.spec ?? {} }));
  const errors: unknown[] = [];

  await runGraph(
    prepared.order,
    prepared.deps,
    8,
    async (address) => {
      try {
        const object = prepared.byAddress.get(address)!;
        const definition = prepared.definitions.get(address)!;
        const resolved = resolveRefs(object.spec, (ref) => {
          const target = walked.observed.get(ref.$ref);
          return refValue(target, ref, changesIdentity(actions.get(ref.$ref) ?? 'create'));
        });
        const refused = await checkLive(ctx, definition, resolved, desiredSpecs);
        if (refused.length > 0) throw new SpecValidationError(refused.map((i) => ({ address, ...i })));
        const o = await observe(ctx, definition, object, resolved, options.prior, claimed);
        walked.observed.set(address, o);
        const diff = diffObject(definition, resolved, o.live, o.lastApplied);
        actions.set(address, diff.action);
        walked.drift.push(...driftOf(object, o, diff.drift));
        walked.changes.set(address, plannedChange(object, o, diff, prepared.deps.get(address) ?? []));
      } catch (error) {
        errors.push(error);
        throw error;
      }
    },
    () => {},
  );
  if (errors.length > 0) throw errors[0];
  return walked;
}

/** Drift entries of one observed object: changed fields, and the object itself when it vanished. */
function driftOf(object: DesiredObject, o: Observed, fields: ObjectDiff['drift']): DriftEntry[] {
  const out: DriftEntry[] = fields.map((d) => ({
    address: o.address,
    kind: object.kind,
    id: o.id!,
    field: d.field,
    expected: d.before,
    live: d.after,
    ...(d.sensitive ? { sensitive: true } : {}),
  }));
  if (o.vanished) {
    out.push({
      address: o.address,
      kind: object.kind,
      id: o.id!,
      field: '(object)',
      expected: 'exists',
      live: 'deleted',
    });
  }
  return out;
}

function plannedChange(object: DesiredObject, o: Observed, diff: ObjectDiff, dependsOn: string[]): PlannedChange {
  const change: PlannedChange = {
    address: o.address,
    kind: object.kind,
    action: diff.action,
    changes: diff.changes,
    dependsOn,
  };
  if (o.live) change.id = o.live.id;
  if (o.adopted) change.adopted = true;
  if (diff.reason) change.reason = diff.reason;
  return change;
}

function indexLive(observed: Map<string, Observed>): LiveIndex {
  const live = [...observed.values()].filter((o) => o.live);
  return {
    liveById: new Map(live.map((o) => [`${o.definition.kind}:${o.live!.id}`, o.live!] as const)),
    held: new Set(live.map((o) => `${o.definition.kind}:${o.live!.id}`)),
    planned: new Set(),
  };
}

/**
 * Step 2: old halves of replacements an earlier apply did not delete (it failed or was interrupted): always
 * deleted, whatever `allowDelete` says, because this tool made the replacement.
 */
async function leftoverDeletes(
  ctx: ResourceContext,
  catalog: Catalog,
  prior: PriorState | undefined,
  index: LiveIndex,
): Promise<PlannedChange[]> {
  const deletes: PlannedChange[] = [];
  for (const [owner, entry] of Object.entries(prior?.objects ?? {})) {
    const definition = definitionFor(catalog, entry.kind);
    if (!definition) continue;
    for (const id of pendingDeletes(entry)) {
      const ref = `${definition.kind}:${id}`;
      if (index.held.has(ref) || index.planned.has(ref)) continue;
      const live = await readObject(ctx, definition, id, undefined, { relations: [] });
      if (!live || definition.builtin?.(live, ctx)) continue;
      index.planned.add(ref);
      const key = await liveKey(ctx, catalog, definition.kind, live.spec, index.liveById);
      deletes.push({
        address: `${definition.kind}[${id}]`,
        kind: definition.kind,
        action: 'delete',
        id,
        ...(key !== undefined ? { key } : {}),
        reason: `left over from replacing ${owner}: an earlier apply created the replacement but did not delete this object`,
        changes: [],
        dependsOn: [],
      });
    }
  }
  return deletes;
}

/**
 * Step 3, prune: live objects no desired entry claims, only for kinds the user allows to delete. A child kind
 * (one with a `parent`) is pruned only under parents the desired set manages (resolved to a live object by id
 * or adoption): the children of another team's API or app are never touched. Objects the prior state records
 * under an address no longer desired were this tool's, and are pruned whatever their parent.
 */
async function pruneDeletes(
  ctx: ResourceContext,
  prepared: Prepared,
  options: PlanOptions,
  observed: Map<string, Observed>,
  index: LiveIndex,
): Promise<PlannedChange[]> {
  const deletes: PlannedChange[] = [];
  const allowDelete = new Set(options.allowDelete ?? []);
  const desiredAddresses = new Set(prepared.order);
  for (const definition of [...prepared.catalog].reverse()) {
    if (!allowDelete.has(definition.kind) || (definition.singleton && !definition.removable)) continue;
    // Objects this kind had in prior state under addresses no longer desired, and every live object.
    const candidates = new Map<string, { address: string; id: string; live?: Live }>();
    for (const [address, entry] of Object.entries(options.prior?.objects ?? {})) {
      if (entry.kind === definition.kind && !desiredAddresses.has(address)) {
        candidates.set(entry.id, { address, id: entry.id });
      }
    }
    const fromPrior = new Set(candidates.keys());
    for (const live of await prunable(ctx, definition, observed.values())) {
      const known = candidates.get(live.id);
      if (known) known.live = live;
      else candidates.set(live.id, { address: `${definition.kind}[${live.id}]`, id: live.id, live });
    }
    for (const c of candidates.values()) {
      if (index.held.has(`${definition.kind}:${c.id}`) || index.planned.has(`${definition.kind}:${c.id}`)) continue;
      if (c.live && definition.builtin?.(c.live, ctx)) continue;
      if (!c.live && definition.list) {
        // A prior object under a parent the desired set does not manage was not listed: read it by id.
        const live =
          definition.parent && fromPrior.has(c.id)
            ? await readObject(ctx, definition, c.id, undefined, { relations: [] })
            : undefined;
        if (!live || definition.builtin?.(live, ctx)) continue; // already gone
        c.live = live;
      }
      const key = c.live
        ? await liveKey(ctx, prepared.catalog, definition.kind, c.live.spec, index.liveById)
        : undefined;
      deletes.push({
        address: c.address,
        kind: definition.kind,
        action: 'delete',
        id: c.id,
        ...(key !== undefined ? { key } : {}),
        changes: [],
        dependsOn: [],
      });
    }
  }
  return deletes;
}

/**
 * Step 4: the plan as shown: changes in dependency order then deletes, filtered by `only`/`exclude`, with
 * counts, reference labels and the fingerprint of what was observed.
 */
async function assemblePlan(
  ctx: ResourceContext,
  prepared: Prepared,
  options: PlanOptions,
  walked: Walked,
  index: LiveIndex,
  deletes: PlannedChange[],
): Promise<Plan> {
  const only = options.only ? new Set(options.only) : undefined;
  const exclude = new Set(options.exclude ?? []);
  const keep = (kind: string) => (!only || only.has(kind)) && !exclude.has(kind);
  const ordered = [...prepared.order.map((a) => walked.changes.get(a)!), ...deletes].filter((c) => keep(c.kind));
  const summary = { create: 0, update: 0, replace: 0, delete: 0, noop: 0, drift: 0 };
  for (const c of ordered) summary[c.action]++;
  const keptDrift = walked.drift.filter((d) => keep(d.kind));
  summary.drift = keptDrift.length;
  const addressById = new Map(
    [...walked.observed.values()]
      .filter((o) => o.live)
      .map((o) => [`${o.definition.kind}:${o.live!.id}`, o.address] as const),
  );
  await labelReferences(
    { ctx, catalog: prepared.catalog, byAddress: prepared.byAddress, addressById, liveById: index.liveById },
    ordered,
    keptDrift,
  );
  return {
    formatVersion: 1,
    createdAt: new Date().toISOString(),
    changes: ordered,
    drift: keptDrift,
    summary,
    liveFingerprint: fingerprint([...walked.observed.values()], deletes),
  };
}

export async function planTenantInternal(desired: DesiredObject[], options: PlanOptions): Promise<PlanInternals> {
  const prepared = prepareDesired(desired, options.catalog, options.prior);
  const ctx = createContext(options.client);
  const walked = await walkDesired(ctx, prepared, options);
  const index = indexLive(walked.observed);
  const deletes = [
    ...(await leftoverDeletes(ctx, prepared.catalog, options.prior, index)),
    ...(await pruneDeletes(ctx, prepared, options, walked.observed, index)),
  ];
  const plan = await assemblePlan(ctx, prepared, options, walked, index, deletes);
  return { plan, observed: walked.observed };
}

export async function planTenant(desired: DesiredObject[], options: PlanOptions): Promise<Plan> {
  return (await planTenantInternal(desired, options)).plan;
}
