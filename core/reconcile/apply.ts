/**
 * `applyPlan`: executes a plan in dependency order with bounded parallelism, deletes in reverse. Each
 * object's diff is recomputed against live state read just before its write, so a rerun after an
 * interruption converges: created objects are found again by prior id (from `onState`) or natural key.
 */
import type { Live, ResourceContext, ResourceDefinition, Spec } from '../contract.js';
import { diffObject, normalizeSpec } from './diff.js';
import { errorMessage, PartialCreateError } from './errors.js';
import { hasUnknown, resolveRefs, runGraph } from './graph.js';
import { claimedIds, pendingDeletes } from './identity.js';
import {
  createContext,
  createObjectWithReport,
  deleteObject,
  readObject,
  updateObject,
  withoutRelations,
} from './objects.js';
import { type Observed, observe, refValue } from './plan.js';
import { definitionFor, prepareDesired } from './prepare.js';
import { hashSecrets, newSalt } from './secrets.js';
import type {
  Action,
  ApplyOptions,
  ApplyResult,
  DesiredObject,
  ObjectResult,
  ObjectState,
  Plan,
  PlannedChange,
  PriorState,
} from './types.js';

/** The managed fields as stored in state: normalised, secrets as salted digests (see `hashSecrets`). */
export function appliedForm(definition: ResourceDefinition<any>, spec: Spec, salt: string): Spec {
  return hashSecrets(definition, normalizeSpec(definition, spec), salt);
}

/** A copy of the state (entries and their pending lists are not shared with the caller). */
function snapshot(state: PriorState): PriorState {
  const objects: Record<string, ObjectState> = {};
  for (const [address, entry] of Object.entries(state.objects)) {
    objects[address] = entry.pendingDelete ? { ...entry, pendingDelete: [...entry.pendingDelete] } : { ...entry };
  }
  return { ...(state.salt ? { salt: state.salt } : {}), objects };
}

function pick(spec: Spec, keys: string[]): Spec {
  const out: Spec = {};
  for (const k of keys) if (spec[k] !== undefined) out[k] = spec[k];
  return out;
}

/** Can the replacement exist next to the old object (no shared natural key)? */
function createBeforeDestroy(definition: ResourceDefinition<any>, oldSpec: Spec, newSpec: Spec): boolean {
  if (!definition.key) return true;
  try {
    return definition.key.of(oldSpec) !== definition.key.of(newSpec);
  } catch {
    return false;
  }
}

