/**
 * End to end with the real `terraform` binary: the HCL example is applied to the emulator (or a real Logto,
 * see test/support/target.ts) through the bundled plugin installed as a filesystem mirror.
 * Kept small on purpose: every terraform command launches the plugin 2–5 times.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackIdp, startIdp } from '../support/idp.js';
import { exec, type Run } from '../support/process.js';
import { prefixedLanguageTag, startTarget, type Target } from '../support/target.js';
import { terraformEnv } from './support.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'terraform', 'main.tf');
const LISTS = [
  '/roles',
  '/resources',
  '/applications',
  '/hooks',
  '/sso-connectors',
  '/organization-roles',
  '/organization-scopes',
  '/email-templates',
];

/** The `terraform` block of a configuration that uses this provider. */
const REQUIRED_PROVIDERS = [
  'terraform {',
  '  required_providers {',
  '    logto = { source = "logto-io/logto" }',
  '  }',
  '}',
];

// The example's secrets come in through sensitive variables (TF_VAR_…), fresh for every run.
const HOOK_AUTHORIZATION = `Bearer e2e-${randomBytes(12).toString('hex')}`;
const OIDC_CLIENT_SECRET = `e2e-${randomBytes(12).toString('hex')}`;
const CAPTCHA_SECRET_KEY = `e2e-captcha-${randomBytes(12).toString('hex')}`;
const SMTP_PASSWORD = `e2e-smtp-${randomBytes(12).toString('hex')}`;
const GITHUB_CLIENT_SECRET = `e2e-github-${randomBytes(12).toString('hex')}`;
const BREAKGLASS_PASSWORD = `e2e-breakglass-${randomBytes(12).toString('hex')}`;

/** Neither the password nor an unsalted digest of it (hex or base64, of the text or its JSON form). */
function expectNoPasswordIn(text: string, password: string): void {
  expect(text.includes(password), 'the password').toBe(false);
  for (const input of [password, JSON.stringify(password)])
    for (const encoding of ['hex', 'base64', 'base64url'] as const)
      expect(text.includes(createHash('sha256').update(input).digest(encoding)), 'an unsalted digest').toBe(false);
}

