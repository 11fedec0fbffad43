/**
 * CDKTF end to end, as examples/cdktf/main.ts documents it: type-check the example (tsc, our strict config) →
 * `npx tsx main.ts` synthesizes the stack (no cdktf CLI) → it has one resource per object of
 * examples/tenant.yaml, kind by kind → `terraform init` offline from a filesystem mirror of the bundled
 * plugin → `apply` against the emulator (or a real Logto, see test/support/target.ts) → the tenant matches
 * examples/tenant.yaml (on the emulator: the CLI's plan of tenant.yaml against it is empty) →
 * `plan -detailed-exitcode` = 0. One synth + apply + plan flow: every terraform command launches Node
 * several times.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typeNameOf } from '../../provider/terraform/schema.js';
import { catalog as resourceCatalog } from '../../resources/index.js';
import { exec, type Run } from '../support/process.js';
import { prefixedLanguageTag, startTarget, type Target } from '../support/target.js';
import { terraformEnv } from '../terraform/support.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const CLI = join(ROOT, 'bin', 'logto-iac.js');
/** The stack's sensitive variables (no defaults), with canary values that must never show up. */
const SECRETS: Record<string, string> = {
  crm_webhook_token: 'canary-crm-token',
  smtp_password: 'canary-smtp-password',
  github_client_secret: 'canary-github-secret',
  captcha_secret_key: 'canary-captcha-secret',
  breakglass_password: 'canary-Breakglass-2026',
};

interface Named {
  id: string;
  name: string;
}

/** Objects per kind in examples/tenant.yaml, from the CLI's own plan of it against an empty emulator. */
async function tenantYamlKinds(): Promise<Record<string, number>> {
  const plan = await exec(
    process.execPath,
    [CLI, 'plan', join(ROOT, 'examples', 'tenant.yaml'), '--emulator', '--json'],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      timeoutMs: 120_000,
    },
  );
  expect(plan.code, plan.out).toBe(2);
  const counts: Record<string, number> = {};
  for (const change of (JSON.parse(plan.stdout) as { changes: { kind: string }[] }).changes)
    counts[change.kind] = (counts[change.kind] ?? 0) + 1;
  return counts;
}

