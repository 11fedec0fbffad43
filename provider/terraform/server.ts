/**
 * The gRPC services Terraform talks to: tfplugin6.Provider (schemas, validate, plan, apply, read, import,
 * data sources), and go-plugin's controller, stdio, broker and health services.
 *
 * This file only translates between Terraform's protocol and the shared core: specs are validated by
 * `validateSpec`, compared by `diffObject`, and read/written by the reconciler's single-object operations.
 * One `ResourceContext` lives as long as the plugin process, so reads of many objects of a type share the
 * bulk list calls of the context cache.
 *
 * This module is part of the plugin's core (see core.ts): the gRPC server (rpc.ts) loads it on the first
 * tfplugin6 call, after the handshake line is out.
 */
import { join } from 'node:path';
import { envValue } from '../../core/client/settings.js';
import type { ClientOptions } from '../../core/client/types.js';
import type { Live, ResourceContext, ResourceDefinition, Spec } from '../../core/contract.js';
import { lazyValue } from '../../core/lazy-schema.js';
import {
  CreateJournal,
  checkLive,
  createContext,
  deleteObject,
  diffObject,
  digestSecret,
  findObjectByKey,
  isDigest,
  lookupObject,
  matchesDigest,
  readObject,
  updateObject,
  validateSpec,
} from '../../core/reconcile/index.js';
import { isLegacyDigest } from '../../core/reconcile/secrets.js';
import { catalog } from '../../resources/index.js';
import { type CtyValue, decodeValue, dynamicValue, isUnknown, UNKNOWN } from './cty.js';
import {
  type Attr,
  DATA_SOURCE_KINDS,
  dataSourceSchema,
  importForms,
  importIdForReconciler,
  PROVIDER_CONFIG,
  providerSchema,
  resourceSchema,
  type TypeSchema,
  typeNameOf,
} from './schema.js';
import {
  asObject,
  forDiff,
  JsonAttributeError,
  knownPart,
  type Obj,
  plannedOnCreate,
  sameValue,
  stateFrom,
  toSpec,
} from './values.js';

// ---- diagnostics ------------------------------------------------------------------------------

type Step = { attribute_name: string } | { element_key_string: string } | { element_key_int: number };

export interface Diagnostic {
  severity: 'ERROR' | 'WARNING';
  summary: string;
  detail: string;
  attribute?: { steps: Step[] };
}

const error = (summary: string, detail: string, path?: Step[]): Diagnostic => ({
  severity: 'ERROR',
  summary,
  detail,
  ...(path ? { attribute: { steps: path } } : {}),
});
const warning = (summary: string, detail: string): Diagnostic => ({ severity: 'WARNING', summary, detail });

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A spec field path (`redirectUris.0`, `branding.logoUrl`) → Terraform attribute path steps. */
function attributePath(attrs: Attr[], field: string): Step[] {
  const steps: Step[] = [];
  let scope: Attr[] | undefined = attrs;
  let current: Attr | undefined;
  for (const part of field.split('.').filter(Boolean)) {
    if (/^\d+$/.test(part)) {
      if (current && Array.isArray(current.type) && current.type[0] === 'list')
        steps.push({ element_key_int: Number(part) });
      break;
    }
    current = scope?.find((a) => a.field === part);
    if (!current) break;
    steps.push({ attribute_name: current.name });
    scope = current.nested;
  }
  return steps;
}

function findAttr(attrs: Attr[], field: string): Attr | undefined {
  let scope: Attr[] | undefined = attrs;
  let found: Attr | undefined;
  for (const part of field.split('.')) {
    if (/^\d+$/.test(part)) break;
    found = scope?.find((a) => a.field === part);
    scope = found?.nested;
  }
  return found;
}

/** zod/reconciler issues → diagnostics naming the attribute, what is wrong and how to fix it. */
function specDiagnostics(ts: TypeSchema, spec: Spec, skip: Set<string>): Diagnostic[] {
  const result = validateSpec(ts.definition, spec);
  if (result.ok) return [];
  return issueDiagnostics(
    ts,
    result.issues.filter((issue) => ![...skip].some((u) => issue.field === u || issue.field.startsWith(`${u}.`))),
  );
}

