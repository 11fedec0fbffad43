/**
 * Tenant files → `DesiredObject[]`: discovery, parsing, variable substitution, merging of several files,
 * translation from the file's nested, key-based form (see `layout.ts`) into flat objects with `Ref`s, and
 * every offline check (unknown fields, schema, references, literal secrets). All problems are collected and
 * reported together; nothing here talks to the API.
 */
import { dirname } from 'node:path';
import type { ResourceDefinition } from '../../resources/contract.js';
import type { DesiredObject, Ref } from '../reconcile/types.js';
import {
  addressOf,
  buildLayout,
  type KindLayout,
  RESERVED_TOP_LEVEL,
  type RefField,
  SINGLETON_KEY,
  suggest,
  type TenantLayout,
} from './layout.js';
import {
  discoverFiles,
  formatPath,
  isPlainObject,
  type Path,
  type Problem,
  pathKey,
  positionOf,
  readSource,
  type SourceFile,
  TenantFileError,
} from './source.js';
import { containsPlaceholder, substitute, type VariableUse } from './variables.js';

export interface ObjectOrigin {
  source: SourceFile;
  /** Path of the object in its file. */
  path: Path;
  /** Spec field → its path in the file. */
  fields: Map<string, Path>;
}

export interface LoadedTenant {
  files: string[];
  desired: DesiredObject[];
  /** Kinds the files allow to prune (`allowDelete:`), union over files. */
  allowDelete: string[];
  variables: VariableUse[];
  warnings: Problem[];
  origins: Map<string, ObjectOrigin>;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  catalog?: ResourceDefinition<any>[];
}

/** Keys in secret-looking positions inside a sensitive JSON field must come from a variable. */
const SECRET_KEY = /secret|password|passwd|token|private|credential|authorization|api[-_]?key|signing/i;
/** A value never seen in a real id: stands in for a reference while the zod schema checks a spec. */
const REF_STANDIN = 'refplaceholder0000000';

export function isRef(value: unknown): value is Ref {
  return (
    isPlainObject(value) &&
    typeof value.$ref === 'string' &&
    Object.keys(value).every((k) => k === '$ref' || k === 'attr')
  );
}

interface Entry {
  layout: KindLayout;
  key: string;
  body: unknown;
  source: SourceFile;
  path: Path;
  substituted: Set<string>;
}

class Collector {
  readonly problems: Problem[] = [];
  error(source: SourceFile | undefined, path: Path, message: string, fix?: string) {
    this.add('error', source, path, message, fix);
  }
  warn(source: SourceFile | undefined, path: Path, message: string, fix?: string) {
    this.add('warning', source, path, message, fix);
  }
  private add(
    severity: Problem['severity'],
    source: SourceFile | undefined,
    path: Path,
    message: string,
    fix?: string,
  ) {
    const pos = source ? positionOf(source, path) : undefined;
    this.problems.push({
      severity,
      file: source?.file,
      line: pos?.line,
      column: pos?.column,
      field: path.length ? formatPath(path) : undefined,
      message,
      fix,
    });
  }
}