/** The text of every member of a zip file (a saved Terraform plan), inflated: read through its central directory. */
function unzipText(file: string): string {
  const zip = readFileSync(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  const parts: string[] = [];
  for (let i = 0, at = zip.readUInt32LE(end + 16); i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const local = zip.readUInt32LE(at + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const body = zip.subarray(start, start + size);
    parts.push((method === 8 ? inflateRawSync(body) : body).toString('latin1'));
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  expect(parts.length).toBeGreaterThan(0);
  return parts.join('\n');
}

describe('terraform with the Logto provider (HCL example)', () => {
  let target: Target;
  let idp: LoopbackIdp;
  /** The run's prefix: the example's `name_prefix`, so its names never meet another run's on a shared tenant. */
  let p: string;
  let work: string;
  let env: NodeJS.ProcessEnv;
  let seeded: Record<string, string[]>;
  const secretsInOutput: string[] = [];
  const secretsToHide: string[] = [];

  function terraform(...args: string[]): Promise<Run> {
    return terraformWith({}, ...args);
  }

  async function terraformWith(extraEnv: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
    const r = await exec('terraform', [...args, '-no-color'], {
      cwd: work,
      env: { ...env, ...extraEnv },
      timeoutMs: 180_000,
    });
    secretsInOutput.push(r.out);
    return r;
  }

  type Named = { id: string; name?: string; connectorName?: string; indicator?: string; languageTag?: string };
  /** Ids per list route; `ours` keeps only the objects whose name carries this run's prefix. */
  async function snapshot(ours = false): Promise<Record<string, string[]>> {
    const result: Record<string, string[]> = {};
    for (const path of LISTS) {
      const rows = await target.client.list<Named>(path);
      result[path] = rows
        .filter(
          (r) =>
            !ours ||
            [r.name, r.connectorName, r.indicator].some((v) => v?.includes(p)) ||
            r.languageTag === prefixedLanguageTag(p, 'en'),
        )
        .map((r) => r.id)
        .sort();
    }
    return result;
  }

  beforeAll(async () => {
    target = await startTarget();
    p = target.prefix;
    idp = await startIdp();
    const root = mkdtempSync(join(tmpdir(), 'logto-tf-e2e-'));
    work = join(root, 'work');
    mkdirSync(work, { recursive: true });
    copyFileSync(EXAMPLE, join(work, 'main.tf'));
    env = {
      ...(await terraformEnv(root, target)),
      TF_VAR_hook_authorization: HOOK_AUTHORIZATION,
      TF_VAR_acme_oidc_client_secret: OIDC_CLIENT_SECRET,
      TF_VAR_captcha_secret_key: CAPTCHA_SECRET_KEY,
      TF_VAR_smtp_password: SMTP_PASSWORD,
      TF_VAR_github_client_secret: GITHUB_CLIENT_SECRET,
      TF_VAR_breakglass_password: BREAKGLASS_PASSWORD,
      TF_VAR_acme_oidc_issuer: idp.issuer,
      TF_VAR_name_prefix: p,
      TF_VAR_email_language: prefixedLanguageTag(p, 'en'),
    };
    seeded = await snapshot();
  }, 120_000);

  afterAll(async () => {
    await target?.cleanup();
    await idp?.close();
  });

  it('init works offline from the filesystem mirror', async () => {
    const r = await terraform('init', '-input=false');
    expect(r.code, r.out).toBe(0);
    expect(readFileSync(join(work, '.terraform.lock.hcl'), 'utf8')).toMatch(/logto-io\/logto/);
  }, 120_000);

  it('the example holds no secret: they come from sensitive variables without defaults', () => {
    const hcl = readFileSync(EXAMPLE, 'utf8');
    expect(hcl).not.toMatch(/Bearer [A-Za-z0-9]/);
    expect(hcl).toMatch(/clientSecret\s*=\s*var\.acme_oidc_client_secret/);
    expect(hcl).toMatch(/Authorization\s*=\s*var\.hook_authorization/);
    expect(hcl).toMatch(/secret_key\s*=\s*var\.captcha_secret_key/);
    expect(hcl).toMatch(/pass\s*=\s*var\.smtp_password/);
    expect(hcl).toMatch(/clientSecret\s*=\s*var\.github_client_secret/);
    expect(hcl).toMatch(/password_wo\s*=\s*var\.breakglass_password\n/);
    expect(hcl).toMatch(/password_wo_version\s*=\s*var\.breakglass_password_version/);
    // Ephemeral: the password may only reach write-only arguments, and no state or saved plan holds it.
    expect(/variable "breakglass_password" \{([^}]*)\}/.exec(hcl)?.[1]).toMatch(/ephemeral\s*=\s*true/);
    for (const name of [
      'hook_authorization',
      'acme_oidc_client_secret',
      'captcha_secret_key',
      'smtp_password',
      'github_client_secret',
      'breakglass_password',
    ]) {
      const block = new RegExp(`variable "${name}" \\{([^}]*)\\}`).exec(hcl)?.[1] ?? '';
      expect(block, name).toMatch(/sensitive\s*=\s*true/);
      expect(block, name).not.toMatch(/default\s*=/);
    }
  });

  it('apply creates the tenant; secrets show as (sensitive value); the plugin log reaches TF_LOG without secrets', async () => {
    const logPath = join(work, '..', 'terraform-apply.log');
    const r = await terraformWith({ TF_LOG: 'debug', TF_LOG_PATH: logPath }, 'apply', '-auto-approve', '-input=false');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Apply complete! Resources: 31 added/);
    expect(r.out).toMatch(/config\s+= \(sensitive value\)/);
    expect(r.out).toMatch(/password_wo\s+= \(write-only attribute\)/);
    expect(r.out).toMatch(/password_wo_version\s+= "1"/);
    expect(r.out).toMatch(/headers\s+= \(sensitive value\)/);
    expect(r.out).toMatch(/secret_key\s+= \(sensitive value\)/);
    expect(r.out).toMatch(/"read:orders",\s+"write:orders"/);
    // The email template's data source reads it back by language and type.
    expect(r.out).toMatch(/sign_in_email_subject = "Your sign-in code is \{\{code\}\}"/);
    // …and the captcha provider's data source reads the singleton (its secret stays out of the output).
    expect(r.out).toMatch(/captcha_site_key = "0x4AAAAAAAexample"/);
    const roles = await target.client.list<{ name: string }>('/roles');
    expect(roles.map((x) => x.name)).toEqual(
      expect.arrayContaining([`${p}viewer`, `${p}editor`, `${p}orders-service`]),
    );

    // The variables' values reached Logto.
    const hook = (
      await target.client.list<{ name: string; config: { headers?: Record<string, string> } }>('/hooks')
    ).find((x) => x.name === `${p}User events`);
    expect(hook?.config.headers?.Authorization === HOOK_AUTHORIZATION).toBe(true);
    const sso = (
      await target.client.list<{ connectorName: string; config: Record<string, unknown> }>('/sso-connectors')
    ).find((x) => x.connectorName === `${p}acme-corp`);
    expect(sso?.config.clientSecret === OIDC_CLIENT_SECRET).toBe(true);
    const [user] = await target.client.list<{ id: string }>('/users', {
      'search.username': `${p}ops_breakglass`,
      'mode.username': 'exact',
    });
    await target.client.post(
      `/users/${user!.id}/password/verify`,
      { password: BREAKGLASS_PASSWORD },
      { createsObject: false },
    );
    const captcha = await target.client.get<{ config: { secretKey?: string } }>('/captcha-provider');
    expect(captcha.config.secretKey === CAPTCHA_SECRET_KEY).toBe(true);
    const connectors =
      await target.client.get<{ type: string; target: string; config: Record<string, any> }[]>('/connectors');
    const email = connectors.find((c) => c.type === 'Email');
    expect(email?.config.auth?.pass === SMTP_PASSWORD).toBe(true);
    const github = connectors.find((c) => c.target === 'github');
    expect(github?.config.clientSecret === GITHUB_CLIENT_SECRET).toBe(true);

    // Passwordless email sign-up and GitHub: the connectors were created first.
    expect(r.out).toMatch(/github_connector_id = "\w{12}"/);
    const sie = await target.client.get<Record<string, any>>('/sign-in-exp');
    expect(sie.signUp).toMatchObject({ identifiers: ['email'], password: false, verify: true });
    expect(sie.socialSignInConnectorTargets).toEqual(['github']);

    // The plugin's stderr lines show up in Terraform's log, attributed to the plugin…
    const log = readFileSync(logPath, 'utf8');
    secretsInOutput.push(log);
    expect(log).toMatch(/provider\.terraform-provider-logto[^\n]*: (\[INFO\] )?created Role \S+/);
    expect(log).toMatch(/provider\.terraform-provider-logto[^\n]*: (\[INFO\] )?created Hook \S+/);
    // …and nothing secret is in it: the provider credentials, the example's secrets, generated secrets.
    const state = JSON.parse(readFileSync(join(work, 'terraform.tfstate'), 'utf8')) as {
      resources: { type: string; name: string; instances: { attributes: Record<string, unknown> }[] }[];
    };
    // The password is write-only with a version: neither it nor anything derived from it is in the state.
    expectNoPasswordIn(readFileSync(join(work, 'terraform.tfstate'), 'utf8'), BREAKGLASS_PASSWORD);
    const breakglass = state.resources.find((x) => x.type === 'logto_user')?.instances[0]?.attributes;
    expect(breakglass).toMatchObject({
      password: null,
      password_wo: null,
      password_digest: null,
      password_wo_version: '1',
    });
    const workerSecret = state.resources.find((x) => x.type === 'logto_application' && x.name === 'orders_worker')
      ?.instances[0]?.attributes.default_secret;
    const signingKey = state.resources.find((x) => x.type === 'logto_hook')?.instances[0]?.attributes.signing_key;
    expect(typeof workerSecret === 'string' && workerSecret.length > 8).toBe(true);
    expect(typeof signingKey === 'string' && signingKey.length > 8).toBe(true);
    for (const secret of [
      target.appSecret,
      HOOK_AUTHORIZATION,
      OIDC_CLIENT_SECRET,
      CAPTCHA_SECRET_KEY,
      SMTP_PASSWORD,
      GITHUB_CLIENT_SECRET,
      BREAKGLASS_PASSWORD,
      workerSecret,
      signingKey,
    ])
      expect(log.includes(secret as string), 'a secret in the TF_LOG output').toBe(false);
  }, 180_000);

  it('a second plan shows no changes, refreshing each type through one bulk list', async () => {
    target.emulator?.resetStats();
    const r = await terraform('plan', '-detailed-exitcode', '-input=false');
    expect(r.code, r.out).toBe(0);
    if (target.emulator) {
      const byRoute = target.emulator.stats().byRoute;
      // Three roles and two applications refreshed: one list call each, no per-object GETs.
      expect(byRoute['GET /roles']).toBe(1);
      expect(byRoute['GET /roles/:id'] ?? 0).toBe(0);
      expect(byRoute['GET /applications/:id'] ?? 0).toBe(0);
    }
  }, 120_000);

  it('rotation through password_wo_version: the old password stops working, the new one works; no state, saved plan or journal holds it', async () => {
    const rotated = `${BREAKGLASS_PASSWORD}-rotated`;
    // A new value without a new version is not a change: the version says when the password is written.
    const same = await terraformWith(
      { TF_VAR_breakglass_password: rotated },
      'plan',
      '-detailed-exitcode',
      '-input=false',
    );
    expect(same.code, same.out).toBe(0);

    const bump = { TF_VAR_breakglass_password: rotated, TF_VAR_breakglass_password_version: '2' };
    const plan = await terraformWith(bump, 'plan', '-detailed-exitcode', '-input=false', '-out=rotate.tfplan');
    expect(plan.code, plan.out).toBe(2);
    expect(plan.out).toMatch(/logto_user\.breakglass will be updated in-place/);
    expect(plan.out).toMatch(/password_wo_version\s+= "1" -> "2"/);
    expect(plan.out).toMatch(/Plan: 0 to add, 1 to change, 0 to destroy/);
    // The saved plan, in its own form and as JSON: no password, no unsalted digest of it.
    const shown = await terraformWith(bump, 'show', '-json', 'rotate.tfplan');
    expect(shown.code, shown.out).toBe(0);
    // `show -json` prints a plan's sensitive values in the clear (Terraform's design: a saved plan holds them,
    // so it is kept like the state); only write-only values are in no plan at all. Not counted as printed.
    secretsInOutput.pop();
    expectNoPasswordIn(readFileSync(join(work, 'rotate.tfplan')).toString('latin1'), rotated);
    expectNoPasswordIn(unzipText(join(work, 'rotate.tfplan')), rotated);
    expectNoPasswordIn(shown.out, rotated);
    expect(shown.out).toContain('"password_wo_version":"2"');
    // An ephemeral variable is not saved with the plan: applying it needs the value again.
    const apply = await terraformWith(bump, 'apply', '-auto-approve', '-input=false', 'rotate.tfplan');
    expect(apply.code, apply.out).toBe(0);

    const [user] = await target.client.list<{ id: string }>('/users', {
      'search.username': `${p}ops_breakglass`,
      'mode.username': 'exact',
    });
    const verifies = (password: string) =>
      target.client
        .post(`/users/${user!.id}/password/verify`, { password }, { createsObject: false })
        .then(() => true)
        .catch((e: { status?: number }) => {
          if (e.status !== 422) throw e;
          return false;
        });
    expect(await verifies(rotated)).toBe(true);
    expect(await verifies(BREAKGLASS_PASSWORD)).toBe(false);

    const stateText = readFileSync(join(work, 'terraform.tfstate'), 'utf8');
    expectNoPasswordIn(stateText, rotated);
    expectNoPasswordIn(stateText, BREAKGLASS_PASSWORD);
    // The create journal beside Terraform's files: nothing secret, owner-only.
    const journal = join(work, '.terraform', 'logto-iac-pending');
    if (existsSync(journal)) {
      expect(statSync(journal).mode & 0o077).toBe(0);
      for (const name of readdirSync(journal)) {
        expectNoPasswordIn(readFileSync(join(journal, name), 'utf8'), rotated);
        expectNoPasswordIn(readFileSync(join(journal, name), 'utf8'), BREAKGLASS_PASSWORD);
        expect(statSync(join(journal, name)).mode & 0o077).toBe(0);
      }
    }
    const again = await terraformWith(bump, 'plan', '-detailed-exitcode', '-input=false');
    expect(again.code, again.out).toBe(0);
    expect(again.out + apply.out + plan.out + same.out).not.toContain(rotated);
    // Later steps plan with the rotated password and its version.
    env.TF_VAR_breakglass_password = rotated;
    env.TF_VAR_breakglass_password_version = '2';
    secretsToHide.push(rotated);
  }, 240_000);

  it('the deprecated password attribute: a warning naming password_wo, a salted digest in state, a new value written once; not both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logto-tf-password-'));
    const first = `e2e-old-style-${randomBytes(8).toString('hex')}`;
    const second = `${first}-2`;
    const config = (extra = '') =>
      [
        ...REQUIRED_PROVIDERS,
        'variable "pw" {',
        '  type      = string',
        '  sensitive = true',
        '}',
        'resource "logto_user" "old_style" {',
        `  username = "${p}old_style"`,
        '  password = var.pw',
        extra,
        '}',
        '',
      ].join('\n');
    writeFileSync(join(dir, 'main.tf'), config());
    expect((await terraform(`-chdir=${dir}`, 'init', '-input=false')).code).toBe(0);
    const created = await terraformWith(
      { TF_VAR_pw: first },
      `-chdir=${dir}`,
      'apply',
      '-auto-approve',
      '-input=false',
    );
    expect(created.code, created.out).toBe(0);
    expect(created.out).toMatch(/Warning: Deprecated logto_user attribute "password"/);
    expect(created.out).toMatch(/Use "password_wo" with "password_wo_version" instead/);
    const digestOf = () => {
      const text = readFileSync(join(dir, 'terraform.tfstate'), 'utf8');
      expectNoPasswordIn(text, first);
      expectNoPasswordIn(text, second);
      const attrs = JSON.parse(text).resources[0].instances[0].attributes;
      expect(attrs.password).toBeNull();
      return attrs.password_digest as string;
    };
    const digest = digestOf();
    expect(digest).toMatch(/^scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    const same = await terraformWith(
      { TF_VAR_pw: first },
      `-chdir=${dir}`,
      'plan',
      '-detailed-exitcode',
      '-input=false',
    );
    expect(same.code, same.out).toBe(0);
    const changed = await terraformWith(
      { TF_VAR_pw: second },
      `-chdir=${dir}`,
      'apply',
      '-auto-approve',
      '-input=false',
    );
    expect(changed.code, changed.out).toBe(0);
    expect(changed.out).toMatch(/Resources: 0 added, 1 changed, 0 destroyed/);
    const [user] = await target.client.list<{ id: string }>('/users', {
      'search.username': `${p}old_style`,
      'mode.username': 'exact',
    });
    await target.client.post(`/users/${user!.id}/password/verify`, { password: second }, { createsObject: false });
    await expect(
      target.client.post(`/users/${user!.id}/password/verify`, { password: first }, { createsObject: false }),
    ).rejects.toMatchObject({ status: 422 });
    expect(digestOf()).not.toBe(digest); // a new salt with the new value

    // A state from before salting holds an unsalted sha256 digest: the next apply writes the password once
    // more and leaves only a salted digest.
    const stateFile = join(dir, 'terraform.tfstate');
    const old = JSON.parse(readFileSync(stateFile, 'utf8'));
    // …written by the provider before password_wo existed (its schema had no password_wo attributes).
    const attributes = old.resources[0].instances[0].attributes;
    attributes.password_digest = `sha256:${createHash('sha256').update(JSON.stringify(second)).digest('hex')}`;
    delete attributes.password_wo;
    delete attributes.password_wo_version;
    writeFileSync(stateFile, JSON.stringify(old));
    const migrate = await terraformWith(
      { TF_VAR_pw: second },
      `-chdir=${dir}`,
      'apply',
      '-auto-approve',
      '-input=false',
    );
    expect(migrate.code, migrate.out).toBe(0);
    expect(migrate.out).toMatch(/Resources: 0 added, 1 changed, 0 destroyed/);
    expect(digestOf()).toMatch(/^scrypt\$/);
    await target.client.post(`/users/${user!.id}/password/verify`, { password: second }, { createsObject: false });

    writeFileSync(join(dir, 'main.tf'), config('  password_wo = var.pw'));
    const both = await terraformWith({ TF_VAR_pw: second }, `-chdir=${dir}`, 'plan', '-input=false');
    expect(both.code).toBe(1);
    expect(both.out).toMatch(/Conflicting logto_user attributes "password" and "password_wo"/);
    // password_wo without a version is written on create only: moving to it writes nothing and drops the digest.
    writeFileSync(join(dir, 'main.tf'), config().replace('  password = var.pw', '  password_wo = var.pw'));
    const third = `${second}-3`;
    const moved = await terraformWith({ TF_VAR_pw: third }, `-chdir=${dir}`, 'apply', '-auto-approve', '-input=false');
    expect(moved.code, moved.out).toBe(0);
    expect(moved.out).not.toMatch(/Deprecated logto_user attribute/);
    expect(digestOf()).toBeNull();
    await target.client.post(`/users/${user!.id}/password/verify`, { password: second }, { createsObject: false });
    const unchanged = await terraformWith(
      { TF_VAR_pw: third },
      `-chdir=${dir}`,
      'plan',
      '-detailed-exitcode',
      '-input=false',
    );
    expect(unchanged.code, unchanged.out).toBe(0);
    const gone = await terraformWith(
      { TF_VAR_pw: second },
      `-chdir=${dir}`,
      'destroy',
      '-auto-approve',
      '-input=false',
    );
    expect(gone.code, gone.out).toBe(0);
    expect(created.out + same.out + changed.out + migrate.out + both.out + gone.out).not.toContain(first);
    expect(migrate.out + both.out + moved.out + gone.out).not.toContain(second);
    expect(moved.out + unchanged.out + gone.out).not.toContain(third);
  }, 240_000);

  it('terraform validate reports spec errors with the attribute, before any API call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logto-tf-validate-'));
    writeFileSync(
      join(dir, 'main.tf'),
      [
        ...REQUIRED_PROVIDERS,
        'resource "logto_hook" "bad" {',
        '  name   = "bad"',
        '  events = ["User.Created"]',
        '  url    = "not a url"',
        '}',
        '',
      ].join('\n'),
    );
    target.emulator?.resetStats();
    const init = await terraform(`-chdir=${dir}`, 'init', '-input=false');
    expect(init.code, init.out).toBe(0);
    const r = await terraform(`-chdir=${dir}`, 'validate');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Invalid logto_hook attribute "url"/);
    expect(r.out).toMatch(/on main\.tf line 9/);
    expect(r.out).toMatch(/Fix:/);
    if (target.emulator) expect(target.emulator.stats().total).toBe(0);
  }, 120_000);

  it('terraform plan refuses a social sign-in target the tenant has no connector for, naming it, before any write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logto-tf-live-check-'));
    const missing = `${p}nosuch`;
    writeFileSync(
      join(dir, 'main.tf'),
      [
        ...REQUIRED_PROVIDERS,
        'resource "logto_sign_in_experience" "this" {',
        `  social_sign_in_connector_targets = ["${missing}"]`,
        '}',
        '',
      ].join('\n'),
    );
    const init = await terraform(`-chdir=${dir}`, 'init', '-input=false');
    expect(init.code, init.out).toBe(0);
    target.emulator?.resetStats();
    const r = await terraform(`-chdir=${dir}`, 'plan', '-input=false');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Invalid logto_sign_in_experience attribute "social_sign_in_connector_targets"/);
    expect(r.out).toContain(`no social connector has target "${missing}"`);
    if (target.emulator) {
      const writes = Object.keys(target.emulator.stats().byRoute).filter(
        (route) => !route.startsWith('GET ') && route !== 'POST /oidc/token',
      );
      expect(writes).toEqual([]);
    }
  }, 120_000);

  it('sign-up by phone without an SMS connector: a warning at plan, Logto’s refusal at apply, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logto-tf-passwordless-'));
    writeFileSync(
      join(dir, 'main.tf'),
      [
        ...REQUIRED_PROVIDERS,
        'resource "logto_sign_in_experience" "this" {',
        '  sign_up_identifiers = ["phone"]',
        '  sign_up_verify      = true',
        '  sign_in = jsonencode({ methods = [{ identifier = "phone", password = true, verificationCode = true, isPasswordPrimary = true }] })',
        '}',
        '',
      ].join('\n'),
    );
    expect((await terraform(`-chdir=${dir}`, 'init', '-input=false')).code).toBe(0);
    const before = await target.client.get<{ signUp: unknown }>('/sign-in-exp');
    // A connector this configuration created first could still provide it: Terraform cannot know, so it warns.
    const plan = await terraform(`-chdir=${dir}`, 'plan', '-input=false');
    expect(plan.code, plan.out).toBe(0);
    expect(plan.out).toMatch(/Warning: logto_sign_in_experience: checked again at apply/);
    expect(plan.out.replace(/\s+/g, ' ')).toContain(
      'sign-up by phone needs an SMS connector (e.g. Twilio) and the tenant has none: Logto refuses it',
    );
    const apply = await terraform(`-chdir=${dir}`, 'apply', '-auto-approve', '-input=false');
    expect(apply.code).toBe(1);
    expect(apply.out).toMatch(/enabled_connector_not_found/);
    expect((await target.client.get<{ signUp: unknown }>('/sign-in-exp')).signUp).toEqual(before.signUp);
  }, 120_000);

  it('an out-of-band change shows in plan (exit 2) and apply puts it back', async () => {
    const viewer = (await target.client.list<{ id: string; name: string }>('/roles')).find(
      (x) => x.name === `${p}viewer`,
    )!;
    await target.client.patch(`/roles/${viewer.id}`, { description: 'changed out of band' });
    const hook = (await target.client.list<{ id: string; name: string }>('/hooks')).find(
      (x) => x.name === `${p}User events`,
    )!;
    await target.client.delete(`/hooks/${hook.id}`);
    const plan = await terraform('plan', '-detailed-exitcode', '-input=false');
    expect(plan.code, plan.out).toBe(2);
    expect(plan.out).toMatch(/logto_role\.viewer will be updated in-place/);
    expect(plan.out).toMatch(/description\s+= "changed out of band" -> "Can read orders"/);
    // A 404 on refresh drops the object from the state with a warning; the plan creates it again.
    expect(plan.out).toMatch(/Warning: Hook \S+ no longer exists/);
    expect(plan.out).toMatch(/logto_hook\.user_events will be created/);
    expect(plan.out).toMatch(/Plan: 1 to add, 1 to change, 0 to destroy/);

    const apply = await terraform('apply', '-auto-approve', '-input=false');
    expect(apply.code, apply.out).toBe(0);
    expect((await target.client.get<{ description: string }>(`/roles/${viewer.id}`)).description).toBe(
      'Can read orders',
    );
  }, 240_000);

  it('imports existing objects by id, by natural key and with an import block', async () => {
    const role = await target.client.post<{ id: string }>('/roles', {
      name: `${p}imported-role`,
      description: 'made outside Terraform',
    });
    const api = await target.client.post<{ id: string }>('/resources', {
      name: 'Imported API',
      indicator: `https://api.example.com/${p}imported`,
    });
    const scope = await target.client.post<{ id: string }>(`/resources/${api.id}/scopes`, { name: 'read:imported' });
    writeFileSync(
      join(work, 'imported.tf'),
      [
        'resource "logto_role" "imported" {',
        `  name        = "${p}imported-role"`,
        '  description = "made outside Terraform"',
        '}',
        'resource "logto_api_resource" "imported" {',
        '  name      = "Imported API"',
        `  indicator = "https://api.example.com/${p}imported"`,
        '}',
        'resource "logto_api_resource_scope" "imported" {',
        '  resource_id = logto_api_resource.imported.id',
        '  name        = "read:imported"',
        '}',
        'import {',
        '  to = logto_api_resource_scope.imported',
        `  id = "${api.id}/${scope.id}"`,
        '}',
        '',
      ].join('\n'),
    );
    const byId = await terraform('import', '-input=false', 'logto_role.imported', role.id);
    expect(byId.code, byId.out).toBe(0);
    const byKey = await terraform(
      'import',
      '-input=false',
      'logto_api_resource.imported',
      `indicator=https://api.example.com/${p}imported`,
    );
    expect(byKey.code, byKey.out).toBe(0);
    // A child type through an import block, with the `<resource_id>/<id>` form.
    const apply = await terraform('apply', '-auto-approve', '-input=false');
    expect(apply.code, apply.out).toBe(0);
    expect(apply.out).toMatch(/Resources: 1 imported, 0 added, 0 changed, 0 destroyed/);
    const plan = await terraform('plan', '-detailed-exitcode', '-input=false');
    expect(plan.code, plan.out).toBe(0);
  }, 240_000);

  it("destroy removes every object of this run and no one else's, and no secret was ever printed", async () => {
    const r = await terraform('destroy', '-auto-approve', '-input=false');
    expect(r.code, r.out).toBe(0);
    // The captcha provider exists only once configured: destroying the resource removes it.
    await expect(target.client.get('/captcha-provider')).rejects.toMatchObject({ status: 404 });
    for (const ids of Object.values(await snapshot(true))) expect(ids).toEqual([]);
    const now = await snapshot();
    for (const [path, ids] of Object.entries(seeded)) expect(now[path], path).toEqual(expect.arrayContaining(ids));
    // On the emulator nothing else touches the tenant: exactly the seeded objects remain.
    if (target.emulator) expect(now).toEqual(seeded);
    const all = secretsInOutput.join('\n');
    expect(all.includes(OIDC_CLIENT_SECRET)).toBe(false);
    expect(all.includes(HOOK_AUTHORIZATION)).toBe(false);
    expect(all.includes(CAPTCHA_SECRET_KEY)).toBe(false);
    expect(all.includes(SMTP_PASSWORD)).toBe(false);
    expect(all.includes(GITHUB_CLIENT_SECRET)).toBe(false);
    expect(all.includes(BREAKGLASS_PASSWORD)).toBe(false);
    for (const secret of secretsToHide) expect(all.includes(secret)).toBe(false);
    // Both connectors of this run are gone.
    const connectors = await target.client.get<{ config: unknown }[]>('/connectors');
    expect(connectors.filter((c) => JSON.stringify(c.config).includes(p))).toEqual([]);
    expect(all.includes(target.appSecret)).toBe(false);
  }, 240_000);
});
