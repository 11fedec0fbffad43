/**
 * Step 1 of the tenant-file analysis (see `tenant-file.ts`): discovery, parsing, variable substitution and the
 * split of each file into entries, with an environment's overlays laid over the shared files. Also the
 * `Collector` every step reports its problems to.
 */
import { dirname } from 'node:path';
import { type KindLayout, RESERVED_TOP_LEVEL, SINGLETON_KEY, suggest, type TenantLayout } from './layout.js';
import {
  discoverFiles,
  formatPath,
  isPlainObject,
  type Path,
  type Problem,
  positionOf,
  readSource,
  type SourceFile,
} from './source.js';
import { type SubstituteOptions, substitute, type VariableUse } from './variables.js';

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

function kindFix(layout: TenantLayout, kind: unknown): string {
  const hint = typeof kind === 'string' ? suggest(kind, layout.kinds.keys()) : undefined;
  return hint ? `did you mean "${hint}"?` : `kinds are: ${[...layout.kinds.keys()].join(', ')}`;
}
