/**
 * Tenant files → `DesiredObject[]`, in named steps that `analyzeTenant` runs in order: `readTenantFiles`
 * (discovery, parsing, variable substitution, merging of several files into entries), `buildObjects`
 * (translation from the file's nested, key-based form, see `layout.ts`, into flat objects with `Ref`s), then
 * the offline checks `checkDemoSecrets`, `checkReferences` and `checkSchemas`. All problems are collected in
 * one `Collector` and reported together; nothing here talks to the API.
 */
import { dirname } from 'node:path';
import type { ResourceDefinition } from '../../core/contract.js';
import type { DesiredObject, Ref } from '../../core/reconcile/types.js';
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
import { containsPlaceholder, type SubstituteOptions, substitute, type VariableUse } from './variables.js';

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
  /**
   * Accept `${env:NAME:-fallback}` in a sensitive field when NAME is unset (with a warning). Off by default:
   * a fallback secret is an error unless the run targets the embedded emulator or the user said
   * `--allow-demo-secrets`. `'offline'` (validate, which checks files, not what a tenant would get): a
   * warning that plan and apply against a real tenant will refuse the fallback.
   */
  allowDemoSecrets?: boolean | 'offline';
  /** An environment's files (or directories), laid over the shared ones (see `applyOverlays`). */
  overlays?: string[];
  /**
   * A `${env:NAME}` whose variable is unset keeps its placeholder text instead of being an error: for
   * commands that never use values (`graph` draws keys and references only).
   */
  keepUnsetVariables?: boolean;
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

/** One top-level object (or singleton) of a file, before translation. */
export interface Entry {
  /** Set by an environment's overlay that removes the object. */
  removed?: boolean;
  layout: KindLayout;
  key: string;
  body: unknown;
  source: SourceFile;
  path: Path;
  substituted: Set<string>;
}

/** Problems found so far, with file positions. */
export class Collector {
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

/**
 * Everything `validate` reports; `loadTenant` throws when it holds errors. The steps, each a function of its
 * own: read the files (parsing and variables), build the objects and their references, then check them.
 */
export function analyzeTenant(
  paths: string[],
  options: LoadOptions = {},
): { tenant: LoadedTenant; problems: Problem[] } {
  const layout = buildLayout(options.catalog ?? defaultCatalog());
  const out = new Collector();
  const read = readTenantFiles(paths, layout, options.env ?? process.env, out, options.overlays, {
    keepUnset: options.keepUnsetVariables === true,
  });
  const built = buildObjects(read.entries, layout, out);
  checkDemoSecrets(read.variables, built, layout, options.allowDemoSecrets ?? false, out);
  checkReferences(built, layout, out);
  checkSchemas(built, layout, out);

  const errors = out.problems.filter((p) => p.severity === 'error');
  const warnings = out.problems.filter((p) => p.severity === 'warning');
  const { desired, origins } = built;
  return {
    tenant: { files: read.files, desired, allowDelete: read.allowDelete, variables: read.variables, warnings, origins },
    problems: [...errors, ...warnings],
  };
}

/** What the files say, before translation: one entry per object, with the variables they used. */
export interface ReadFiles {
  files: string[];
  entries: Entry[];
  variables: VariableUse[];
  allowDelete: string[];
}

/**
 * Step 1: discover and parse the files, substitute variables, and split each file into entries (one per
 * top-level object or singleton). Unknown sections, a bad `version`, unknown `allowDelete` kinds and an
 * object defined twice are reported here. `overlays` (an environment's files) are laid over the entries:
 * see `applyOverlays`.
 */
export function readTenantFiles(
  paths: string[],
  layout: TenantLayout,
  env: NodeJS.ProcessEnv,
  out: Collector,
  overlays: string[] = [],
  substitution: SubstituteOptions = {},
): ReadFiles {
  const { files, problems: discoveryProblems } = discoverFiles(paths);
  out.problems.push(...discoveryProblems);
  const overlayFiles = overlays.length > 0 ? discoverFiles(overlays) : { files: [], problems: [] };
  out.problems.push(...overlayFiles.problems);
  const read: ReadFiles = { files: [...files, ...overlayFiles.files], entries: [], variables: [], allowDelete: [] };
  const allowDelete = new Set<string>();
  const base = uniqueEntries(out);
  for (const file of files) fileEntries(file, layout, env, substitution, out, read.variables, allowDelete, base.add);
  const overlay = uniqueEntries(out);
  for (const file of overlayFiles.files) {
    fileEntries(file, layout, env, substitution, out, read.variables, allowDelete, overlay.add);
  }
  read.entries = applyOverlays(base.entries, overlay.entries, out);
  read.allowDelete = [...allowDelete];
  return read;
}

/** Entries of several files where a key may appear in only one file. */
function uniqueEntries(out: Collector) {
  const entries: Entry[] = [];
  const seen = new Map<string, Entry>();
  const add = (entry: Entry) => {
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
  };
  return { entries, add };
}

/** One file's entries (and its variables and `allowDelete` kinds). */
function fileEntries(
  file: string,
  layout: TenantLayout,
  env: NodeJS.ProcessEnv,
  substituteOptions: SubstituteOptions,
  out: Collector,
  variables: VariableUse[],
  allowDelete: Set<string>,
  add: (entry: Entry) => void,
): void {
  const { source, problems } = readSource(file, dirname(file));
  out.problems.push(...problems);
  if (!source) return;
  const substitution = substitute(source, env, substituteOptions);
  out.problems.push(...substitution.problems);
  variables.push(...substitution.uses);
  const root = substitution.value;
  if (root === null || root === undefined) return;
  if (!isPlainObject(root)) {
    out.error(source, [], 'a tenant file must be a map of sections (applications:, roles:, …)');
    return;
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
      add(entry);
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
      add({ layout: kindLayout, key, body, source, path: [name, key], substituted: substitution.substituted });
    }
  }
}

