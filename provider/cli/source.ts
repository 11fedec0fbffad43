/**
 * Reading tenant files: discovery (files or directories), YAML/JSON parsing with line positions, and the
 * `Problem` type every check reports in (file, line, field, message, fix).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { CST, isMap, isScalar, isSeq, LineCounter, type Node, Parser, parseDocument } from 'yaml';

export type PathSegment = string | number;
export type Path = PathSegment[];

export interface Problem {
  severity: 'error' | 'warning';
  file?: string;
  line?: number;
  column?: number;
  /** Field path in the file's own words, e.g. `roles.admin.scopes[1]`. */
  field?: string;
  message: string;
  fix?: string;
}

/** Thrown with every problem found, never just the first. */
export class TenantFileError extends Error {
  constructor(
    readonly problems: Problem[],
    /** The problems were found in what the tenant holds (reads were made), not in the files alone. */
    readonly afterReads = false,
  ) {
    super(`${problems.filter((p) => p.severity === 'error').length} problem(s) in the tenant files`);
    this.name = 'TenantFileError';
  }
}

export interface SourceFile {
  file: string;
  /** Directory for `${file:…}` paths. */
  dir: string;
  value: unknown;
  /** JSON.stringify(path) → position of the key (maps) or item (sequences). */
  positions: Map<string, { line: number; column: number }>;
}

const TENANT_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Expands directories (recursively, sorted) into tenant files; plain files are taken as given. */
/** Inside a tenant directory, `environments/<name>/` holds the files of one environment (overlays). */
export const ENVIRONMENTS_DIR = 'environments';

/** The environments of the given tenant directories: name → its directories (sorted by name). */
export function findEnvironments(paths: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const path of paths) {
    const dir = join(resolve(path), ENVIRONMENTS_DIR);
    let names: string[];
    try {
      if (!statSync(resolve(path)).isDirectory() || !statSync(dir).isDirectory()) continue;
      names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      if (name.startsWith('.') || !statSync(join(dir, name)).isDirectory()) continue;
      found.set(name, [...(found.get(name) ?? []), join(dir, name)]);
    }
  }
  return new Map([...found].sort(([a], [b]) => a.localeCompare(b)));
}

export function discoverFiles(paths: string[]): { files: string[]; problems: Problem[] } {
  const files: string[] = [];
  const problems: Problem[] = [];
  const visit = (path: string, explicit: boolean) => {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch {
      problems.push({
        severity: 'error',
        file: path,
        message: 'file or directory not found',
        fix: 'check the path',
      });
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (entry.startsWith('.')) continue;
        if (entry === ENVIRONMENTS_DIR) continue; // overlays, read only for their environment
        const child = join(path, entry);
        if (statSync(child).isDirectory() || TENANT_EXTENSIONS.has(extname(entry).toLowerCase())) visit(child, false);
      }
    } else if (explicit || TENANT_EXTENSIONS.has(extname(path).toLowerCase())) files.push(path);
  };
  for (const path of paths) visit(resolve(path), true);
  if (files.length === 0 && problems.length === 0) {
    problems.push({
      severity: 'error',
      file: paths.join(', '),
      message: 'no tenant files (.yaml, .yml, .json) found',
      fix: 'pass a tenant file or a directory that contains one',
    });
  }
  return { files, problems };
}

export function pathKey(path: Path): string {
  return JSON.stringify(path);
}

/** `["roles","admin","scopes",1]` → `roles.admin.scopes[1]`; keys that are not identifiers are quoted. */
export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export function parseSource(file: string, text: string, dir: string): { source?: SourceFile; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const problems: Problem[] = [];
  for (const error of doc.errors) {
    // A quote that is never closed is reported where the file ends: point at the line where it opened.
    const opened = error.code === 'MISSING_CHAR' && /quote/.test(error.message) ? unclosedQuote(text) : undefined;
    const pos =
      opened !== undefined ? lineCounter.linePos(opened) : error.pos ? lineCounter.linePos(error.pos[0]) : undefined;
    problems.push({
      severity: 'error',
      file,
      line: pos?.line,
      column: pos?.col,
      message:
        opened !== undefined
          ? 'this quoted string is never closed (the quote opened here runs to the end of the file)'
          : (error.message.split('\n')[0] ?? error.message),
      fix: /unique/i.test(error.message)
        ? 'remove or rename the duplicate key'
        : opened !== undefined
          ? `close the quote on this line (${text[opened]}…${text[opened]})`
          : 'fix the YAML/JSON syntax at this position',
    });
  }
  if (problems.length > 0) return { problems };
  const positions = new Map<string, { line: number; column: number }>();
  const record = (path: Path, offset: number | undefined) => {
    if (offset === undefined) return;
    const pos = lineCounter.linePos(offset);
    positions.set(pathKey(path), { line: pos.line, column: pos.col });
  };
  const walk = (node: Node | null | undefined, path: Path) => {
    if (!node) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        const childPath = [...path, key];
        record(childPath, keyNode?.range?.[0]);
        walk(pair.value as Node | null, childPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const childPath = [...path, index];
        record(childPath, (item as Node | null)?.range?.[0]);
        walk(item as Node | null, childPath);
      });
    }
  };
  walk(doc.contents as Node | null, []);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    problems.push({ severity: 'error', file, message: (error as Error).message, fix: 'simplify the YAML aliases' });
    return { problems };
  }
  return { source: { file, dir, value: value ?? {}, positions }, problems };
}

export function readSource(file: string, dir: string): { source?: SourceFile; problems: Problem[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { problems: [{ severity: 'error', file, message: `cannot read: ${(error as Error).message}` }] };
  }
  return parseSource(file, text, dir);
}

/** Position of a path, or of its closest ancestor that has one. */
export function positionOf(source: SourceFile, path: Path): { line: number; column: number } | undefined {
  for (let n = path.length; n >= 1; n--) {
    const pos = source.positions.get(pathKey(path.slice(0, n)));
    if (pos) return pos;
  }
  return undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Offset of the first quoted scalar without its closing quote, if any. */
function unclosedQuote(text: string): number | undefined {
  let found: number | undefined;
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document') continue;
    CST.visit(token, (item) => {
      for (const node of [item.key, item.value]) {
        if (
          found !== undefined ||
          !node ||
          (node.type !== 'double-quoted-scalar' && node.type !== 'single-quoted-scalar')
        )
          continue;
        const quote = node.type === 'double-quoted-scalar' ? '"' : "'";
        const body = node.source.trimEnd();
        const closed =
          body.length > 1 && body.endsWith(quote) && (quote === "'" || !/(^|[^\\])(\\\\)*\\"$/.test(body.slice(1)));
        if (!closed) found = node.offset;
      }
    });
  }
  return found;
}

/** Problems in file order, then line and column (stable: same place keeps the order found). */
export function sortProblems<T extends Problem>(problems: T[]): T[] {
  const at = (n: number | undefined) => n ?? Number.MAX_SAFE_INTEGER;
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort(
      (a, b) =>
        (a.problem.file ?? '').localeCompare(b.problem.file ?? '') ||
        at(a.problem.line) - at(b.problem.line) ||
        at(a.problem.column) - at(b.problem.column) ||
        a.index - b.index,
    )
    .map(({ problem }) => problem);
}
