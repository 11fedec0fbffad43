/**
 * `export`: the live tenant as a tenant file (the inverse of `tenant-file.ts`). Reads go through the catalog
 * and the reconciler's object reads (no HTTP here). Built-in objects (the Management API resource and its
 * scopes, the app the CLI authenticates with) are left out, and so is anything that only makes sense with
 * them (a role granting Management API scopes). Secrets become `${env:…}` placeholders; the caller prints the
 * list of variables to set. Exporting then planning the result gives zero changes.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { LogtoClient } from '../../core/client/types.js';
import type { Live, ResourceContext, ResourceDefinition } from '../../core/contract.js';
import { createContext, readObject } from '../../core/reconcile/index.js';
import { buildLayout, type KindLayout, SINGLETON_KEY, type TenantLayout } from './layout.js';
import { isPlainObject } from './source.js';

export interface ExportedVariable {
  name: string;
  address: string;
  field: string;
}

export interface ExportResult {
  document: Record<string, unknown>;
  yaml: string;
  variables: ExportedVariable[];
  /** Objects left out, and why. */
  skipped: { address: string; reason: string }[];
  /** Kinds added to `--only` because exported objects reference them. */
  addedKinds: string[];
  /** Things to fix before the file can be planned (live objects sharing a name), in words. */
  warnings: string[];
  counts: Record<string, number>;
}

export interface ExportOptions {
  client: LogtoClient;
  catalog: ResourceDefinition<any>[];
  only?: string[];
  exclude?: string[];
  /** Kinds exported only on request (`exportOnRequest`, e.g. User) to export as well. */
  include?: string[];
  /** `$schema` reference written at the top of the file. */
  schemaUrl?: string;
}

const SECRET_KEY =
  /secret|password|passwd|^pass$|^environmentVariables$|token|private|credential|authorization|api[-_]?key|signing/i;

interface Found {
  layout: KindLayout;
  live: Live;
  key: string;
  parentKey?: string;
  address: string;
}