/**
 * An environment's overlay entries laid over the shared ones, by kind and key: maps merge key by key (deeply),
 * anything else replaces, and `null` removes (a field, or a whole object: it does not exist in that
 * environment). An overlay entry with no shared one adds an object.
 */
export function applyOverlays(base: Entry[], overlays: Entry[], out: Collector): Entry[] {
  const result = [...base];
  const at = new Map(base.map((e, i) => [`${e.layout.kind}\u0000${e.key}`, i]));
  for (const overlay of overlays) {
    const index = at.get(`${overlay.layout.kind}\u0000${overlay.key}`);
    if (index === undefined) {
      if (overlay.body === null)
        out.warn(
          overlay.source,
          overlay.path,
          `${overlay.layout.kind} "${overlay.key}" is removed here but no shared file defines it`,
          'remove the line, or fix the key',
        );
      else result.push(overlay);
      continue;
    }
    const shared = result[index]!;
    result[index] = {
      ...shared,
      body: overlay.body === null ? null : mergeOverlay(shared.body, overlay.body),
      substituted: new Set([...shared.substituted, ...overlay.substituted]),
      removed: overlay.body === null,
    };
  }
  return result.filter((e) => !e.removed);
}

function mergeOverlay(base: unknown, overlay: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(overlay)) return overlay;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    if (v === null) delete out[k];
    else out[k] = mergeOverlay(base[k], v);
  }
  return out;
}

/** The objects the entries describe, where each came from, and every reference they make. */
export interface BuiltObjects {
  desired: DesiredObject[];
  origins: Map<string, ObjectOrigin>;
  refUses: Array<{ ref: Ref; kind: string; value: string; source: SourceFile; path: Path }>;
}

/**
 * Step 2: translate entries from the file's nested, key-based form into flat objects: children under their
 * parents, references by key (`Ref`s, to be resolved by the reconciler), natural keys from map keys. Unknown
 * fields and literal secrets in sensitive fields are reported here.
 */
export function buildObjects(entries: Entry[], layout: TenantLayout, out: Collector): BuiltObjects {
  const builder = new ObjectBuilder(layout, out);
  for (const entry of entries) {
    const key = entry.layout.singleton ? SINGLETON_KEY : entry.key;
    builder.object(entry, entry.layout, key, entry.body, entry.path);
  }
  return builder.built;
}

class ObjectBuilder {
  readonly built: BuiltObjects = { desired: [], origins: new Map(), refUses: [] };
  constructor(
    private readonly layout: TenantLayout,
    private readonly out: Collector,
  ) {}

