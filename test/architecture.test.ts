/**
 * The layers, read from the source's own imports: `resources/` → `core/` ← front ends (`provider/*`); no
 * import runs back up, and the emulator (a stand-in for Logto) uses no front end. A new import that breaks
 * a rule fails here with the file and the specifier.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative specifiers of static imports, re-exports and dynamic imports, resolved to repo paths. */
function importsOf(file: string, source = readFileSync(join(root, file), 'utf8')): string[] {
  const specifiers = [
    ...source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/gms),
    ...source.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) =>
      relative(root, resolve(root, dirname(file), s))
        .split('\\')
        .join('/'),
    );
}

/** The top-level layer a repo path belongs to (`provider/cli`, `core`, `resources`, …). */
function layerOf(path: string): string {
  const [top, sub] = path.split('/');
  return top === 'provider' ? `provider/${sub}` : top!;
}

const rules: { from: string; forbidden: (layer: string) => boolean; why: string }[] = [
  { from: 'core', forbidden: (l) => l !== 'core', why: 'the core knows no resource type, front end or emulator' },
  {
    from: 'resources',
    forbidden: (l) => l.startsWith('provider/') || l === 'emulator',
    why: 'resource types build on the core only',
  },
  { from: 'emulator', forbidden: (l) => l.startsWith('provider/'), why: 'the emulator uses no front end' },
];

function violations(): string[] {
  const out: string[] = [];
  for (const rule of rules) {
    for (const file of tsFiles(rule.from)) {
      for (const target of importsOf(file)) {
        const layer = layerOf(target);
        if (rule.forbidden(layer)) out.push(`${file} imports ${target} (${rule.why})`);
      }
    }
  }
  return out;
}

describe('architecture', () => {
  it('core imports neither resources nor front ends; resources import no front end; the emulator no front end', () => {
    expect(violations()).toEqual([]);
  });

  it('sees every kind of import (so the rules above can fail)', () => {
    const source = [
      "import type { A } from '../resources/a.js';",
      "import {\n  b,\n  c,\n} from '../provider/cli/b.js';",
      "export * from './d.js';",
      "import './e.js';",
      "const f = await import('../emulator/f.js');",
      "import { g } from 'node:fs';",
    ].join('\n');
    expect(importsOf('core/x.ts', source)).toEqual([
      'resources/a.js',
      'provider/cli/b.js',
      'core/d.js',
      'core/e.js',
      'emulator/f.js',
    ]);
  });
});
