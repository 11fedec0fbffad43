/**
 * The built CLI as a subprocess against a Logto: an emulator started in this process for each test, or the
 * real Logto of `LOGTO_E2E_*` (test/support/target.ts) with every name carrying the test's run-unique prefix.
 * Exit codes, export → plan, drift and repair, --allow-delete boundaries, placeholders that never reach the API,
 * every problem of an invalid file, the plan JSON against its schema, saved plans, and the demo. Request
 * counters are only asserted on the emulator; tests that prune whole kinds run only there (on a shared tenant
 * they would delete other people's objects).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { LogtoClient } from '../../core/client/types.js';
import { budgetLine } from '../../provider/cli/main.js';
import { exampleTenantFor, prefixedIndicator } from '../support/example.js';
import { itEmulator } from '../support/harness.js';
import { realServerConfigured, startTarget, type Target } from '../support/target.js';
import { cli, EXAMPLE, ensureBuilt, ROOT } from './helpers.js';

/** ajv-formats is CommonJS; under NodeNext its default import is `module.exports`, whose `default` is the plugin. */
const addFormats = formats.default;

const SECRETS = {
  CRM_WEBHOOK_TOKEN: 'canary-hook-token-91bd',
  CAPTCHA_SECRET_KEY: 'canary-captcha-key-4e7a',
  SMTP_PASSWORD: 'canary-smtp-password-7c21',
  GITHUB_CLIENT_SECRET: 'canary-github-secret-0d5e',
  BREAKGLASS_PASSWORD: 'canary-breakglass-Pa55-3b9f',
};
/** The reason a test that prunes whole kinds does not run against a shared real tenant. */
const PRUNES_TENANT =
  'prunes every object of a kind that the files do not list: only on a private (emulator) tenant, never on a shared one';

/** A test that prunes whole kinds: skipped on a shared real tenant, saying why. */
function itPrivateTenant(name: string, fn: () => Promise<void>): void {
  if (realServerConfigured()) it.skip(`${name} — ${PRUNES_TENANT}`, fn);
  else it(name, fn);
}

let t: Target;
let client: LogtoClient;
let dir: string;
/** This test's prefix (letters and digits): every name it creates carries it. */
let p: string;

beforeAll(async () => {
  await ensureBuilt();
}, 300_000);

beforeEach(async () => {
  t = await startTarget();
  client = t.client;
  p = t.prefix;
  dir = mkdtempSync(join(tmpdir(), 'logto-iac-cli-'));
});

afterEach(async () => {
  await t?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[], env: Record<string, string> = {}) =>
  cli(args, { connection: { url: t.url, appId: t.appId, appSecret: t.appSecret }, env });

/** Write requests the emulator saw (token requests excluded); a real server has no counters: undefined. */
function writes(): Record<string, number> | undefined {
  if (!t.emulator) return undefined;
  const out: Record<string, number> = {};
  for (const [route, n] of Object.entries(t.emulator.stats().byRoute)) {
    if (route.startsWith('GET ') || route === 'POST /oidc/token') continue;
    out[route] = n;
  }
  return out;
}

/** No write reached the server (checked where the server counts requests: the emulator). */
function expectNoWrites(): void {
  if (t.emulator) expect(writes()).toEqual({});
}

/** No request at all reached the server (emulator counters). */
function expectNoRequests(): void {
  if (t.emulator) expect(t.emulator.stats().total).toBe(0);
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** examples/tenant.yaml with this test's prefix on every name, as a file of its own. */
const example = () => file('example.yaml', exampleTenantFor(p));

const planValidator = () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'plan.schema.json'), 'utf8')));
};

/** A small tenant: one API with a scope, two roles, a hook — every name with the test's prefix. */
const small = () => `
version: 1
apiResources:
  ${prefixedIndicator(p, 'https://api.small.example')}:
    name: Small API
    scopes:
      read: { description: Read }
roles:
  ${p}reader:
    description: Reads
    scopes: [${prefixedIndicator(p, 'https://api.small.example')}/read]
  ${p}writer:
    description: Writes
hooks:
  audit:
    name: ${p}Audit
    events: [User.Created]
    url: https://audit.example/hook
`;

/** The four singletons the example sets: the count a plan updates depends on the tenant's prior settings. */
const SINGLETON_KINDS = ['SignInExperience', 'AccountCenter', 'IdTokenConfig', 'OidcSessionConfig'];