/** One error diagnostic per issue, pointing at the attribute and saying how to fix it. */
function issueDiagnostics(ts: TypeSchema, issues: { field: string; message: string }[]): Diagnostic[] {
  return issues.map((issue) => {
    const attr = findAttr(ts.attrs, issue.field);
    const path = attributePath(ts.attrs, issue.field);
    const name =
      path.length > 0
        ? path
            .map((s) => ('attribute_name' in s ? s.attribute_name : ''))
            .filter(Boolean)
            .join('.')
        : issue.field;
    const expected = attr?.description ? ` Expected: ${attr.description}` : '';
    return error(
      `Invalid ${ts.typeName} attribute "${name || 'configuration'}"`,
      `${issue.message}.${expected} Fix: change "${name}" in this ${ts.typeName} block.`,
      path.length > 0 ? path : undefined,
    );
  });
}

/** Config (or planned) value → spec; a malformed JSON attribute becomes a diagnostic. */
function specFrom(ts: TypeSchema, value: CtyValue): { spec: Spec; diagnostics: Diagnostic[] } {
  try {
    return { spec: toSpec(ts.attrs, value), diagnostics: [] };
  } catch (e) {
    if (e instanceof JsonAttributeError) {
      return {
        spec: {},
        diagnostics: [
          error(
            `Invalid ${ts.typeName} attribute "${e.path.join('.')}"`,
            `${e.message}. Fix: write it with jsonencode({ ... }).`,
            e.path.map((n) => ({ attribute_name: n })),
          ),
        ],
      };
    }
    throw e;
  }
}

/** The attributes of one write-only field: `<f>_wo`, the deprecated `<f>`, `<f>_wo_version`, `<f>_digest`. */
interface WriteOnlyAttrs {
  field: string;
  wo: Attr;
  deprecated: Attr;
  version: Attr;
  digest: Attr;
}

function writeOnlyAttrs(ts: TypeSchema): WriteOnlyAttrs[] {
  return (ts.definition.writeOnly ?? []).map((field) => ({
    field,
    wo: ts.attrs.find((a) => a.field === field && a.writeOnlyForm === 'wo')!,
    deprecated: ts.attrs.find((a) => a.field === field && a.writeOnlyForm === 'deprecated')!,
    version: ts.attrs.find((a) => a.versionOf === field)!,
    digest: ts.attrs.find((a) => a.digestOf === field)!,
  }));
}

const isSet = (v: unknown) => v !== null && v !== undefined;

/**
 * Checks of the write-only attributes: `<f>` and `<f>_wo` are one value (not both), `<f>_wo_version` needs
 * one of them, and `<f>` is deprecated in favour of `<f>_wo` + `<f>_wo_version`.
 */
function writeOnlyDiagnostics(ts: TypeSchema, config: Obj): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const w of writeOnlyAttrs(ts)) {
    const [wo, old, version] = [config[w.wo.name], config[w.deprecated.name], config[w.version.name]];
    if (isSet(wo) && isSet(old)) {
      out.push(
        error(
          `Conflicting ${ts.typeName} attributes "${w.deprecated.name}" and "${w.wo.name}"`,
          `Both set the same ${w.deprecated.name}. Fix: keep only "${w.wo.name}" (with "${w.version.name}"), and remove "${w.deprecated.name}".`,
          [{ attribute_name: w.deprecated.name }],
        ),
      );
    } else if (isSet(version) && !isSet(wo) && !isSet(old)) {
      out.push(
        error(
          `Invalid ${ts.typeName} attribute "${w.version.name}"`,
          `"${w.version.name}" says when "${w.wo.name}" is written, and "${w.wo.name}" is not set. Fix: set "${w.wo.name}" (e.g. from an ephemeral variable), or remove "${w.version.name}".`,
          [{ attribute_name: w.version.name }],
        ),
      );
    } else if (isSet(old)) {
      out.push(
        warning(
          `Deprecated ${ts.typeName} attribute "${w.deprecated.name}"`,
          `Use "${w.wo.name}" with "${w.version.name}" instead: "${w.wo.name}" is written when "${w.version.name}" changes, and nothing derived from it is kept in the state ("${w.deprecated.name}" keeps a salted digest in "${w.digest.name}"). "${w.wo.name}" may come from an ephemeral variable.`,
        ),
      );
    }
  }
  return out;
}

