/**
 * `export` names the tenant schema relative to the file it writes, so an editor opening the file finds it:
 * the project's installed `node_modules/logto-iac` (from the file's directory upwards), else this package's.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaReference } from '../../provider/cli/export.js';
import { startTarget, type Target } from '../support/target.js';
import { cli, ensureBuilt, ROOT } from './helpers.js';

let project: string;
let t: Target;

beforeAll(async () => {
  await ensureBuilt();
  project = mkdtempSync(join(tmpdir(), 'logto-iac-project-'));
  const installed = join(project, 'node_modules', 'logto-iac', 'schema');
  mkdirSync(installed, { recursive: true });
  writeFileSync(join(installed, 'tenant.schema.json'), '{}');
  t = await startTarget();
}, 300_000);

afterAll(async () => {
  await t?.cleanup();
  rmSync(project, { recursive: true, force: true });
});

/** The path a `$schema` comment names, resolved from the file's directory. */
function schemaOf(file: string): string {
  const match = /^# yaml-language-server: \$schema=(\S+)\n/.exec(readFileSync(file, 'utf8'));
  expect(match, 'the first line names the schema').not.toBeNull();
  return resolve(dirname(file), match![1]!);
}

describe('export $schema', () => {
  it('is relative to the output file: the project’s node_modules from a subdirectory, else this package', () => {
    expect(schemaReference(project)).toBe('./node_modules/logto-iac/schema/tenant.schema.json');
    expect(schemaReference(join(project, 'logto', 'prod'))).toBe(
      '../../node_modules/logto-iac/schema/tenant.schema.json',
    );
    // Outside any project with the package installed: this package's own schema, by a working relative path.
    const elsewhere = mkdtempSync(join(tmpdir(), 'logto-iac-elsewhere-'));
    try {
      const path = schemaReference(elsewhere)!;
      expect(resolve(elsewhere, path)).toBe(join(ROOT, 'schema', 'tenant.schema.json'));
    } finally {
      rmSync(elsewhere, { recursive: true });
    }
  });

  it('export --out logto/tenant.yaml points editors at the project’s node_modules, not logto/node_modules', async () => {
    const r = await cli(['export', '--out', 'logto/tenant.yaml', '--only', 'Role'], {
      connection: { url: t.url, appId: t.appId, appSecret: t.appSecret },
      cwd: project,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(schemaOf(join(project, 'logto', 'tenant.yaml'))).toBe(
      join(project, 'node_modules', 'logto-iac', 'schema', 'tenant.schema.json'),
    );
  });
});