  /** One object from its entry's body: its fields, references and natural key, then its children. */
  object(
    entry: Entry,
    kindLayout: KindLayout,
    key: string,
    body: unknown,
    path: Path,
    parent?: { address: string; key: string },
  ): void {
    const { source } = entry;
    const address = addressOf(kindLayout.kind, key);
    if (body === null || body === undefined) body = {};
    if (!isPlainObject(body)) {
      this.out.error(
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
        const refs = this.refs(ref, value, fieldPath, source);
        if (refs !== undefined) {
          spec[ref.field] = refs;
          fields.set(ref.field, fieldPath);
        }
        continue;
      }
      const raw = rawRefFields.get(field);
      if (raw) {
        this.out.error(
          source,
          fieldPath,
          `"${field}" holds ids; the tenant file names objects by key`,
          `write \`${raw.fileName}:\` with the keys of ${raw.kind} objects`,
        );
        continue;
      }
      if (kindLayout.parent && field === kindLayout.parent.field) {
        this.out.error(
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
        this.out.error(
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
        this.out.error(
          source,
          fields.get(kindLayout.keyField) ?? path,
          `${kindLayout.keyField} ${JSON.stringify(given)} differs from the object's key "${ownKey(key, parent)}"`,
          `${kindLayout.keyField} is the natural key of ${kindLayout.kind}: rename the key or remove the field`,
        );
      }
    }
    checkSensitive(kindLayout, spec, fields, entry, this.out);
    this.built.desired.push({ address, kind: kindLayout.kind, spec });
    this.built.origins.set(address, { source, path, fields });

    this.children(entry, kindLayout, key, address, body, path);
  }

  /** The children nested under an object: maps of child objects, or lists of keys (an app's roles). */
  private children(
    entry: Entry,
    kindLayout: KindLayout,
    key: string,
    address: string,
    body: Record<string, unknown>,
    path: Path,
  ): void {
    const { source } = entry;
    for (const child of kindLayout.children) {
      const value = body[child.section];
      if (value === undefined || value === null) continue;
      const childPath = [...path, child.section];
      if (child.listForm) {
        const listRef = child.listForm;
        if (!Array.isArray(value)) {
          this.out.error(
            source,
            childPath,
            `"${child.section}" must be a list of ${listRef.kind} keys`,
            `write ${child.section}: [key1, key2]`,
          );
          continue;
        }
        if (listRef.many) {
          const refs = this.refs(listRef, value, childPath, source);
          if (refs === undefined) continue;
          const childAddress = addressOf(child.kind, key);
          const childSpec: Record<string, unknown> = { [listRef.field]: refs };
          if (child.parent) childSpec[child.parent.field] = { $ref: address } satisfies Ref;
          this.built.desired.push({ address: childAddress, kind: child.kind, spec: childSpec });
          this.built.origins.set(childAddress, {
            source,
            path: childPath,
            fields: new Map([[listRef.field, childPath]]),
          });
        } else {
          value.forEach((item, index) => {
            const itemPath = [...childPath, index];
            const ref = this.refs(listRef, item, itemPath, source);
            if (ref === undefined) return;
            const childAddress = addressOf(child.kind, `${key}/${String(item)}`);
            const childSpec: Record<string, unknown> = { [listRef.field]: ref };
            if (child.parent) childSpec[child.parent.field] = { $ref: address } satisfies Ref;
            if (this.built.origins.has(childAddress)) {
              this.out.error(
                source,
                itemPath,
                `${listRef.kind} "${String(item)}" is listed twice`,
                'remove the duplicate',
              );
              return;
            }
            this.built.desired.push({ address: childAddress, kind: child.kind, spec: childSpec });
            this.built.origins.set(childAddress, {
              source,
              path: itemPath,
              fields: new Map([[listRef.field, itemPath]]),
            });
          });
        }
        continue;
      }
      if (!isPlainObject(value)) {
        this.out.error(
          source,
          childPath,
          `"${child.section}" must be a map from key to fields`,
          `write ${child.section}:\n  my-key: { … }`,
        );
        continue;
      }
      for (const [childKey, childBody] of Object.entries(value)) {
        this.object(entry, child, `${key}/${childKey}`, childBody, [...childPath, childKey], { address, key });
      }
    }
  }

  /** The keys a reference field holds, as references (recorded for the existence check). */
  private refs(ref: RefField, value: unknown, at: Path, source: SourceFile): Ref | Ref[] | undefined {
    const one = (item: unknown, itemPath: Path): Ref | undefined => {
      if (typeof item !== 'string' || item === '') {
        this.out.error(
          source,
          itemPath,
          `expected the key of a ${ref.kind} (a string), got ${JSON.stringify(item)}`,
          refFix(this.layout, ref),
        );
        return undefined;
      }
      const r: Ref = { $ref: addressOf(ref.kind, item) };
      this.built.refUses.push({ ref: r, kind: ref.kind, value: item, source, path: itemPath });
      return r;
    };
    if (!ref.many) return value === null ? undefined : one(value, at);
    // Keys of children may be grouped by parent: `scopes: { <resource>: [read, write] }`.
    if (isPlainObject(value) && this.layout.kinds.get(ref.kind)?.parent) {
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
      this.out.error(source, at, `"${ref.fileName}" must be a list of ${ref.kind} keys`, refFix(this.layout, ref));
      return undefined;
    }
    const refs: Ref[] = [];
    value.forEach((item, index) => {
      const r = one(item, [...at, index]);
      if (r) refs.push(r);
    });
    return refs;
  }
}

/** Literal values in secret positions of sensitive fields: secrets must come from variables. */
function checkSensitive(
  kindLayout: KindLayout,
  spec: Record<string, unknown>,
  fields: Map<string, Path>,
  entry: Entry,
  out: Collector,
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

/**
 * Step 3: a fallback in a sensitive field is a demo value in the file's text: an error unless demo secrets
 * are allowed (the embedded emulator, or --allow-demo-secrets), and then still said out loud.
 */
export function checkDemoSecrets(
  variables: VariableUse[],
  { desired, origins }: BuiltObjects,
  layout: TenantLayout,
  allowDemoSecrets: boolean | 'offline',
  out: Collector,
): void {
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
    if (!sensitive) continue;
    out.problems.push(
      allowDemoSecrets === 'offline'
        ? {
            severity: 'warning',
            file: use.file,
            line: use.line,
            column: use.column,
            field: use.field,
            message: `${use.name} is not set; this sensitive field falls back to the demo value written in the file, which plan and apply against a real tenant refuse`,
            fix: `export ${use.name}=… before plan or apply (the fallback is accepted only with --emulator or --allow-demo-secrets)`,
          }
        : allowDemoSecrets
          ? {
              severity: 'warning',
              file: use.file,
              line: use.line,
              column: use.column,
              field: use.field,
              message: `${use.name} is not set; the sensitive field uses the file's demo fallback value`,
              fix: `set ${use.name} for anything but a demo`,
            }
          : {
              severity: 'error',
              file: use.file,
              line: use.line,
              column: use.column,
              field: use.field,
              message: `${use.name} is not set, and this sensitive field would use the fallback written in the file`,
              fix: `set the variable: export ${use.name}=… (a secret's fallback is accepted only against the embedded emulator, --emulator, or with --allow-demo-secrets)`,
            },
    );
  }
}

/** Step 4: references must name objects defined in the files. */
export function checkReferences({ desired, refUses }: BuiltObjects, layout: TenantLayout, out: Collector): void {
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
}

/** Step 5: the catalog's own schema, per object (references stand in as placeholders). */
export function checkSchemas({ desired, origins }: BuiltObjects, layout: TenantLayout, out: Collector): void {
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
      // A field that is not there is "required", whatever the schema would say about a wrong value.
      const missing = valueAt(probe, issue.path as Path) === undefined;
      out.error(
        origin.source,
        fieldPath,
        `${object.address}: ${missing ? 'required, but not set' : issue.message}`,
        issueFix(
          missing
            ? { ...(issue as unknown as ZodIssueLike), code: 'invalid_type' }
            : (issue as unknown as ZodIssueLike),
          {
            description: describe?.description,
            missing,
            schema: kindLayout.definition.spec,
            path: issue.path as Path,
          },
        ),
      );
    }
  }
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

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const step of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value;
}

