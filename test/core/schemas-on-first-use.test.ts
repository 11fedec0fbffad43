/**
 * Importing the catalog, or the Terraform plugin's core, builds no zod schema: each is built the first time
 * something uses it (`lazySchema`, core/lazy-schema.ts), so a plugin launch pays only for the kinds it
 * serves. Every `.describe()` registers its schema in zod's global registry, so counting registrations
 * counts the schemas built. The count runs in a fresh node process on dist/ (a fresh module cache).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exec } from '../support/process.js';

const root = join(import.meta.dirname, '..', '..');

const COUNT = `
import { z } from 'zod';
let registered = 0;
const add = z.globalRegistry.add;
z.globalRegistry.add = function (...args) {
  registered++;
  return add.apply(this, args);
};
const { catalog, getDefinition } = await import('./dist/resources/index.js');
await import('./dist/provider/terraform/core.js');
const atImport = registered;
getDefinition('Role').spec.safeParse({});
const oneKind = registered;
for (const definition of catalog) definition.spec.safeParse({});
console.log(JSON.stringify({ atImport, oneKind, allKinds: registered }));
`;

describe('zod schemas are built on first use', () => {
  it('importing the catalog and the Terraform core builds none; one kind builds only its own', async () => {
    const run = await exec(process.execPath, ['--input-type=module', '-e', COUNT], { cwd: root, timeoutMs: 30_000 });
    expect(run.code, run.out).toBe(0);
    const { atImport, oneKind, allKinds } = JSON.parse(run.stdout);
    expect(atImport, 'schemas built at import: wrap them in lazySchema(() => …)').toBe(0);
    expect(oneKind).toBeGreaterThan(0);
    expect(oneKind).toBeLessThan(allKinds);
  });
});
