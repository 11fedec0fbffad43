/**
 * Request-body validation against the Management API OpenAPI document (`schema/management.openapi.json`).
 *
 * The document is generated from Logto's zod guards and carries a few artefacts of that conversion, which
 * are repaired before compiling (see `normalise`): zod refinements rendered as `{type:"object",
 * description:"Validator function"}`, literals rendered as `format: "\"Text\""`, JS regex literals in
 * `pattern`, `oneOf` for zod unions (zod unions behave like `anyOf`), and fields with a default or an
 * optional nullable union listed as required. Validators are compiled lazily per operation and cached: the document is 1.3 MB and the
 * emulator must start fast.
 *
 * After validation, unknown keys are stripped the way zod's default `object()` does; free-form objects
 * (`additionalProperties: true`, or no declared properties) keep their keys, and a union strips by the
 * first branch that accepts the value. Errors are collected with `allErrors` and mapped to zod issues
 * (`issuesFromAjv`). Path parameters with constraints in the document are checked by `validateParams`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { GuardError, type GuardIssue } from './util.js';

type Json = Record<string, unknown>;
type Schema = Record<string, unknown>;

// ajv-formats is CJS with a default export; under NodeNext the callable is on `.default` at run time.
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as unknown as (
  ajv: Ajv,
) => void;

function findSpecPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // emulator/validate.ts (tsx) → ../schema; dist/emulator/validate.js → ../../schema
  for (const candidate of [join(here, '..', 'schema'), join(here, '..', '..', 'schema')]) {
    const file = join(candidate, 'management.openapi.json');
    try {
      readFileSync(file, { flag: 'r' }).subarray(0, 1);
      return file;
    } catch {
      // try the next one
    }
  }
  throw new Error('emulator: schema/management.openapi.json not found');
}

interface Operation {
  schema?: Schema;
  required: boolean;
  /** Path parameter schemas in the order the parameters appear in the document's path. */
  pathParams: Array<Schema | undefined>;
}

/**
 * Body properties the document describes differently from what the real server accepts (observed on Logto
 * 1.42.0), by operation: the server wins.
 */
const CORRECTIONS: Record<string, Record<string, Schema>> = {
  // The document says an object; the server takes a URL string or null (docs/logto-behaviour.md#account-center).
  'PATCH /account-center': { deleteAccountUrl: { type: 'string', nullable: true } },
};

/** A route key independent of parameter names: `/applications/{}/roles`. */
export function templateKey(method: string, template: string): string {
  return `${method.toUpperCase()} ${template.replace(/\{[^}]+\}|:[A-Za-z0-9_]+/g, '{}')}`;
}

interface RawOperation {
  parameters?: Array<Record<string, unknown>>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
}

/** A path parameter schema that constrains more than "a string" (which every URL segment is). */
function isConstraining(s: Schema | undefined): s is Schema {
  if (!s) return false;
  return Object.keys(s).some((k) => k !== 'type' && k !== 'description' && k !== 'example');
}

export class BodyValidator {
  private operations?: Map<string, Operation>;
  private components: Record<string, Schema> = {};
  private readonly compiled = new Map<string, ValidateFunction | null>();
  private readonly compiledParams = new Map<string, { fn: ValidateFunction; names: string[] } | null>();
  /** Validators of union branches, for stripping by the branch that validated. */
  private readonly branchValidators = new WeakMap<Schema, ValidateFunction | null>();
  private ajv?: Ajv;

  constructor(private readonly specPath = findSpecPath()) {}