export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
  const prepared = prepareDesired(options.desired, options.catalog, options.prior);
  const ctx: ResourceContext = createContext(options.client);
  // Key lookups of objects created after their dependencies read one list per kind (and parent) per run, from
  // a cache this run's writes do not clear: re-listing after every sibling's create made apply quadratic. The
  // objects this run creates are claimed by their addresses, so a list that predates them cannot mislead.
  const lookupCtx: ResourceContext = createContext(options.client);
  const concurrency = options.concurrency ?? 8;
  // One salt per state for its secrets' digests: made with the state, kept as long as it lives.
  const salt = options.prior?.salt ?? newSalt();
  const state: PriorState = { salt, objects: { ...(options.prior?.objects ?? {}) } };
  const results = new Map<string, ObjectResult>();
  const done = new Map<string, Observed>();
  const deferredDeletes: { address: string; definition: ResourceDefinition<any>; id: string; live?: Live }[] = [];

  const planned = new Map(plan.changes.map((c) => [c.address, c]));
  // Ids held by desired entries (declared, prior, or found by the plan) are never adopted by another entry.
  const claimed = claimedIds(
    prepared.objects,
    options.prior,
    plan.changes.filter((c) => c.action !== 'delete' && c.id).map((c) => `${c.kind}:${c.id}`),
  );
  const forward = plan.changes.filter((c) => c.action !== 'delete' && prepared.byAddress.has(c.address));
  const forwardSet = new Set(forward.map((c) => c.address));
  // Planned objects also depend on desired objects outside the plan (filtered kinds): those are observed lazily.
  const deps = new Map<string, string[]>();
  for (const c of forward)
    deps.set(
      c.address,
      (prepared.deps.get(c.address) ?? []).filter((d) => forwardSet.has(d)),
    );

  const emitState = () => options.onState?.(snapshot(state));
  /**
   * Set an address's entry, keeping the old objects it still has to delete. Its own id stays listed only when
   * the caller lists it (the old object, just before its replacement is created).
   */
  const setEntry = (address: string, entry: ObjectState) => {
    const kept = (state.objects[address]?.pendingDelete ?? []).filter((id) => id !== entry.id);
    const rest = [...new Set([...kept, ...(entry.pendingDelete ?? [])])];
    const { pendingDelete: _, ...base } = entry;
    state.objects[address] = rest.length > 0 ? { ...base, pendingDelete: rest } : base;
  };
  /** An old object is gone: no entry waits for its deletion any more. */
  const settlePending = (kind: string, id: string) => {
    for (const [address, entry] of Object.entries(state.objects)) {
      if (entry.kind !== kind || !entry.pendingDelete?.includes(id)) continue;
      const rest = entry.pendingDelete.filter((p) => p !== id);
      const { pendingDelete: _, ...base } = entry;
      state.objects[address] = rest.length > 0 ? { ...base, pendingDelete: rest } : base;
    }
  };
  const record = (result: ObjectResult) => {
    results.set(result.address, result);
    options.onProgress?.({
      address: result.address,
      action: result.action,
      status: result.status === 'ok' ? 'done' : 'failed',
      ...(result.error ? { error: result.error } : {}),
      ...(result.id ? { id: result.id } : {}),
    });
  };

  const observeOutside = async (address: string): Promise<Observed | undefined> => {
    const cached = done.get(address);
    if (cached) return cached;
    const object = prepared.byAddress.get(address);
    const definition = prepared.definitions.get(address);
    if (!object || !definition) return undefined;
    const o = await observe(
      ctx,
      definition,
      object,
      resolveRefs(object.spec, () => undefined),
      options.prior,
      claimed,
    );
    done.set(address, o);
    return o;
  };

  /** Observe a planned object, by the id the plan found for it when there is one. */
  const observePlanned = (
    object: DesiredObject,
    definition: ResourceDefinition<any>,
    change: PlannedChange,
    resolved: Spec,
    via: ResourceContext = ctx,
  ): Promise<Observed> =>
    observe(via, definition, change.id ? { ...object, id: change.id } : object, resolved, options.prior, claimed);

  // Live state read before any write, one bulk read per kind: objects known by id, and creates whose
  // natural key needs no id from this run (a create made since the plan is then adopted, not duplicated).
  const createdHere = new Set<string>();
  const prefetched = new Map<string, Promise<Observed>>();
  for (const change of forward) {
    const object = prepared.byAddress.get(change.address)!;
    const definition = prepared.definitions.get(change.address)!;
    if (!change.id && (prepared.deps.get(change.address) ?? []).length > 0) continue;
    const p = observePlanned(
      object,
      definition,
      change,
      resolveRefs(object.spec, () => undefined),
    );
    p.catch(() => {}); // awaited (and reported) by the object's own work
    prefetched.set(change.address, p);
  }

  const observeForWork = async (
    address: string,
    object: DesiredObject,
    definition: ResourceDefinition<any>,
    change: PlannedChange,
    resolved: Spec,
  ): Promise<Observed> => {
    const pre = prefetched.get(address);
    if (pre) return { ...(await pre), resolved };
    // The parent was created by this run: it cannot hold this child yet, so skip the key lookup.
    // (Children Logto seeds with the parent are adopted by createObject.)
    const parentField = definition.parent?.field;
    const parentRef = parentField ? (object.spec[parentField] as { $ref?: string } | undefined)?.$ref : undefined;
    if (!change.id && parentRef && createdHere.has(parentRef)) return { address, definition, resolved };
    return observePlanned(object, definition, change, resolved, lookupCtx);
  };

  const work = async (address: string) => {
    const change = planned.get(address)!;
    const object = prepared.byAddress.get(address)!;
    const definition = prepared.definitions.get(address)!;
    options.onProgress?.({ address, action: change.action, status: 'started' });
    const refTargets = new Map<string, Observed | undefined>();
    for (const dep of prepared.deps.get(address) ?? []) {
      refTargets.set(dep, done.get(dep) ?? (forwardSet.has(dep) ? undefined : await observeOutside(dep)));
    }
    const resolved = resolveRefs(object.spec, (ref) => refValue(refTargets.get(ref.$ref), ref, false));
    let action: Action = change.action;
    try {
      if (hasUnknown(resolved)) throw new Error('a referenced object has no id (it was not created)');
      const o = await observeForWork(address, object, definition, change, resolved);
      let live = o.live;
      let note: string | undefined;
      let previousId: string | undefined;
      if (!live) {
        if (change.id && change.action !== 'create')
          note = `${change.id} was deleted outside this tool; created it again`;
        action = 'create';
        const report = await createObjectWithReport(ctx, definition, resolved);
        live = report.live;
        note = [note, report.note].filter(Boolean).join('; ') || undefined;
      } else {
        const diff = diffObject(definition, resolved, live, o.lastApplied);
        if (diff.action === 'replace') {
          action = 'replace';
          previousId = live.id;
          const old = live;
          if (createBeforeDestroy(definition, old.spec, resolved)) {
            // Record the old object as pending deletion before its replacement exists: an apply that fails
            // or dies from here on leaves a state that still knows about it (the next plan deletes it).
            const entry = state.objects[address];
            setEntry(address, {
              kind: object.kind,
              id: old.id,
              applied:
                entry?.id === old.id
                  ? entry.applied
                  : appliedForm(definition, pick(old.spec, Object.keys(resolved)), salt),
              pendingDelete: [old.id],
            });
            emitState();
            const report = await createObjectWithReport(ctx, definition, resolved);
            live = report.live;
            note = report.note;
            setEntry(address, { kind: object.kind, id: live.id, applied: appliedForm(definition, resolved, salt) });
            emitState();
            deferredDeletes.push({ address, definition, id: old.id, live: old });
          } else {
            await deleteObject(ctx, definition, old.id, old);
            // Keep the entry while it still lists old objects to delete (it points at a gone id meanwhile).
            if (pendingDeletes(state.objects[address]).length === 0) delete state.objects[address];
            const report = await createObjectWithReport(ctx, definition, resolved);
            live = report.live;
            note = report.note;
          }
        } else if (diff.action === 'update') {
          action = change.action === 'noop' ? 'update' : change.action;
          live = await updateObject(ctx, definition, live.id, resolved, live, o.lastApplied);
        } else {
          action = change.action === 'replace' ? 'noop' : change.action;
        }
      }
      if (action === 'create' || action === 'replace') createdHere.add(address);
      const final: Observed = { ...o, live, id: live.id };
      done.set(address, final);
      setEntry(address, { kind: object.kind, id: live.id, applied: appliedForm(definition, resolved, salt) });
      record({
        address,
        kind: object.kind,
        action,
        status: 'ok',
        id: live.id,
        ...(note ? { note } : {}),
        ...(previousId ? { previousId } : {}),
      });
      emitState();
    } catch (error) {
      if (error instanceof PartialCreateError) {
        // The object exists: remember it so a rerun updates instead of creating a duplicate (an old object it
        // replaces stays pending deletion: the replacement is not complete, so it is not deleted now).
        setEntry(address, {
          kind: object.kind,
          id: error.id,
          applied: appliedForm(definition, withoutRelations(definition, resolved), salt),
        });
        emitState();
      }
      record({
        address,
        kind: object.kind,
        action,
        status: 'failed',
        error: errorMessage(error),
        ...(change.id ? { id: change.id } : {}),
      });
      throw error;
    }
  };

  await runGraph(
    forward.map((c) => c.address),
    deps,
    concurrency,
    work,
    (address, because) => {
      const change = planned.get(address)!;
      record({
        address,
        kind: change.kind,
        action: change.action,
        status: 'skipped',
        error: `skipped because ${because} did not succeed`,
        ...(change.id ? { id: change.id } : {}),
      });
    },
  );

  // Deletes: pruned objects and the old halves of create-before-destroy replacements, children first.
  const rank = (kind: string) => prepared.catalog.findIndex((d) => d.kind === kind);
  type Deletion = {
    address: string;
    definition: ResourceDefinition<any>;
    id: string;
    live?: Live;
    change?: PlannedChange;
  };
  const deletions: Deletion[] = [
    ...plan.changes
      .filter((c) => c.action === 'delete' && c.id)
      .map((c) => ({ address: c.address, definition: definitionFor(prepared.catalog, c.kind)!, id: c.id!, change: c }))
      .filter((d) => d.definition),
    ...deferredDeletes,
  ];
  const leftOver = new Set(
    Object.values(state.objects).flatMap((e) => pendingDeletes(e).map((id) => `${e.kind}:${id}`)),
  );
  const attempted = new Set(deletions.map((d) => `${d.definition.kind}:${d.id}`));
  const ranks = [...new Set(deletions.map((d) => rank(d.definition.kind)))].sort((a, b) => b - a);
  for (const r of ranks) {
    const batch = deletions.filter((d) => rank(d.definition.kind) === r);
    for (let i = 0; i < batch.length; i += concurrency) {
      await Promise.all(
        batch.slice(i, i + concurrency).map(async (d) => {
          // The old half of a replacement (now or in an earlier run) gets a second chance: a lone failure
          // would otherwise leave two objects behind.
          const oldHalf = !d.change || leftOver.has(`${d.definition.kind}:${d.id}`);
          try {
            const remove = async () => {
              const live = d.live ?? (await readObject(ctx, d.definition, d.id, undefined, { relations: [] }));
              if (live && d.definition.builtin?.(live, ctx)) throw new Error('built-in object; not deleted');
              if (live) await deleteObject(ctx, d.definition, d.id, live);
            };
            await remove().catch((error: unknown) => {
              if (!oldHalf || (error instanceof Error && error.message === 'built-in object; not deleted')) throw error;
              return remove();
            });
            settlePending(d.definition.kind, d.id);
            if (d.change) {
              delete state.objects[d.address];
              record({ address: d.address, kind: d.definition.kind, action: 'delete', status: 'ok', id: d.id });
            }
            emitState();
          } catch (error) {
            if (d.change) {
              record({
                address: d.address,
                kind: d.definition.kind,
                action: 'delete',
                status: 'failed',
                id: d.id,
                error: errorMessage(error),
              });
            } else {
              // The replacement exists, the old object too: a failure, not a note. The state still lists the
              // old id as pending deletion, so a rerun with it deletes the leftover.
              const result = results.get(d.address);
              if (result) {
                record({
                  ...result,
                  status: 'failed',
                  error:
                    `${d.definition.kind} ${result.id} replaced ${d.id}, but deleting the old ${d.definition.kind} ${d.id} ` +
                    `failed (tried twice): ${errorMessage(error)}. Both exist now. The returned state lists ${d.id} ` +
                    `as pending deletion: rerun apply with that state to delete it, or delete ${d.definition.kind} ${d.id} in Logto.`,
                });
              }
            }
          }
        }),
      );
    }
  }

  // Old objects an earlier apply left pending that this plan did not delete: forget the ones that are gone
  // or that a desired entry now holds (imported under another address).
  const heldNow = new Set(
    Object.entries(state.objects)
      .filter(([address]) => prepared.byAddress.has(address))
      .map(([, e]) => `${e.kind}:${e.id}`),
  );
  for (const entry of Object.values({ ...state.objects })) {
    const definition = definitionFor(prepared.catalog, entry.kind);
    if (!definition) continue;
    for (const id of pendingDeletes(entry)) {
      if (attempted.has(`${entry.kind}:${id}`)) continue;
      if (heldNow.has(`${entry.kind}:${id}`)) {
        settlePending(entry.kind, id);
        continue;
      }
      const live = await readObject(ctx, definition, id, undefined, { relations: [] }).catch(() => 'unknown' as const);
      if (live === undefined) settlePending(entry.kind, id);
    }
  }

  // Objects removed from the desired set whose kind may not be deleted are forgotten, not deleted (unless
  // the entry still lists old objects to delete: it stays until they are gone).
  for (const address of Object.keys(state.objects)) {
    if (
      !prepared.byAddress.has(address) &&
      !plan.changes.some((c) => c.address === address && c.action === 'delete') &&
      pendingDeletes(state.objects[address]).length === 0
    ) {
      delete state.objects[address];
    }
  }

  const ordered = plan.changes.map((c) => results.get(c.address)).filter((r): r is ObjectResult => Boolean(r));
  const summary = { created: 0, updated: 0, replaced: 0, deleted: 0, failed: 0, skipped: 0 };
  for (const r of ordered) {
    if (r.status === 'failed') summary.failed++;
    else if (r.status === 'skipped') summary.skipped++;
    else if (r.action === 'create') summary.created++;
    else if (r.action === 'update') summary.updated++;
    else if (r.action === 'replace') summary.replaced++;
    else if (r.action === 'delete') summary.deleted++;
  }
  return { results: ordered, state, summary };
}
