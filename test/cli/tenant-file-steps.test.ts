/** The tenant-file analysis step by step (issue 15, item 5): each step on its own, offline. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLayout } from '../../provider/cli/layout.js';
import {
  buildObjects,
  Collector,
  checkDemoSecrets,
  checkReferences,
  checkSchemas,
  readTenantFiles,
} from '../../provider/cli/tenant-file.js';
import { catalog } from '../../resources/index.js';

const layout = buildLayout(catalog);

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'logto-steps-')), 'tenant.yaml');
  writeFileSync(path, text);
  return path;
}

function read(text: string, env: NodeJS.ProcessEnv = {}) {
  const out = new Collector();
  return { out, read: readTenantFiles([file(text)], layout, env, out) };
}

const messages = (out: Collector) => out.problems.map((p) => `${p.field}: ${p.message}`);

describe('tenant-file steps', () => {
  it('readTenantFiles: one entry per object, variables substituted, allowDelete collected, bad sections reported', () => {
    const { out, read: r } = read(
      'version: 1\nallowDelete: [Role]\nroles:\n  admin: { description: "${env:DESC}" }\n  reader: {}\nrolez: {}\n',
      { DESC: 'Admins' },
    );
    expect(r.entries.map((e) => `${e.layout.kind}.${e.key}`)).toEqual(['Role.admin', 'Role.reader']);
    expect(r.entries[0]!.body).toEqual({ description: 'Admins' });
    expect(r.allowDelete).toEqual(['Role']);
    expect(r.variables.map((v) => v.name)).toEqual(['DESC']);
    expect(messages(out)).toEqual(['rolez: unknown section "rolez"']);
  });

  it('buildObjects: nested children, references by key, natural keys from map keys; unknown fields reported', () => {
    const { read: r } = read(
      [
        'apiResources:',
        '  https://api.example.com:',
        '    name: API',
        '    scopes: { read: {} }',
        'roles:',
        '  reader:',
        '    scopes: [https://api.example.com/read]',
        '    colour: blue',
      ].join('\n'),
    );
    const out = new Collector();
    const built = buildObjects(r.entries, layout, out);
    expect(built.desired.map((d) => d.address)).toEqual([
      'ApiResource.https://api.example.com',
      'ApiResourceScope.https://api.example.com/read',
      'Role.reader',
    ]);
    expect(built.desired[2]!.spec).toEqual({
      name: 'reader',
      scopeIds: [{ $ref: 'ApiResourceScope.https://api.example.com/read' }],
    });
    expect(built.refUses.map((u) => u.ref.$ref)).toEqual(['ApiResourceScope.https://api.example.com/read']);
    expect(messages(out)).toEqual(['roles.reader.colour: unknown field "colour" for Role']);
  });

  it('checkReferences: a key that no object has is reported with a suggestion', () => {
    const { read: r } = read(
      'roles:\n  reader: {}\napplications:\n  bot: { type: MachineToMachine, roles: [raeder] }\n',
    );
    const out = new Collector();
    checkReferences(buildObjects(r.entries, layout, out), layout, out);
    expect(out.problems).toEqual([
      expect.objectContaining({
        message: 'Role "raeder" is not defined in the tenant files',
        fix: 'did you mean "reader"?',
      }),
    ]);
  });

  it('checkSchemas: the catalog schema per object, references standing in as placeholders', () => {
    const { read: r } = read('applications:\n  web: { type: Desktop }\n');
    const out = new Collector();
    checkSchemas(buildObjects(r.entries, layout, out), layout, out);
    expect(out.problems).toHaveLength(1);
    expect(out.problems[0]).toMatchObject({ field: 'applications.web.type' });
  });

  it('checkDemoSecrets: a fallback in a sensitive field is an error unless demo secrets are allowed', () => {
    const text =
      'hooks:\n  audit:\n    events: [User.Created]\n    url: https://h.example.com\n    headers: { Authorization: "${env:TOKEN:-demo}" }\n';
    for (const allowed of [false, true]) {
      const { read: r } = read(text);
      const out = new Collector();
      checkDemoSecrets(r.variables, buildObjects(r.entries, layout, out), layout, allowed, out);
      expect(out.problems.map((p) => p.severity)).toEqual([allowed ? 'warning' : 'error']);
      expect(out.problems[0]!.message).toMatch(/TOKEN is not set/);
    }
  });
});
