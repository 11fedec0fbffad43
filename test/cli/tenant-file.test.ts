/** The tenant file format, offline: parsing with positions, placeholders, merging, translation, checks. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildLayout } from '../../provider/cli/layout.js';
import { buildPlanSchema, buildTenantSchema } from '../../provider/cli/schema.js';
import { TenantFileError } from '../../provider/cli/source.js';
import { analyzeTenant, loadTenant } from '../../provider/cli/tenant-file.js';
import { catalog } from '../../resources/index.js';
import { EXAMPLE, ROOT } from './helpers.js';

/** ajv-formats is CommonJS; under NodeNext its default import is `module.exports`, whose `default` is the plugin. */
const addFormats = formats.default;

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
        'organizationApplications',
        'applicationUserConsentScopes',
        'applicationSignInExperiences',
        'samlApplications',
        'users',
        'organizationUsers',
        'roles',
        'signInExperience',
        'ssoConnectors',
        'connectors',
        'customProfileFields',
        'emailTemplates',
        'customPhrases',
        'jwtCustomizers',
        'captchaProvider',
        'customDomains',
        'accountCenter',
        'idTokenConfig',
        'oidcSessionConfig',
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
    // A natural key that is a reference is written as the reference, under a handle.
    expect(layout.kinds.get('ApplicationSignInExperience')).toMatchObject({ keyField: undefined, naturalKey: false });
    expect([...layout.kinds.get('ApplicationUserConsentScopes')!.refs.keys()].sort()).toEqual([
      'application',
      'organizationResourceScopes',
      'organizationScopes',
      'resourceScopes',
    ]);
    expect(layout.kinds.get('CustomProfileField')).toMatchObject({ keyField: 'name', naturalKey: true });
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

  it('requires secrets in sensitive fields to come from variables', () => {
    const literal = write(
      'a.yaml',
      'ssoConnectors:\n  corp:\n    providerName: OIDC\n    config:\n      issuer: https://idp.example\n      clientSecret: hunter2\n',
    );
    const [problem] = problemsOf([literal]);
    expect(problem).toMatchObject({ severity: 'error', line: 6, field: 'ssoConnectors.corp.config.clientSecret' });
    expect(JSON.stringify(problem)).not.toContain('hunter2');
  });

  it('a fallback in a sensitive field is an error naming file, line, field and the variable, unless demo secrets are allowed', () => {
    const fallback = write(
      'b.yaml',
      'ssoConnectors:\n  corp:\n    providerName: OIDC\n    config:\n      issuer: https://idp.example\n      clientId: acme\n      clientSecret: ${env:CORP_SECRET:-demo-value}\nroles:\n  r:\n    description: ${env:ROLE_TEXT:-a fallback outside secrets is fine}\n',
    );
    const problems = problemsOf([fallback]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      severity: 'error',
      file: fallback,
      line: 7,
      field: 'ssoConnectors.corp.config.clientSecret',
    });
    expect(problems[0]!.message).toContain('CORP_SECRET is not set');
    expect(problems[0]!.fix).toContain('export CORP_SECRET=');
    expect(problems[0]!.fix).toContain('--allow-demo-secrets');
    expect(JSON.stringify(problems)).not.toContain('demo-value');
    expect(() => load([fallback])).toThrow(TenantFileError);

    // Allowed (embedded emulator, or --allow-demo-secrets): a warning says so.
    const demo = loadTenant([fallback], { catalog, env: {}, allowDemoSecrets: true });
    expect(demo.warnings).toHaveLength(1);
    expect(demo.warnings[0]).toMatchObject({ severity: 'warning', line: 7 });
    expect(demo.warnings[0]!.message).toContain('CORP_SECRET is not set');
    // With the variable set there is nothing to say either way.
    expect(load([fallback], { CORP_SECRET: 'real' }).warnings).toEqual([]);
  });
});