export async function exportTenant(options: ExportOptions): Promise<ExportResult> {
  const layout = buildLayout(options.catalog);
  const ctx = createContext(options.client);
  const wanted = closure(layout, options.only, options.exclude, options.include);
  const skipped: ExportResult['skipped'] = [];
  const warnings: string[] = [];
  const found = new Map<string, Found[]>();
  const idToKey = new Map<string, Map<string, string>>();

  const isBuiltin = (l: KindLayout, live: Live) =>
    (l.definition.builtin?.(live, ctx) ?? false) || (l.kind === 'Application' && live.id === options.client.appId);

  // Read kinds in catalog order; a child is read per exported parent. Reads of one kind run concurrently, as
  // many at once as the client lets in flight (its own cap still applies; this only avoids queueing thousands).
  const order = orderParentsFirst(layout);
  const limit = concurrencyOf(options.client);
  for (const l of order) {
    if (!wanted.kinds.has(l.kind)) continue;
    const lives: { live: Live; parentKey?: string }[] = [];
    if (l.singleton) {
      const all = l.definition.list ? await l.definition.list(ctx) : [];
      const one = all[0] ?? (await l.definition.read(ctx, SINGLETON_KEY));
      if (one) lives.push({ live: one });
    } else if (l.parent) {
      const list = l.definition.list;
      if (!list) continue;
      const parents = found.get(l.parent.kind) ?? [];
      const children = await mapBounded(parents, limit, (parent) => list(ctx, parent.live.id));
      parents.forEach((parent, i) => {
        for (const live of children[i]!) lives.push({ live, parentKey: parent.key });
      });
    } else if (l.definition.list) {
      for (const live of await l.definition.list(ctx)) lives.push({ live });
    }
    // Relation reads (an organization's three JIT sets…) of many objects at once, in the list's order.
    const exported = lives.filter(({ live }) => !isBuiltin(l, live));
    const withRel = await mapBounded(exported, limit, ({ live }) => withRelations(ctx, l.definition, live));
    const keys = new Map<string, string>();
    const list: Found[] = [];
    const used = new Set<string>();
    for (const [i, { parentKey }] of exported.entries()) {
      const live = withRel[i]!;
      let own = l.singleton
        ? SINGLETON_KEY
        : l.listForm
          ? listFormKey(l, live)
          : l.keyField
            ? l.naturalKey
              ? String(live.spec[l.keyField] ?? live.id)
              : slug(String(live.spec[l.keyField] ?? '')) || live.id
            : keyHandle(l.definition, live) || live.id;
      if (!l.naturalKey && used.has(`${parentKey ?? ''}/${own}`)) {
        let n = 2;
        while (used.has(`${parentKey ?? ''}/${own}-${n}`)) n++;
        own = `${own}-${n}`;
      }
      used.add(`${parentKey ?? ''}/${own}`);
      const key = parentKey !== undefined ? `${parentKey}/${own}` : own;
      keys.set(live.id, key);
      list.push({ layout: l, live, key, parentKey, address: `${l.kind}.${key}` });
    }
    found.set(l.kind, list);
    idToKey.set(l.kind, keys);
    warnings.push(...sharedNames(l, list));
  }

  // Drop objects that reference something not exported (built-ins), until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [kind, list] of found) {
      const kept = list.filter((f) => {
        if (f.layout.parent && f.parentKey !== undefined) {
          const parents = new Set(idToKey.get(f.layout.parent.kind)?.values() ?? []);
          if (!parents.has(f.parentKey)) return false; // its parent was left out (reported there)
        }
        for (const ref of f.layout.refs.values()) {
          const value = f.live.spec[ref.field];
          const ids = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
          const missing = ids.filter((id) => typeof id === 'string' && !idToKey.get(ref.kind)?.has(id));
          if (missing.length > 0) {
            skipped.push({
              address: f.address,
              reason: `${ref.fileName} references ${ref.kind} objects that are built in or not exported (${missing.join(', ')})`,
            });
            return false;
          }
        }
        return true;
      });
      if (kept.length !== list.length) {
        changed = true;
        found.set(kind, kept);
        idToKey.set(kind, new Map(kept.map((f) => [f.live.id, f.key])));
      }
    }
  }

  const variables: ExportedVariable[] = [];
  const document: Record<string, unknown> = {};
  if (options.schemaUrl) document.$schema = options.schemaUrl;
  document.version = 1;
  const counts: Record<string, number> = {};
  const bodies = new Map<string, Record<string, unknown>>();

  for (const l of order) {
    const list = found.get(l.kind) ?? [];
    if (!wanted.emit.has(l.kind)) continue;
    counts[l.kind] = list.length;
    for (const f of list) {
      if (l.listForm) {
        const parentBody = bodies.get(`${l.parent!.kind}.${f.parentKey}`);
        if (!parentBody) continue;
        const value = f.live.spec[l.listForm.field];
        const ids = Array.isArray(value) ? value : [value];
        const keys = ids.map((id) => idToKey.get(l.listForm!.kind)?.get(String(id))).filter((k): k is string => !!k);
        const current = (parentBody[l.section] as string[] | undefined) ?? [];
        parentBody[l.section] = [...current, ...keys].sort();
        continue;
      }
      const body = toBody(f, layout, idToKey, variables);
      bodies.set(f.address, body);
      if (l.singleton) document[l.section] = body;
      else if (l.parent) {
        const parentBody = bodies.get(`${l.parent.kind}.${f.parentKey}`);
        if (!parentBody) continue;
        const section = (parentBody[l.section] as Record<string, unknown> | undefined) ?? {};
        section[f.key.slice(f.parentKey!.length + 1)] = body;
        parentBody[l.section] = section;
      } else {
        const section = (document[l.section] as Record<string, unknown> | undefined) ?? {};
        section[f.key] = body;
        document[l.section] = section;
      }
    }
  }

  // Every map in every section (the objects by key, each object's fields, nested maps such as customData)
  // in code-point order, so two exports of the same tenant are the same text. Lists keep their order.
  for (const section of layout.sections.keys()) {
    if (document[section] !== undefined) document[section] = sortDeep(document[section]);
  }

  const header = [
    'Exported by logto-iac export.',
    ...(variables.length > 0
      ? [
          'Secrets are not exported. Set these variables before plan/apply:',
          ...variables.map((v) => `  ${v.name}  (${v.address} ${v.field})`),
        ]
      : []),
  ];
  const yaml = `${header.map((line) => `# ${line}`.trimEnd()).join('\n')}\n${stringify(document, { lineWidth: 0 })}`;
  return { document, yaml, variables, skipped, addedKinds: wanted.added, counts, warnings };
}

/**
 * Objects of a kind found by name (no natural key) that share their name in Logto: the file can hold them,
 * but a run without ids cannot tell them apart and stops, so say it now.
 */
