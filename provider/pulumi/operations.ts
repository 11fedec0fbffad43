/**
 * What the Pulumi dynamic provider does, run inside Pulumi's dynamic-provider host process (never in the
 * user's program). The serialized provider objects (`provider.ts`) only `require` this package and call
 * `runProviderOperation(kind, op, args)`; everything else (validation, diff, HTTP) is the shared reconciler's.
 *
 * One host process serves one Pulumi command, so one client and one read cache (bulk list calls shared by
 * every resource's diff) live for the life of the process.
 */

import { createClient } from '../../core/client/index.js';
import { CONNECTION_SETTINGS, settingValue } from '../../core/client/settings.js';
import type { ClientOptions } from '../../core/client/types.js';
import type { Live, ResourceContext, ResourceDefinition, Spec } from '../../core/contract.js';
import {
  checkLive,
  createContext,
  createObject,
  deleteObject,
  diffObject,
  readObject,
  updateObject,
  validateSpec,
} from '../../core/reconcile/index.js';
import { UNKNOWN } from '../../core/reconcile/types.js';
import { getDefinition } from '../../resources/index.js';

/** The value Pulumi's engine sends for inputs not known yet during a preview (`runtime/rpc` in the SDK). */
export const PULUMI_UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
/** The key under which the dynamic host keeps the serialized provider in every property bag. */
const PROVIDER_KEY = '__provider';

export type PropertyBag = Record<string, unknown>;

/** Pulumi's `dynamic.Config`: stack config as `namespace:key` → string, secrets already unwrapped. */
export interface PulumiConfig {
  get(key: string): string | undefined;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

/** The settings a user writes as `logto:<key>` Pulumi config (core/client/settings.ts). */
const SETTINGS = CONNECTION_SETTINGS.filter((s) => s.pulumi);

interface HostState {
  config?: PulumiConfig;
  context?: ResourceContext;
}

/** Module state of the host process (one per Pulumi command). */
const host: HostState = {};

/** Called by every serialized provider's `configure` (the host calls it once per resource type). */
export function configureProvider(config: PulumiConfig | undefined): void {
  if (config && !host.config) host.config = config;
}

/**
 * Client options from Pulumi config (`logto:endpoint`, `logto:appId`, `logto:appSecret`, optional
 * `logto:resource`, `logto:requestsPerSecond`), each falling back to its `LOGTO_*` variable.
 */
export function resolveCredentials(
  config: PulumiConfig | undefined,
  env: Record<string, string | undefined>,
): ClientOptions {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const setting of SETTINGS) {
    const key = `logto:${setting.pulumi!.key}`;
    const { value } = settingValue(setting, configValue(config, key), env);
    if (value !== undefined) values[setting.option] = value;
    else if (setting.required) missing.push(`${key} (or ${setting.env})`);
  }
  if (missing.length > 0) {
    throw new Error(
      `logto: missing ${missing.join(', ')}. Set them with \`pulumi config set logto:endpoint https://<tenant>.logto.app\`, ` +
        '`pulumi config set logto:appId <m2m app id>`, `pulumi config set --secret logto:appSecret <secret>`, or export the LOGTO_* variables.',
    );
  }
  const options: ClientOptions = { endpoint: values.endpoint!, appId: values.appId!, appSecret: values.appSecret! };
  if (values.resource) options.resource = values.resource;
  if (values.requestsPerSecond) {
    const rps = Number(values.requestsPerSecond);
    if (!Number.isFinite(rps) || rps < 0)
      throw new Error('logto:requestsPerSecond must be a number ≥ 0 (0 = unlimited)');
    options.requestsPerSecond = rps;
  }
  return options;
}