/** Everything `validate` reports; `loadTenant` throws when it holds errors. */
export function analyzeTenant(
  paths: string[],
  options: LoadOptions = {},
): { tenant: LoadedTenant; problems: Problem[] } {
  const layout = buildLayout(options.catalog ?? defaultCatalog());
  const out = new Collector();
  const { files, problems: discoveryProblems } = discoverFiles(paths);
  out.problems.push(...discoveryProblems);
  const variables: VariableUse[] = [];
  const allowDelete = new Set<string>();
  const entries: Entry[] = [];
  const seen = new Map<string, Entry>();

  for (const file of files) {
    const { source, problems } = readSource(file, dirname(file));
    out.problems.push(...problems);
    if (!source) continue;
    const substitution = substitute(source, options.env ?? process.env);
    out.problems.push(...substitution.problems);
    variables.push(...substitution.uses);
    const root = substitution.value;
    if (root === null || root === undefined) continue;
    if (!isPlainObject(root)) {
      out.error(source, [], 'a tenant file must be a map of sections (applications:, roles:, …)');
      continue;
    }
    for (const [name, value] of Object.entries(root)) {
      const path = [name];
      if (name === '$schema') continue;
      if (name === 'version') {
        if (value !== 1) out.error(source, path, `unsupported version ${JSON.stringify(value)}`, 'write `version: 1`');
        continue;
      }
      if (name === 'allowDelete') {
        const kinds = Array.isArray(value) ? value : [value];
        kinds.forEach((kind, index) => {
          if (typeof kind === 'string' && layout.kinds.has(kind)) allowDelete.add(kind);
          else
            out.error(
              source,
              Array.isArray(value) ? [name, index] : path,
              `unknown kind ${JSON.stringify(kind)}`,
              kindFix(layout, kind),
            );
        });
        continue;
      }
      const kindLayout = layout.sections.get(name);
      if (!kindLayout) {
        const hint = suggest(name, [...layout.sections.keys(), ...RESERVED_TOP_LEVEL]);
        out.error(
          source,
          path,
          `unknown section "${name}"`,
          hint ? `did you mean "${hint}"?` : `sections are: ${[...layout.sections.keys()].join(', ')}`,
        );
        continue;
      }
      if (kindLayout.singleton) {
        const entry: Entry = {
          layout: kindLayout,
          key: SINGLETON_KEY,
          body: value,
          source,
          path,
          substituted: substitution.substituted,
        };
        addEntry(entry);
        continue;
      }
      if (value === null || value === undefined) continue;
      if (!isPlainObject(value)) {
        out.error(
          source,
          path,
          `"${name}" must be a map from each object's key to its fields`,
          `write ${name}:\n  my-key: { … }`,
        );
        continue;
      }
      for (const [key, body] of Object.entries(value)) {
        addEntry({ layout: kindLayout, key, body, source, path: [name, key], substituted: substitution.substituted });
      }
    }
  }

  function addEntry(entry: Entry) {
    const id = `${entry.layout.kind}\u0000${entry.key}`;
    const first = seen.get(id);
    if (first) {
      const firstPos = positionOf(first.source, first.path);
      out.error(
        entry.source,
        entry.path,
        `${entry.layout.kind} "${entry.key}" is defined twice: here and in ${first.source.file}${firstPos ? `:${firstPos.line}` : ''}`,
        'keep one definition; a key may appear in only one file',
      );
      return;
    }
    seen.set(id, entry);
    entries.push(entry);
  }

  const desired: DesiredObject[] = [];
  const origins = new Map<string, ObjectOrigin>();
  const refUses: Array<{ ref: Ref; kind: string; value: string; source: SourceFile; path: Path }> = [];

  const translate = (
    entry: Entry,
    kindLayout: KindLayout,
    key: string,
    body: unknown,
    path: Path,
    parent?: { address: string; key: string },
  ) => {
    const { source } = entry;
    const address = addressOf(kindLayout.kind, key);
    if (body === null || body === undefined) body = {};
    if (!isPlainObject(body)) {
      out.error(
        source,
        path,
        `expected the fields of ${kindLayout.kind} "${key}" as a map`,
        'write `key: { field: value }`',
      );
      return;
    }
    const spec: Record<string, unknown> = {};
    const fields = new Map<string, Path>();
    if (parent && kindLayout.parent) spec[kindLayout.parent.field] = { $ref: parent.address } satisfies Ref;
    const childSections = new Map(kindLayout.children.map((c) => [c.section, c]));
    const rawRefFields = new Map([...kindLayout.refs.values()].map((r) => [r.field, r]));
    for (const [field, value] of Object.entries(body)) {
      const fieldPath = [...path, field];
      if (childSections.has(field)) continue;
      const ref = kindLayout.refs.get(field);
      if (ref) {
        const refs = toRefs(ref, value, fieldPath);
        if (refs !== undefined) {
          spec[ref.field] = refs;
          fields.set(ref.field, fieldPath);
        }
        continue;
      }
      const raw = rawRefFields.get(field);
      if (raw) {
        out.error(
          source,
          fieldPath,
          `"${field}" holds ids; the tenant file names objects by key`,
          `write \`${raw.fileName}:\` with the keys of ${raw.kind} objects`,
        );
        continue;
      }
      if (kindLayout.parent && field === kindLayout.parent.field) {
        out.error(
          source,
          fieldPath,
          `"${field}" is given by nesting`,
          `remove it; the object sits under its ${kindLayout.parent.kind}`,
        );
        continue;
      }
      if (!kindLayout.specFields.includes(field)) {
        const candidates = [
          ...kindLayout.specFields.filter((f) => !rawRefFields.has(f) && f !== kindLayout.parent?.field),
          ...kindLayout.refs.keys(),
          ...childSections.keys(),
        ];
        const hint = suggest(field, candidates);
        out.error(
          source,
          fieldPath,
          `unknown field "${field}" for ${kindLayout.kind}`,
          hint ? `did you mean "${hint}"?` : `known fields: ${candidates.join(', ')}`,
        );
        continue;
      }
      spec[field] = value;
      fields.set(field, fieldPath);
    }
    if (kindLayout.keyField && !kindLayout.singleton) {
      const given = spec[kindLayout.keyField];
      if (given === undefined) spec[kindLayout.keyField] = ownKey(key, parent);
      else if (kindLayout.naturalKey && given !== ownKey(key, parent)) {
        out.error(
          source,
          fields.get(kindLayout.keyField) ?? path,
          `${kindLayout.keyField} ${JSON.stringify(given)} differs from the object's key "${ownKey(key, parent)}"`,
          `${kindLayout.keyField} is the natural key of ${kindLayout.kind}: rename the key or remove the field`,
        );
      }
    }
    checkSensitive(kindLayout, spec, fields, entry);
    desired.push({ address, kind: kindLayout.kind, spec });
    origins.set(address, { source, path, fields });

    for (const child of kindLayout.children) {
      const value = body[child.section];
      if (value === undefined || value === null) continue;
      const childPath = [...path, child.section];
      if (child.listForm) {
        const listRef = child.listForm;
        if (!Array.isArray(value)) {
          out.error(
            source,
            childPath,
            `"${child.section}" must be a list of ${listRef.kind} keys`,
            `write ${child.section}: [key1, key2]`,
          );
          continue;
        }
        if (listRef.many) {
          const refs = toRefs(listRef, value, childPath);
          if (refs === undefined) continue;
          const childAddress = addressOf(child.kind, key);
          const childSpec: Record<string, unknown> = { [listRef.field]: refs };
          if (child.parent) childSpec[child.parent.field] = { $ref: address } satisfies Ref;
          desired.push({ address: childAddress, kind: child.kind, spec: childSpec });
          origins.set(childAddress, { source, path: childPath, fields: new Map([[listRef.field, childPath]]) });
        } else {
          value.forEach((item, index) => {
            const itemPath = [...childPath, index];
            const ref = toRefs(listRef, item, itemPath);
            if (ref === undefined) return;
            const childAddress = addressOf(child.kind, `${key}/${String(item)}`);
            const childSpec: Record<string, unknown> = { [listRef.field]: ref };
            if (child.parent) childSpec[child.parent.field] = { $ref: address } satisfies Ref;
            if (origins.has(childAddress)) {
              out.error(source, itemPath, `${listRef.kind} "${String(item)}" is listed twice`, 'remove the duplicate');
              return;
            }
            desired.push({ address: childAddress, kind: child.kind, spec: childSpec });
            origins.set(childAddress, { source, path: itemPath, fields: new Map([[listRef.field, itemPath]]) });
          });
        }
        continue;
      }
      if (!isPlainObject(value)) {
        out.error(
          source,
          childPath,
          `"${child.section}" must be a map from key to fields`,
          `write ${child.section}:\n  my-key: { … }`,
        );
        continue;
      }
      for (const [childKey, childBody] of Object.entries(value)) {
        translate(entry, child, `${key}/${childKey}`, childBody, [...childPath, childKey], { address, key });
      }
    }

    function toRefs(ref: RefField, value: unknown, at: Path): Ref | Ref[] | undefined {
      const one = (item: unknown, itemPath: Path): Ref | undefined => {
        if (typeof item !== 'string' || item === '') {
          out.error(
            source,
            itemPath,
            `expected the key of a ${ref.kind} (a string), got ${JSON.stringify(item)}`,
            refFix(layout, ref),
          );
          return undefined;
        }
        const r: Ref = { $ref: addressOf(ref.kind, item) };
        refUses.push({ ref: r, kind: ref.kind, value: item, source, path: itemPath });
        return r;
      };
      if (!ref.many) return value === null ? undefined : one(value, at);
      // Keys of children may be grouped by parent: `scopes: { <resource>: [read, write] }`.
      if (isPlainObject(value) && layout.kinds.get(ref.kind)?.parent) {
        const refs: Ref[] = [];
        for (const [parentKey, names] of Object.entries(value)) {
          const list = Array.isArray(names) ? names : [names];
          list.forEach((name, index) => {
            const r = one(
              typeof name === 'string' ? `${parentKey}/${name}` : name,
              Array.isArray(names) ? [...at, parentKey, index] : [...at, parentKey],
            );
            if (r) refs.push(r);
          });
        }
        return refs;
      }
      if (!Array.isArray(value)) {
        out.error(source, at, `"${ref.fileName}" must be a list of ${ref.kind} keys`, refFix(layout, ref));
        return undefined;
      }
      const refs: Ref[] = [];
      value.forEach((item, index) => {
        const r = one(item, [...at, index]);
        if (r) refs.push(r);
      });
      return refs;
    }
  };

  function checkSensitive(
    kindLayout: KindLayout,
    spec: Record<string, unknown>,
    fields: Map<string, Path>,
    entry: Entry,
  ) {
    for (const field of kindLayout.definition.sensitive ?? []) {
      const value = spec[field];
      const base = fields.get(field);
      if (value === undefined || value === null || !base) continue;
      const visit = (v: unknown, p: Path, secretPosition: boolean) => {
        if (typeof v === 'string') {
          if (secretPosition && v !== '' && !entry.substituted.has(pathKey(p)) && !containsPlaceholder(v)) {
            out.error(
              entry.source,
              p,
              `literal secret in sensitive field ${formatPath(p)}`,
              'secrets come from variables: write ${env:NAME} (or ${file:path}) and set it outside the file',
            );
          }
        } else if (Array.isArray(v)) {
          v.forEach((item, i) => {
            visit(item, [...p, i], secretPosition);
          });
        } else if (isPlainObject(v))
          for (const [k, item] of Object.entries(v)) visit(item, [...p, k], secretPosition || SECRET_KEY.test(k));
      };
      visit(value, base, typeof value === 'string' || SECRET_KEY.test(field));
    }
  }

  for (const entry of entries) {
    if (entry.layout.singleton) translate(entry, entry.layout, SINGLETON_KEY, entry.body, entry.path);
    else translate(entry, entry.layout, entry.key, entry.body, entry.path);
  }

  // Fallbacks used for sensitive fields are allowed (demos) but said out loud.
  for (const use of variables) {
    if (!use.usedFallback) continue;
    const sensitive = desired.some((object) => {
      const origin = origins.get(object.address);
      if (!origin || origin.source.file !== use.file) return false;
      const definition = layout.kinds.get(object.kind)!.definition;
      return (definition.sensitive ?? []).some((field) => {
        const p = origin.fields.get(field);
        return p !== undefined && use.field.startsWith(formatPath(p));
      });
    });
    if (sensitive) {
      out.problems.push({
        severity: 'warning',
        file: use.file,
        line: use.line,
        field: use.field,
        message: `${use.name} is not set; the sensitive field uses the file's fallback value`,
        fix: `set ${use.name} for anything but a demo`,
      });
    }
  }

  // References must name objects defined in the files.
  const addresses = new Set(desired.map((d) => d.address));
  for (const use of refUses) {
    if (addresses.has(use.ref.$ref)) continue;
    const candidates = [...addresses]
      .filter((a) => a.startsWith(`${use.kind}.`))
      .map((a) => a.slice(use.kind.length + 1));
    const hint = suggest(use.value, candidates);
    const target = layout.kinds.get(use.kind);
    out.error(
      use.source,
      use.path,
      `${use.kind} "${use.value}" is not defined in the tenant files`,
      hint
        ? `did you mean "${hint}"?`
        : `define it${target ? ` under ${sectionHint(layout, target)}` : ''}, or fix the key`,
    );
  }

  // The catalog's own schema, per object (references stand in as placeholders).
  for (const object of desired) {
    const kindLayout = layout.kinds.get(object.kind)!;
    const origin = origins.get(object.address)!;
    const probe: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(object.spec)) probe[field] = standIn(value);
    const result = kindLayout.definition.spec.safeParse(probe);
    if (result.success) continue;
    for (const issue of result.error.issues) {
      const [field, ...rest] = issue.path as Path;
      const fieldPath =
        field === undefined
          ? origin.path
          : [
              ...(origin.fields.get(String(field)) ?? [...origin.path, fileFieldName(kindLayout, String(field))]),
              ...rest,
            ];
      const describe =
        field !== undefined
          ? (kindLayout.definition.spec.shape[String(field)] as { description?: string } | undefined)
          : undefined;
      out.error(
        origin.source,
        fieldPath,
        `${object.address}: ${issue.message}`,
        issueFix(issue as unknown as ZodIssueLike, describe?.description),
      );
    }
  }

  const errors = out.problems.filter((p) => p.severity === 'error');
  const warnings = out.problems.filter((p) => p.severity === 'warning');
  return {
    tenant: { files, desired, allowDelete: [...allowDelete], variables, warnings, origins },
    problems: [...errors, ...warnings],
  };
}

