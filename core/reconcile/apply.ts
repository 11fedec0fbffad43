/**
 * `applyPlan`: executes a plan in dependency order with bounded parallelism, deletes in reverse. Each
 * object's diff is recomputed against live state read just before its write, so a rerun after an
 * interruption converges: created objects are found again by prior id (from `onState`) or natural key.
 */
import type { Catalog, Live, ResourceContext, ResourceDefinition, Spec } from '../contract.js';
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
import { definitionFor, type Prepared, prepareDesired } from './prepare.js';
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

/** An object to delete: a planned delete (`change`), or the old half of a replacement made by this run. */
export interface Deletion {
  address: string;
  definition: ResourceDefinition<any>;
  id: string;
  live?: Live;
  change?: PlannedChange;
}

/**
 * The order deletions run in: children first (kinds later in the catalog before earlier ones), at most
 * `concurrency` at once. Each inner list runs in parallel, the lists one after another.
 */
export function deletionBatches(deletions: Deletion[], catalog: Catalog, concurrency: number): Deletion[][] {
  const rank = (kind: string) => catalog.findIndex((d) => d.kind === kind);
  const ranks = [...new Set(deletions.map((d) => rank(d.definition.kind)))].sort((a, b) => b - a);
  const batches: Deletion[][] = [];
  for (const r of ranks) {
    const same = deletions.filter((d) => rank(d.definition.kind) === r);
    for (let i = 0; i < same.length; i += concurrency) batches.push(same.slice(i, i + concurrency));
  }
  return batches;
}

/** The results in plan order, and their counts. */
export function summarize(plan: Plan, results: ReadonlyMap<string, ObjectResult>): Omit<ApplyResult, 'state'> {
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
  return { results: ordered, summary };
}

const BUILTIN_REFUSED = 'built-in object; not deleted';

/**
 * One apply, phase by phase: `prefetch` (live state before any write), `forwardPass` (creates, updates and
 * replacements in dependency order), `deletions` (children first), `settleLeftovers` and `forgetUndesired`
 * (state clean-up), then `result` (the summary). The state and the results are the run's; every phase
 * reports through `record` and `emitState`.
 */
export class ApplyRun {
  private readonly prepared: Prepared;
  private readonly ctx: ResourceContext;
  /**
   * Key lookups of objects created after their dependencies read one list per kind (and parent) per run,
   * from a cache this run's writes do not clear: re-listing after every sibling's create made apply
   * quadratic. The objects this run creates are claimed by their addresses, so a list that predates them
   * cannot mislead.
   */
  private readonly lookupCtx: ResourceContext;
  private readonly concurrency: number;
  /** One salt per state for its secrets' digests: made with the state, kept as long as it lives. */
  private readonly salt: string;
  readonly state: PriorState;
  readonly results = new Map<string, ObjectResult>();
  /** Desired objects worked on (or observed) so far, as they are now. */
  private readonly done = new Map<string, Observed>();
  /** Old halves of create-before-destroy replacements, deleted with the planned deletes. */
  private readonly deferredDeletes: Deletion[] = [];
  private readonly planned: Map<string, PlannedChange>;
  /** Ids held by desired entries (declared, prior, or found by the plan) are never adopted by another entry. */
  private readonly claimed: Set<string>;
  /** The creates, updates and replacements of desired objects, in plan order. */
  private readonly forward: PlannedChange[];
  private readonly forwardSet: Set<string>;
  /** Dependencies among the forward changes (those on desired objects outside the plan are observed lazily). */
  private readonly deps = new Map<string, string[]>();
  /** Addresses created (or replaced) by this run. */
  private readonly createdHere = new Set<string>();
  private readonly prefetched = new Map<string, Promise<Observed>>();

  constructor(
    private readonly plan: Plan,
    private readonly options: ApplyOptions,
  ) {
    this.prepared = prepareDesired(options.desired, options.catalog, options.prior);
    this.ctx = createContext(options.client);
    this.lookupCtx = createContext(options.client);
    this.concurrency = options.concurrency ?? 8;
    this.salt = options.prior?.salt ?? newSalt();
    this.state = { salt: this.salt, objects: { ...(options.prior?.objects ?? {}) } };
    this.planned = new Map(plan.changes.map((c) => [c.address, c]));
    this.claimed = claimedIds(
      this.prepared.objects,
      options.prior,
      plan.changes.filter((c) => c.action !== 'delete' && c.id).map((c) => `${c.kind}:${c.id}`),
    );
    this.forward = plan.changes.filter((c) => c.action !== 'delete' && this.prepared.byAddress.has(c.address));
    this.forwardSet = new Set(this.forward.map((c) => c.address));
    for (const c of this.forward) {
      this.deps.set(
        c.address,
        (this.prepared.deps.get(c.address) ?? []).filter((d) => this.forwardSet.has(d)),
      );
    }
  }

