/**
 * Secrets at rest: a distinct canary in every secret field of every kind the catalog has (the list of fields
 * comes from the catalog, so a new kind with a secret fails here until it is planted), applied, rotated,
 * planned to a file, applied from that file and exported through the built CLI; then every file the run wrote
 * is searched for each canary, for an unsalted digest of it, and for the live values of the secret outputs
 * Logto generated. Files that may hold anything sensitive must be owner-only (0600). Against the emulator its
 * `--data` file is checked too (it is Logto's database, so it holds the tenant's readable secrets, but never
 * a password or an unsalted digest of one); against a real Logto (LOGTO_E2E_*) the same run uses run-unique
 * names and cleans up.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, readObject } from '../../core/reconcile/index.js';
import { sensitiveFields } from '../../core/reconcile/secrets.js';
import type { PriorState } from '../../core/reconcile/types.js';
import { catalog } from '../../resources/index.js';
import { type LoopbackIdp, startIdp } from '../support/idp.js';
import { startTarget, type Target } from '../support/target.js';
import { cli, ensureBuilt } from './helpers.js';

const canary = (what: string) => `canary-${what}-${randomBytes(6).toString('hex')}`;

/** One canary per secret spec field of the catalog, by `<Kind>.<field>`, and the variable that carries it. */
const PLANTED: Record<string, { variable: string; value: string }> = {
  'User.password': { variable: 'CANARY_USER_PASSWORD', value: canary('user-password') },
  'Hook.headers': { variable: 'CANARY_HOOK_HEADERS', value: canary('hook-headers') },
  'Connector.config': { variable: 'CANARY_CONNECTOR_CONFIG', value: canary('connector-config') },
  'SsoConnector.config': { variable: 'CANARY_SSO_CONFIG', value: canary('sso-config') },
  'JwtCustomizer.environmentVariables': { variable: 'CANARY_JWT_ENV', value: canary('jwt-env') },
  'CaptchaProvider.secretKey': { variable: 'CANARY_CAPTCHA_SECRET', value: canary('captcha-secret') },
};
/** Second secrets of the run: a password without a version (kept as a salted digest), the rotated one, the GitHub secret. */
const DIGESTED_PASSWORD = canary('digested-password');
const ROTATED_PASSWORD = canary('rotated-password');
const GITHUB_SECRET = canary('github-secret');

/** Secret outputs Logto generates, by `<Kind>.<output>`: read back live and searched for like the canaries. */
const GENERATED = ['Application.defaultSecret', 'ApplicationSecret.value', 'Hook.signingKey'];

function tenantFile(p: string, issuer: string): string {
  return `users:
  ${p}_rotating:
    password: \${env:CANARY_USER_PASSWORD}
    passwordVersion: \${env:PASSWORD_VERSION}
  ${p}_digested:
    password: \${env:DIGESTED_PASSWORD}

applications:
  ${p}-backend:
    name: ${p} backend
    type: Traditional
    redirectUris: [https://${p}.example/callback]
    secrets:
      deploy: {}

hooks:
  ${p}-events:
    name: ${p} events
    events: [User.Created]
    url: https://${p}.example/hooks
    headers:
      Authorization: Bearer \${env:CANARY_HOOK_HEADERS}

connectors:
  mailer:
    connectorId: simple-mail-transfer-protocol
    config:
      host: smtp.${p}.example
      port: 587
      auth:
        type: login
        user: ${p}-mailer
        pass: \${env:CANARY_CONNECTOR_CONFIG}
      fromEmail: no-reply@${p}.example
      templates:
${['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((u) => `        - { usageType: ${u}, contentType: text/plain, subject: Code, content: 'Your code is {{code}}' }`).join('\n')}
  github:
    connectorId: github-universal
    config:
      clientId: Iv1.${p}
      clientSecret: \${env:GITHUB_SECRET}

ssoConnectors:
  ${p}-corp:
    providerName: OIDC
    config:
      issuer: ${issuer}
      clientId: ${p}-client
      clientSecret: \${env:CANARY_SSO_CONFIG}
      scope: openid email profile

jwtCustomizers:
  access-token:
    script: |
      // ${p}: the run's prefix, by which the clean-up finds this customizer on a shared tenant
      const getCustomJwtClaims = async ({ environmentVariables }) => ({ keyed: Boolean(environmentVariables.API_KEY) });
    environmentVariables:
      API_KEY: \${env:CANARY_JWT_ENV}

captchaProvider:
  type: Turnstile
  siteKey: 0x4AAAAAAA${p}
  secretKey: \${env:CANARY_CAPTCHA_SECRET}
`;
}