/** A config value; an engine that never sent config (the host then has none to read) counts as unset. */
function configValue(config: PulumiConfig | undefined, key: string): string | undefined {
  try {
    const value = config?.get(key);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function context(): ResourceContext {
  if (!host.context) host.context = createContext(createClient(resolveCredentials(host.config, process.env)));
  return host.context;
}

/** Does a value hold Pulumi's unknown marker anywhere? */
function hasUnknown(value: unknown): boolean {
  if (value === PULUMI_UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (value && typeof value === 'object') return Object.values(value).some(hasUnknown);
  return false;
}

function specFieldNames(definition: ResourceDefinition<any>): string[] {
  return Object.keys(definition.spec.shape);
}

/** The spec fields the user set, from a property bag (inputs or stored outputs). */
function managedSpec(definition: ResourceDefinition<any>, bag: PropertyBag | undefined): Spec {
  const spec: Spec = {};
  if (!bag) return spec;
  for (const field of specFieldNames(definition)) {
    if (bag[field] !== undefined) spec[field] = bag[field];
  }
  return spec;
}

/** Desired spec for the reconciler's diff: Pulumi unknowns become the reconciler's own marker. */
function desiredForDiff(definition: ResourceDefinition<any>, news: PropertyBag): Spec {
  const spec = managedSpec(definition, news);
  for (const [field, value] of Object.entries(spec)) {
    if (value === PULUMI_UNKNOWN) spec[field] = UNKNOWN;
    else if (Array.isArray(value) && value.some((v) => v === PULUMI_UNKNOWN)) spec[field] = UNKNOWN;
  }
  return spec;
}

/** Validate and keep only the fields the user set (zod defaults are for creates, not managed fields). */
function validated(definition: ResourceDefinition<any>, inputs: PropertyBag): { full: Spec; managed: Spec } {
  const given = managedSpec(definition, inputs);
  const result = validateSpec(definition, given);
  if (!result.ok) {
    const lines = result.issues.map((i) => `${i.field || '(resource)'}: ${i.message}`).join('; ');
    throw new Error(`logto.${definition.kind}: invalid arguments: ${lines}`);
  }
  const managed: Spec = {};
  for (const field of Object.keys(given)) if (result.spec[field] !== undefined) managed[field] = result.spec[field];
  return { full: result.spec, managed };
}

/** Output properties: the managed fields as applied plus the type's computed outputs (`id` is the resource id). */
function outputsOf(definition: ResourceDefinition<any>, live: Live, managed: Spec): PropertyBag {
  const outs: PropertyBag = {};
  for (const output of definition.outputs) {
    if (output.name === 'id') continue;
    const value = live.outputs[output.name];
    if (value !== undefined) outs[output.name] = value;
  }
  for (const [field, value] of Object.entries(managed)) if (value !== undefined) outs[field] = value;
  return outs;
}

/** Stored outputs carried over where the API does not report them again (a secret shown only at creation). */
function keepOutputs(definition: ResourceDefinition<any>, olds: PropertyBag, outs: PropertyBag): PropertyBag {
  for (const output of definition.outputs) {
    if (output.name !== 'id' && outs[output.name] === undefined && olds[output.name] !== undefined) {
      outs[output.name] = olds[output.name];
    }
  }
  return outs;
}

/** Error for Pulumi: the object exists (create went through) but a later step failed. */
class ResourceInitError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: PropertyBag,
    readonly reasons: string[],
  ) {
    super(message);
  }
}

function isPartialCreate(error: unknown): error is Error & { id: string; live: Live; cause: unknown } {
  return (
    error instanceof Error && error.name === 'PartialCreateError' && typeof (error as { id?: unknown }).id === 'string'
  );
}

export async function check(
  kind: string,
  _olds: PropertyBag,
  news: PropertyBag,
): Promise<{ inputs: PropertyBag; failures: CheckFailure[] }> {
  const definition = getDefinition(kind);
  const known = new Set(specFieldNames(definition));
  const outputNames = new Set(definition.outputs.map((o) => o.name));
  const failures: CheckFailure[] = [];
  const given: Spec = {};
  for (const [key, value] of Object.entries(news)) {
    if (key.startsWith('__') || value === undefined) continue;
    if (key === ADOPT) {
      if (!definition.key)
        failures.push({
          property: ADOPT,
          reason: `logto.${kind} has no natural key to find an existing object by; remove \`adopt\``,
        });
      else if (typeof value !== 'boolean' && value !== PULUMI_UNKNOWN)
        failures.push({ property: ADOPT, reason: 'must be true or false' });
      continue;
    }
    if (!known.has(key)) {
      // The class passes output names as undefined placeholders; anything else is a typo.
      if (!outputNames.has(key))
        failures.push({ property: key, reason: `unknown argument; logto.${kind} accepts: ${[...known].join(', ')}` });
      continue;
    }
    given[key] = value;
  }
  const unknownFields = new Set(Object.keys(given).filter((k) => hasUnknown(given[k])));
  const result = validateSpec(definition, given);
  if (!result.ok) {
    for (const issue of result.issues) {
      const top = issue.field.split('.')[0] ?? '';
      if (unknownFields.has(top)) continue; // decided once the value is known (at apply)
      failures.push({ property: issue.field || kind, reason: issue.message });
    }
  } else if (unknownFields.size === 0 && definition.checkLive) {
    // Checks against the tenant (e.g. connectors a sign-in experience names): at preview, before any write.
    // What another resource of the program may still provide is decided when this one is written.
    for (const issue of await checkLive(context(), definition, result.spec)) {
      if (!issue.deferrable) failures.push({ property: issue.field || kind, reason: issue.message });
    }
  }
  return { inputs: news, failures };
}

export interface DiffAnswer {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** Would the replacement object collide with the old one on the natural key (so the old must go first)? */
function keyCollides(definition: ResourceDefinition<any>, desired: Spec, applied: Spec): boolean {
  if (!definition.key) return false;
  if (definition.key.fields.some((f) => hasUnknown(desired[f]) || desired[f] === UNKNOWN)) return true;
  try {
    return definition.key.of({ ...applied, ...desired }) === definition.key.of(applied);
  } catch {
    return true;
  }
}

/** Diff against the LIVE object, so a preview shows out-of-band changes without a refresh. */
export async function diff(kind: string, id: string, olds: PropertyBag, news: PropertyBag): Promise<DiffAnswer> {
  const definition = getDefinition(kind);
  const desired = desiredForDiff(definition, news);
  const applied = managedSpec(definition, olds);
  const live = await readObject(context(), definition, id, { ...applied, ...withoutUnknowns(desired) });
  if (!live) {
    // Deleted outside Pulumi: recreate it. Pulumi has no "gone" answer in diff, so this is a replace.
    const replaces = Object.keys(desired).length > 0 ? Object.keys(desired) : [PROVIDER_KEY];
    return { changes: true, replaces, deleteBeforeReplace: true };
  }
  const result = diffObject(definition, desired, live, applied);
  // A field the user stopped setting is left alone in Logto, but the stored outputs must drop it.
  // (Fields that are also outputs, like a secret's `expiresAt`, are always stored, so they do not count.)
  const outputNames = new Set(definition.outputs.map((o) => o.name));
  const dropped = Object.keys(applied).some((field) => !(field in desired) && !outputNames.has(field));
  if (result.action === 'replace') {
    const replaces = result.changes.filter((c) => definition.immutable.includes(c.field)).map((c) => c.field);
    return { changes: true, replaces, deleteBeforeReplace: keyCollides(definition, desired, applied) };
  }
  // Where the id is made of the natural key (an application secret is `<appId>/<name>`), an in-place key
  // change would change the id, which Pulumi cannot follow: replace instead.
  const rekeyed = idFollowsKey(definition)
    ? result.changes.filter((c) => definition.key!.fields.includes(c.field)).map((c) => c.field)
    : [];
  if (rekeyed.length > 0) return { changes: true, replaces: rekeyed, deleteBeforeReplace: false };
  return { changes: result.action !== 'noop' || dropped, replaces: [], deleteBeforeReplace: false };
}

/** Is the object's id derived from its natural key (the `id` output is not stable)? */
export function idFollowsKey(definition: ResourceDefinition<any>): boolean {
  const id = definition.outputs.find((o) => o.name === 'id');
  return Boolean(definition.key && id && !id.stable);
}

function withoutUnknowns(spec: Spec): Spec {
  const out: Spec = {};
  for (const [k, v] of Object.entries(spec)) if (v !== UNKNOWN) out[k] = v;
  return out;
}

/**
 * The argument that makes a create take over the existing object with the same natural key (updated to the
 * arguments) instead of failing with Logto's duplicate error. Not a field of the object.
 */
export const ADOPT = 'adopt';

/** `adopt: true`: the one live object with the arguments' natural key, brought to the arguments. */
async function adoptExisting(
  definition: ResourceDefinition<any>,
  full: Spec,
  managed: Spec,
): Promise<Live | undefined> {
  const ctx = context();
  const found = await definition.findByKey!(ctx, full);
  if (found.length === 0) return undefined;
  if (found.length > 1)
    throw new Error(
      `logto.${definition.kind}: adopt found ${found.length} objects with this key (${found.map((f) => f.id).join(', ')}); remove the extra ones`,
    );
  const live = await readObject(ctx, definition, found[0]!.id, full);
  return live ? updateObject(ctx, definition, live.id, managed, live) : undefined;
}

export async function create(kind: string, inputs: PropertyBag): Promise<{ id: string; outs: PropertyBag }> {
  const definition = getDefinition(kind);
  const { full, managed } = validated(definition, inputs);
  if (inputs[ADOPT] === true && definition.key) {
    const adopted = await adoptExisting(definition, full, managed);
    if (adopted) return { id: adopted.id, outs: outputsOf(definition, adopted, managed) };
  }
  try {
    const live = await createObject(context(), definition, full);
    return { id: live.id, outs: outputsOf(definition, live, managed) };
  } catch (error) {
    if (isPartialCreate(error)) {
      // The object exists: hand its id to Pulumi so the next `up` updates it instead of creating another.
      throw new ResourceInitError(error.message, error.id, outputsOf(definition, error.live, managed), [error.message]);
    }
    throw error;
  }
}

export async function read(
  kind: string,
  id: string,
  props: PropertyBag,
): Promise<{ id?: string; props?: PropertyBag }> {
  const definition = getDefinition(kind);
  const applied = managedSpec(definition, props);
  const live = await readObject(context(), definition, id, applied);
  if (!live) return {}; // gone: an empty id tells the engine to drop it from state
  const current: Spec = {};
  for (const field of Object.keys(applied)) current[field] = live.spec[field] ?? null;
  return { id: live.id, props: keepOutputs(definition, props, outputsOf(definition, live, current)) };
}

export async function update(
  kind: string,
  id: string,
  olds: PropertyBag,
  news: PropertyBag,
): Promise<{ outs: PropertyBag }> {
  const definition = getDefinition(kind);
  const { managed } = validated(definition, news);
  const ctx = context();
  const applied = managedSpec(definition, olds);
  const live = await readObject(ctx, definition, id, { ...applied, ...managed });
  if (!live)
    throw new Error(
      `logto.${kind} ${id} no longer exists in Logto; run \`pulumi refresh\` and then \`pulumi up\` to recreate it`,
    );
  const updated = await updateObject(ctx, definition, id, managed, live, applied);
  return { outs: keepOutputs(definition, olds, outputsOf(definition, updated, managed)) };
}

async function remove(kind: string, id: string, props: PropertyBag): Promise<void> {
  const definition = getDefinition(kind);
  const ctx = context();
  const live = await readObject(ctx, definition, id, managedSpec(definition, props));
  if (!live) return; // already gone
  await deleteObject(ctx, definition, id, live);
}

export { remove as delete };

/** Everything a serialized provider calls, by operation name. */
export const operations = {
  configure: configureProvider,
  check,
  diff,
  create,
  read,
  update,
  delete: remove,
};
