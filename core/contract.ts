/**
 * The resource-type contract. Every Logto object type is one `defineResource({...})` in its own file in
 * `resources/`; the reconciler, the Terraform schema, the Pulumi classes, the CLI's tenant-file schema and
 * the docs are all derived from these definitions and never written twice.
 *
 * Field names are the user's (camelCase here, snake_case in Terraform). A spec is flat where the API is
 * nested for no user-visible reason (e.g. an application's `redirectUris` live in `oidcClientMetadata`),
 * and the module maps between the spec and the API body.
 *
 * Spec field types are limited to what every front end can express:
 * string, number (int), boolean, enum, arrays of strings, objects of those (fixed shape), and
 * free-form JSON objects (`z.record(z.string(), z.unknown())`, shown to Terraform as a JSON string).
 * Every field carries `.describe()` text: it becomes the docs.
 */
import type { z } from 'zod';
import type { LogtoClient } from './client/types.js';

export type Spec = Record<string, unknown>;

/** A computed value the API assigns (ids, timestamps, generated secrets). */
export interface OutputField {
  name: string;
  description: string;
  /** `records`: a list of objects whose string fields are `fields` (a custom domain's DNS records). */
  type: 'string' | 'number' | 'boolean' | 'string[]' | 'json' | 'records';
  /** The fields of each object of a `records` output (lowercase names). */
  fields?: string[];
  /** Never printed; Pulumi secret; Terraform Sensitive. */
  sensitive?: boolean;
  /** Does not change once assigned (id, createdAt): plans keep the prior value instead of "known after apply". */
  stable?: boolean;
}

/** What the API has now, in spec shape. */
export interface Live<S extends Spec = Spec> {
  id: string;
  /** Every spec field the API reports, normalised the same way desired specs are. */
  spec: S;
  /** Values of `outputs` (including `id`). */
  outputs: Record<string, unknown>;
  /** The API object as returned, for updates that must merge into wholesale-replaced JSON. Never printed. */
  raw?: unknown;
}

/** Shared by every call in one run (one plan/apply, one Terraform plugin process, one Pulumi host). */
export interface ResourceContext {
  client: LogtoClient;
  /**
   * Memo for bulk reads, keyed by the module (e.g. `roles:list`). Lets N reads of one type be served by
   * one list call. Write operations must call `invalidate(prefix)` for what they change.
   */
  cache: Map<string, Promise<unknown>>;
}

/** A spec field that holds ids of other objects (for ordering and for reference-by-key in the CLI). */
export interface Reference {
  field: string;
  kind: string;
  /** The field holds an array of ids. */
  many?: boolean;
  /**
   * Offline check of the referenced object when it is in the same desired set (its spec as the user wrote
   * it, values possibly references): a message saying why it cannot be referenced here and how to fix it,
   * or undefined. Lets plan refuse e.g. a secret of an SPA before anything is written.
   */
  accepts?(target: Spec): string | undefined;
}

/**
 * A child link reconciled by add/remove calls, never by recreating the parent. The field is a spec field
 * holding a set of ids; it is authoritative (members not in the desired set are removed).
 */
export interface Relation {
  field: string;
  read(ctx: ResourceContext, parentId: string, spec: Spec): Promise<string[]>;
  add(ctx: ResourceContext, parentId: string, ids: string[], spec: Spec): Promise<void>;
  remove(ctx: ResourceContext, parentId: string, ids: string[], spec: Spec): Promise<void>;
}

