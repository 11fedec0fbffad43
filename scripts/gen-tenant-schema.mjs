#!/usr/bin/env node
/**
 * Writes `schema/tenant.schema.json` (the tenant file, from the resource catalog), its environment overlay
 * variant `schema/tenant-overlay.schema.json`, and
 * `schema/plan.schema.json` (the document `logto-iac plan --json` prints). Both come from the built code
 * (`npm run build` first). `--check` fails when the committed files are stale (for CI).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

let schemaModule;
let catalogModule;
try {
  schemaModule = await import(join(root, 'dist/provider/cli/schema.js'));
  catalogModule = await import(join(root, 'dist/resources/index.js'));
} catch (error) {
  console.error(`gen-tenant-schema: cannot load the built code (${error.message}). Run \`npm run build\` first.`);
  process.exit(1);
}

const outputs = [
  ['schema/tenant.schema.json', schemaModule.buildTenantSchema(catalogModule.catalog)],
  ['schema/tenant-overlay.schema.json', schemaModule.buildOverlaySchema(catalogModule.catalog)],
  ['schema/plan.schema.json', schemaModule.buildPlanSchema()],
];

let stale = 0;
for (const [relative, schema] of outputs) {
  const file = join(root, relative);
  const text = `${JSON.stringify(schema, null, 2)}\n`;
  if (check) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {}
    if (current !== text) {
      console.error(
        `${relative} is stale: run \`npm run build && node scripts/gen-tenant-schema.mjs\` and commit the result.`,
      );
      stale++;
    }
  } else {
    writeFileSync(file, text);
    console.log(`wrote ${relative}`);
  }
}
process.exit(stale > 0 ? 1 : 0);