/** Loads and checks tenant files; throws `TenantFileError` with every problem when any is an error. */
export function loadTenant(paths: string[], options: LoadOptions = {}): LoadedTenant {
  const { tenant, problems } = analyzeTenant(paths, options);
  if (problems.some((p) => p.severity === 'error')) throw new TenantFileError(problems);
  return tenant;
}

function ownKey(key: string, parent?: { key: string }): string {
  return parent ? key.slice(parent.key.length + 1) : key;
}

function standIn(value: unknown): unknown {
  if (isRef(value)) return REF_STANDIN;
  if (Array.isArray(value)) return value.map(standIn);
  return value;
}

function fileFieldName(kindLayout: KindLayout, field: string): string {
  for (const ref of kindLayout.refs.values()) if (ref.field === field) return ref.fileName;
  return field;
}

function sectionHint(layout: TenantLayout, target: KindLayout): string {
  if (!target.parent) return `${target.section}:`;
  const parent = layout.kinds.get(target.parent.kind)!;
  return `${sectionHint(layout, parent).replace(/:$/, '')}.<key>.${target.section}:`;
}

function refFix(layout: TenantLayout, ref: RefField): string {
  const target = layout.kinds.get(ref.kind);
  if (target?.parent) {
    const parent = layout.kinds.get(target.parent.kind)!;
    return `name each ${ref.kind} as "<${parent.kind} key>/<${target.keyField ?? 'key'}>", e.g. "https://api.example.com/read:orders"`;
  }
  return `name each ${ref.kind} by its key under ${target ? sectionHint(layout, target) : ref.kind}`;
}