export interface ResourceDefinition<S extends Spec = Spec> {
  /** CLI kind and Pulumi class name; Terraform type is `logto_<snake_case(kind)>`. */
  kind: string;
  description: string;
  /** The fields a user may set, with the API's limits. `.describe()` on every field. */
  spec: z.ZodObject;
  outputs: OutputField[];
  /**
   * Natural key, only where Logto guarantees uniqueness (role name, resource indicator, scope name per
   * resource, org role/scope name, SSO connectorName). `fields` also names the import form:
   * `terraform import logto_role.x name=admin`.
   */
  key?: { fields: string[]; of(spec: S): string };
  /**
   * Adoption key for types whose names Logto does not keep unique (application, organization and hook
   * `name`). Without a known id the reconciler adopts the one live object whose key matches, and refuses,
   * naming every id, when several match; import accepts `name=…` the same way, and a lost create response
   * is resolved by it. Unlike `key` it does not make objects exclusive: front ends must not call it unique,
   * and a replacement may exist next to the object it replaces. `findByKey` serves this key when `key` is
   * absent. The reconciler's `identityKey(definition)` gives whichever key a type has.
   */
  adoptionKey?: { fields: string[]; of(spec: S): string };
  /** Fields whose change forces replacement. */
  immutable: string[];
  /** Spec fields whose values are secrets. */
  sensitive: string[];
  /**
   * Sensitive spec fields Logto never returns (a user's password). Each has an optional version companion in
   * the spec, `<field>Version` (a string): with it the secret is written on create and whenever the version
   * changes, and nothing derived from it is stored; without it, plans compare the value with a salted scrypt
   * digest of the value last applied. Terraform exposes `<field>_wo` + `<field>_wo_version` (write-only, never
   * in its state or plan) and the deprecated write-only `<field>` with a salted `<field>_digest`.
   */
  writeOnly?: string[];
  /** Order-insensitive string arrays. */
  sets: string[];
  references: Reference[];
  relations: Relation[];
  /**
   * The parent of a child type (a scope's resource): reads and lists need its id. `seeded` says which
   * children Logto creates together with the parent (a Traditional app's "Default secret"): creating one
   * adopts the seeded object by key (or, when an immutable field differs, replaces it) instead of failing.
   */
  parent?: { field: string; kind: string; seeded?(spec: S): boolean };
  /** Singleton: create adopts and patches, delete forgets (see docs/architecture.md#singletons). */
  singleton?: boolean;
  /**
   * End-user data a tenant may hold by the million (users): `export` leaves the kind out unless asked for
   * (`--include <kind>` or `--only <kind>`). Prune needs the kind allowed explicitly, as every kind does.
   */
  exportOnRequest?: boolean;
  /**
   * A singleton that exists only once configured (the captcha provider): `read` answers undefined until then,
   * create configures it, delete removes it, and prune may remove it where the user allows the kind.
   */
  removable?: boolean;
  /**
   * Offline checks across all desired objects of this type (specs as written, values possibly references),
   * e.g. "only one API resource can be the default". Each issue names the object and field; the reconciler
   * refuses the whole desired set before any request.
   */
  checkDesired?(objects: { address: string; spec: Spec }[]): { address: string; field: string; message: string }[];
  /**
   * Checks that need the tenant but write nothing, e.g. "the social connectors a sign-in experience names
   * exist" (Logto silently drops the others, so the plan would never converge). Front ends run it at plan
   * time on a spec whose values are all known; any issue refuses the object before a write. `planned` holds
   * the run's desired objects when the front end sees them all (the CLI): what they will create counts as
   * there. Without it (Terraform, Pulumi) an issue an object of this run could still satisfy is `deferrable`:
   * a warning at plan, decided when the object is written.
   */
  checkLive?(
    ctx: ResourceContext,
    spec: S,
    planned?: { kind: string; spec: Spec }[],
  ): Promise<{ field: string; message: string; deferrable?: boolean }[]>;
  /**
   * Kinds whose desired objects are planned and applied before this one's, without a reference between
   * them (the sign-in experience after the connectors its sign-up methods need).
   */
  after?: string[];
  /** Normalise a spec (desired or live) before comparing: defaults, URL forms. Sets are sorted by the reconciler. */
  normalize?(spec: S): S;

  /** One object, or undefined when it does not exist (404). `hint` is the last known spec (carries parent ids). */
  read(ctx: ResourceContext, id: string, hint?: Partial<S>): Promise<Live<S> | undefined>;
  /** All objects of the type (for children: of one parent, or of all parents when the API has a bulk form). */
  list?(ctx: ResourceContext, parentId?: string): Promise<Live<S>[]>;
  /** Objects whose `key` (or, without one, `adoptionKey`) equals the spec's (adoption, import, lost-response recovery). */
  findByKey?(ctx: ResourceContext, spec: S): Promise<Live<S>[]>;
  /**
   * Create the object. `spec` carries no relation fields: the reconciler adds relation members afterwards
   * with `relation.add`, so create never needs to (and must not) attach them itself.
   */
  create(ctx: ResourceContext, spec: S): Promise<Live<S>>;
  /** `changes` holds only the changed non-relation fields; `live.raw` is there to merge into. */
  update(ctx: ResourceContext, id: string, changes: Partial<S>, live: Live<S>, desired: S): Promise<Live<S>>;
  delete(ctx: ResourceContext, id: string, live?: Live<S>): Promise<void>;
  /** Built-in objects that are never deleted or pruned (the Management API resource, the CLI's own app). */
  builtin?(live: Live<S>, ctx: ResourceContext): boolean;
}

/**
 * The resource types a run knows, in dependency-friendly order (parents before children): plan prunes in
 * reverse of it and apply deletes children first by it. `resources/index.ts` holds the full one; front ends
 * hand it to the reconciler (`PlanOptions.catalog`, `ApplyOptions.catalog`).
 */
export type Catalog = readonly ResourceDefinition<any>[];

export function defineResource<S extends Spec>(definition: ResourceDefinition<S>): ResourceDefinition<S> {
  return definition;
}

/**
 * Per-run memo for bulk reads. Keys start with the kind (`Role:list`, `ApiResourceScope:all`): after every
 * write the reconciler invalidates the written kind's prefix, so modules only memoise and never go stale
 * within a run. A failed load is not kept.
 */
export function cached<T>(ctx: ResourceContext, key: string, load: () => Promise<T>): Promise<T> {
  let hit = ctx.cache.get(key) as Promise<T> | undefined;
  if (!hit) {
    hit = load();
    ctx.cache.set(key, hit);
    hit.catch(() => {
      if (ctx.cache.get(key) === hit) ctx.cache.delete(key);
    });
  }
  return hit;
}

/** Forget memoised reads whose key starts with `prefix` (e.g. the kind). */
export function invalidate(ctx: ResourceContext, prefix: string): void {
  for (const key of [...ctx.cache.keys()]) if (key.startsWith(prefix)) ctx.cache.delete(key);
}