/**
 * The digest each `<f>_digest` attribute should hold after this plan. Only the deprecated `<f>` without a
 * version keeps one: the prior digest while it still matches the configuration's value, else unknown (a new
 * digest with a new random salt is made at apply, when the value is written). `<f>_wo` and a version keep
 * none. An unsalted `sha256:` digest from an older provider never matches: the value is written once more
 * and the digest replaced. Whether any differs from the prior state's is part of the change Terraform plans.
 */
function plannedDigests(ts: TypeSchema, configObject: Obj, priorObject: Obj | undefined): Map<Attr, CtyValue> {
  const out = new Map<Attr, CtyValue>();
  for (const w of writeOnlyAttrs(ts)) {
    const value = configObject[w.deprecated.name];
    const prior = (priorObject?.[w.digest.name] as CtyValue | undefined) ?? null;
    if (isSet(configObject[w.wo.name]) || isSet(configObject[w.version.name])) out.set(w.digest, null);
    else if (!isSet(value)) out.set(w.digest, prior);
    else if (isUnknown(value)) out.set(w.digest, UNKNOWN);
    else if (isDigest(prior) && !isLegacyDigest(prior) && matchesDigest(prior, value)) out.set(w.digest, prior);
    else out.set(w.digest, UNKNOWN);
  }
  return out;
}

/** The digests to record after apply: planned where known, else made now from the value written. */
function appliedDigests(ts: TypeSchema, configObject: Obj, plannedObject: Obj, state: Obj): void {
  for (const w of writeOnlyAttrs(ts)) {
    const planned = plannedObject[w.digest.name];
    const value = configObject[w.deprecated.name];
    if (!isUnknown(planned ?? null)) state[w.digest.name] = planned ?? null;
    else state[w.digest.name] = isSet(value) && !isUnknown(value) ? digestSecret(value) : null;
  }
}

/**
 * The spec to write on update: `<f>_wo` without a version is written on create only (Terraform's rule), so
 * an update leaves it out.
 */
function updateSpec(ts: TypeSchema, configObject: Obj, spec: Spec): Spec {
  const out = { ...spec };
  for (const w of writeOnlyAttrs(ts))
    if (isSet(configObject[w.wo.name]) && !isSet(configObject[w.version.name])) delete out[w.field];
  return out;
}

/** The spec as last written, for the reconciler: the prior state's spec with the write-only fields' digests. */
function lastApplied(ts: TypeSchema, priorObject: Obj): Spec {
  const spec = specFrom(ts, priorObject).spec;
  for (const attr of ts.attrs)
    if (attr.digestOf && typeof priorObject[attr.name] === 'string') spec[attr.digestOf] = priorObject[attr.name];
  return spec;
}

// ---- the provider -----------------------------------------------------------------------------

export interface ProviderOptions {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  definitions?: ResourceDefinition<any>[];
  /**
   * Where creates in flight are journaled (see `CreateJournal`). Default: `.terraform/logto-iac-pending` in
   * the working directory Terraform starts the plugin in, beside Terraform's own files.
   */
  pendingDir?: string;
}

export type Handler = (request: any) => Promise<Record<string, unknown>>;

/**
 * Type schemas by Terraform type name, each derived from its definition the first time it is asked for:
 * a plugin launch serves only the types of the configuration Terraform works on, and deriving all of them
 * (zod introspection of every kind) would cost each launch about 10 ms.
 */
export class TypeSchemas {
  private readonly schemas = new Map<string, () => TypeSchema>();

  add(typeName: string, make: () => TypeSchema): void {
    this.schemas.set(typeName, lazyValue(make));
  }

  keys(): IterableIterator<string> {
    return this.schemas.keys();
  }

  get(typeName: string): TypeSchema | undefined {
    return this.schemas.get(typeName)?.();
  }

  *[Symbol.iterator](): IterableIterator<[string, TypeSchema]> {
    for (const [name, schema] of this.schemas) yield [name, schema()];
  }
}

export class LogtoTerraformProvider {
  readonly resources = new TypeSchemas();
  readonly dataSources = new TypeSchemas();
  private ctx: ResourceContext | undefined;
  private journal: CreateJournal | undefined;
  private readonly pendingDir: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly log: (line: string) => void;