  private load(): Map<string, Operation> {
    if (this.operations) return this.operations;
    const doc = JSON.parse(readFileSync(this.specPath, 'utf8')) as {
      paths: Record<string, Record<string, RawOperation | Array<Record<string, unknown>>>>;
      components?: { schemas?: Record<string, Schema>; parameters?: Record<string, Record<string, unknown>> };
    };
    this.components = doc.components?.schemas ?? {};
    const sharedParams = doc.components?.parameters ?? {};
    const resolveParam = (p: Record<string, unknown>): Record<string, unknown> =>
      typeof p.$ref === 'string' ? (sharedParams[p.$ref.replace('#/components/parameters/', '')] ?? {}) : p;
    const ops = new Map<string, Operation>();
    for (const [path, methods] of Object.entries(doc.paths)) {
      const template = path.replace(/^\/api/, '');
      const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
      const pathLevel = Array.isArray(methods.parameters) ? methods.parameters : [];
      for (const [method, raw] of Object.entries(methods)) {
        if (method === 'parameters' || Array.isArray(raw)) continue;
        const op = raw as RawOperation;
        const params = [...pathLevel, ...(op.parameters ?? [])].map(resolveParam).filter((p) => p.in === 'path');
        const content = op.requestBody?.content?.['application/json'];
        ops.set(templateKey(method, template), {
          schema: content?.schema,
          required: op.requestBody?.required ?? false,
          pathParams: names.map((n) => params.find((p) => p.name === n)?.schema as Schema | undefined),
        });
      }
    }
    this.operations = ops;
    return ops;
  }

  private getAjv(): Ajv {
    if (this.ajv) return this.ajv;
    // allErrors: report every issue like zod does; verbose: errors carry their (parent) schema, which the
    // issue mapping uses for unions, literals and the expected type of a missing property.
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, validateFormats: true, coerceTypes: false });
    addFormats(ajv);
    ajv.addFormat('url', {
      type: 'string',
      validate: (s: string) => {
        try {
          new URL(s);
          return true;
        } catch {
          return false;
        }
      },
    });
    ajv.addFormat('empty', { type: 'string', validate: (s: string) => s === '' });
    ajv.addFormat('regex', { type: 'string', validate: () => true });
    ajv.addKeyword({
      keyword: 'x-js-regex',
      type: 'string',
      schemaType: 'object',
      validate: (spec: { source: string; flags: string }, data: string) =>
        new RegExp(spec.source, spec.flags).test(data),
      errors: false,
    });
    ajv.addKeyword({ keyword: 'x-literal', schemaType: 'boolean' });
    this.ajv = ajv;
    return ajv;
  }

  /** Compile every operation's schema now; returns the operations whose schema could not be compiled. */
  compileAll(): string[] {
    const failed: string[] = [];
    for (const [key, op] of this.load()) if (op.schema && this.compiledFor(key) === null) failed.push(key);
    return failed;
  }

  /** The validator of an operation: a function, null (no JSON body schema, or not compilable). */
  private compiledFor(key: string): ValidateFunction | null {
    const cached = this.compiled.get(key);
    if (cached !== undefined) return cached;
    const op = this.load().get(key);
    let fn: ValidateFunction | null = null;
    if (op?.schema) {
      const schema = normalise(structuredClone(op.schema), this.components, new Set());
      for (const [property, corrected] of Object.entries(CORRECTIONS[key] ?? {})) {
        const props = schema.properties as Record<string, Schema> | undefined;
        if (props?.[property]) props[property] = corrected;
      }
      try {
        fn = this.getAjv().compile(schema);
      } catch (err) {
        // A schema the repairs above do not cover: accept bodies unvalidated rather than fail the route.
        process.emitWarning(`emulator: cannot compile the request schema of ${key}: ${(err as Error).message}`);
      }
    }
    this.compiled.set(key, fn);
    return fn;
  }

  /** Does the OpenAPI document describe this operation? */
  has(method: string, template: string): boolean {
    return this.load().has(templateKey(method, template));
  }

  /**
   * Validate and strip a body. Returns the cleaned body. Throws `GuardError` (400 guard.invalid_input).
   * `body === undefined` means no body was sent; it is treated as `{}` like koa-body does.
   */
  validate(method: string, template: string, body: unknown): unknown {
    const fn = this.compiledFor(templateKey(method, template));
    if (!fn) return body;
    const value = body === undefined ? {} : body;
    if (!fn(value)) throw new GuardError(issuesFromAjv(fn.errors ?? [], value, fn.schema as Schema));
    return this.strip(value, fn.schema as Schema);
  }

  /**
   * Validate the path parameters of a matched route against the document's parameter schemas (only
   * those with constraints beyond "string": enums, lengths, patterns). `template` is the registered
   * route (`/configs/oidc/:keyType`); parameters are matched to the document's by position.
   * Throws `GuardError` with "The request params is invalid." (400 guard.invalid_input).
   */
  validateParams(method: string, template: string, params: Record<string, string>): void {
    const key = templateKey(method, template);
    let entry = this.compiledParams.get(key);
    if (entry === undefined) {
      entry = null;
      const op = this.load().get(key);
      const names = [...template.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
      const properties: Record<string, Schema> = {};
      op?.pathParams.forEach((s, i) => {
        const name = names[i];
        if (name && isConstraining(s)) properties[name] = normalise(structuredClone(s), this.components, new Set());
      });
      const constrained = Object.keys(properties);
      if (constrained.length > 0) {
        try {
          const fn = this.getAjv().compile({ type: 'object', properties });
          entry = { fn, names: constrained };
        } catch (err) {
          process.emitWarning(`emulator: cannot compile the path parameters of ${key}: ${(err as Error).message}`);
        }
      }
      this.compiledParams.set(key, entry);
    }
    if (!entry) return;
    const value: Record<string, string> = {};
    for (const n of entry.names) if (params[n] !== undefined) value[n] = params[n] as string;
    if (!entry.fn(value)) {
      throw new GuardError(issuesFromAjv(entry.fn.errors ?? [], value, entry.fn.schema as Schema), 'params');
    }
  }

  /** A compiled validator of one union branch (cached per branch schema object). */
  private branchValidator(branch: Schema): ValidateFunction | null {
    const cached = this.branchValidators.get(branch);
    if (cached !== undefined) return cached;
    let fn: ValidateFunction | null = null;
    try {
      fn = this.getAjv().compile(branch);
    } catch {
      fn = null;
    }
    this.branchValidators.set(branch, fn);
    return fn;
  }

  /**
   * Drop keys the schema does not declare (zod's default strip), recursively. For a union (`anyOf`),
   * the keys kept are those of the first branch that accepts the value, as zod's union returns the first
   * option that parses.
   */
  private strip(value: unknown, s: Schema): unknown {
    if (Array.isArray(s.anyOf)) {
      const branches = s.anyOf as Schema[];
      const chosen = branches.find((b) => this.branchValidator(b)?.(value) === true);
      if (chosen) return this.strip(value, chosen);
      return value;
    }
    if (Array.isArray(value)) {
      const items = s.items as Schema | undefined;
      return items && typeof items === 'object' ? value.map((v) => this.strip(v, items)) : value;
    }
    if (value && typeof value === 'object') {
      const props = declaredProperties(s);
      const rest =
        s.additionalProperties && typeof s.additionalProperties === 'object'
          ? (s.additionalProperties as Schema)
          : undefined;
      if (!props && !rest) return value;
      const out: Json = {};
      for (const [k, v] of Object.entries(value as Json)) {
        if (props && k in props) out[k] = this.strip(v, props[k] as Schema);
        else if (rest) out[k] = this.strip(v, rest);
      }
      return out;
    }
    return value;
  }
}

