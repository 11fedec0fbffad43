/**
 * CDKTF end to end: compile examples/cdktf (tsc, our strict config) → `node main.js` synthesizes the stack
 * (no cdktf CLI) → `terraform init` offline from a filesystem mirror of the bundled plugin → `apply` against
 * the emulator (or a real Logto, see test/support/target.ts) → the tenant matches examples/tenant.yaml →
 * `plan -detailed-exitcode` = 0. One synth + apply + plan flow: every terraform command launches Node
 * several times.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, type Run } from '../support/process.js';
import { startTarget, type Target } from '../support/target.js';
import { terraformEnv } from '../terraform/support.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const DEMO_SECRETS = ['demo-only-token', 'demo-only-github-secret', 'demo-only-smtp-password'];

interface Named {
  id: string;
  name: string;
}

describe('CDKTF example app (examples/cdktf) with the Logto provider', () => {
  let target: Target;
  let work: string;
  let stackDir: string;
  let env: NodeJS.ProcessEnv;
  const outputs: string[] = [];

  async function terraform(...args: string[]): Promise<Run> {
    const r = await exec('terraform', [...args, '-no-color'], { cwd: stackDir, env, timeoutMs: 180_000 });
    outputs.push(r.out);
    return r;
  }

  beforeAll(async () => {
    target = await startTarget();
    work = mkdtempSync(join(tmpdir(), 'logto-cdktf-'));
    // Compiled ESM needs "type": "module" and the repository's packages next to it.
    writeFileSync(join(work, 'package.json'), '{ "type": "module" }\n');
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
    // Every name and API identifier carries the run's prefix (the stack's `name_prefix` variable).
    env = { ...(await terraformEnv(work, target)), TF_VAR_name_prefix: target.prefix };
  }, 120_000);

  afterAll(async () => {
    await target?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('synth → init (offline) → apply builds the tenant of examples/tenant.yaml → plan shows no changes', async () => {
    // 1. Compile the example with its tsconfig (type-checks it and the generated bindings it imports).
    const build = join(work, 'build');
    const tsc = await exec(
      process.execPath,
      [TSC, '-p', join(ROOT, 'examples', 'cdktf'), '--noEmit', 'false', '--outDir', build],
      { cwd: ROOT, env: { PATH: process.env.PATH }, timeoutMs: 180_000 },
    );
    expect(tsc.code, tsc.out).toBe(0);

    // 2. Synthesize with plain node; the local backend keeps its state in the working directory.
    const synth = await exec(process.execPath, [join(build, 'examples', 'cdktf', 'main.js')], {
      cwd: work,
      env: { PATH: process.env.PATH, HOME: work, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: join(work, 'cdktf.out') },
      timeoutMs: 180_000,
    });
    expect(synth.code, synth.out).toBe(0);
    stackDir = join(work, 'cdktf.out', 'stacks', 'acme-shop');
    const stackJson = readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8');
    const stack = JSON.parse(stackJson) as { provider: Record<string, unknown>; resource: Record<string, object> };
    expect(Object.keys(stack.provider)).toEqual(['logto']);
    expect(Object.keys(stack.resource).sort()).toEqual([
      'logto_api_resource',
      'logto_api_resource_scope',
      'logto_application',
      'logto_application_role_assignment',
      'logto_application_secret',
      'logto_connector',
      'logto_hook',
      'logto_organization',
      'logto_organization_role',
      'logto_organization_scope',
      'logto_role',
      'logto_sign_in_experience',
      'logto_sso_connector',
    ]);
    // No credential of the Management API is synthesized into the stack.
    expect(stackJson).not.toContain(target.appSecret);

    // 3. init offline from the mirror, then apply.
    const init = await terraform('init', '-input=false');
    expect(init.code, init.out).toBe(0);
    expect(existsSync(join(stackDir, '.terraform.lock.hcl'))).toBe(true);

    const apply = await terraform('apply', '-auto-approve', '-input=false');
    expect(apply.code, apply.out).toBe(0);
    // 2 APIs + 5 scopes + 3 roles + 3 apps + 1 app secret + 1 role assignment + 3 org scopes + 2 org roles
    // + 1 SSO connector + 1 organization + 1 hook + the sign-in experience.
    expect(apply.out).toMatch(/Apply complete! Resources: 26 added, 0 changed, 0 destroyed/);
    expect(apply.out).toMatch(/config\s+= \(sensitive value\)/);
    for (const secret of DEMO_SECRETS) expect(apply.out).not.toContain(secret);

    // 4. The tenant matches examples/tenant.yaml.
    const client = target.client;
    const p = target.prefix;
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
    expect(live.find((c) => c.target === 'github')?.config.clientId).toBe(`${p}Iv1.acmeshop`);
    const signUp = await client.get<{ signUp: unknown; socialSignInConnectorTargets: string[] }>('/sign-in-exp');
    expect(signUp.signUp).toMatchObject({ identifiers: ['email'], password: false, verify: true });
    expect(signUp.socialSignInConnectorTargets).toEqual(['github']);

    // 5. Nothing left to do.
    const plan = await terraform('plan', '-detailed-exitcode', '-input=false');
    expect(plan.code, plan.out).toBe(0);
    expect(plan.out).toMatch(/No changes/);

    // Secrets never show up in any terraform output of the run.
    for (const out of outputs) {
      for (const secret of [...DEMO_SECRETS, target.appSecret]) expect(out).not.toContain(secret);
    }
  }, 420_000);
});