  constructor(options: ProviderOptions = {}) {
    this.env = options.env ?? process.env;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.pendingDir = options.pendingDir ?? join(process.cwd(), '.terraform', 'logto-iac-pending');
    const definitions = options.definitions ?? catalog;
    for (const definition of definitions) {
      const typeName = typeNameOf(definition.kind);
      this.resources.add(typeName, () => resourceSchema(definition));
      if (DATA_SOURCE_KINDS.includes(definition.kind))
        this.dataSources.add(typeName, () => dataSourceSchema(definition, definitions));
    }
  }

  private resource(typeName: string): TypeSchema {
    const ts = this.resources.get(typeName);
    if (!ts) throw new Error(`unknown resource type ${typeName}; known: ${[...this.resources.keys()].join(', ')}`);
    return ts;
  }

  private dataSource(typeName: string): TypeSchema {
    const ts = this.dataSources.get(typeName);
    if (!ts) throw new Error(`unknown data source ${typeName}; known: ${[...this.dataSources.keys()].join(', ')}`);
    return ts;
  }

  private context(): ResourceContext {
    if (!this.ctx) throw new Error('the provider is not configured (ConfigureProvider was not called)');
    return this.ctx;
  }

  /** Handlers by RPC name; each returns the response message as a plain object. */
  handlers(): Record<string, Handler> {
    return {
      GetMetadata: async () => ({
        server_capabilities: { plan_destroy: false, get_provider_schema_optional: true },
        diagnostics: [],
        resources: [...this.resources.keys()].map((type_name) => ({ type_name })),
        data_sources: [...this.dataSources.keys()].map((type_name) => ({ type_name })),
      }),
      GetProviderSchema: async () => this.getProviderSchema(),
      ValidateProviderConfig: async (req) => ({ diagnostics: this.validateProviderConfig(decodeValue(req.config)) }),
      ValidateResourceConfig: async (req) => ({
        diagnostics: this.validateResourceConfig(req.type_name, decodeValue(req.config)),
      }),
      ValidateDataResourceConfig: async (req) => ({
        diagnostics: this.validateDataResourceConfig(req.type_name, decodeValue(req.config)),
      }),
      UpgradeResourceState: async (req) => this.upgradeResourceState(req),
      ConfigureProvider: async (req) => ({ diagnostics: await this.configure(decodeValue(req.config)) }),
      ReadResource: async (req) => this.readResource(req.type_name, decodeValue(req.current_state)),
      PlanResourceChange: async (req) =>
        this.planResourceChange(
          req.type_name,
          decodeValue(req.prior_state),
          decodeValue(req.proposed_new_state),
          decodeValue(req.config),
        ),
      ApplyResourceChange: async (req) =>
        this.applyResourceChange(
          req.type_name,
          decodeValue(req.prior_state),
          decodeValue(req.planned_state),
          decodeValue(req.config),
        ),
      ImportResourceState: async (req) => this.importResourceState(req.type_name, req.id),
      ReadDataSource: async (req) => this.readDataSource(req.type_name, decodeValue(req.config)),
      StopProvider: async () => ({ Error: '' }),
    };
  }

  getProviderSchema(): Record<string, unknown> {
    return {
      provider: providerSchema(),
      resource_schemas: Object.fromEntries([...this.resources].map(([name, ts]) => [name, ts.proto])),
      data_source_schemas: Object.fromEntries([...this.dataSources].map(([name, ts]) => [name, ts.proto])),
      diagnostics: [],
      server_capabilities: { plan_destroy: false, get_provider_schema_optional: true },
    };
  }

  // ---- provider configuration ----

  private providerValues(config: CtyValue): { values: Record<string, unknown>; diagnostics: Diagnostic[] } {
    const object = asObject(config) ?? {};
    const values: Record<string, unknown> = {};
    const diagnostics: Diagnostic[] = [];
    for (const attr of PROVIDER_CONFIG) {
      const v = object[attr.name];
      if (isUnknown(v)) {
        diagnostics.push(
          error(
            `Provider attribute "${attr.name}" is not known yet`,
            `Fix: set ${attr.name} to a value known at plan time, or use ${attr.env}.`,
            [{ attribute_name: attr.name }],
          ),
        );
      } else if (v !== null && v !== undefined) values[attr.name] = v;
      else {
        const fromEnv = envValue(this.env, attr.env);
        if (fromEnv !== undefined) values[attr.name] = attr.type === 'number' ? Number(fromEnv) : fromEnv;
      }
    }
    return { values, diagnostics };
  }