describe('logto-iac (built CLI) against a Logto', () => {
  it('plan exits 2 with changes, apply 0, plan 0 afterwards; --json validates against the plan schema', async () => {
    const validate = planValidator();
    const path = example();
    const first = await run(['plan', path], SECRETS);
    expect(first.code, first.stderr).toBe(2);
    expect(first.stdout).toContain(`+ create   ApiResource.https://${p}.api.acme-shop.example/orders`);
    expect(first.stdout).toContain('config:        (sensitive)');

    const json = await run(['plan', path, '--json'], SECRETS);
    expect(json.code).toBe(2);
    const plan = JSON.parse(json.stdout);
    expect(validate(plan), JSON.stringify(validate.errors)).toBe(true);
    // 44 objects are new; the four singletons are updated where the tenant's settings differ (all four on a
    // fresh tenant, which the emulator is). On a shared tenant the fallback language's custom phrases may
    // exist already (Logto never deletes them, it only empties them): then they are an update too.
    const updates = plan.changes.filter((c: { action: string }) => c.action === 'update');
    const phrases = updates.filter((c: { kind: string; id: string }) => c.kind === 'CustomPhrase' && c.id === 'en');
    expect(updates.every((c: { kind: string }) => SINGLETON_KINDS.includes(c.kind) || phrases.includes(c))).toBe(true);
    if (t.emulator) expect(updates).toHaveLength(4);
    const n = updates.length;
    const created = 44 - phrases.length;
    expect(first.stdout).toMatch(
      new RegExp(`Plan: ${created} to create, ${n} to update, 0 to replace, 0 to delete\\.`),
    );
    for (const secret of Object.values(SECRETS)) {
      expect(json.stdout).not.toContain(secret);
      expect(first.stdout).not.toContain(secret);
    }

    const apply = await run(['apply', path, '--auto-approve'], SECRETS);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain(
      `Apply complete! ${created} created, ${n} updated, 0 replaced, 0 deleted, 0 failed.`,
    );
    expect(apply.stderr).toContain(`[${created + n}/${created + n}]`);
    for (const secret of Object.values(SECRETS)) expect(apply.stdout + apply.stderr).not.toContain(secret);

    const again = await run(['plan', path], SECRETS);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes.');
    const againJson = await run(['plan', path, '--json'], SECRETS);
    expect(againJson.code).toBe(0);
    const clean = JSON.parse(againJson.stdout);
    expect(validate(clean), JSON.stringify(validate.errors)).toBe(true);
    expect(clean.summary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, drift: 0 });
  });

  it('an unresolved placeholder fails before any request is written', async () => {
    const path = file(
      'tenant.yaml',
      `ssoConnectors:\n  ${p}corp:\n    providerName: OIDC\n    config:\n      issuer: https://idp.example\n      clientSecret: \${env:LOGTO_IAC_TEST_UNSET_SECRET}\n`,
    );
    t.emulator?.resetStats();
    for (const args of [
      ['plan', path],
      ['apply', path, '--auto-approve'],
      ['validate', path],
    ]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `tenant\\.yaml:6:\\d+: ssoConnectors\\.${p}corp\\.config\\.clientSecret: environment variable LOGTO_IAC_TEST_UNSET_SECRET is not set`,
        ),
      );
      expect(result.stderr).toContain('Nothing was sent to Logto');
    }
    expectNoRequests();
  });

  it('says which request budget is in force: unlimited off Logto Cloud, or the rate LOGTO_REQUESTS_PER_SECOND sets', async () => {
    const path = file('tenant.yaml', small());
    // The helper pins LOGTO_REQUESTS_PER_SECOND=0; unset it to see the default for this (non-Cloud) endpoint.
    const unset = await run(['plan', path], { LOGTO_REQUESTS_PER_SECOND: '' });
    expect(unset.code, unset.stderr).toBe(2);
    expect(unset.stderr).toContain(
      'Request budget: unlimited (not a Logto Cloud endpoint), at most 8 requests at once; LOGTO_REQUESTS_PER_SECOND sets a limit.',
    );
    const five = await run(['plan', path], { LOGTO_REQUESTS_PER_SECOND: '5' });
    expect(five.stderr).toContain(
      'Request budget: 5 requests/s (LOGTO_REQUESTS_PER_SECOND), at most 8 requests at once.',
    );
    // A Logto Cloud endpoint gets Cloud's sustained limit by default.
    expect(budgetLine({ requestsPerSecond: 20, maxConcurrency: 8 }, undefined)).toBe(
      "Request budget: 20 requests/s (Logto Cloud's limit), at most 8 requests at once; LOGTO_REQUESTS_PER_SECOND changes it.",
    );
  });

  it('a literal secret in a sensitive field is an error', async () => {
    const path = file(
      'tenant.yaml',
      `hooks:\n  h:\n    name: H\n    events: [User.Created]\n    url: https://h.example\n    headers:\n      Authorization: Bearer literally-in-the-file\n`,
    );
    const result = await run(['validate', path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('hooks.h.headers.Authorization: literal secret');
    expect(result.stderr).not.toContain('literally-in-the-file');
  });

  it('validate reports every problem of invalid files with file, line, field and fix', async () => {
    file(
      'a.yaml',
      [
        'version: 1',
        'rolez: {}',
        'apiResources:',
        '  https://api.bad.example:',
        '    name: Bad',
        '    scopes:',
        '      read: { description: ok }',
        'roles:',
        '  admin:',
        '    descripton: typo',
        '    scopes: [https://api.bad.example/writ]',
        'applications:',
        '  web:',
        '    type: Browser',
        'hooks:',
        '  h:',
        '    name: H',
        '    events: []',
        '    url: not a url',
        '',
      ].join('\n'),
    );
    file('b.yaml', 'roles:\n  admin:\n    description: second definition\n');
    t.emulator?.resetStats();
    const result = await run(['validate', dir]);
    expect(result.code).toBe(1);
    const err = result.stderr;
    expect(err).toMatch(/a\.yaml:2:1: rolez: unknown section "rolez"\n\s+fix: did you mean "roles"\?/);
    expect(err).toMatch(
      /a\.yaml:10:5: roles\.admin\.descripton: unknown field "descripton" for Role\n\s+fix: did you mean "description"\?/,
    );
    expect(err).toMatch(
      /a\.yaml:11:\d+: roles\.admin\.scopes\[0\]: ApiResourceScope "https:\/\/api\.bad\.example\/writ" is not defined/,
    );
    expect(err).toMatch(
      /a\.yaml:\d+:\d+: roles\.admin(\.description)?: Role\.admin: .*\n\s+fix: set this required field/,
    );
    expect(err).toMatch(
      /a\.yaml:14:\d+: applications\.web\.type: Application\.web: .*\n\s+fix: use one of: "Native", "SPA", "Traditional", "MachineToMachine"/,
    );
    expect(err).toMatch(/a\.yaml:18:\d+: hooks\.h\.events: Hook\.h: a webhook needs at least one event/);
    expect(err).toMatch(/a\.yaml:19:\d+: hooks\.h\.url: Hook\.h: use an absolute http\(s\) URL/);
    expect(err).toMatch(/b\.yaml:2:\d+: roles\.admin: Role "admin" is defined twice: here and in .*a\.yaml:9/);
    expect((err.match(/^error: /gm) ?? []).length).toBeGreaterThanOrEqual(8);
    expectNoRequests();

    const json = await run(['validate', dir, '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.valid).toBe(false);
    expect(report.problems.every((p: { file?: string; message: string }) => p.file && p.message)).toBe(true);
  });

  it('detects drift on managed fields and repairs it with apply', async () => {
    const path = file('tenant.yaml', small());
    const state = join(dir, 'state.json');
    expect((await run(['apply', path, '--auto-approve', '--state', state])).code).toBe(0);
    expect((await run(['drift', path])).code).toBe(0);

    const role = (await client.list<{ id: string; name: string }>('/roles')).find((r) => r.name === `${p}reader`);
    await client.patch(`/roles/${role!.id}`, { description: 'changed by hand' });
    const hook = (await client.list<{ id: string; name: string }>('/hooks')).find((h) => h.name === `${p}Audit`);
    await client.patch(`/hooks/${hook!.id}`, { config: { url: 'https://evil.example/hook' } });

    const drift = await run(['drift', path]);
    expect(drift.code).toBe(2);
    expect(drift.stdout).toMatch(new RegExp(`~ drift\\s+Role\\.${p}reader`));
    expect(drift.stdout).toMatch(/description: live "changed by hand" ≠ file "Reads"/);
    expect(drift.stdout).toMatch(/url:\s+live "https:\/\/evil\.example\/hook" ≠ file "https:\/\/audit\.example\/hook"/);
    const driftJson = JSON.parse((await run(['drift', path, '--json'])).stdout);
    expect(driftJson.drift.map((d: { address: string; field: string }) => `${d.address} ${d.field}`).sort()).toEqual([
      'Hook.audit url',
      `Role.${p}reader description`,
    ]);

    // With the state file, plan says which changes are drift since the last apply.
    const plan = await run(['plan', path, '--state', state]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('Drift: 2 field(s) changed outside logto-iac since the last apply');
    expect(plan.stdout).toMatch(/description: "changed by hand" → "Reads" \(drift\)/);

    const repair = await run(['apply', path, '--auto-approve', '--state', state]);
    expect(repair.code, repair.stderr).toBe(0);
    expect(repair.stdout).toContain('2 updated');
    expect((await run(['drift', path])).code).toBe(0);
    expect((await run(['plan', path, '--state', state])).code).toBe(0);
  });

  itPrivateTenant('deletes only the kinds --allow-delete names, and never built-in objects', async () => {
    const SMALL = small();
    expect((await run(['apply', file('full.yaml', SMALL), '--auto-approve'])).code).toBe(0);
    const reduced = file('reduced.yaml', SMALL.replace(/ {2}\w+writer:\n.*\n/, '').replace(/hooks:[\s\S]*$/, ''));

    const none = await run(['plan', reduced, '--json']);
    expect(none.code).toBe(0);
    expect(JSON.parse(none.stdout).summary.delete).toBe(0);

    const roleOnly = await run(['plan', reduced, '--allow-delete', 'Role', '--json']);
    expect(roleOnly.code).toBe(2);
    const deletes = JSON.parse(roleOnly.stdout).changes.filter((c: { action: string }) => c.action === 'delete');
    expect(deletes.map((d: { kind: string }) => d.kind)).toEqual(['Role']);
    // Without state the plan knows the role only by id; it still names it by its name, as Logto shows it.
    const writer = (await client.list<{ id: string; name: string }>('/roles')).find((r) => r.name === `${p}writer`)!;
    expect(deletes).toEqual([
      expect.objectContaining({ address: `Role[${writer.id}]`, id: writer.id, key: `${p}writer` }),
    ]);
    const text = await run(['plan', reduced, '--allow-delete', 'Role']);
    expect(text.stdout).toMatch(
      new RegExp(
        `logto-iac will perform these actions:\\n\\s+- delete\\s+Role\\.${p}writer\\s+\\(id ${writer.id}\\)\\n`,
      ),
    );
    expect(text.stdout).not.toContain(`Role[${writer.id}]`);

    // Every kind that holds built-ins: the Management API resource, its scopes, its role and the CLI's app survive.
    const all = await run([
      'apply',
      reduced,
      '--auto-approve',
      '--allow-delete',
      'Role,Hook,ApiResource,ApiResourceScope,Application,ApplicationSecret',
    ]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('2 deleted');
    expect(all.stderr).toMatch(new RegExp(`\\[\\d/2\\] ✓ deleted Role\\.${p}writer\\n`));
    expect(all.stderr).toMatch(new RegExp(`\\[\\d/2\\] ✓ deleted Hook\\.${p}Audit\\n`));
    expect(all.stderr).not.toContain('checked'); // unchanged objects are not counted as progress
    expect((await client.list<{ name: string }>('/roles')).map((r) => r.name).sort()).toEqual([
      'Logto Management API access',
      `${p}reader`,
    ]);
    expect(await client.list('/hooks')).toEqual([]);
    const resources = await client.list<{ id: string }>('/resources');
    expect(resources.map((r) => r.id)).toContain('management-api');
    expect((await client.list<{ id: string }>('/applications')).map((a) => a.id)).toContain(t.appId);
    // The CLI can still authenticate: its own app and role were kept.
    expect((await run(['plan', reduced, '--allow-delete', 'Role,Hook'])).code).toBe(0);
  });

  it('export then plan gives zero changes on a tenant with every resource type', async () => {
    const apply = await run(['apply', example(), '--auto-approve'], SECRETS);
    expect(apply.code, apply.stderr).toBe(0);

    // A live value that looks like a placeholder must come back as the same text, not be substituted.
    await client.post('/roles', { name: `${p}templated`, description: 'Hello ${name}' });
    const out = join(dir, 'exported.yaml');
    const exported = await run(['export', '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    for (const secret of Object.values(SECRETS)) expect(text + exported.stderr).not.toContain(secret);
    expect(text).not.toContain('https://default.logto.app/api');
    expect(text).not.toContain(t.appId);
    const doc = parse(text);
    for (const section of [
      'apiResources',
      'roles',
      'applications',
      'organizationScopes',
      'organizationRoles',
      'organizations',
      'ssoConnectors',
      'hooks',
      'signInExperience',
      'customProfileFields',
      'emailTemplates',
      'captchaProvider',
      'accountCenter',
      'idTokenConfig',
      'oidcSessionConfig',
    ]) {
      expect(Object.keys(doc[section] ?? {}).length, section).toBeGreaterThan(0);
    }
    expect(doc.customProfileFields[`${p}department`]).toMatchObject({ type: 'Select', label: 'Department' });
    expect(doc.accountCenter).toMatchObject({ enabled: true, nameAccess: 'Edit', emailAccess: 'ReadOnly' });
    expect([...doc.idTokenConfig.enabledExtendedClaims].sort()).toEqual(
      ['custom_data', 'organization_roles', 'organizations', 'roles'].sort(),
    );
    expect(doc.oidcSessionConfig.ttl).toBe(604800);
    expect(doc.captchaProvider).toMatchObject({
      type: 'Turnstile',
      secretKey: '${env:CAPTCHA_PROVIDER_DEFAULT_SECRET_KEY}',
    });
    expect(Object.values(doc.emailTemplates)).toContainEqual(
      expect.objectContaining({ templateType: 'SignIn', subject: 'Your Acme Shop sign-in code is {{code}}' }),
    );
    expect(Object.keys(doc.apiResources[`https://${p}.api.acme-shop.example/orders`].scopes)).toHaveLength(3);
    expect(doc.applications[`${p}acme-back-office`].secrets).toHaveProperty('deploy-2026');
    expect(doc.applications[`${p}fulfilment-service`].roles).toEqual([`${p}fulfilment`]);
    expect(Object.keys(doc.roles)).not.toContain('Logto Management API access');
    expect(doc.roles[`${p}templated`].description).toBe('Hello $${name}');

    // Secrets became placeholders, listed in the file header and on stderr.
    const variables = [...text.matchAll(/\$\{env:([A-Z0-9_]+)\}/g)].map((m) => m[1]!);
    expect(variables.length).toBeGreaterThanOrEqual(1);
    for (const name of variables) expect(exported.stderr).toContain(name);
    // The example's secrets are its hook's Authorization header and the captcha provider's secret key; a shared
    // tenant may hold other objects with secrets this test cannot know, so it fills every variable with the
    // value it knows.
    const env: Record<string, string> = {};
    for (const name of variables) if (name.endsWith('AUTHORIZATION')) env[name] = `Bearer ${SECRETS.CRM_WEBHOOK_TOKEN}`;
    expect(variables).toContain('CAPTCHA_PROVIDER_DEFAULT_SECRET_KEY');
    env.CAPTCHA_PROVIDER_DEFAULT_SECRET_KEY = SECRETS.CAPTCHA_SECRET_KEY;
    // The connectors' secrets, named after the connector's handle and the path in its config.
    expect(variables).toEqual(
      expect.arrayContaining(['CONNECTOR_EMAIL_CONFIG_AUTH_PASS', 'CONNECTOR_GITHUB_CONFIG_CLIENT_SECRET']),
    );
    env.CONNECTOR_EMAIL_CONFIG_AUTH_PASS = SECRETS.SMTP_PASSWORD;
    env.CONNECTOR_GITHUB_CONFIG_CLIENT_SECRET = SECRETS.GITHUB_CLIENT_SECRET;
    // A JWT customizer's environment variables are secrets, every one of them.
    expect(variables).toContain('JWT_CUSTOMIZER_ACCESS_TOKEN_ENVIRONMENT_VARIABLES_SUPPORT_REGION');
    env.JWT_CUSTOMIZER_ACCESS_TOKEN_ENVIRONMENT_VARIABLES_SUPPORT_REGION = 'eu-west';
    expect(Object.keys(env)).toHaveLength(variables.length);

    expect((await run(['validate', out], env)).code).toBe(0);
    const planJson = await run(['plan', out, '--json'], env);
    const replanned = JSON.parse(planJson.stdout) as { changes: { address: string; kind: string; action: string }[] };
    const ours = replanned.changes.filter((c) => c.address.includes(p));
    expect(ours.length).toBeGreaterThanOrEqual(25);
    expect(ours.filter((c) => c.action !== 'noop')).toEqual([]);
    // Anything else that differs is another object's secret this test could not fill in, nothing more.
    const others = replanned.changes.filter((c) => c.action !== 'noop');
    expect(others.filter((c) => c.action !== 'update' || !['Hook', 'SsoConnector'].includes(c.kind))).toEqual([]);
    if (t.emulator) {
      // A tenant holding only what the test made: the exported files describe it exactly.
      const plan = await run(['plan', out], env);
      expect(plan.code, plan.stdout + plan.stderr).toBe(0);
      expect(plan.stdout).toContain('No changes.');
    }

    const only = await run(['export', '--only', 'Role']);
    expect(only.code).toBe(0);
    const onlyDoc = parse(only.stdout);
    expect(Object.keys(onlyDoc).sort()).toEqual(['apiResources', 'roles', 'version']);
    expect(only.stderr).toContain('Also exported ApiResource');

    // Users are end-user data: left out unless asked for, and their password is never exported.
    expect(doc.users).toBeUndefined();
    expect(exported.stderr).toContain('--include User');
    const withUsers = await run(['export', '--include', 'User']);
    expect(withUsers.code, withUsers.stderr).toBe(0);
    expect(parse(withUsers.stdout).users[`${p}ops_breakglass`]).toMatchObject({
      primaryEmail: `${p}breakglass@acme-shop.example`,
      roles: [`${p}store-admin`],
    });
    expect(withUsers.stdout + withUsers.stderr).not.toContain(SECRETS.BREAKGLASS_PASSWORD);
  });

  it('apply --plan-file applies a saved plan only while the live tenant matches it', async () => {
    const path = file('tenant.yaml', small());
    const saved = join(dir, 'plan.json');
    expect((await run(['plan', path, '--out', saved])).code).toBe(2);
    // Someone creates one of the planned roles by hand: the live tenant no longer matches the plan.
    await client.post('/roles', { name: `${p}writer`, description: 'made by hand' });
    t.emulator?.resetStats();
    const stale = await run(['apply', path, '--plan-file', saved]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('the live tenant changed since');
    expectNoWrites();

    const fresh = join(dir, 'plan2.json');
    expect((await run(['plan', path, '--out', fresh])).code).toBe(2);
    const ok = await run(['apply', path, '--plan-file', fresh]);
    expect(ok.code, ok.stderr).toBe(0);
    expect((await run(['plan', path])).code).toBe(0);

    // The same saved plan cannot be applied twice: the tenant it was made against is gone.
    t.emulator?.resetStats();
    const twice = await run(['apply', path, '--plan-file', fresh]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('the live tenant changed since');
    expectNoWrites();

    const garbage = file('garbage.json', '{"formatVersion": 2}');
    const bad = await run(['apply', path, '--plan-file', garbage]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('is not a logto-iac plan');
  });

  it('plan --json --out, then apply --plan-file later: refused when the files changed, applied when they did not', async () => {
    const validate = planValidator();
    const SMALL = small();
    const path = file('tenant.yaml', SMALL);
    const saved = join(dir, 'reviewed.json');
    const planned = await run(['plan', path, '--json', '--out', saved]);
    expect(planned.code, planned.stderr).toBe(2);
    // One document, on stdout and in the file, valid against the plan schema.
    expect(JSON.parse(readFileSync(saved, 'utf8'))).toEqual(JSON.parse(planned.stdout));
    const plan = JSON.parse(planned.stdout);
    expect(validate(plan), JSON.stringify(validate.errors)).toBe(true);
    expect(plan.summary.create).toBe(5);

    // The text form tells how to apply it: with the same files.
    const text = await run(['plan', path, '--out', join(dir, 'other.json')]);
    expect(text.stdout).toContain(`logto-iac apply ${path} --plan-file ${join(dir, 'other.json')}`);

    // The files changed after the review: nothing is applied.
    writeFileSync(path, SMALL.replace('description: Writes', 'description: Writes everything'));
    t.emulator?.resetStats();
    const changed = await run(['apply', path, '--plan-file', saved]);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain(
      `differ from the ones ${saved} was made with (planned differently now: Role.${p}writer); nothing was applied`,
    );
    expectNoWrites();
    // Fewer objects in the files (or other --allow-delete/--only options) are refused the same way.
    const narrowed = await run(['apply', path, '--plan-file', saved, '--only', 'Role']);
    expect(narrowed.code).toBe(1);
    expectNoWrites();

    // Back to the reviewed files: the saved plan applies without a question (it was reviewed), and converges.
    writeFileSync(path, SMALL);
    const applied = await run(['apply', path, '--plan-file', saved]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Apply complete! 5 created, 0 updated, 0 replaced, 0 deleted, 0 failed.');
    expect((await client.list<{ name: string }>('/roles')).map((r) => r.name)).toContain(`${p}writer`);
    expect((await run(['plan', path])).code).toBe(0);
  });

  itPrivateTenant('a reviewed prune is stale once a role it would delete unseen appears', async () => {
    const path = file('tenant.yaml', small());
    expect((await run(['apply', path, '--auto-approve'])).code).toBe(0);
    await client.post('/roles', { name: `${p}stray`, description: 'reviewed' });
    const prune = join(dir, 'prune.json');
    expect((await run(['plan', path, '--allow-delete', 'Role', '--out', prune])).code).toBe(2);
    await client.post('/roles', { name: `${p}stray-2`, description: 'made after the review' });
    t.emulator?.resetStats();
    const late = await run(['apply', path, '--allow-delete', 'Role', '--plan-file', prune]);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain('the live tenant changed since');
    expectNoWrites();
  });

  it('a second stateless apply adopts what the first created (by key, or by name for hooks) and writes nothing', async () => {
    const path = file('tenant.yaml', small());
    expect((await run(['apply', path, '--auto-approve'])).code).toBe(0);
    t.emulator?.resetStats();
    const again = await run(['apply', path, '--auto-approve']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Nothing to apply.');
    expectNoWrites();
    const ours = async () =>
      (await client.list<{ id: string; name: string }>('/hooks')).filter((h) => h.name === `${p}Audit`);
    expect(await ours()).toHaveLength(1);

    // The hook has no natural key: the reconciler found it by name, and the plan says it adopted it.
    const hook = (await ours())[0]!;
    await client.patch(`/hooks/${hook.id}`, { name: `${p}Audit`, events: ['User.Created', 'User.Deleted'] });
    const plan = JSON.parse((await run(['plan', path, '--json'])).stdout);
    const change = plan.changes.find((c: { address: string }) => c.address === 'Hook.audit');
    expect(change).toMatchObject({ action: 'update', id: hook.id, adopted: true });
    const shown = await run(['plan', path]);
    expect(shown.stdout).toMatch(new RegExp(`~ update\\s+Hook\\.audit\\s+adopts existing id ${hook.id}`));
  });

  itEmulator('a create whose answer was lost is found, not repeated, and apply says so', async () => {
    const path = file('tenant.yaml', small());
    t.emulator!.setFaults([{ route: '/hooks', method: 'POST', fault: 'dropResponseAfterCommit', times: 1 }]);
    const r = await run(['apply', path, '--auto-approve']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /note {2}Hook\.audit: create response was lost; found the one new Hook with name "[^"]+Audit" \(id \w+\)/,
    );
    expect((await client.list<{ name: string }>('/hooks')).filter((h) => h.name === `${p}Audit`)).toHaveLength(1);
  });

  it('two entries with one name, or two live objects with the name of an entry, stop before any write', async () => {
    const twins = file(
      'twins.yaml',
      `${small()}  audit-copy:\n    name: ${p}Audit\n    events: [User.Deleted]\n    url: https://audit.example/copy\n`,
    );
    t.emulator?.resetStats();
    for (const args of [
      ['validate', twins],
      ['plan', twins],
      ['apply', twins, '--auto-approve'],
    ]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `twins\\.yaml:\\d+:\\d+: hooks\\.audit-copy\\.name: Hook\\.audit-copy: same name "${p}Audit" as Hook\\.audit`,
        ),
      );
    }
    expectNoRequests();

    const path = file('tenant.yaml', small());
    const made = await Promise.all(
      [1, 2].map(() =>
        client.post<{ id: string }>('/hooks', {
          name: `${p}Audit`,
          events: ['User.Created'],
          config: { url: 'https://audit.example/hook' },
        }),
      ),
    );
    t.emulator?.resetStats();
    for (const args of [
      ['plan', path],
      ['apply', path, '--auto-approve'],
      ['drift', path],
    ]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(`tenant\\.yaml:\\d+:\\d+: hooks\\.audit: Hook\\.audit: 2 live objects match key "${p}Audit"`),
      );
      for (const { id } of made) expect(result.stderr).toContain(id);
      expect(result.stderr).toContain('Nothing was changed in Logto.');
    }
    expectNoWrites();
  });

  it('export --out makes the directory, and warns about live objects that share a name', async () => {
    const twins = await Promise.all(
      ['https://a.example/1', 'https://a.example/2'].map((url) =>
        client.post<{ id: string }>('/hooks', { name: `${p}Twin`, events: ['User.Created'], config: { url } }),
      ),
    );
    const out = join(dir, 'logto', 'tenant.yaml');
    const exported = await run(['export', '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    const hookKeys = Object.keys(parse(readFileSync(out, 'utf8')).hooks).filter((k) => k.includes(p));
    expect(hookKeys.sort()).toEqual([`${p}twin`, `${p}twin-2`]);
    expect(exported.stderr).toMatch(
      new RegExp(
        `warning: Hook\\.${p}twin \\(id \\w+\\), Hook\\.${p}twin-2 \\(id \\w+\\) have the same name "${p}Twin"`,
      ),
    );
    for (const { id } of twins) expect(exported.stderr).toContain(id);
    // As warned: the plan stops on them, naming both ids. (Secrets of other objects on a shared tenant became
    // placeholders: any value does for this check.)
    const text = readFileSync(out, 'utf8');
    const env = Object.fromEntries([...text.matchAll(/\$\{env:([A-Z0-9_]+)\}/g)].map((m) => [m[1]!, 'x']));
    const plan = await run(['plan', join(dir, 'logto')], env);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain(`same name "${p}Twin"`);
  });

  it('test-jwt runs each customizer once on the server: the claims (secrets redacted) or the script error', async () => {
    const path = file(
      'jwt.yaml',
      [
        'jwtCustomizers:',
        '  access-token:',
        '    script: ${file:claims.js}',
        '    environmentVariables:',
        '      TIER: ${env:JWT_TIER}',
        '    contextSample: { user: { id: u1 } }',
        '  client-credentials:',
        '    script: "const getCustomJwtClaims = async () => { throw new Error(\'no tier\'); };"',
        '',
      ].join('\n'),
    );
    file(
      'claims.js',
      'const getCustomJwtClaims = async ({ context, environmentVariables }) =>\n  ({ uid: context.user.id, tier: environmentVariables.TIER });\n',
    );
    t.emulator?.resetStats();
    const result = await run(['test-jwt', path], { JWT_TIER: 'canary-jwt-tier-77c1' });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain('✓ JwtCustomizer.access-token: extra claims {"uid":"u1","tier":"(sensitive)"}');
    expect(result.stdout).toContain('✗ JwtCustomizer.client-credentials: the script failed: no tier');
    expect(result.stdout + result.stderr).not.toContain('canary-jwt-tier-77c1');
    // Nothing was written: the test endpoint is the only request besides the token.
    if (t.emulator)
      expect(Object.keys(t.emulator.stats().byRoute).sort()).toEqual([
        'POST /configs/jwt-customizer/test',
        'POST /oidc/token',
      ]);
  });

  it('validate runs the offline cross-object checks that plan runs', async () => {
    const path = file(
      'tenant.yaml',
      'roles:\n  support: { description: Support }\napplications:\n  worker:\n    type: MachineToMachine\n    roles: [support]\n',
    );
    const result = await run(['validate', path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /tenant\.yaml:6:\d+: applications\.worker\.roles: .*refers to "Role\.support", which cannot be used here: it is a User role/,
    );
    expectNoRequests();
  });

  it('the tenant file example in provider/cli/README.md validates, applies and converges', async () => {
    const readme = readFileSync(join(ROOT, 'provider', 'cli', 'README.md'), 'utf8');
    const example = /## The tenant file[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const path = file('readme.yaml', exampleTenantFor(p, example!));
    const valid = await run(['validate', path]);
    expect(valid.code, valid.stderr).toBe(0);
    const apply = await run(['apply', path, '--auto-approve']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    const again = await run(['plan', path]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  });

  it('no command is a usage error (help on stderr, exit 1); help and --help print it on stdout and exit 0', async () => {
    const none = await cli([]);
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('Usage: logto-iac <command>');
    expect(none.stderr).toContain('error: no command given');
    const flagOnly = await cli(['--json']);
    expect(flagOnly.code).toBe(1);
    expect(flagOnly.stdout).toBe('');
    for (const args of [['help'], ['--help'], ['-h'], ['plan', '--help']]) {
      const help = await cli(args);
      expect(help.code, args.join(' ')).toBe(0);
      // A command's --help is its own usage (test/cli/usage.test.ts); the rest the global one.
      expect(help.stdout).toContain(args[0] === 'plan' ? 'Usage: logto-iac plan' : 'Usage: logto-iac <command>');
      expect(help.stderr).toBe('');
    }
  });

  it('refuses to apply without a terminal or --auto-approve, and reports usage errors with exit 1', async () => {
    const path = file('tenant.yaml', small());
    t.emulator?.resetStats();
    const noTty = await run(['apply', path]);
    expect(noTty.code).toBe(1);
    expect(noTty.stderr).toContain('pass --auto-approve');
    expectNoWrites();

    const unknown = await run(['plna', path]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('did you mean `logto-iac plan`?');
    const badKind = await run(['plan', path, '--allow-delete', 'Rolez']);
    expect(badKind.code).toBe(1);
    expect(badKind.stderr).toContain('unknown kind "Rolez"');
    const badFlag = await run(['plan', path, '--frobnicate']);
    expect(badFlag.code).toBe(1);
    const noCreds = await cli(['plan', path], { env: {} });
    expect(noCreds.code).toBe(1);
    expect(noCreds.stderr).toContain('LOGTO_ENDPOINT');
  });

  it('--only/--exclude limit the plan to kinds, and --debug logs requests without secrets', async () => {
    const path = example();
    const only = JSON.parse((await run(['plan', path, '--only', 'Role,Hook', '--json'], SECRETS)).stdout);
    expect(new Set(only.changes.map((c: { kind: string }) => c.kind))).toEqual(new Set(['Role', 'Hook']));
    const excluded = JSON.parse((await run(['plan', path, '--exclude', 'SignInExperience', '--json'], SECRETS)).stdout);
    expect(excluded.changes.some((c: { kind: string }) => c.kind === 'SignInExperience')).toBe(false);
    expect(excluded.changes.length).toBe(47);

    const debug = await run(['apply', path, '--auto-approve', '--debug'], SECRETS);
    expect(debug.code, debug.stderr).toBe(0);
    expect(debug.stderr).toMatch(/debug: .*POST \/api\/hooks/);
    for (const secret of [...Object.values(SECRETS), t.appSecret])
      expect(debug.stdout + debug.stderr).not.toContain(secret);
  });

  itPrivateTenant('allowDelete: in a file prunes objects of that kind that the files do not list', async () => {
    const SMALL = small();
    expect((await run(['apply', file('full.yaml', SMALL), '--auto-approve'])).code).toBe(0);
    await client.post('/hooks', { name: 'Stray', events: ['User.Deleted'], config: { url: 'https://stray.example' } });
    const pruning = file('pruning.yaml', `allowDelete: [Role]\n${SMALL.replace(/ {2}\w+writer:\n.*\n/, '')}`);

    const plan = await run(['plan', pruning, '--json']);
    expect(plan.code, plan.stderr).toBe(2);
    const deletes = JSON.parse(plan.stdout).changes.filter((c: { action: string }) => c.action === 'delete');
    // Only the kind the file names: the stray hook is not listed in the file but Hook is not allowed.
    expect(deletes).toEqual([expect.objectContaining({ kind: 'Role', key: `${p}writer` })]);

    const apply = await run(['apply', pruning, '--auto-approve']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('1 deleted');
    expect((await client.list<{ name: string }>('/roles')).map((r) => r.name).sort()).toEqual([
      'Logto Management API access',
      `${p}reader`,
    ]);
    expect((await client.list<{ name: string }>('/hooks')).map((h) => h.name).sort()).toEqual(['Stray', `${p}Audit`]);
    expect((await run(['plan', pruning])).code).toBe(0);
  });

  it('a fallback in a secret field is an error against a tenant, before any request; set the variable or opt in', async () => {
    const path = example();
    t.emulator?.resetStats();
    // validate checks files, not this shell's secrets: it passes, warning that plan and apply will refuse.
    const validated = await run(['validate', path]);
    expect(validated.code, validated.stderr).toBe(0);
    expect(validated.stderr).toMatch(
      new RegExp(
        `warning: .*example\\.yaml:\\d+:\\d+: hooks\\.${p}order-events\\.headers\\.Authorization: CRM_WEBHOOK_TOKEN is not set; .*plan and apply against a real tenant refuse`,
      ),
    );
    expect(validated.stderr).toMatch(/fix: export CRM_WEBHOOK_TOKEN=… before plan or apply/);
    expect(validated.stderr + validated.stdout).not.toContain('demo-only-token');
    for (const args of [
      ['plan', path],
      ['apply', path, '--auto-approve'],
    ]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `example\\.yaml:\\d+:\\d+: hooks\\.${p}order-events\\.headers\\.Authorization: CRM_WEBHOOK_TOKEN is not set`,
        ),
      );
      expect(result.stderr).toMatch(/fix: set the variable: export CRM_WEBHOOK_TOKEN=/);
      expect(result.stderr).not.toContain('demo-only-token');
    }
    expectNoRequests();

    // With the variables set, or when asked for (a throwaway tenant), it runs; a warning names the fallback.
    expect((await run(['plan', path], SECRETS)).code).toBe(2);
    const optedIn = await run(['plan', path, '--allow-demo-secrets']);
    expect(optedIn.code, optedIn.stderr).toBe(2);
    expect(optedIn.stderr).toMatch(/warning: .*CRM_WEBHOOK_TOKEN is not set/);
    // Against the embedded emulator no real secret can leak: allowed, with no variables at all.
    const embedded = await cli(['plan', EXAMPLE, '--emulator']);
    expect(embedded.code, embedded.stderr).toBe(2);
    expect(embedded.stderr).toMatch(/warning: .*CRM_WEBHOOK_TOKEN is not set/);
  });

  it('export writes the keys of every map in sorted order (sections, fields, nested maps)', async () => {
    expect((await run(['apply', example(), '--auto-approve'], SECRETS)).code).toBe(0);
    const exported = await run(['export']);
    expect(exported.code, exported.stderr).toBe(0);
    const unsorted: string[] = [];
    const check = (value: unknown, path: string) => {
      if (Array.isArray(value)) {
        for (const [i, v] of value.entries()) check(v, `${path}[${i}]`);
      } else if (value && typeof value === 'object') {
        const keys = Object.keys(value);
        const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        if (keys.join('\u0000') !== sorted.join('\u0000')) unsorted.push(`${path}: ${keys.join(', ')}`);
        for (const [k, v] of Object.entries(value)) check(v, `${path}.${k}`);
      }
    };
    const doc = parse(exported.stdout) as Record<string, unknown>;
    for (const [section, value] of Object.entries(doc)) if (section !== 'version') check(value, section);
    expect(unsorted).toEqual([]);
    // Two exports of the same tenant are the same text.
    expect((await run(['export'])).stdout).toBe(exported.stdout);
  });

  it('npm start works on a fresh machine: demo with no variables at all runs against the emulator', async () => {
    const demo = await cli(['demo']);
    expect(demo.code, demo.stdout + demo.stderr).toBe(0);
    expect(demo.stderr).toContain('RUNNING AGAINST THE EMBEDDED EMULATOR');
    expect(demo.stderr).toMatch(/warning: .*CRM_WEBHOOK_TOKEN is not set/);
    expect(demo.stdout).toContain('Demo complete');
  });

  it('demo runs plan, apply and a clean plan against an embedded emulator, saying so loudly', async () => {
    const demo = await cli(['demo'], { env: SECRETS });
    expect(demo.code, demo.stdout + demo.stderr).toBe(0);
    expect(demo.stderr).toContain('NO LOGTO TENANT CONFIGURED: RUNNING AGAINST THE EMBEDDED EMULATOR');
    expect(demo.stdout).toContain('Apply complete!');
    expect(demo.stdout).toMatch(/3\/3 plan again[\s\S]*No changes\. The live tenant matches the tenant files\./);
    expect(demo.stdout).toContain('Demo complete');
  });
});