/** Repair the zod→OpenAPI artefacts (see module comment). Mutates and returns `s`. */
function normalise(s: Schema, components: Record<string, Schema>, seen: Set<string>): Schema {
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace('#/components/schemas/', '');
    if (seen.has(name)) return {};
    const next = new Set(seen).add(name);
    return normalise(structuredClone(components[name] ?? {}), components, next);
  }
  if (s.description === 'Validator function') {
    // A zod refinement the generator could not express; the route handler checks it.
    for (const k of Object.keys(s)) delete s[k];
    return s;
  }
  if (typeof s.format === 'string') {
    const f = s.format;
    if (/^".*"$/.test(f)) {
      s.enum = [JSON.parse(f) as string];
      s['x-literal'] = true;
      delete s.format;
    } else if (f === 'true' || f === 'false') {
      s.enum = [f === 'true'];
      s['x-literal'] = true;
      delete s.format;
    }
  } else if (s.format !== undefined) delete s.format;
  if (typeof s.pattern === 'string') {
    const m = /^\/(.*)\/([a-z]*)$/s.exec(s.pattern);
    if (m) {
      s['x-js-regex'] = { source: m[1], flags: m[2] };
      delete s.pattern;
    }
  }
  // `{"[translationKey]": …}` is the generator's spelling of a record (custom phrases): accept any keys.
  if (s.properties && Object.keys(s.properties).some((k) => /^\[.+\]$/.test(k))) {
    delete s.properties;
    s.additionalProperties = true;
  }
  if (s.properties && s.type === 'string') s.type = 'object';
  if (Array.isArray(s.oneOf)) {
    s.anyOf = s.oneOf;
    delete s.oneOf;
  }
  for (const k of ['anyOf', 'allOf'] as const) {
    if (Array.isArray(s[k])) s[k] = (s[k] as Schema[]).map((x) => normalise(x, components, seen));
  }
  if (s.items && typeof s.items === 'object') s.items = normalise(s.items as Schema, components, seen);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') {
    s.additionalProperties = normalise(s.additionalProperties as Schema, components, seen);
  }
  if (s.properties && typeof s.properties === 'object') {
    const props = s.properties as Record<string, Schema>;
    for (const [k, v] of Object.entries(props)) props[k] = normalise(v, components, seen);
    if (Array.isArray(s.required)) {
      // `.optional().nullable().or(…)` loses its `optional` in the document (the app sign-in experience's
      // links are listed as required, and Logto accepts a body without them).
      const optionalUnion = (p: Schema | undefined) =>
        Array.isArray(p?.anyOf) && (p.anyOf as Schema[]).some((b) => b.nullable === true);
      s.required = (s.required as string[]).filter((r) => props[r]?.default === undefined && !optionalUnion(props[r]));
    }
  }
  return s;
}