function kindFix(layout: TenantLayout, kind: unknown): string {
  const hint = typeof kind === 'string' ? suggest(kind, layout.kinds.keys()) : undefined;
  return hint ? `did you mean "${hint}"?` : `kinds are: ${[...layout.kinds.keys()].join(', ')}`;
}

type ZodIssueLike = { code: string; message: string } & Record<string, unknown>;

function issueFix(issue: ZodIssueLike, description?: string): string {
  const about = description ? ` (${description})` : '';
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `set this required field${about}`
        : `use a value of type ${String(issue.expected)}${about}`;
    case 'invalid_value':
      return Array.isArray(issue.values)
        ? `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
        : `fix the value${about}`;
    case 'too_small':
      return `use at least ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''}${about}`;
    case 'too_big':
      return `use at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''}${about}`;
    case 'unrecognized_keys':
      return `remove ${(issue.keys as string[] | undefined)?.join(', ') ?? 'the unknown keys'}`;
    default:
      return `fix the value${about}`;
  }
}

let catalogCache: ResourceDefinition<any>[] | undefined;
/** The real catalog, registered by `main.ts` (kept out of this module so unit tests can pass their own). */
export function setDefaultCatalog(catalog: ResourceDefinition<any>[]) {
  catalogCache = catalog;
}
function defaultCatalog(): ResourceDefinition<any>[] {
  if (!catalogCache) throw new Error('no resource catalog registered (call setDefaultCatalog)');
  return catalogCache;
}