  validateProviderConfig(config: CtyValue): Diagnostic[] {
    const object = asObject(config) ?? {};
    const diagnostics: Diagnostic[] = [];
    const endpoint = object.endpoint;
    if (typeof endpoint === 'string') {
      try {
        const url = new URL(endpoint);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
      } catch {
        diagnostics.push(
          error(
            'Invalid provider attribute "endpoint"',
            `"${endpoint}" is not an http(s) URL. Fix: use the base URL of the Logto instance, e.g. https://acme.logto.app.`,
            [{ attribute_name: 'endpoint' }],
          ),
        );
      }
    }
    const rps = object.requests_per_second;
    if (typeof rps === 'number' && (rps < 0 || !Number.isFinite(rps))) {
      diagnostics.push(
        error(
          'Invalid provider attribute "requests_per_second"',
          `${rps} is negative. Fix: use a positive number, or 0 for no limit.`,
          [{ attribute_name: 'requests_per_second' }],
        ),
      );
    }
    return diagnostics;
  }

  /** The HTTP client (undici) is loaded here, not at start-up: most plugin launches never call the API. */
  async configure(config: CtyValue): Promise<Diagnostic[]> {
    const { values, diagnostics } = this.providerValues(config);
    if (diagnostics.length > 0) return diagnostics;
    for (const attr of PROVIDER_CONFIG.filter((a) => a.required)) {
      if (!values[attr.name]) {
        diagnostics.push(
          error(
            `Missing provider attribute "${attr.name}"`,
            `The Logto provider needs ${attr.name}. Fix: set ${attr.name} in the provider "logto" block or the ${attr.env} environment variable.`,
            [{ attribute_name: attr.name }],
          ),
        );
      }
    }
    if (diagnostics.length > 0) return diagnostics;
    try {
      const { createClient } = await import('../../core/client/index.js');
      // The provider block and its variables as client options; the settings Terraform has no attribute for
      // (LOGTO_MAX_CONCURRENCY, LOGTO_ALLOW_INSECURE_HTTP, LOGTO_IAC_DEBUG) the client reads from the same env.
      const options: Record<string, unknown> = {};
      for (const attr of PROVIDER_CONFIG) {
        const v = values[attr.name];
        if (v !== undefined && v !== '') options[attr.option] = attr.type === 'number' ? Number(v) : v;
      }
      const client = createClient(options as unknown as ClientOptions, this.env);
      this.ctx = createContext(client);
      this.journal = new CreateJournal(this.pendingDir, client.endpoint);
    } catch (e) {
      return [error('Cannot configure the Logto provider', messageOf(e))];
    }
    return [];
  }

  // ---- validation ----

  validateResourceConfig(typeName: string, config: CtyValue): Diagnostic[] {
    const ts = this.resource(typeName);
    const writeOnly = writeOnlyDiagnostics(ts, asObject(config) ?? {});
    if (writeOnly.some((d) => d.severity === 'ERROR')) return writeOnly;
    const { spec, diagnostics } = specFrom(ts, config);
    if (diagnostics.length > 0) return diagnostics;
    const { known, unknown } = knownPart(spec);
    return [...writeOnly, ...specDiagnostics(ts, known, unknown).filter((d) => !isMissingUnknown(d, ts, unknown))];
  }

  validateDataResourceConfig(typeName: string, config: CtyValue): Diagnostic[] {
    const ts = this.dataSource(typeName);
    const object = asObject(config) ?? {};
    const lookups = ts.attrs.filter((a) => a.optional);
    // A singleton's data source needs no argument: there is only one to read.
    if (!ts.definition.singleton && lookups.every((a) => object[a.name] === null || object[a.name] === undefined)) {
      return [
        error(
          `Missing lookup attribute in data "${typeName}"`,
          `Fix: set ${lookups.map((a) => a.name).join(' or ')} to say which ${ts.definition.kind} to read.`,
        ),
      ];
    }
    return [];
  }

  // ---- state upgrade ----