describe('CDKTF example app (examples/cdktf) with the Logto provider', () => {
  let target: Target;
  let work: string;
  let stackDir: string;
  let env: NodeJS.ProcessEnv;
  /** Against the emulator the stack runs without prefixes, so tenant.yaml itself can be compared with it. */
  let p = '';
  const outputs: string[] = [];

  async function terraform(...args: string[]): Promise<Run> {
    const r = await exec('terraform', [...args, '-no-color'], { cwd: stackDir, env, timeoutMs: 180_000 });
    outputs.push(r.out);
    return r;
  }

  beforeAll(async () => {
    target = await startTarget();
    work = mkdtempSync(join(tmpdir(), 'logto-cdktf-'));
    env = { ...(await terraformEnv(work, target)) };
    for (const [name, value] of Object.entries(SECRETS)) env[`TF_VAR_${name}`] = value;
    if (!target.emulator) {
      // A shared real tenant: every name, API identifier and email template's language tag carries the run's
      // prefix.
      p = target.prefix;
      env.TF_VAR_name_prefix = p;
      env.TF_VAR_language_suffix = prefixedLanguageTag(p, '');
    }
  }, 120_000);

  afterAll(async () => {
    // On a shared real tenant the stack's custom phrases are keyed by real languages (no prefix the sweep could
    // find): the stack removes what it made (deleting the fallback language's phrases empties them).
    if (target && !target.emulator && stackDir) await terraform('destroy', '-auto-approve', '-input=false');
    await target?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('synth → init (offline) → apply builds the tenant of examples/tenant.yaml → plan shows no changes', async () => {
    // 1. Type-check the example with its tsconfig (and the generated bindings it imports).
    const tsc = await exec(process.execPath, [TSC, '-p', join(ROOT, 'examples', 'cdktf')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH },
      timeoutMs: 180_000,
    });
    expect(tsc.code, tsc.out).toBe(0);

    // 2. Synthesize as the example's header says (`npx tsx main.ts`); the local backend keeps its state in
    //    the stack's directory.
    const synth = await exec(process.execPath, [TSX, 'main.ts'], {
      cwd: join(ROOT, 'examples', 'cdktf'),
      env: { PATH: process.env.PATH, HOME: work, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: join(work, 'cdktf.out') },
      timeoutMs: 180_000,
    });
    expect(synth.code, synth.out).toBe(0);
    stackDir = join(work, 'cdktf.out', 'stacks', 'acme-shop');
    const stackJson = readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8');
    const stack = JSON.parse(stackJson) as {
      provider: Record<string, unknown>;
      resource: Record<string, Record<string, unknown>>;
      variable: Record<string, { sensitive?: boolean; default?: unknown }>;
    };
    expect(Object.keys(stack.provider)).toEqual(['logto']);
    // The same objects as examples/tenant.yaml, kind by kind (48 objects of 28 kinds).
    const expected: Record<string, number> = {};
    for (const [kind, count] of Object.entries(await tenantYamlKinds())) {
      const definition = resourceCatalog.find((d) => d.kind === kind)!;
      expected[typeNameOf(definition.kind)] = count;
    }
    const synthesized = Object.fromEntries(Object.entries(stack.resource).map(([t, r]) => [t, Object.keys(r).length]));
    expect(synthesized).toEqual(expected);
    expect(Object.keys(expected)).toHaveLength(28);
    // Secrets are sensitive variables without defaults; no credential of the Management API is synthesized.
    for (const name of Object.keys(SECRETS)) expect(stack.variable[name]).toMatchObject({ sensitive: true });
    for (const name of Object.keys(SECRETS)) expect(stack.variable[name]).not.toHaveProperty('default');
    expect(stackJson).not.toContain(target.appSecret);

    // 3. init offline from the mirror, then apply.
    const init = await terraform('init', '-input=false');
    expect(init.code, init.out).toBe(0);
    expect(existsSync(join(stackDir, '.terraform.lock.hcl'))).toBe(true);

    const apply = await terraform('apply', '-auto-approve', '-input=false');
    expect(apply.code, apply.out).toBe(0);
    // One resource per object of examples/tenant.yaml.
    expect(apply.out).toMatch(/Apply complete! Resources: 48 added, 0 changed, 0 destroyed/);
    expect(apply.out).toMatch(/config\s+= \(sensitive value\)/);

    // 4. The tenant matches examples/tenant.yaml.
    const client = target.client;
    const apis = await client.list<Named & { indicator: string; accessTokenTtl: number }>('/resources');
    const orders = apis.find((a) => a.indicator === `https://api.acme-shop.example/${p}orders`);
    const catalog = apis.find((a) => a.indicator === `https://api.acme-shop.example/${p}catalog`);
    expect(orders).toMatchObject({ name: 'Orders API', accessTokenTtl: 3600 });
    expect(catalog).toMatchObject({ name: 'Catalog API' });
    const scopeNames = async (path: string) => (await client.list<Named>(path)).map((s) => s.name).sort();
    expect(await scopeNames(`/resources/${orders!.id}/scopes`)).toEqual([
      'delete:orders',
      'read:orders',
      'write:orders',
    ]);
    expect(await scopeNames(`/resources/${catalog!.id}/scopes`)).toEqual(['read:catalog', 'write:catalog']);

    const roles = await client.list<Named & { type: string; isDefault: boolean; description: string }>('/roles');
    const role = (name: string) => {
      const found = roles.find((r) => r.name === `${p}${name}`);
      if (!found) throw new Error(`role ${name} missing; roles: ${roles.map((r) => r.name).join(', ')}`);
      return found;
    };
    expect(role('customer')).toMatchObject({ type: 'User', isDefault: true, description: 'Shoppers who place orders' });
    expect(role('fulfilment')).toMatchObject({ type: 'MachineToMachine' });
    expect(await scopeNames(`/roles/${role('customer').id}/scopes`)).toEqual([
      'read:catalog',
      'read:orders',
      'write:orders',
    ]);
    expect(await scopeNames(`/roles/${role('store-admin').id}/scopes`)).toEqual([
      'delete:orders',
      'read:catalog',
      'read:orders',
      'write:catalog',
      'write:orders',
    ]);

    const apps = await client.list<
      Named & { type: string; oidcClientMetadata: { redirectUris: string[] }; customData: Record<string, unknown> }
    >('/applications');
    const app = (name: string) => {
      const found = apps.find((a) => a.name === `${p}${name}`);
      if (!found) throw new Error(`application ${name} missing`);
      return found;
    };
    expect(app('Acme Storefront').type).toBe('SPA');
    expect(app('Acme Storefront').oidcClientMetadata.redirectUris.sort()).toEqual([
      'http://localhost:5173/callback',
      'https://shop.acme.example/callback',
    ]);
    expect(app('Acme Back Office')).toMatchObject({ type: 'Traditional', customData: { team: 'operations' } });
    const secrets = await client.get<Named[]>(`/applications/${app('Acme Back Office').id}/secrets`);
    expect(secrets.map((s) => s.name)).toContain('deploy-2026');
    const m2mRoles = await client.list<Named>(`/applications/${app('Fulfilment Service').id}/roles`);
    expect(m2mRoles.map((r) => r.name)).toEqual([`${p}fulfilment`]);

    const orgRoles = await client.list<Named>('/organization-roles');
    const orgAdmin = orgRoles.find((r) => r.name === `${p}org-admin`);
    expect(orgAdmin).toBeDefined();
    expect(await scopeNames(`/organization-roles/${orgAdmin!.id}/scopes`)).toEqual([
      `${p}invite:members`,
      `${p}manage:billing`,
      `${p}read:members`,
    ]);
    expect(await scopeNames(`/organization-roles/${orgAdmin!.id}/resource-scopes`)).toEqual([
      'delete:orders',
      'read:orders',
      'write:orders',
    ]);
    const orgs = await client.list<Named & { customData: Record<string, unknown> }>('/organizations');
    const globex = orgs.find((o) => o.name === `${p}Globex Corporation`);
    expect(globex?.customData).toEqual({ accountManager: 'jane@acme.example' });
    const jitRoles = await client.list<Named>(`/organizations/${globex!.id}/jit/roles`);
    expect(jitRoles.map((r) => r.name)).toEqual([`${p}org-buyer`]);

    const connectors = await client.list<{ id: string; connectorName: string; domains: string[] }>('/sso-connectors');
    expect(connectors.find((c) => c.connectorName === `${p}globex-saml`)?.domains).toEqual(['globex.example']);
    const hooks = await client.list<Named & { events: string[]; enabled: boolean }>('/hooks');
    const hook = hooks.find((h) => h.name === `${p}Order events to the CRM`);
    expect(hook?.events.sort()).toEqual(['Organization.Membership.Updated', 'PostRegister', 'User.Created']);
    expect(hook?.enabled).toBe(true);
    const sie = await client.get<{ color: { primaryColor: string }; signInMode: string; mfa: { factors: string[] } }>(
      '/sign-in-exp',
    );
    expect(sie.color.primaryColor.toLowerCase()).toBe('#0f766e');
    expect(sie.signInMode).toBe('SignInAndRegister');
    expect(sie.mfa.factors.sort()).toEqual(['BackupCode', 'Totp']);
    // Passwordless email sign-up with the SMTP connector, and GitHub sign-in.
    const live = await client.get<{ type: string; target: string; config: Record<string, unknown> }[]>('/connectors');
    expect(live.find((c) => c.type === 'Email')?.config.host).toBe(`${p}smtp.acme.example`);
    expect(live.find((c) => c.target === 'github')?.config.clientId).toBe(`${p}Iv1.acmeshop0000000`);
    const signUp = await client.get<{ signUp: unknown; socialSignInConnectorTargets: string[] }>('/sign-in-exp');
    expect(signUp.signUp).toMatchObject({ identifiers: ['email'], password: false, verify: true });
    expect(signUp.socialSignInConnectorTargets).toEqual(['github']);

    // The kinds the first CDKTF example left out.
    const users = await client.list<{ id: string; username: string; name: string }>('/users');
    const breakglass = users.find((u) => u.username === `${p}ops_breakglass`);
    expect(breakglass?.name).toBe('Break-glass administrator');
    expect((await client.list<Named>(`/users/${breakglass!.id}/roles`)).map((r) => r.name)).toEqual([
      `${p}store-admin`,
    ]);
    const qa = users.find((u) => u.username === `${p}qa_globex_buyer`);
    expect((await client.list<{ id: string }>(`/organizations/${globex!.id}/users`)).map((u) => u.id)).toContain(
      qa!.id,
    );
    const fields = await client.get<{ name: string; type: string }[]>('/custom-profile-fields');
    expect(fields.filter((f) => f.name.startsWith(p)).map((f) => f.name)).toEqual(
      expect.arrayContaining([`${p}department`, `${p}nickname`]),
    );
    const samlApps = await client.list<Named & { type: string }>('/applications');
    expect(samlApps.find((a) => a.name === `${p}Acme Wiki`)?.type).toBe('SAML');
    const jwt = await client.get<{ script: string }>('/configs/jwt-customizer/access-token');
    expect(jwt.script).toContain('getCustomJwtClaims');
    const session = await client.get<{ ttl: number }>('/configs/oidc/session');
    expect(session.ttl).toBe(604_800);

    // 5. Nothing left to do.
    const plan = await terraform('plan', '-detailed-exitcode', '-input=false');
    expect(plan.code, plan.out).toBe(0);
    expect(plan.out).toMatch(/No changes/);

    // 6. On the emulator (no prefixes), the GitOps CLI finds nothing to change between examples/tenant.yaml and
    //    the tenant the CDKTF stack built: the same tenant.
    if (target.emulator) {
      const cli = await exec(process.execPath, [CLI, 'plan', join(ROOT, 'examples', 'tenant.yaml'), '--no-color'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          LOGTO_ENDPOINT: target.url,
          LOGTO_APP_ID: target.appId,
          LOGTO_APP_SECRET: target.appSecret,
          CRM_WEBHOOK_TOKEN: SECRETS.crm_webhook_token,
          SMTP_PASSWORD: SECRETS.smtp_password,
          GITHUB_CLIENT_SECRET: SECRETS.github_client_secret,
          CAPTCHA_SECRET_KEY: SECRETS.captcha_secret_key,
          BREAKGLASS_PASSWORD: SECRETS.breakglass_password,
        },
        timeoutMs: 120_000,
      });
      outputs.push(cli.out);
      expect(cli.code, cli.out).toBe(0);
    }

    // Secrets never show up in any output of the run.
    for (const out of outputs) {
      for (const secret of [...Object.values(SECRETS), target.appSecret]) expect(out).not.toContain(secret);
    }
  }, 420_000);
});
