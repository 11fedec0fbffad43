/**
 * Data shapes of the reconciler. A plan is data first (JSON-serialisable, secrets redacted), text second.
 * Implemented in `core/reconcile/index.ts`; front ends depend on these types only.
 */

import type { LogtoClient } from '../client/types.js';
import type { Catalog, Spec } from '../contract.js';

/** A reference to another desired object's attribute (default `id`), resolved at apply time. */
export interface Ref {
  $ref: string; // address of the referenced object
  attr?: string;
}

export interface DesiredObject {
  /** Unique within a run: `<Kind>.<name>`, e.g. `Role.admin`, `ApiResourceScope.orders/read`. */
  address: string;
  kind: string;
  /** Only the fields the user set (managed fields). Values may be `Ref`s (or arrays containing them). */
  spec: Spec;
  /**
   * Known id (from prior state). Without it the object is adopted by its key — the natural key, or for
   * types whose names Logto lets repeat (Application, Organization, Hook) the adoption key when exactly one
   * live object matches — or created.
   */
  id?: string;
}

/** What the reconciler remembers between runs (CLI state is optional; TF/Pulumi keep their own). */
export interface ObjectState {
  kind: string;
  id: string;
  /**
   * Managed fields as last applied. Sensitive values are stored as salted scrypt digests
   * (`scrypt$N=…,r=…,p=…$<salt>$<hash>`, see `secrets.ts`), never as text; a write-only field with a version
   * (`passwordVersion`) is not stored at all, only its version.
   */
  applied: Spec;
  /**
   * Ids of objects this address stood for before a create-before-destroy replacement that are not deleted
   * yet (extension). Recorded before the replacement is created, so an apply that fails or dies part-way
   * leaves no untracked twin: the next plan plans a delete for each (an id equal to `id` is ignored).
   */
  pendingDelete?: string[];
}
export interface PriorState {
  /** Random salt (base64url) of this state's secret digests; made by the first apply, kept after. */
  salt?: string;
  objects: Record<string, ObjectState>;
}

export type Action = 'create' | 'update' | 'replace' | 'delete' | 'noop';

export const SENSITIVE = '(sensitive)';
export const UNKNOWN = '(known after apply)';

export interface FieldChange {
  field: string;
  /** Redacted to SENSITIVE for secret fields. */
  before: unknown;
  after: unknown;
  sensitive?: boolean;
  /** Set members added/removed, for set fields. */
  added?: unknown[];
  removed?: unknown[];
  /**
   * For a reference field (extension): the same values for people, each id as the object it points at
   * (`ApiResourceScope https://api.example.com/orders/read:orders`, `Role admin`), the id only where the
   * object has no key; references to objects this plan creates by their address. `before`/`after` keep ids.
   */
  shown?: { before?: unknown; after?: unknown; added?: unknown[]; removed?: unknown[] };
}

export interface PlannedChange {
  address: string;
  kind: string;
  action: Action;
  id?: string;
  /** Adopted by its key (natural or adoption key), not known by id. */
  adopted?: boolean;
  /**
   * For replace: which immutable fields changed, in words. For a delete of an object left over from an
   * earlier replacement (a `pendingDelete` id): which address it was replaced for.
   */
  reason?: string;
  /**
   * For deletes of live objects (extension): what a person calls the object, its natural key or name without
   * parent ids (`old-admin`), when it has one. Their address is often only `Kind[<id>]`. For a child kind
   * (one with a `parent`) it starts with the parent's key (`https://api.example.com/orders/read:orders`, an
   * app's name for its secret or role assignment), the parent's id only when the parent has no key.
   */
  key?: string;
  changes: FieldChange[];
  dependsOn: string[];
}

export interface DriftEntry {
  address: string;
  kind: string;
  id: string;
  field: string;
  /** Last applied (from prior state) or, without prior state, the desired value. */
  expected: unknown;
  live: unknown;
  sensitive?: boolean;
  /** For a reference field (extension): `expected` and `live` with ids as the objects they point at. */
  shown?: { expected?: unknown; live?: unknown };
}

export interface Plan {
  formatVersion: 1;
  createdAt: string;
  changes: PlannedChange[];
  drift: DriftEntry[];
  summary: Record<Action, number> & { drift: number };
  /** Hash of the live state the plan was made against (checked by `apply --plan-file`). */
  liveFingerprint: string;
}