/** zod 4 keeps a schema's definition under `_zod.def`; only what the did-you-mean needs is read. */
interface ZodDefLike {
  type?: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  element?: unknown;
  valueType?: unknown;
}
function defOf(schema: unknown): ZodDefLike | undefined {
  return (schema as { _zod?: { def?: ZodDefLike } } | undefined)?._zod?.def;
}

/** The object schema at a path (through optional/nullable/default wrappers, arrays and records), if any. */
function objectKeysAt(schema: unknown, path: Path): string[] | undefined {
  let current = schema;
  const unwrap = () => {
    for (let def = defOf(current); def?.innerType !== undefined; def = defOf(current)) current = def.innerType;
  };
  unwrap();
  for (const step of path) {
    const def = defOf(current);
    if (!def) return undefined;
    if (def.type === 'object' && typeof step === 'string') current = def.shape?.[step];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else return undefined;
    unwrap();
  }
  const def = defOf(current);
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string (text)',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  array: 'a list ([a, b])',
  object: 'a map (field: value)',
  record: 'a map (key: value)',
  date: 'a date',
  null: 'null',
};

function typeWord(expected: unknown): string {
  const name = String(expected);
  return TYPE_WORDS[name] ?? `a ${name}`;
}

const FORMAT_WORDS: Record<string, string> = {
  url: 'an absolute URL, e.g. https://example.com/path',
  email: 'an email address, e.g. name@example.com',
  uuid: 'a UUID',
  datetime: 'an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z',
  date: 'an ISO 8601 date, e.g. 2026-01-31',
  hostname: 'a host name, e.g. example.com',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
};