/** Every regular file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

/** A value and the unsalted digests an older state kept of it (of the text, and of its JSON form). */
function forms(secret: string): string[] {
  const out = [secret];
  for (const input of [secret, JSON.stringify(secret)])
    for (const encoding of ['hex', 'base64', 'base64url'] as const)
      out.push(createHash('sha256').update(input).digest(encoding));
  return out;
}

describe('secrets at rest: no file the CLI writes holds a secret or an unsalted digest of one', () => {
  let t: Target;
  let idp: LoopbackIdp;
  let work: string;
  let emuDir: string;

  beforeAll(async () => {
    await ensureBuilt();
    work = mkdtempSync(join(tmpdir(), 'logto-iac-at-rest-'));
    emuDir = mkdtempSync(join(tmpdir(), 'logto-iac-at-rest-emu-'));
    t = await startTarget({ data: join(emuDir, 'tenant.json') });
    idp = await startIdp();
  }, 300_000);

  afterAll(async () => {
    await t?.cleanup();
    await idp?.close();
    for (const dir of [work, emuDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('plants a canary in every secret spec field of the catalog and knows every generated secret output', () => {
    const specSecrets = catalog.flatMap((d) => d.sensitive.map((f) => `${d.kind}.${f}`)).sort();
    expect(Object.keys(PLANTED).sort(), 'a secret field with no canary planted: add it to PLANTED').toEqual(
      specSecrets,
    );
    const outputSecrets = catalog
      .flatMap((d) => [...sensitiveFields(d)].filter((f) => !d.sensitive.includes(f)).map((f) => `${d.kind}.${f}`))
      .sort();
    expect([...GENERATED].sort(), 'a secret output not read back: add it to GENERATED').toEqual(outputSecrets);
    // Every write-only secret is planted with a version too (its rotation is tested below).
    for (const d of catalog) for (const f of d.writeOnly ?? []) expect(PLANTED[`${d.kind}.${f}`]).toBeDefined();
  });

  it('apply, rotate through the version, plan --out, apply --plan-file, drift and export leave no secret at rest; sensitive files are 0600', async () => {
    const p = t.prefix;
    const tenant = join(work, 'tenant.yaml');
    writeFileSync(tenant, tenantFile(p, idp.issuer));
    const state = join(work, 'state', 'logto-state.json');
    mkdirSync(join(work, 'state'));
    const env: Record<string, string> = {
      ...Object.fromEntries(Object.values(PLANTED).map((c) => [c.variable, c.value])),
      DIGESTED_PASSWORD,
      GITHUB_SECRET,
      PASSWORD_VERSION: '1',
    };
    const run = (args: string[], extra: Record<string, string> = {}) =>
      cli(args, { connection: { url: t.url, appId: t.appId, appSecret: t.appSecret }, env: { ...env, ...extra } });
    const printed: string[] = [];
    const ok = async (args: string[], extra: Record<string, string> = {}, codes = [0]) => {
      const r = await run(args, extra);
      printed.push(r.stdout, r.stderr);
      expect(codes, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toContain(r.code);
      return r;
    };

    await ok(['apply', tenant, '--auto-approve', '--state', state]);
    const first = JSON.parse(readFileSync(state, 'utf8')) as PriorState;
    const rotatingAddress = Object.keys(first.objects).find((a) => a.startsWith('User.') && a.includes('rotating'))!;
    const digestedAddress = Object.keys(first.objects).find((a) => a.startsWith('User.') && a.includes('digested'))!;
    const userId = first.objects[rotatingAddress]!.id;
    const verifies = (id: string, password: string) =>
      t.client
        .post(`/users/${id}/password/verify`, { password }, { createsObject: false })
        .then(() => true)
        .catch((e: { status?: number }) => {
          if (e.status !== 422) throw e;
          return false;
        });
    expect(await verifies(userId, PLANTED['User.password']!.value)).toBe(true);
    expect(await verifies(first.objects[digestedAddress]!.id, DIGESTED_PASSWORD)).toBe(true);
    // With a version nothing derived from the password is kept; without one, a salted scrypt digest.
    expect(first.objects[rotatingAddress]!.applied).toEqual({ username: `${p}_rotating`, passwordVersion: '1' });
    expect(first.objects[digestedAddress]!.applied.password).toMatch(/^scrypt\$N=16384,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/);
    for (const entry of Object.values(first.objects))
      for (const field of sensitiveFields(catalog.find((d) => d.kind === entry.kind)!))
        if (field in entry.applied) expect(entry.applied[field], `${entry.kind}.${field}`).toMatch(/^scrypt\$/);

    // Rotation: a new password with the same version is not written; a new version writes it.
    const rotate = { CANARY_USER_PASSWORD: ROTATED_PASSWORD };
    const same = await ok(['plan', tenant, '--state', state, '--json'], rotate);
    expect(JSON.parse(same.stdout).summary).toMatchObject({ create: 0, update: 0, delete: 0 });
    const planFile = join(work, 'plans', 'rotate.json');
    const planned = await ok(
      ['plan', tenant, '--state', state, '--out', planFile],
      { ...rotate, PASSWORD_VERSION: '2' },
      [2],
    );
    expect(planned.stdout).toMatch(/passwordVersion: +"?1"? → "?2"?/);
    await ok(['apply', tenant, '--state', state, '--plan-file', planFile], { ...rotate, PASSWORD_VERSION: '2' });
    expect(await verifies(userId, ROTATED_PASSWORD)).toBe(true);
    expect(await verifies(userId, PLANTED['User.password']!.value)).toBe(false);
    const clean = await ok(['plan', tenant, '--state', state, '--json'], { ...rotate, PASSWORD_VERSION: '2' });
    expect(JSON.parse(clean.stdout).summary).toMatchObject({ create: 0, update: 0, delete: 0, drift: 0 });
    await ok(['drift', tenant, '--state', state], { ...rotate, PASSWORD_VERSION: '2' });
    await ok(['export', '--out', join(work, 'export', 'tenant.yaml'), '--include', 'User']);

    // The secrets Logto generated, read live by the ids the state holds.
    const finalState = JSON.parse(readFileSync(state, 'utf8')) as PriorState;
    const ctx = createContext(t.client);
    const generated: string[] = [];
    for (const entry of Object.values(finalState.objects)) {
      const definition = catalog.find((d) => d.kind === entry.kind)!;
      const outputs = GENERATED.filter((g) => g.startsWith(`${entry.kind}.`)).map((g) => g.split('.')[1]!);
      if (outputs.length === 0) continue;
      const live = await readObject(ctx, definition, entry.id, entry.applied);
      for (const o of outputs) if (typeof live?.outputs[o] === 'string') generated.push(live.outputs[o] as string);
      // An application's default secret is an output of its create only: read every secret it has.
      if (entry.kind === 'Application')
        for (const secret of await t.client.get<{ value: string }[]>(`/applications/${entry.id}/secrets`))
          generated.push(secret.value);
    }
    expect(generated.length).toBeGreaterThanOrEqual(3); // the app's default secret, its named secret, the hook's key

    const secrets = [
      ...Object.values(PLANTED).map((c) => c.value),
      DIGESTED_PASSWORD,
      ROTATED_PASSWORD,
      GITHUB_SECRET,
      t.appSecret,
      ...generated,
    ];
    const written = filesUnder(work);
    expect(written.map((f) => f.slice(work.length + 1)).sort()).toEqual([
      'export/tenant.yaml',
      'plans/rotate.json',
      'state/logto-state.json',
      'tenant.yaml',
    ]);
    for (const file of written) {
      const text = readFileSync(file, 'utf8');
      for (const secret of secrets)
        for (const form of forms(secret))
          expect(text.includes(form), `${file} holds a secret or its digest`).toBe(false);
      // No unsalted digest of any value: a saved plan's one fingerprint (of the whole tenant) is the only hash.
      const hashes = text.match(/\b[0-9a-f]{64}\b/g) ?? [];
      const fingerprint = file.endsWith('rotate.json') ? [JSON.parse(text).liveFingerprint.replace('sha256:', '')] : [];
      expect(hashes, file).toEqual(fingerprint);
    }
    for (const file of [state, planFile]) expect(statSync(file).mode & 0o777, file).toBe(0o600);
    expect(printed.join('\n').includes(ROTATED_PASSWORD)).toBe(false);
    for (const secret of secrets) expect(printed.join('\n').includes(secret), 'a secret printed').toBe(false);

    if (t.emulator) {
      // The emulator's --data file is the tenant's database: owner-only, passwords only as salted digests.
      const data = join(emuDir, 'tenant.json');
      expect(existsSync(data)).toBe(true);
      expect(statSync(data).mode & 0o777).toBe(0o600);
      expect(readdirSync(emuDir)).toEqual(['tenant.json']);
      const text = readFileSync(data, 'utf8');
      for (const password of [PLANTED['User.password']!.value, DIGESTED_PASSWORD, ROTATED_PASSWORD])
        for (const form of forms(password)) expect(text.includes(form), 'a password in the --data file').toBe(false);
    }
  }, 300_000);
});