export interface PlanOptions {
  client: LogtoClient;
  /** The resource types the desired objects may be of (front ends pass `resources/index.ts`'s `catalog`). */
  catalog: Catalog;
  prior?: PriorState;
  /**
   * Kinds whose objects may be deleted when absent from the desired set (prune). A child kind (a scope, an
   * app secret or role assignment) is pruned only under parents the desired set manages; objects the prior
   * state records under a dropped address are pruned whatever their parent.
   */
  allowDelete?: string[];
  only?: string[];
  exclude?: string[];
}

export interface ApplyOptions {
  client: LogtoClient;
  /** The catalog the plan was made with. */
  catalog: Catalog;
  /** The same desired objects the plan was made from (they carry the secret values the plan redacts). */
  desired: DesiredObject[];
  prior?: PriorState;
  /** Max objects worked on at once. Default 8. */
  concurrency?: number;
  onProgress?: (event: {
    address: string;
    action: Action;
    status: 'started' | 'done' | 'failed';
    error?: string;
    /** The object's id once known (extension). */
    id?: string;
  }) => void;
  /**
   * Called with the whole state after every object that finished (extension): a front end that persists it
   * each time survives an interrupted apply without losing track of what was created.
   */
  onState?: (state: PriorState) => void;
}

export interface ObjectResult {
  address: string;
  kind: string;
  action: Action;
  status: 'ok' | 'failed' | 'skipped';
  id?: string;
  error?: string;
  /** What happened beyond the plain action, in words (e.g. a lost create response and how it was resolved). */
  note?: string;
  /** For replace: the id of the object that was replaced. */
  previousId?: string;
}

export interface ApplyResult {
  results: ObjectResult[];
  /** State after apply (every object that exists, with what was applied). */
  state: PriorState;
  summary: { created: number; updated: number; replaced: number; deleted: number; failed: number; skipped: number };
}

/*
 * `core/reconcile/index.ts` exports (the API every front end uses):
 *
 *   planTenant(desired: DesiredObject[], options: PlanOptions): Promise<Plan>
 *   applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyResult>
 *
 * and the single-object operations Terraform and Pulumi use (same semantics as the tenant-level ones):
 *
 *   createContext(client: LogtoClient): ResourceContext      (one per run/operation: it memoises bulk reads)
 *   validateSpec(definition, spec): { ok: true; spec } | { ok: false; issues: { field: string; message: string }[] }
 *       (unknown fields are issues too)
 *   diffObject(definition, desired: Spec, live: Live | undefined, lastApplied?: Spec)
 *       → { action: Action; changes: FieldChange[]; reason?: string; drift: FieldChange[] }   (managed fields only;
 *         desired values may be UNKNOWN; drift entries use before = last applied, after = live)
 *   readObject(ctx, definition, id, hint?, { relations?: string[] }?) → Live | undefined   (relations filled; bulk-backed)
 *   createObject(ctx, definition, spec) → Live      (relations added; a lost create response is resolved by the unique key,
 *       by the adoption key among objects new since before the create, or without a key by the one new object matching the spec)
 *   createObjectWithReport(ctx, definition, spec) → { live; note? }   (same, with what happened in words)
 *   updateObject(ctx, definition, id, desired, live, lastApplied?) → Live   (changed fields only; relations by add/remove;
 *       throws when an immutable field changed: replace instead)
 *   deleteObject(ctx, definition, id, live?) → void   (404 = already gone; refuses builtins when `live` is given)
 *   findObjectByKey(ctx, definition, importId: string) → Live   (`name=admin`, `indicator=https://…`,
 *       `resourceId=…,name=read`, and for adoption-key types `name=Acme SPA`; a bare id reads by id; error when 0 or >1)
 *   identityKey(definition) → { fields, of, unique } | undefined   (the unique `key`, else the `adoptionKey` with
 *       unique: false; what import ids and adoption use. Only `unique: true` may be documented as unique.)
 *   parseImportId(definition, importId) → Spec | undefined
 *   validateDesired(desired, { catalog, prior? }) → SpecIssue[]   (the offline checks plan and apply start with; [] = accepted)
 *   redactSecrets(definition, spec) → Spec      (sensitive spec fields and sensitive outputs → SENSITIVE)
 *   digestSecret(value, salt) → `scrypt$…`; matchesDigest(digest, value); hashSecrets(definition, spec, salt) → Spec
 *   normalizeSpec(definition, spec) → Spec
 *   isRef(value) → value is Ref
 *   SpecValidationError {issues: {address, field, message}[]}, AmbiguousKeyError {address, key, ids} (also for an
 *       adoption key matching several objects: planTenant throws it before any write),
 *   PartialCreateError {id, live, cause}
 *   and everything in this file (types, SENSITIVE, UNKNOWN).
 */
