/**
 * The emulator's modules import one another without loops (issue 25, item 6): state that several route
 * modules read lives in `emulator/route-state.ts`, never in one route module that another imports back.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const EMULATOR = join(ROOT, 'emulator');

/** Every `.ts` file below `dir`. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The relative module specifiers of a file: static imports and re-exports (type-only ones too), and `import()`. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1]!);
  return found.filter((s) => s.startsWith('.'));
}

/** Each file → the files of the same tree it imports (`./x.js` is `./x.ts`). */
function importGraph(dir: string): Map<string, string[]> {
  const files = sourceFiles(dir);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = specifiers(readFileSync(file, 'utf8'))
      .map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts'))
      .filter((target) => known.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The loops of a graph: its strongly connected components of more than one file (or a file importing itself). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let member = stack.pop()!; ; member = stack.pop()!) {
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) out.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return out;
}

describe('emulator import graph', () => {
  it('has no import cycles', () => {
    const graph = importGraph(EMULATOR);
    expect(graph.size).toBeGreaterThan(20);
    const named = cycles(graph).map((component) => component.map((file) => relative(ROOT, file)).join(' ↔ '));
    expect(named, `import cycles in emulator/: ${named.join('; ')}`).toEqual([]);
  });

  it('names a cycle it is shown', () => {
    const a = join(EMULATOR, 'routes/a.ts');
    const b = join(EMULATOR, 'routes/b.ts');
    const c = join(EMULATOR, 'util.ts');
    const graph = new Map([
      [a, [b, c]],
      [b, [a]],
      [c, []],
    ]);
    expect(cycles(graph).map((component) => component.map((file) => relative(ROOT, file)))).toEqual([
      ['emulator/routes/a.ts', 'emulator/routes/b.ts'],
    ]);
  });
});