/** The property schemas an object schema (or a union of them) declares; undefined = free-form. */
function declaredProperties(s: Schema): Record<string, Schema> | undefined {
  if (s.additionalProperties === true) return undefined;
  const branches = (s.anyOf ?? s.allOf) as Schema[] | undefined;
  if (branches) {
    const merged: Record<string, Schema> = {};
    let any = false;
    for (const b of branches) {
      const p = declaredProperties(b);
      if (b.type === 'object' || b.properties) {
        if (!p) return undefined;
        any = true;
        for (const [k, v] of Object.entries(p)) merged[k] ??= v;
      }
    }
    return any ? merged : undefined;
  }
  if (s.properties && typeof s.properties === 'object') return s.properties as Record<string, Schema>;
  return undefined;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v === undefined) return 'undefined';
  return typeof v;
}

function pathOf(instancePath: string): Array<string | number> {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function valueAt(root: unknown, path: Array<string | number>): unknown {
  let v: unknown = root;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[p] : undefined;
  return v;
}

let shared: BodyValidator | undefined;

/**
 * The process-wide validator of the bundled document: the parsed document and the compiled validators
 * are shared by every emulator in the process (tests start many).
 */
export function sharedValidator(): BodyValidator {
  shared ??= new BodyValidator();
  return shared;
}

/** zod's `joinValues`: `'a' | 'b'`. */
function joinValues(values: unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(' | ');
}

/** The type zod would name as `expected` for a schema. */
function expectedOf(s: Schema | undefined): string {
  if (!s) return 'unknown';
  if (Array.isArray(s.enum) && !s['x-literal']) return joinValues(s.enum as unknown[]);
  const t = Array.isArray(s.type) ? s.type[0] : s.type;
  if (t === 'integer') return 'number';
  if (typeof t === 'string') return t;
  if (s.properties) return 'object';
  return 'unknown';
}

/** Ajv keywords that zod reports as "checks" on a value of the right type (a dirty, not aborted, parse). */
const CHECK_KEYWORDS = new Set([
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'format',
  'pattern',
  'x-js-regex',
  'multipleOf',
]);

/** The discriminator of a union whose branches are objects told apart by a required literal property. */
function discriminatorOf(branches: Schema[]): { key: string; values: unknown[][] } | undefined {
  const first = branches[0];
  if (!first?.properties || branches.length < 2) return undefined;
  for (const key of Object.keys(first.properties as Record<string, Schema>)) {
    const values: unknown[][] = [];
    for (const b of branches) {
      const prop = (b.properties as Record<string, Schema> | undefined)?.[key];
      const required = Array.isArray(b.required) && (b.required as string[]).includes(key);
      if (!prop || !required || !Array.isArray(prop.enum)) break;
      values.push(prop.enum as unknown[]);
    }
    if (values.length === branches.length) return { key, values };
  }
  return undefined;
}

/** One ajv error (not a union) as a zod issue. */
function issueOf(e: ErrorObject, root: unknown): GuardIssue {
  const path = pathOf(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const missing = String(p.missingProperty);
      const parent = e.parentSchema as Schema | undefined;
      const prop = (parent?.properties as Record<string, Schema> | undefined)?.[missing];
      if (prop?.['x-literal'] && Array.isArray(prop.enum)) {
        return {
          code: 'invalid_literal',
          expected: prop.enum[0],
          received: undefined,
          path: [...path, missing],
          message: `Invalid literal value, expected ${JSON.stringify(prop.enum[0])}`,
        };
      }
      return {
        code: 'invalid_type',
        expected: expectedOf(prop),
        received: 'undefined',
        path: [...path, missing],
        message: 'Required',
      };
    }
    case 'type': {
      const received = typeOf(valueAt(root, path));
      const expected = String(Array.isArray(p.type) ? p.type[0] : p.type).replace('integer', 'number');
      return {
        code: 'invalid_type',
        expected,
        received,
        path,
        message: `Expected ${expected}, received ${received}`,
      };
    }
    case 'enum': {
      const options = (p.allowedValues as unknown[]) ?? [];
      const received = valueAt(root, path);
      if ((e.parentSchema as Schema | undefined)?.['x-literal']) {
        return {
          code: 'invalid_literal',
          expected: options[0],
          received,
          path,
          message: `Invalid literal value, expected ${JSON.stringify(options[0])}`,
        };
      }
      return {
        code: 'invalid_enum_value',
        options,
        received,
        path,
        message: `Invalid enum value. Expected ${joinValues(options)}, received '${String(received)}'`,
      };
    }
    case 'minLength':
    case 'minItems':
    case 'minimum':
      return {
        code: 'too_small',
        minimum: p.limit,
        type: e.keyword === 'minItems' ? 'array' : e.keyword === 'minimum' ? 'number' : 'string',
        inclusive: true,
        exact: false,
        path,
        message:
          e.keyword === 'minItems'
            ? `Array must contain at least ${String(p.limit)} element(s)`
            : e.keyword === 'minimum'
              ? `Number must be greater than or equal to ${String(p.limit)}`
              : `String must contain at least ${String(p.limit)} character(s)`,
      };
    case 'maxLength':
    case 'maxItems':
    case 'maximum':
      return {
        code: 'too_big',
        maximum: p.limit,
        type: e.keyword === 'maxItems' ? 'array' : e.keyword === 'maximum' ? 'number' : 'string',
        inclusive: true,
        exact: false,
        path,
        message:
          e.keyword === 'maxItems'
            ? `Array must contain at most ${String(p.limit)} element(s)`
            : e.keyword === 'maximum'
              ? `Number must be less than or equal to ${String(p.limit)}`
              : `String must contain at most ${String(p.limit)} character(s)`,
      };
    case 'format':
      return { code: 'invalid_string', validation: String(p.format), path, message: `Invalid ${String(p.format)}` };
    case 'x-js-regex':
    case 'pattern':
      return { code: 'invalid_string', validation: 'regex', path, message: 'Invalid' };
    default:
      return { code: 'custom', path, message: e.message ?? 'Invalid input' };
  }
}

