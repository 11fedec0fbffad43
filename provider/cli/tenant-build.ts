/**
 * Step 2 of the tenant-file analysis (see `tenant-file.ts`): entries, in the file's nested, key-based form, into
 * flat objects with `Ref`s, and the check for literal secrets in sensitive fields.
 */
import type { DesiredObject, Ref } from '../../core/reconcile/types.js';
import { addressOf, type KindLayout, type RefField, SINGLETON_KEY, suggest, type TenantLayout } from './layout.js';
import { formatPath, isPlainObject, type Path, pathKey, type SourceFile } from './source.js';
import type { Collector, Entry } from './tenant-read.js';
import { containsPlaceholder } from './variables.js';

export interface ObjectOrigin {
  source: SourceFile;
  /** Path of the object in its file. */
  path: Path;
  /** Spec field → its path in the file. */
  fields: Map<string, Path>;
}

/** Keys in secret-looking positions inside a sensitive JSON field must come from a variable. */
const SECRET_KEY = /secret|password|passwd|token|private|credential|authorization|api[-_]?key|signing/i;

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

function ownKey(key: string, parent?: { key: string }): string {
  return parent ? key.slice(parent.key.length + 1) : key;
}

export function sectionHint(layout: TenantLayout, target: KindLayout): string {
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
