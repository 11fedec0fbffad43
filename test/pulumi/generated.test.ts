/** The Pulumi classes are generated from the catalog: the checked-in file must match the catalog. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as logto from '../../provider/pulumi/index.js';
import { catalog } from '../../resources/index.js';
import { exec } from '../support/process.js';
import { repoRoot } from './harness.js';

describe('provider/pulumi/resources.generated.ts', () => {
  it('is up to date with the catalog (node scripts/gen-pulumi.mjs --check)', async () => {
    const checked = await exec(process.execPath, [join(repoRoot, 'scripts/gen-pulumi.mjs'), '--check'], {
      cwd: repoRoot,
      timeoutMs: 60_000,
    });
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
  });

  it('exports one resource class per catalog kind', () => {
    expect([...logto.kinds]).toEqual(catalog.map((d) => d.kind));
    const exported = logto as unknown as Record<string, unknown>;
    for (const definition of catalog) {
      const cls = exported[definition.kind];
      expect(typeof cls, definition.kind).toBe('function');
      expect(Object.getPrototypeOf(cls), definition.kind).toBe(logto.LogtoResource);
    }
  });

  it('lists every secret property of a kind for additionalSecretOutputs', () => {
    expect(logto.secretPropertyNames('Hook').sort()).toEqual(['headers', 'signingKey']);
    expect(logto.secretPropertyNames('Application')).toEqual(['defaultSecret']);
    expect(logto.secretPropertyNames('OrganizationScope')).toEqual([]);
  });
});