const depth = (e: ErrorObject) => e.schemaPath.split('/').length;

/**
 * Map ajv errors (collected with `allErrors`) to zod-like issues, the shape Logto returns in `data.issues`:
 * - every failing property gives one issue; a wrong type hides the other errors of the same value (zod
 *   stops at the type);
 * - a union (`anyOf`) gives zod's union result: for a discriminated union (all branches objects with a
 *   required literal property) the issues of the branch the discriminator picks, or
 *   `invalid_union_discriminator`; otherwise the issues of the first branch that failed only on checks
 *   (zod's "dirty" result), or `invalid_union` with `unionErrors` per branch;
 * - issues are ordered by the schema's property order, as zod walks an object's shape.
 */
export function issuesFromAjv(errors: ErrorObject[], root: unknown, schema?: Schema): GuardIssue[] {
  const issues = convert(errors, root);
  return schema ? sortByShape(issues, schema) : issues;
}

function convert(errors: ErrorObject[], root: unknown): GuardIssue[] {
  const issues: GuardIssue[] = [];
  // Outermost unions first; the errors inside a union are consumed by it.
  const unions = errors.filter((e) => e.keyword === 'anyOf').sort((a, b) => depth(a) - depth(b));
  const consumed = new Set<ErrorObject>();
  const unionIssues = new Map<ErrorObject, GuardIssue[]>();
  for (const u of unions) {
    if (consumed.has(u)) continue;
    const prefix = `${u.schemaPath}/`;
    const inner = errors.filter((e) => e !== u && e.schemaPath.startsWith(prefix));
    for (const e of inner) consumed.add(e);
    unionIssues.set(u, unionIssuesOf(u, inner, root));
  }
  const typeFailed = new Set(errors.filter((e) => e.keyword === 'type' && !consumed.has(e)).map((e) => e.instancePath));
  for (const e of errors) {
    if (consumed.has(e)) continue;
    const fromUnion = unionIssues.get(e);
    if (fromUnion) {
      issues.push(...fromUnion);
      continue;
    }
    if (e.keyword !== 'type' && e.keyword !== 'required' && typeFailed.has(e.instancePath)) continue;
    if (e.keyword === 'if' || e.keyword === 'not' || e.keyword === 'allOf') continue;
    issues.push(issueOf(e, root));
  }
  return issues;
}

