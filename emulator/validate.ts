/**
 * Request-body validation against the Management API OpenAPI document (`schema/management.openapi.json`).
 *
 * The document is generated from Logto's zod guards and carries a few artefacts of that conversion, which
 * are repaired before compiling (see `normalise`): zod refinements rendered as `{type:"object",
 * description:"Validator function"}`, literals rendered as `format: "\"Text\""`, JS regex literals in
 * `pattern`, `oneOf` for zod unions (zod unions behave like `anyOf`), and fields with a default listed as
 * required. Validators are compiled lazily per operation and cached: the document is 1.3 MB and the
 * emulator must start fast.
 *
 * After validation, unknown keys are stripped the way zod's default `object()` does; free-form objects
 * (`additionalProperties: true`, or no declared properties) keep their keys.
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
}

/** A route key independent of parameter names: `/applications/{}/roles`. */
export function templateKey(method: string, template: string): string {
  return `${method.toUpperCase()} ${template.replace(/\{[^}]+\}|:[A-Za-z0-9_]+/g, '{}')}`;
}

export class BodyValidator {
  private operations?: Map<string, Operation>;
  private components: Record<string, Schema> = {};
  private readonly compiled = new Map<string, ValidateFunction | null>();
  private ajv?: Ajv;

  constructor(private readonly specPath = findSpecPath()) {}

  private load(): Map<string, Operation> {
    if (this.operations) return this.operations;
    const doc = JSON.parse(readFileSync(this.specPath, 'utf8')) as {
      paths: Record<
        string,
        Record<string, { requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> } }>
      >;
      components?: { schemas?: Record<string, Schema> };
    };
    this.components = doc.components?.schemas ?? {};
    const ops = new Map<string, Operation>();
    for (const [path, methods] of Object.entries(doc.paths)) {
      const template = path.replace(/^\/api/, '');
      for (const [method, op] of Object.entries(methods)) {
        const content = op.requestBody?.content?.['application/json'];
        ops.set(templateKey(method, template), {
          schema: content?.schema,
          required: op.requestBody?.required ?? false,
        });
      }
    }
    this.operations = ops;
    return ops;
  }

  private getAjv(): Ajv {
    if (this.ajv) return this.ajv;
    const ajv = new Ajv({ allErrors: false, strict: false, validateFormats: true, coerceTypes: false });
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
    if (!fn(value)) throw new GuardError(issuesFromAjv(fn.errors ?? [], value));
    return strip(value, normalisedFor(fn));
  }
}

function normalisedFor(fn: ValidateFunction): Schema {
  return fn.schema as Schema;
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
      delete s.format;
    } else if (f === 'true' || f === 'false') {
      s.enum = [f === 'true'];
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
      s.required = (s.required as string[]).filter((r) => props[r]?.default === undefined);
    }
  }
  return s;
}

/** The property schemas an object schema (or a union of them) declares; undefined = free-form. */
function declaredProperties(s: Schema): Record<string, Schema> | undefined {
  if (s.additionalProperties === true || (typeof s.additionalProperties === 'object' && s.additionalProperties)) {
    return undefined;
  }
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

/** Drop keys the schema does not declare (zod's default strip), recursively. */
function strip(value: unknown, s: Schema): unknown {
  if (Array.isArray(value)) {
    const items = s.items as Schema | undefined;
    return items ? value.map((v) => strip(v, items)) : value;
  }
  if (value && typeof value === 'object') {
    const props = declaredProperties(s);
    if (!props) return value;
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) {
      if (k in props) out[k] = strip(v, props[k] as Schema);
    }
    return out;
  }
  return value;
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

/** Map ajv errors to zod-like issues (the shape Logto returns in `data.issues`). */
export function issuesFromAjv(errors: ErrorObject[], root: unknown): GuardIssue[] {
  const issues: GuardIssue[] = [];
  const union = errors.find((e) => e.keyword === 'anyOf');
  if (union) return [{ code: 'invalid_union', path: pathOf(union.instancePath), message: 'Invalid input' }];
  for (const e of errors.slice(0, 1)) {
    const path = pathOf(e.instancePath);
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'required':
        issues.push({
          code: 'invalid_type',
          expected: 'string',
          received: 'undefined',
          path: [...path, String(p.missingProperty)],
          message: 'Required',
        });
        break;
      case 'type': {
        const received = typeOf(valueAt(root, path));
        issues.push({
          code: 'invalid_type',
          expected: String(p.type),
          received,
          path,
          message: `Expected ${String(p.type)}, received ${received}`,
        });
        break;
      }
      case 'enum': {
        const options = (p.allowedValues as unknown[]) ?? [];
        issues.push({
          code: 'invalid_enum_value',
          options,
          received: valueAt(root, path),
          path,
          message: `Invalid enum value. Expected ${options.map((o) => `'${String(o)}'`).join(' | ')}, received '${String(valueAt(root, path))}'`,
        });
        break;
      }
      case 'minLength':
      case 'minItems':
      case 'minimum':
        issues.push({
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
        });
        break;
      case 'maxLength':
      case 'maxItems':
      case 'maximum':
        issues.push({
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
        });
        break;
      case 'format':
        issues.push({
          code: 'invalid_string',
          validation: String(p.format),
          path,
          message: `Invalid ${String(p.format)}`,
        });
        break;
      case 'x-js-regex':
      case 'pattern':
        issues.push({ code: 'invalid_string', validation: 'regex', path, message: 'Invalid' });
        break;
      default:
        issues.push({ code: 'custom', path, message: e.message ?? 'Invalid input' });
    }
  }
  return issues;
}