describe('schema problems: the fix follows the kind of mistake', () => {
  const fixesOf = (text: string) => problemsOf([write('t.yaml', text)]).map((p) => `${p.line} ${p.field}: ${p.fix}`);

  it('a mistyped optional field asks for the right type, not for a required field', () => {
    const fixes = fixesOf('apiResources:\n  https://api.example.com:\n    name: API\n    accessTokenTtl: "an hour"\n');
    expect(fixes).toHaveLength(1);
    expect(fixes[0]).toMatch(/^4 apiResources\["https:\/\/api\.example\.com"\]\.accessTokenTtl: use a (whole )?number/);
    expect(fixes[0]).not.toContain('required');
  });

  it('a missing required field says so; bounds and formats are named', () => {
    const missing = fixesOf('hooks:\n  h:\n    name: H\n    url: https://h.example\n');
    expect(missing).toEqual([expect.stringMatching(/^\d+ hooks\.h(\.events)?: set this required field/)]);
    const bound = fixesOf('apiResources:\n  https://api.example.com:\n    name: API\n    accessTokenTtl: -5\n');
    expect(bound).toEqual([expect.stringMatching(/^4 .*accessTokenTtl: use a number (≥|>) \d+/)]);
    const empty = fixesOf('roles:\n  r:\n    description: ""\n');
    expect(empty).toEqual([expect.stringMatching(/^3 roles\.r\.description: use at least 1 character/)]);
  });
});

describe('issueFix', () => {
  it('picks the text by zod issue code', async () => {
    const { issueFix } = await import('../../provider/cli/tenant-file.js');
    const { z } = await import('zod');
    const schema = z.object({
      branding: z.object({ displayName: z.string(), logo: z.string() }).strict().optional(),
      logoUrl: z.url().optional(),
      color: z
        .string()
        .regex(/^#[0-9a-f]{6}$/i)
        .optional(),
      tags: z.array(z.string()).max(2).optional(),
    });
    const result = schema.safeParse({
      branding: { displayName: 'x', logo: 'y', dispayName: 'z' },
      logoUrl: 'not a url',
      color: 'red',
      tags: ['a', 'b', 'c'],
    });
    expect(result.success).toBe(false);
    const fixes = result.error!.issues.map((issue) =>
      issueFix(issue as never, { schema, path: issue.path as (string | number)[], missing: false }),
    );
    expect(fixes).toEqual([
      '"dispayName" → did you mean "displayName"?',
      expect.stringMatching(/^use an absolute URL/),
      'use a value matching /^#[0-9a-f]{6}$/i',
      'use at most 2 item(s)',
    ]);
  });
});

describe('generated schemas', () => {
  it('the example tenant validates against the generated tenant schema, and the committed schemas are current', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const schema = buildTenantSchema(catalog);
    const validate = ajv.compile(schema);
    expect(validate(parse(readFileSync(EXAMPLE, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ roles: { admin: { descripton: 'typo' } } })).toBe(false);
    expect(JSON.parse(readFileSync(join(ROOT, 'schema', 'tenant.schema.json'), 'utf8'))).toEqual(schema);
    expect(JSON.parse(readFileSync(join(ROOT, 'schema', 'plan.schema.json'), 'utf8'))).toEqual(buildPlanSchema());
  });

  it('the URI formats of the schema are checked (ajv-formats)', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(buildTenantSchema(catalog));
    const bad = { applications: { web: { type: 'SPA', backchannelLogoutUri: 'not a uri' } } };
    expect(validate(bad)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('"format":"uri"');
    // A placeholder stands for a value the file does not hold yet: accepted.
    expect(validate({ applications: { web: { type: 'SPA', backchannelLogoutUri: '${env:LOGOUT_URI}' } } })).toBe(true);
    expect(
      validate({ applications: { web: { type: 'SPA', backchannelLogoutUri: 'https://app.example/logout' } } }),
    ).toBe(true);
  });

  it('the example tenant loads without errors (demo secrets allowed) and covers every kind of the catalog', () => {
    const tenant = loadTenant([EXAMPLE], { catalog, env: {}, allowDemoSecrets: true });
    // Custom domains need Logto Cloud and the example applies to Logto OSS too: it shows one in a comment.
    const cloudOnly = ['CustomDomain'];
    expect(new Set(tenant.desired.map((d) => d.kind))).toEqual(
      new Set(catalog.map((d) => d.kind).filter((k) => !cloudOnly.includes(k))),
    );
    expect(readFileSync(EXAMPLE, 'utf8')).toMatch(/^# customDomains:\n# {3}auth\.acme\.example: \{\}$/m);
  });
});