function sharedNames(l: KindLayout, list: Found[]): string[] {
  const key = l.definition.key ? undefined : l.definition.adoptionKey;
  if (!key) return [];
  const byName = new Map<string, Found[]>();
  for (const f of list) {
    let name: string;
    try {
      name = key.of(f.live.spec);
    } catch {
      continue;
    }
    byName.set(name, [...(byName.get(name) ?? []), f]);
  }
  return [...byName.entries()]
    .filter(([, same]) => same.length > 1)
    .map(
      ([name, same]) =>
        `${same.map((f) => `${f.address} (id ${f.live.id})`).join(', ')} have the same ${key.fields.join('+')} "${name}" in Logto; plan and apply stop on such duplicates: rename or delete the extra ones in Logto, then export again`,
    );
}

/**
 * Kinds to read (`kinds`) and to write (`emit`): the asked-for kinds plus what they reference or nest under.
 * Without `--only`, kinds exported on request (users: end-user data) are left out unless `include` names them.
 */
function closure(
  layout: TenantLayout,
  only?: string[],
  exclude?: string[],
  include?: string[],
): { kinds: Set<string>; emit: Set<string>; added: string[] } {
  const byDefault = [...layout.kinds.values()]
    .filter((l) => !l.definition.exportOnRequest || include?.includes(l.kind))
    .map((l) => l.kind);
  const asked = new Set(only && only.length > 0 ? [...only, ...(include ?? [])] : byDefault);
  for (const kind of exclude ?? []) asked.delete(kind);
  const emit = new Set(asked);
  const queue = [...emit];
  while (queue.length > 0) {
    const l = layout.kinds.get(queue.pop()!);
    if (!l) continue;
    const needs = [...l.refs.values()].map((r) => r.kind);
    if (l.parent) needs.push(l.parent.kind);
    if (l.listForm) needs.push(l.listForm.kind);
    for (const kind of needs) {
      if (!emit.has(kind)) {
        emit.add(kind);
        queue.push(kind);
      }
    }
  }
  const added = [...emit].filter((k) => !asked.has(k));
  return { kinds: emit, emit, added };
}

function orderParentsFirst(layout: TenantLayout): KindLayout[] {
  const out: KindLayout[] = [];
  const visit = (l: KindLayout) => {
    if (out.includes(l)) return;
    if (l.parent) visit(layout.kinds.get(l.parent.kind)!);
    out.push(l);
  };
  for (const l of layout.ordered) visit(l);
  return out;
}

/** The client's concurrency cap (the HTTP client's shared budget says it), else the client default of 8. */
function concurrencyOf(client: LogtoClient): number {
  const cap = (client as { budget?: { settings?: { maxConcurrency?: unknown } } }).budget?.settings?.maxConcurrency;
  return typeof cap === 'number' && Number.isInteger(cap) && cap >= 1 ? cap : 8;
}

/** `items.map(work)` with at most `limit` calls in flight; results in the order of `items`; first error wins. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await work(items[i]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function withRelations(ctx: ResourceContext, definition: ResourceDefinition<any>, live: Live): Promise<Live> {
  const missing = definition.relations.some((r) => live.spec[r.field] === undefined);
  if (!missing) return live;
  return (await readObject(ctx, definition, live.id, live.spec)) ?? live;
}

/** A readable handle for keyless objects: `Acme Back Office` → `acme-back-office` (the name is kept as a field). */
function slug(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

/** Map keys in a stable order at every depth, so exports diff cleanly in version control. */
export function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sortDeep(v)]),
  );
}

function listFormKey(l: KindLayout, live: Live): string {
  const value = live.spec[l.listForm!.field];
  return Array.isArray(value) ? live.id : String(value);
}

/** A handle from a key of several fields (an email template's language and type, a connector's kind). */
function keyHandle(definition: ResourceDefinition<any>, live: Live): string {
  try {
    return definition.key ? slug(definition.key.of(live.spec)) : '';
  } catch {
    return '';
  }
}

function escapeText(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('${', () => '$${');
  if (Array.isArray(value)) return value.map(escapeText);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeText(v)]));
  return value;
}