function boundText(issue: ZodIssueLike, side: 'min' | 'max'): string {
  const bound = String(side === 'min' ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  const word = side === 'min' ? 'at least' : 'at most';
  switch (issue.origin) {
    case 'string':
      return `use ${word} ${bound} character(s)`;
    case 'array':
    case 'set':
      return `use ${word} ${bound} item(s)`;
    case 'number':
    case 'int':
    case 'bigint':
      return side === 'min'
        ? `use a number ${inclusive ? '≥' : '>'} ${bound}`
        : `use a number ${inclusive ? '≤' : '<'} ${bound}`;
    default:
      return `use ${word} ${bound}`;
  }
}

/** The fix line of a schema problem, chosen by the zod issue code. */
export function issueFix(
  issue: ZodIssueLike,
  context: { description?: string; missing?: boolean; schema?: unknown; path?: Path } = {},
): string {
  const about = context.description ? ` (${context.description})` : '';
  switch (issue.code) {
    case 'invalid_type':
      if (context.missing && issue.expected === undefined) return `set this required field${about}`;
      return context.missing
        ? `set this required field to ${typeWord(issue.expected)}${about}`
        : `use ${typeWord(issue.expected)}${about}`;
    case 'invalid_value':
      return Array.isArray(issue.values)
        ? `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
        : `fix the value${about}`;
    case 'too_small':
      return `${boundText(issue, 'min')}${about}`;
    case 'too_big':
      return `${boundText(issue, 'max')}${about}`;
    case 'not_multiple_of':
      return `use a multiple of ${String(issue.divisor)}${about}`;
    case 'invalid_format': {
      const format = String(issue.format);
      if (format === 'regex' && issue.pattern) return `use a value matching ${String(issue.pattern)}${about}`;
      if (format === 'starts_with' && issue.prefix) return `start the value with "${String(issue.prefix)}"${about}`;
      if (format === 'ends_with' && issue.suffix) return `end the value with "${String(issue.suffix)}"${about}`;
      if (format === 'includes' && issue.includes) return `include "${String(issue.includes)}" in the value${about}`;
      return `use ${FORMAT_WORDS[format] ?? `a valid ${format}`}${about}`;
    }
    case 'unrecognized_keys': {
      const keys = (issue.keys as string[] | undefined) ?? [];
      const known = context.schema && context.path ? objectKeysAt(context.schema, context.path) : undefined;
      const hints = known
        ? keys.flatMap((key) => {
            const hint = suggest(
              key,
              known.filter((k) => !keys.includes(k)),
            );
            return hint ? [`"${key}" → did you mean "${hint}"?`] : [];
          })
        : [];
      if (hints.length > 0) return hints.join('; ');
      return `remove ${keys.length > 0 ? keys.map((k) => `"${k}"`).join(', ') : 'the unknown keys'}${known ? ` (known: ${known.join(', ')})` : ''}`;
    }
    case 'custom': {
      // A definition's own check may say how to fix what it refuses (`params: { fix }`).
      const fix = (issue.params as { fix?: unknown } | undefined)?.fix;
      return typeof fix === 'string' ? fix : `fix the value${about}`;
    }
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