  upgradeResourceState(req: {
    type_name: string;
    raw_state?: { json?: Uint8Array | null } | null;
  }): Record<string, unknown> {
    const ts = this.resource(req.type_name);
    const json = req.raw_state?.json;
    if (!json || json.length === 0) {
      return {
        diagnostics: [
          error('Cannot upgrade state', 'Only JSON state is supported; the flatmap format predates this provider.'),
        ],
      };
    }
    const value = JSON.parse(Buffer.from(json).toString('utf8'));
    return { upgraded_state: dynamicValue(value, ts.type), diagnostics: [] };
  }

  // ---- plan ----

  async planResourceChange(
    typeName: string,
    prior: CtyValue,
    proposed: CtyValue,
    config: CtyValue,
  ): Promise<Record<string, unknown>> {
    const ts = this.resource(typeName);
    const proposedObject = asObject(proposed);
    if (!proposedObject) return { planned_state: dynamicValue(null, ts.type), requires_replace: [], diagnostics: [] };
    const priorObject = asObject(prior);
    const configObject = asObject(config) ?? {};
    const planned: Obj = { ...proposedObject };

    const { spec: configSpec, diagnostics } = specFrom(ts, config);
    if (diagnostics.length > 0) return { planned_state: dynamicValue(planned, ts.type), diagnostics };
    const { known, unknown } = knownPart(configSpec);
    diagnostics.push(...specDiagnostics(ts, known, unknown).filter((d) => !isMissingUnknown(d, ts, unknown)));
    // Checks against the tenant (e.g. connectors a sign-in experience names), once every value is known.
    if (diagnostics.length === 0 && unknown.size === 0 && this.ctx) {
      const issues = await checkLive(this.ctx, ts.definition, known);
      diagnostics.push(
        ...issueDiagnostics(
          ts,
          issues.filter((i) => !i.deferrable),
        ),
      );
      // What another resource of this configuration may still provide is decided when this one is written.
      for (const issue of issues.filter((i) => i.deferrable))
        diagnostics.push(warning(`${ts.typeName}: checked again at apply`, `${issue.message}.`));
    }

    const requiresReplace: { steps: Step[] }[] = [];
    const digests = plannedDigests(ts, configObject, priorObject ?? undefined);
    if (!priorObject) {
      // Create: computed values are only known after apply, and so are optional fields the user left out.
      for (const attr of ts.attrs) {
        if (attr.kind === 'id' || attr.kind === 'output') planned[attr.name] = UNKNOWN;
        else if (attr.kind === 'spec')
          planned[attr.name] = plannedOnCreate(attr, configObject[attr.name], planned[attr.name]);
      }
    } else {
      const priorSpec = specFrom(ts, priorObject).spec;
      const diff = diffObject(ts.definition, forDiff(configSpec), {
        id: String(priorObject.id),
        spec: priorSpec,
        outputs: {},
      });
      const changed = new Set(diff.changes.map((c) => c.field.split('.')[0] as string));
      for (const attr of ts.attrs) {
        if (attr.kind === 'spec' && ts.definition.immutable.includes(attr.field) && changed.has(attr.field)) {
          requiresReplace.push({ steps: [{ attribute_name: attr.name }] });
        }
      }
      const anyChange =
        ts.attrs.some((a) => a.kind === 'spec' && !a.writeOnly && !sameValue(planned[a.name], priorObject[a.name])) ||
        [...digests].some(([a, digest]) => !sameValue(digest, priorObject[a.name] ?? null));
      for (const attr of ts.attrs) {
        if (attr.kind === 'id' || (attr.kind === 'output' && attr.stable))
          planned[attr.name] = priorObject[attr.name] ?? null;
        else if (attr.kind === 'output') planned[attr.name] = anyChange ? UNKNOWN : (priorObject[attr.name] ?? null);
      }
    }
    // Write-only values never reach the state; their digests say when the configuration changed them.
    for (const attr of ts.attrs) if (attr.writeOnly) planned[attr.name] = null;
    for (const [attr, digest] of digests) planned[attr.name] = digest;
    return { planned_state: dynamicValue(planned, ts.type), requires_replace: requiresReplace, diagnostics };
  }

  // ---- apply ----

