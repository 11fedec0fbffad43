#!/usr/bin/env node
/**
 * Writes the provider's docs where the Terraform and OpenTofu registries read them: docs/index.md,
 * docs/resources/<name>.md and docs/data-sources/<name>.md (one page per resource and data source), from the
 * provider's schemas. `--check` fails when a checked-in page is stale or no longer generated.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

// The generator is TypeScript: bundle it (dependencies stay external) and import the result.
const tmp = mkdtempSync(join(tmpdir(), 'logto-tf-docs-'));
const out = join(tmp, 'docs.mjs');
await build({
  stdin: {
    contents:
      "export { renderTerraformDocs } from './provider/terraform/docs.ts';\nexport { catalog } from './resources/index.ts';\n",
    resolveDir: root,
    loader: 'ts',
  },
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'error',
});
// External packages resolve from the repository's node_modules.
writeFileSync(join(tmp, 'package.json'), '{"type":"module"}');
const linked = join(root, 'node_modules');
const { symlinkSync } = await import('node:fs');
symlinkSync(linked, join(tmp, 'node_modules'));
const { renderTerraformDocs, catalog } = await import(pathToFileURL(out).href);
rmSync(tmp, { recursive: true, force: true });

const example = readFileSync(join(root, 'examples', 'terraform', 'main.tf'), 'utf8');
const pages = renderTerraformDocs(catalog, example);
const base = join(root, 'docs');
let stale = 0;
for (const [rel, text] of pages) {
  const file = join(base, rel);
  if (check) {
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
      process.stderr.write(`stale: docs/${rel}\n`);
      stale++;
    }
    continue;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
// Pages of resource types that no longer exist (the generator owns these two directories).
for (const dir of ['resources', 'data-sources']) {
  if (!existsSync(join(base, dir))) continue;
  for (const name of readdirSync(join(base, dir))) {
    const rel = `${dir}/${name}`;
    if (pages.has(rel)) continue;
    if (check) {
      process.stderr.write(`not generated any more: docs/${rel}\n`);
      stale++;
    } else rmSync(join(base, rel));
  }
}
if (check && stale > 0) {
  process.stderr.write('Run `node scripts/gen-terraform-docs.mjs` to regenerate the Terraform docs.\n');
  process.exit(1);
}
if (!check) process.stderr.write(`wrote ${pages.size} pages to docs/ (index.md, resources/, data-sources/)\n`);