function unionIssuesOf(u: ErrorObject, inner: ErrorObject[], root: unknown): GuardIssue[] {
  const path = pathOf(u.instancePath);
  const branches = (Array.isArray(u.schema) ? u.schema : []) as Schema[];
  const byBranch = branches.map((_, i) => inner.filter((e) => e.schemaPath.startsWith(`${u.schemaPath}/${i}/`)));
  const value = valueAt(root, path);
  const disc = discriminatorOf(branches);
  if (disc && value && typeof value === 'object' && !Array.isArray(value)) {
    const given = (value as Json)[disc.key];
    const i = disc.values.findIndex((vals) => vals.some((v) => v === given));
    if (i < 0) {
      const options = disc.values.flat();
      return [
        {
          code: 'invalid_union_discriminator',
          options,
          path: [...path, disc.key],
          message: `Invalid discriminator value. Expected ${joinValues(options)}`,
        },
      ];
    }
    return convert(byBranch[i] ?? [], root);
  }
  const dirty = byBranch.find((errs) => errs.length > 0 && errs.every((e) => CHECK_KEYWORDS.has(e.keyword)));
  if (dirty) return convert(dirty, root);
  return [
    {
      code: 'invalid_union',
      unionErrors: byBranch.map((errs) => ({ issues: convert(errs, root), name: 'ZodError' })),
      path,
      message: 'Invalid input',
    },
  ];
}

/** The position of a path in the schema's shape (property order, then array index), for sorting. */
function shapeRank(path: Array<string | number>, schema: Schema): number[] {
  const rank: number[] = [];
  let s: Schema | undefined = schema;
  for (const seg of path) {
    if (typeof seg === 'number') {
      rank.push(seg);
      s = s?.items as Schema | undefined;
      continue;
    }
    const props = s?.properties as Record<string, Schema> | undefined;
    const keys = props ? Object.keys(props) : [];
    const i = keys.indexOf(seg);
    rank.push(i < 0 ? keys.length : i);
    s = props?.[seg];
  }
  return rank;
}

function sortByShape(issues: GuardIssue[], schema: Schema): GuardIssue[] {
  const ranked = issues.map((issue, i) => ({ issue, i, rank: shapeRank(issue.path, schema) }));
  ranked.sort((a, b) => {
    const n = Math.min(a.rank.length, b.rank.length);
    for (let k = 0; k < n; k++) if (a.rank[k] !== b.rank[k]) return (a.rank[k] ?? 0) - (b.rank[k] ?? 0);
    return a.i - b.i;
  });
  return ranked.map((r) => r.issue);
}