function envName(...parts: string[]): string {
  return parts
    .join('_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

function toBody(
  f: Found,
  layout: TenantLayout,
  idToKey: Map<string, Map<string, string>>,
  variables: ExportedVariable[],
): Record<string, unknown> {
  const l = f.layout;
  const body: Record<string, unknown> = {};
  const refByField = new Map([...l.refs.values()].map((r) => [r.field, r]));
  const ownKey = f.parentKey !== undefined ? f.key.slice(f.parentKey.length + 1) : f.key;
  const sensitive = new Set(l.definition.sensitive ?? []);
  for (const field of l.specFields) {
    if (field === l.parent?.field) continue;
    const value = f.live.spec[field];
    if (value === undefined || value === null) continue;
    const ref = refByField.get(field);
    if (ref) {
      const keys = (Array.isArray(value) ? value : [value])
        .map((id) => idToKey.get(ref.kind)?.get(String(id)))
        .filter((k): k is string => !!k)
        .sort();
      if (!ref.many) {
        if (keys[0] !== undefined) body[ref.fileName] = keys[0];
        continue;
      }
      if (keys.length === 0) continue;
      const target = layout.kinds.get(ref.kind);
      if (target?.parent) {
        // Group child keys under their parent's key: `scopes: { <indicator>: [read, write] }`.
        const parentKeys = [...(idToKey.get(target.parent.kind)?.values() ?? [])].sort((a, b) => b.length - a.length);
        const grouped: Record<string, string[]> = {};
        for (const key of keys) {
          const parentKey = parentKeys.find((p) => key.startsWith(`${p}/`));
          if (!parentKey) continue;
          const names = grouped[parentKey] ?? [];
          names.push(key.slice(parentKey.length + 1));
          grouped[parentKey] = names;
        }
        body[ref.fileName] = grouped;
      } else body[ref.fileName] = keys;
      continue;
    }
    if (field === l.keyField && value === ownKey && !l.singleton) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    const schema = l.definition.spec.shape[field] as { safeParse(v: unknown): { success: boolean } } | undefined;
    // An empty object is left out unless the field is required (a language whose phrases are all cleared).
    if (isPlainObject(value) && Object.keys(value).length === 0 && schema?.safeParse(undefined).success !== false)
      continue;
    if (schema && !schema.safeParse(value).success) continue; // not representable in the file's schema
    if (sensitive.has(field)) {
      body[field] = placeholders(
        value,
        [f.layout.kind, f.key, field],
        typeof value === 'string' || SECRET_KEY.test(field),
        f.address,
        field,
        variables,
      );
      continue;
    }
    body[field] = escapeText(value);
  }
  if (
    l.keyField &&
    !l.naturalKey &&
    !l.singleton &&
    f.live.spec[l.keyField] !== ownKey &&
    f.live.spec[l.keyField] !== undefined
  ) {
    body[l.keyField] = escapeText(f.live.spec[l.keyField]);
  }
  return body;
}

function placeholders(
  value: unknown,
  nameParts: string[],
  secret: boolean,
  address: string,
  field: string,
  variables: ExportedVariable[],
): unknown {
  if (typeof value === 'string') {
    if (!secret || value === '') return escapeText(value);
    const name = envName(...nameParts);
    variables.push({ name, address, field });
    return `\${env:${name}}`;
  }
  if (Array.isArray(value))
    return value.map((v, i) =>
      placeholders(v, [...nameParts, String(i)], secret, address, `${field}[${i}]`, variables),
    );
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        placeholders(v, [...nameParts, k], secret || SECRET_KEY.test(k), address, `${field}.${k}`, variables),
      ]),
    );
  }
  return value;
}

const SCHEMA = join('schema', 'tenant.schema.json');

/** This package's tenant schema: the first directory up from this module that holds it. */
function ownSchema(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, SCHEMA)) && existsSync(join(dir, 'package.json'))) return join(dir, SCHEMA);
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * The `$schema` an exported file names, relative to the directory it is written in (`fromDir`), so editors
 * find it wherever the file goes: the project's installed `node_modules/logto-iac` (looked for from that
 * directory upwards, as Node resolves packages), else this package's own copy.
 */
export function schemaReference(fromDir: string): string | undefined {
  const from = resolve(fromDir);
  let target: string | undefined;
  for (let dir = from; !target; dir = dirname(dir)) {
    const installed = join(dir, 'node_modules', 'logto-iac', SCHEMA);
    if (existsSync(installed)) target = installed;
    else if (dirname(dir) === dir) target = ownSchema();
  }
  if (!target) return undefined;
  const path = relative(from, target).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
}