  // --- State and reporting -------------------------------------------------------------------------------

  private emitState(): void {
    this.options.onState?.(snapshot(this.state));
  }

  /**
   * Set an address's entry, keeping the old objects it still has to delete. Its own id stays listed only when
   * the caller lists it (the old object, just before its replacement is created).
   */
  private setEntry(address: string, entry: ObjectState): void {
    const kept = (this.state.objects[address]?.pendingDelete ?? []).filter((id) => id !== entry.id);
    const rest = [...new Set([...kept, ...(entry.pendingDelete ?? [])])];
    const { pendingDelete: _, ...base } = entry;
    this.state.objects[address] = rest.length > 0 ? { ...base, pendingDelete: rest } : base;
  }

  /** An old object is gone: no entry waits for its deletion any more. */
  private settlePending(kind: string, id: string): void {
    for (const [address, entry] of Object.entries(this.state.objects)) {
      if (entry.kind !== kind || !entry.pendingDelete?.includes(id)) continue;
      const rest = entry.pendingDelete.filter((p) => p !== id);
      const { pendingDelete: _, ...base } = entry;
      this.state.objects[address] = rest.length > 0 ? { ...base, pendingDelete: rest } : base;
    }
  }

  private record(result: ObjectResult): void {
    this.results.set(result.address, result);
    this.options.onProgress?.({
      address: result.address,
      action: result.action,
      status: result.status === 'ok' ? 'done' : 'failed',
      ...(result.error ? { error: result.error } : {}),
      ...(result.id ? { id: result.id } : {}),
    });
  }

  // --- Observing -----------------------------------------------------------------------------------------

  /** Observe a planned object, by the id the plan found for it when there is one. */
  private observePlanned(
    object: DesiredObject,
    definition: ResourceDefinition<any>,
    change: PlannedChange,
    resolved: Spec,
    via: ResourceContext = this.ctx,
  ): Promise<Observed> {
    const known = change.id ? { ...object, id: change.id } : object;
    return observe(via, definition, known, resolved, this.options.prior, this.claimed);
  }

  /** A desired object outside the plan (a filtered kind) that a planned one refers to. */
  private async observeOutside(address: string): Promise<Observed | undefined> {
    const cached = this.done.get(address);
    if (cached) return cached;
    const object = this.prepared.byAddress.get(address);
    const definition = this.prepared.definitions.get(address);
    if (!object || !definition) return undefined;
    const resolved = resolveRefs(object.spec, () => undefined);
    const o = await observe(this.ctx, definition, object, resolved, this.options.prior, this.claimed);
    this.done.set(address, o);
    return o;
  }

  /**
   * Phase 1: live state read before any write, one bulk read per kind: objects known by id, and creates whose
   * natural key needs no id from this run (a create made since the plan is then adopted, not duplicated).
   */
  prefetch(): void {
    for (const change of this.forward) {
      const object = this.prepared.byAddress.get(change.address)!;
      const definition = this.prepared.definitions.get(change.address)!;
      if (!change.id && (this.prepared.deps.get(change.address) ?? []).length > 0) continue;
      const p = this.observePlanned(
        object,
        definition,
        change,
        resolveRefs(object.spec, () => undefined),
      );
      p.catch(() => {}); // awaited (and reported) by the object's own work
      this.prefetched.set(change.address, p);
    }
  }

  private async observeForWork(
    address: string,
    object: DesiredObject,
    definition: ResourceDefinition<any>,
    change: PlannedChange,
    resolved: Spec,
  ): Promise<Observed> {
    const pre = this.prefetched.get(address);
    if (pre) return { ...(await pre), resolved };
    // The parent was created by this run: it cannot hold this child yet, so skip the key lookup.
    // (Children Logto seeds with the parent are adopted by createObject.)
    const parentField = definition.parent?.field;
    const parentRef = parentField ? (object.spec[parentField] as { $ref?: string } | undefined)?.$ref : undefined;
    if (!change.id && parentRef && this.createdHere.has(parentRef)) return { address, definition, resolved };
    return this.observePlanned(object, definition, change, resolved, this.lookupCtx);
  }

  // --- Phase 2: the forward pass -------------------------------------------------------------------------

  /** Creates, updates and replacements in dependency order; a failure skips what depends on it. */
  async forwardPass(): Promise<void> {
    await runGraph(
      this.forward.map((c) => c.address),
      this.deps,
      this.concurrency,
      (address) => this.applyOne(address),
      (address, because) => {
        const change = this.planned.get(address)!;
        this.record({
          address,
          kind: change.kind,
          action: change.action,
          status: 'skipped',
          error: `skipped because ${because} did not succeed`,
          ...(change.id ? { id: change.id } : {}),
        });
      },
    );
  }