  async applyResourceChange(
    typeName: string,
    prior: CtyValue,
    planned: CtyValue,
    config: CtyValue,
  ): Promise<Record<string, unknown>> {
    const ts = this.resource(typeName);
    const ctx = this.context();
    const priorObject = asObject(prior);
    const plannedObject = asObject(planned);
    const configObject = asObject(config) ?? {};
    const kind = ts.definition.kind;

    if (!plannedObject) {
      if (priorObject?.id && typeof priorObject.id === 'string') {
        try {
          await deleteObject(ctx, ts.definition, priorObject.id);
        } catch (e) {
          return {
            new_state: dynamicValue(priorObject, ts.type),
            diagnostics: [error(`Cannot delete ${kind} ${priorObject.id}`, messageOf(e))],
          };
        }
      }
      return { new_state: dynamicValue(null, ts.type), diagnostics: [] };
    }

    // Managed fields: what the configuration sets (references are resolved by now).
    const { spec, diagnostics } = specFrom(ts, config);
    if (diagnostics.length > 0) return { new_state: dynamicValue(priorObject, ts.type), diagnostics };
    const { known } = knownPart(spec);
    const valid = validateSpec(ts.definition, known);
    if (!valid.ok)
      return { new_state: dynamicValue(priorObject, ts.type), diagnostics: specDiagnostics(ts, known, new Set()) };

    if (!priorObject) {
      try {
        const { live, note } = await this.journal!.create(ctx, ts.definition, valid.spec);
        this.log(`[INFO] created ${kind} ${live.id}${note ? `: ${note}` : ''}`);
        const state = stateFrom(ts, live, plannedObject);
        appliedDigests(ts, configObject, plannedObject, state);
        return {
          new_state: dynamicValue(state, ts.type),
          diagnostics: note ? [warning(`Note on creating ${kind}`, note)] : [],
        };
      } catch (e) {
        const partial = e as { id?: unknown; live?: unknown };
        const diag = error(`Cannot create ${kind}`, messageOf(e));
        if (typeof partial.id === 'string' && partial.live) {
          // The object exists: record it so Terraform taints it instead of leaking it.
          return {
            new_state: dynamicValue(stateFrom(ts, partial.live as Live, plannedObject), ts.type),
            diagnostics: [diag],
          };
        }
        return { new_state: dynamicValue(null, ts.type), diagnostics: [diag] };
      }
    }

    const id = String(priorObject.id);
    try {
      const priorSpec = lastApplied(ts, priorObject);
      const live = await readObject(ctx, ts.definition, id, { ...priorSpec, ...valid.spec });
      if (!live) {
        return {
          new_state: dynamicValue(priorObject, ts.type),
          diagnostics: [
            error(
              `${kind} ${id} no longer exists`,
              'It was deleted outside Terraform. Fix: run `terraform apply -refresh-only` or `terraform plan` again so it is recreated.',
            ),
          ],
        };
      }
      const updated = await updateObject(
        ctx,
        ts.definition,
        id,
        updateSpec(ts, configObject, valid.spec),
        live,
        priorSpec,
      );
      const state = stateFrom(ts, updated, plannedObject);
      appliedDigests(ts, configObject, plannedObject, state);
      return { new_state: dynamicValue(state, ts.type), diagnostics: [] };
    } catch (e) {
      return {
        new_state: dynamicValue(priorObject, ts.type),
        diagnostics: [error(`Cannot update ${kind} ${id}`, messageOf(e))],
      };
    }
  }

  // ---- read (refresh) ----

  async readResource(typeName: string, current: CtyValue): Promise<Record<string, unknown>> {
    const ts = this.resource(typeName);
    const currentObject = asObject(current);
    if (!currentObject || typeof currentObject.id !== 'string')
      return { new_state: dynamicValue(current, ts.type), diagnostics: [] };
    const id = currentObject.id;
    const priorSpec = specFrom(ts, currentObject).spec;
    let live: Live | undefined;
    try {
      live = await readObject(this.context(), ts.definition, id, priorSpec);
    } catch (e) {
      return {
        new_state: dynamicValue(currentObject, ts.type),
        diagnostics: [error(`Cannot read ${ts.definition.kind} ${id}`, messageOf(e))],
      };
    }
    if (!live) {
      return {
        new_state: dynamicValue(null, ts.type),
        diagnostics: [
          warning(
            `${ts.definition.kind} ${id} no longer exists`,
            `It was deleted outside Terraform, so ${typeName} is removed from the state; the next apply creates it again.`,
          ),
        ],
      };
    }
    // Terraform's state holds this object: a create of it that was journaled is settled.
    this.journal?.settle(ts.definition, priorSpec, id);
    // Keep the state's own form for fields that did not change (JSON text, URL forms); take live otherwise.
    const drifted = new Set(
      diffObject(ts.definition, priorSpec, live).changes.map((c) => c.field.split('.')[0] as string),
    );
    const keep: Obj = {};
    for (const attr of ts.attrs) {
      if (attr.kind === 'spec' && !drifted.has(attr.field) && currentObject[attr.name] !== null)
        keep[attr.name] = currentObject[attr.name] ?? null;
      // Outputs the API only returns once (a generated secret) stay as recorded.
      if (attr.kind === 'output' && currentObject[attr.name] !== null)
        keep[attr.name] = currentObject[attr.name] ?? null;
    }
    return { new_state: dynamicValue(stateFrom(ts, live, keep), ts.type), diagnostics: [] };
  }

