/** The tenant file format, offline: parsing with positions, placeholders, merging, translation, checks. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildLayout } from '../../provider/cli/layout.js';
import { buildPlanSchema, buildTenantSchema } from '../../provider/cli/schema.js';
import { TenantFileError } from '../../provider/cli/source.js';
import { analyzeTenant, loadTenant } from '../../provider/cli/tenant-file.js';
import { catalog } from '../../resources/index.js';
import { EXAMPLE, ROOT } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'logto-iac-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const load = (paths: string[], env: Record<string, string> = {}) => loadTenant(paths, { catalog, env });
const problemsOf = (paths: string[], env: Record<string, string> = {}) =>
  analyzeTenant(paths, { catalog, env }).problems;

describe('layout derived from the catalog', () => {
  it('nests children, writes references by key and app roles as a list', () => {
    const layout = buildLayout(catalog);
    expect([...layout.sections.keys()].sort()).toEqual(
      [
        'apiResources',
        'applications',
        'hooks',
        'organizationRoles',
        'organizationScopes',
        'organizations',
        'roles',
        'signInExperience',
        'ssoConnectors',
      ].sort(),
    );
    expect(layout.kinds.get('ApiResourceScope')!.section).toBe('scopes');
    expect(layout.kinds.get('ApplicationSecret')!.section).toBe('secrets');
    expect(layout.kinds.get('ApplicationRoleAssignment')!.listForm?.field).toBe('roleIds');
    expect(layout.kinds.get('ApplicationRoleAssignment')!.section).toBe('roles');
    expect([...layout.kinds.get('OrganizationRole')!.refs.keys()].sort()).toEqual([
      'organizationScopes',
      'resourceScopes',
    ]);
    expect(layout.kinds.get('ApiResource')!.keyField).toBe('indicator');
    expect(layout.kinds.get('Application')).toMatchObject({ keyField: 'name', naturalKey: false });
  });
});

describe('translation to desired objects', () => {
  it('turns the nested, key-based form into flat objects with references', () => {
    const path = write(
      'tenant.yaml',
      `
apiResources:
  https://api.example.com:
    name: API
    scopes:
      read: {}
      write: { description: Write }
roles:
  grouped:
    description: d
    scopes: { https://api.example.com: [read, write] }
  flat:
    description: d
    type: MachineToMachine
    scopes: [https://api.example.com/read, https://api.example.com/write]
applications:
  svc:
    type: MachineToMachine
    roles: [flat]
    secrets:
      ci: {}
signInExperience:
  signInMode: SignIn
`,
    );
    const tenant = load([path]);
    const byAddress = new Map(tenant.desired.map((d) => [d.address, d]));
    expect([...byAddress.keys()].sort()).toEqual(
      [
        'ApiResource.https://api.example.com',
        'ApiResourceScope.https://api.example.com/read',
        'ApiResourceScope.https://api.example.com/write',
        'Application.svc',
        'ApplicationRoleAssignment.svc',
        'ApplicationSecret.svc/ci',
        'Role.flat',
        'Role.grouped',
        'SignInExperience.default',
      ].sort(),
    );
    expect(byAddress.get('ApiResource.https://api.example.com')!.spec).toEqual({
      name: 'API',
      indicator: 'https://api.example.com',
    });
    expect(byAddress.get('ApiResourceScope.https://api.example.com/read')!.spec).toEqual({
      resourceId: { $ref: 'ApiResource.https://api.example.com' },
      name: 'read',
    });
    const scopes = [
      { $ref: 'ApiResourceScope.https://api.example.com/read' },
      { $ref: 'ApiResourceScope.https://api.example.com/write' },
    ];
    expect(byAddress.get('Role.grouped')!.spec.scopeIds).toEqual(scopes);
    expect(byAddress.get('Role.flat')!.spec.scopeIds).toEqual(scopes);
    expect(byAddress.get('Application.svc')!.spec).toEqual({ type: 'MachineToMachine', name: 'svc' });
    expect(byAddress.get('ApplicationRoleAssignment.svc')!.spec).toEqual({
      roleIds: [{ $ref: 'Role.flat' }],
      applicationId: { $ref: 'Application.svc' },
    });
    expect(byAddress.get('ApplicationSecret.svc/ci')!.spec).toEqual({
      applicationId: { $ref: 'Application.svc' },
      name: 'ci',
    });
    expect(byAddress.get('SignInExperience.default')!.spec).toEqual({ signInMode: 'SignIn' });
  });

  it('merges a directory of files and names both files for a key defined twice', () => {
    write('a.yaml', 'roles:\n  admin: { description: A }\n');
    write('b.yml', 'roles:\n  viewer: { description: B }\n');
    write('notes.txt', 'not a tenant file');
    expect(
      load([dir])
        .desired.map((d) => d.address)
        .sort(),
    ).toEqual(['Role.admin', 'Role.viewer']);
    write('c.json', JSON.stringify({ roles: { admin: { description: 'again' } } }));
    const problems = problemsOf([dir]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: join(dir, 'c.json'), line: 1, field: 'roles.admin' });
    expect(problems[0]!.message).toContain(`defined twice: here and in ${join(dir, 'a.yaml')}:2`);
  });

  it('reports YAML syntax errors and duplicate keys in one file with their line', () => {
    const path = write('bad.yaml', 'roles:\n  admin: { description: A }\n  admin: { description: B }\n');
    const problems = problemsOf([path]);
    expect(problems[0]).toMatchObject({ severity: 'error', file: path, line: 3 });
    expect(problems[0]!.fix).toContain('duplicate key');
    expect(() => load([path])).toThrow(TenantFileError);
  });

  it('rejects a natural-key field that contradicts the key, and ids where keys belong', () => {
    const path = write('t.yaml', 'roles:\n  admin:\n    name: root\n    description: d\n    scopeIds: [abc]\n');
    const messages = problemsOf([path]).map((p) => `${p.line} ${p.field} ${p.message} | ${p.fix}`);
    expect(messages).toEqual([
      expect.stringMatching(/^5 roles\.admin\.scopeIds "scopeIds" holds ids.*write `scopes:`/),
      expect.stringMatching(/^3 roles\.admin\.name name "root" differs from the object's key "admin"/),
    ]);
  });
});

describe('placeholders', () => {
  it('substitutes env, fallbacks and files, and keeps $${ literal', () => {
    write('token.txt', 'from-a-file\n');
    const path = write(
      't.yaml',
      [
        'hooks:',
        '  h:',
        '    name: ${env:HOOK_NAME}',
        '    events: [User.Created]',
        '    url: https://${env:HOST:-fallback.example}/hook',
        '    headers:',
        '      Authorization: Bearer ${file:token.txt}',
        '      X-Template: $${not-a-placeholder}',
        '',
      ].join('\n'),
    );
    const tenant = load([path], { HOOK_NAME: 'Audit' });
    expect(tenant.desired[0]!.spec).toEqual({
      name: 'Audit',
      events: ['User.Created'],
      url: 'https://fallback.example/hook',
      headers: { Authorization: 'Bearer from-a-file', 'X-Template': '${not-a-placeholder}' },
    });
    expect(tenant.variables.map((v) => `${v.source}:${v.name}:${v.usedFallback}`).sort()).toEqual([
      'env:HOOK_NAME:false',
      'env:HOST:true',
      'file:token.txt:false',
    ]);
  });

  it('lists every unresolved or malformed placeholder with file, line and field', () => {
    const path = write(
      't.yaml',
      'roles:\n  a:\n    description: ${env:UNSET_ONE}\n  b:\n    description: ${HOME}\n  c:\n    description: ${file:missing.txt}\n  d:\n    description: ${env:bad-name}\n',
    );
    const problems = problemsOf([path]);
    expect(problems.map((p) => `${p.line} ${p.field}`)).toEqual([
      '3 roles.a.description',
      '5 roles.b.description',
      '7 roles.c.description',
      '9 roles.d.description',
    ]);
    expect(problems[0]!.message).toBe('environment variable UNSET_ONE is not set');
    expect(problems[1]!.fix).toContain('${env:HOME}');
    expect(problems[2]!.message).toContain('cannot read file "missing.txt"');
    expect(problems[3]!.message).toContain('not a valid environment variable name');
  });

  it('requires secrets in sensitive fields to come from variables; a fallback there is a warning', () => {
    const literal = write(
      'a.yaml',
      'ssoConnectors:\n  corp:\n    providerName: OIDC\n    config:\n      issuer: https://idp.example\n      clientSecret: hunter2\n',
    );
    const [problem] = problemsOf([literal]);
    expect(problem).toMatchObject({ severity: 'error', line: 6, field: 'ssoConnectors.corp.config.clientSecret' });
    expect(JSON.stringify(problem)).not.toContain('hunter2');

    const fallback = write(
      'b.yaml',
      'ssoConnectors:\n  corp:\n    providerName: OIDC\n    config:\n      issuer: https://idp.example\n      clientSecret: ${env:CORP_SECRET:-demo}\n',
    );
    const tenant = load([fallback]);
    expect(tenant.warnings).toHaveLength(1);
    expect(tenant.warnings[0]!.message).toContain('CORP_SECRET is not set');
    expect(load([fallback], { CORP_SECRET: 'real' }).warnings).toEqual([]);
  });
});

describe('generated schemas', () => {
  it('the example tenant validates against the generated tenant schema, and the committed schemas are current', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const schema = buildTenantSchema(catalog);
    const validate = ajv.compile(schema);
    expect(validate(parse(readFileSync(EXAMPLE, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ roles: { admin: { descripton: 'typo' } } })).toBe(false);
    expect(JSON.parse(readFileSync(join(ROOT, 'schema', 'tenant.schema.json'), 'utf8'))).toEqual(schema);
    expect(JSON.parse(readFileSync(join(ROOT, 'schema', 'plan.schema.json'), 'utf8'))).toEqual(buildPlanSchema());
  });

  it('the example tenant loads without errors and covers every kind of the catalog', () => {
    const tenant = load([EXAMPLE]);
    expect(new Set(tenant.desired.map((d) => d.kind))).toEqual(new Set(catalog.map((d) => d.kind)));
  });
});