  /** One desired object: resolve its references, read it, and create, update or replace it as it is now. */
  async applyOne(address: string): Promise<void> {
    const change = this.planned.get(address)!;
    const object = this.prepared.byAddress.get(address)!;
    const definition = this.prepared.definitions.get(address)!;
    this.options.onProgress?.({ address, action: change.action, status: 'started' });
    const refTargets = new Map<string, Observed | undefined>();
    for (const dep of this.prepared.deps.get(address) ?? []) {
      refTargets.set(
        dep,
        this.done.get(dep) ?? (this.forwardSet.has(dep) ? undefined : await this.observeOutside(dep)),
      );
    }
    const resolved = resolveRefs(object.spec, (ref) => refValue(refTargets.get(ref.$ref), ref, false));
    let action: Action = change.action;
    try {
      if (hasUnknown(resolved)) throw new Error('a referenced object has no id (it was not created)');
      const o = await this.observeForWork(address, object, definition, change, resolved);
      let live = o.live;
      let note: string | undefined;
      let previousId: string | undefined;
      if (!live) {
        if (change.id && change.action !== 'create')
          note = `${change.id} was deleted outside this tool; created it again`;
        action = 'create';
        const report = await createObjectWithReport(this.ctx, definition, resolved);
        live = report.live;
        note = [note, report.note].filter(Boolean).join('; ') || undefined;
      } else {
        const diff = diffObject(definition, resolved, live, o.lastApplied);
        if (diff.action === 'replace') {
          action = 'replace';
          previousId = live.id;
          ({ live, note } = await this.replace(address, object, definition, live, resolved));
        } else if (diff.action === 'update') {
          action = change.action === 'noop' ? 'update' : change.action;
          live = await updateObject(this.ctx, definition, live.id, resolved, live, o.lastApplied);
        } else {
          action = change.action === 'replace' ? 'noop' : change.action;
        }
      }
      if (action === 'create' || action === 'replace') this.createdHere.add(address);
      this.done.set(address, { ...o, live, id: live.id });
      this.setEntry(address, {
        kind: object.kind,
        id: live.id,
        applied: appliedForm(definition, resolved, this.salt),
      });
      this.record({
        address,
        kind: object.kind,
        action,
        status: 'ok',
        id: live.id,
        ...(note ? { note } : {}),
        ...(previousId ? { previousId } : {}),
      });
      this.emitState();
    } catch (error) {
      if (error instanceof PartialCreateError) {
        // The object exists: remember it so a rerun updates instead of creating a duplicate (an old object it
        // replaces stays pending deletion: the replacement is not complete, so it is not deleted now).
        this.setEntry(address, {
          kind: object.kind,
          id: error.id,
          applied: appliedForm(definition, withoutRelations(definition, resolved), this.salt),
        });
        this.emitState();
      }
      this.record({
        address,
        kind: object.kind,
        action,
        status: 'failed',
        error: errorMessage(error),
        ...(change.id ? { id: change.id } : {}),
      });
      throw error;
    }
  }

  /**
   * Replace `old` with a new object of `resolved`: create before destroy when both can exist at once (the old
   * one is deleted in the deletion phase), else delete first.
   */
  private async replace(
    address: string,
    object: DesiredObject,
    definition: ResourceDefinition<any>,
    old: Live,
    resolved: Spec,
  ): Promise<{ live: Live; note: string | undefined }> {
    if (!createBeforeDestroy(definition, old.spec, resolved)) {
      await deleteObject(this.ctx, definition, old.id, old);
      // Keep the entry while it still lists old objects to delete (it points at a gone id meanwhile).
      if (pendingDeletes(this.state.objects[address]).length === 0) delete this.state.objects[address];
      const report = await createObjectWithReport(this.ctx, definition, resolved);
      return { live: report.live, note: report.note };
    }
    // Record the old object as pending deletion before its replacement exists: an apply that fails or dies
    // from here on leaves a state that still knows about it (the next plan deletes it).
    const entry = this.state.objects[address];
    this.setEntry(address, {
      kind: object.kind,
      id: old.id,
      applied:
        entry?.id === old.id
          ? entry.applied
          : appliedForm(definition, pick(old.spec, Object.keys(resolved)), this.salt),
      pendingDelete: [old.id],
    });
    this.emitState();
    const report = await createObjectWithReport(this.ctx, definition, resolved);
    this.setEntry(address, {
      kind: object.kind,
      id: report.live.id,
      applied: appliedForm(definition, resolved, this.salt),
    });
    this.emitState();
    this.deferredDeletes.push({ address, definition, id: old.id, live: old });
    return { live: report.live, note: report.note };
  }

  // --- Phase 3: deletions --------------------------------------------------------------------------------