  // ---- import ----

  async importResourceState(typeName: string, importId: string): Promise<Record<string, unknown>> {
    const ts = this.resource(typeName);
    const definition = ts.definition;
    const ctx = this.context();
    let live: Live | undefined;
    try {
      const parentForm = definition.parent && !importId.includes('=') ? /^([^/]+)\/(.+)$/.exec(importId) : null;
      if (parentForm) {
        live = await readObject(ctx, definition, parentForm[2] as string, {
          [definition.parent!.field]: parentForm[1],
        });
        if (!live)
          throw new Error(
            `${definition.kind} ${parentForm[2]} of ${definition.parent!.kind} ${parentForm[1]} does not exist`,
          );
      } else if (definition.singleton) {
        live = await readObject(ctx, definition, importId);
        if (!live) throw new Error(`${definition.kind} could not be read`);
      } else {
        live = await findObjectByKey(ctx, definition, importIdForReconciler(definition, importId));
      }
    } catch (e) {
      const forms = importForms(definition).map((f) => `"${f.form}" (e.g. ${f.example})`);
      return {
        imported_resources: [],
        diagnostics: [
          error(`Cannot import ${typeName} "${importId}"`, `${messageOf(e)}. Import id forms: ${forms.join(', ')}.`),
        ],
      };
    }
    return {
      imported_resources: [
        { type_name: typeName, state: dynamicValue(stateFrom(ts, live), ts.type), private: Buffer.alloc(0) },
      ],
      diagnostics: [],
    };
  }

  // ---- data sources ----

  async readDataSource(typeName: string, config: CtyValue): Promise<Record<string, unknown>> {
    const ts = this.dataSource(typeName);
    const definition = ts.definition;
    const ctx = this.context();
    const object = asObject(config) ?? {};
    try {
      const lookups = ts.attrs.filter((a) => a.kind === 'spec' && a.optional && typeof object[a.name] === 'string');
      const live = await lookupObject(ctx, definition, {
        ...(typeof object.id === 'string' ? { id: object.id } : {}),
        fields: Object.fromEntries(lookups.map((a) => [a.field, object[a.name]])),
      });
      const state = stateFrom(ts, live);
      for (const child of ts.children ?? []) {
        const rows = child.definition.list ? await child.definition.list(ctx, live.id) : [];
        const childAttrs = (child.attr.type as ['list', ['object', Record<string, unknown>]])[1][1];
        state[child.attr.name] = rows.map((row) => {
          const childTs = resourceSchema(child.definition);
          const full = stateFrom(childTs, row);
          return Object.fromEntries(Object.keys(childAttrs).map((k) => [k, full[k] ?? null])) as Obj;
        });
      }
      return { state: dynamicValue(state, ts.type), diagnostics: [] };
    } catch (e) {
      return {
        state: dynamicValue(null, ts.type),
        diagnostics: [error(`Cannot read data "${typeName}"`, messageOf(e))],
      };
    }
  }
}

/** A required field whose value is unknown at validation time is not an error (it will be known). */
function isMissingUnknown(d: Diagnostic, ts: TypeSchema, unknown: Set<string>): boolean {
  const first = d.attribute?.steps[0];
  if (!first || !('attribute_name' in first)) return false;
  const attr = ts.attrs.find((a) => a.name === first.attribute_name);
  return Boolean(attr && unknown.has(attr.field));
}