  /**
   * Pruned objects and the old halves of create-before-destroy replacements, children first. Returns the
   * `Kind:id` of every object a delete was attempted for.
   */
  async deletions(): Promise<Set<string>> {
    const deletions: Deletion[] = [
      ...this.plan.changes
        .filter((c) => c.action === 'delete' && c.id)
        .map((c) => ({
          address: c.address,
          definition: definitionFor(this.prepared.catalog, c.kind)!,
          id: c.id!,
          change: c,
        }))
        .filter((d) => d.definition),
      ...this.deferredDeletes,
    ];
    const leftOver = new Set(
      Object.values(this.state.objects).flatMap((e) => pendingDeletes(e).map((id) => `${e.kind}:${id}`)),
    );
    for (const batch of deletionBatches(deletions, this.prepared.catalog, this.concurrency)) {
      await Promise.all(batch.map((d) => this.deleteOne(d, leftOver)));
    }
    return new Set(deletions.map((d) => `${d.definition.kind}:${d.id}`));
  }

  /** Delete one object; `leftOver` holds the old halves of replacements (they get a second try). */
  private async deleteOne(d: Deletion, leftOver: ReadonlySet<string>): Promise<void> {
    // The old half of a replacement (now or in an earlier run) gets a second chance: a lone failure would
    // otherwise leave two objects behind.
    const oldHalf = !d.change || leftOver.has(`${d.definition.kind}:${d.id}`);
    try {
      const remove = async () => {
        const live = d.live ?? (await readObject(this.ctx, d.definition, d.id, undefined, { relations: [] }));
        if (live && d.definition.builtin?.(live, this.ctx)) throw new Error(BUILTIN_REFUSED);
        if (live) await deleteObject(this.ctx, d.definition, d.id, live);
      };
      await remove().catch((error: unknown) => {
        if (!oldHalf || (error instanceof Error && error.message === BUILTIN_REFUSED)) throw error;
        return remove();
      });
      this.settlePending(d.definition.kind, d.id);
      if (d.change) {
        delete this.state.objects[d.address];
        this.record({ address: d.address, kind: d.definition.kind, action: 'delete', status: 'ok', id: d.id });
      }
      this.emitState();
    } catch (error) {
      if (d.change) {
        this.record({
          address: d.address,
          kind: d.definition.kind,
          action: 'delete',
          status: 'failed',
          id: d.id,
          error: errorMessage(error),
        });
        return;
      }
      // The replacement exists, the old object too: a failure, not a note. The state still lists the old id
      // as pending deletion, so a rerun with it deletes the leftover.
      const result = this.results.get(d.address);
      if (result) {
        this.record({
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

  // --- Phase 4: state clean-up ---------------------------------------------------------------------------

  /**
   * Old objects an earlier apply left pending that this run did not try to delete (`attempted`): forget the
   * ones that are gone or that a desired entry now holds (imported under another address).
   */
  async settleLeftovers(attempted: ReadonlySet<string>): Promise<void> {
    const heldNow = new Set(
      Object.entries(this.state.objects)
        .filter(([address]) => this.prepared.byAddress.has(address))
        .map(([, e]) => `${e.kind}:${e.id}`),
    );
    for (const entry of Object.values({ ...this.state.objects })) {
      const definition = definitionFor(this.prepared.catalog, entry.kind);
      if (!definition) continue;
      for (const id of pendingDeletes(entry)) {
        if (attempted.has(`${entry.kind}:${id}`)) continue;
        if (heldNow.has(`${entry.kind}:${id}`)) {
          this.settlePending(entry.kind, id);
          continue;
        }
        const live = await readObject(this.ctx, definition, id, undefined, { relations: [] }).catch(
          () => 'unknown' as const,
        );
        if (live === undefined) this.settlePending(entry.kind, id);
      }
    }
  }

  /**
   * Objects removed from the desired set whose kind may not be deleted are forgotten, not deleted (unless the
   * entry still lists old objects to delete: it stays until they are gone).
   */
  forgetUndesired(): void {
    for (const address of Object.keys(this.state.objects)) {
      if (
        !this.prepared.byAddress.has(address) &&
        !this.plan.changes.some((c) => c.address === address && c.action === 'delete') &&
        pendingDeletes(this.state.objects[address]).length === 0
      ) {
        delete this.state.objects[address];
      }
    }
  }

  // --- Phase 5: the summary ------------------------------------------------------------------------------

  result(): ApplyResult {
    return { ...summarize(this.plan, this.results), state: this.state };
  }
}

/**
 * Checks the desired set (before any request), then runs the phases: prefetch, forward pass, deletions, state
 * clean-up, summary.
 */
export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
  const run = new ApplyRun(plan, options);
  run.prefetch();
  await run.forwardPass();
  const attempted = await run.deletions();
  await run.settleLeftovers(attempted);
  run.forgetUndesired();
  return run.result();
}
