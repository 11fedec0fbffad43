/**
 * Program-level tests: `examples/pulumi/index.ts` runs under `pulumi.runtime.setMocks` in a fresh Node process
 * (TypeScript through tsx, as CommonJS like Pulumi's default ts-node set-up), inside a project where
 * `logto-iac` is installed. The runner records every resource registration the SDK sends to the (mock)
 * engine: type token, inputs as sent on the wire (secrets still marked), `additionalSecretOutputs`, and the
 * serialized provider. The example is also type-checked against the package's generated types.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../resources/index.js';
import { exec } from '../support/process.js';
import { makeProject, type ProgramRun, type Project, repoRoot, runProgram, SECRET_SIG } from './harness.js';

let project: Project;
let result: ProgramRun;

beforeAll(async () => {
  project = makeProject();
  for (const file of ['index.ts', 'tsconfig.json'])
    copyFileSync(join(repoRoot, 'examples/pulumi', file), join(project.dir, file));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Stack config as the Pulumi CLI hands it to a program, with the example's one secret set.
    PULUMI_CONFIG: JSON.stringify({
      'logto-acme-shop:crmWebhookToken': 'canary-crm-token',
      'logto-acme-shop:captchaSecretKey': 'canary-captcha-key',
    }),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(['logto-acme-shop:crmWebhookToken', 'logto-acme-shop:captchaSecretKey']),
    // Credentials in the program's environment must never reach the serialized provider.
    LOGTO_ENDPOINT: 'https://canary-tenant.logto.app',
    LOGTO_APP_ID: 'canary-app-id',
    LOGTO_APP_SECRET: 'canary-app-secret',
  };
  result = await runProgram(project, env);
}, 180_000);

afterAll(() => project?.cleanup());

const byType = (kind: string) => result.registrations.filter((r) => r.type === `pulumi-nodejs:dynamic/logto:${kind}`);
const one = (kind: string, name: string) => {
  const found = byType(kind).find((r) => r.name === name);
  if (!found) throw new Error(`${kind} "${name}" was not registered`);
  return found;
};
const isSecret = (value: unknown) => !!value && typeof value === 'object' && SECRET_SIG in (value as object);

describe('examples/pulumi under setMocks', () => {
  it('registers the whole Acme Shop tenant with one type token per kind', () => {
    const counts = Object.fromEntries(catalog.map((d) => [d.kind, byType(d.kind).length]));
    expect(counts).toEqual({
      ApiResource: 2,
      ApiResourceScope: 5,
      Role: 3,
      Application: 4,
      ApplicationSecret: 1,
      ApplicationRoleAssignment: 1,
      OrganizationScope: 3,
      OrganizationRole: 3,
      Organization: 1,
      OrganizationApplication: 1,
      ApplicationUserConsentScopes: 1,
      ApplicationSignInExperience: 2,
      SamlApplication: 1,
      SamlApplicationCertificate: 1,
      User: 2,
      OrganizationUser: 1,
      SsoConnector: 1,
      Connector: 2,
      Hook: 1,
      SignInExperience: 1,
      CustomProfileField: 2,
      EmailTemplate: 2,
      CustomPhrase: 2,
      AccountCenter: 1,
      IdTokenConfig: 1,
      OidcSessionConfig: 1,
      JwtCustomizer: 1,
      CaptchaProvider: 1,
      CustomDomain: 0, // Logto Cloud only: the example applies to Logto OSS too
    });
    for (const r of result.registrations.filter((x) => x.type.startsWith('pulumi-nodejs:')))
      expect(r.custom).toBe(true);
  });

  it('sends the inputs as written, with references resolved to ids', () => {
    const storefront = one('Application', 'storefront').object;
    expect(storefront).toMatchObject({
      name: 'Acme Storefront',
      type: 'SPA',
      redirectUris: ['https://shop.acme.example/callback', 'http://localhost:5173/callback'],
      rotateRefreshToken: true,
    });
    expect(one('ApiResourceScope', 'read-orders').object).toMatchObject({
      resourceId: 'orders-api-id',
      name: 'read:orders',
    });
    expect(one('Role', 'fulfilment').object).toMatchObject({
      type: 'MachineToMachine',
      scopeIds: ['read-orders-id', 'write-orders-id'],
    });
    expect(one('ApplicationRoleAssignment', 'fulfilment-service-roles').object).toMatchObject({
      applicationId: 'fulfilment-service-id',
      roleIds: ['fulfilment-id'],
    });
    expect(one('Organization', 'globex').object).toMatchObject({
      jitRoleIds: ['org-buyer-id'],
      jitSsoConnectorIds: ['globex-saml-id'],
    });
    expect(one('SignInExperience', 'sign-in').object).toMatchObject({
      primaryColor: '#0F766E',
      mfaPolicy: 'UserControlled',
    });
  });

  it('marks secret inputs secret on the wire and asks the engine to keep secret outputs secret', () => {
    const hook = one('Hook', 'order-events');
    expect(isSecret(hook.object.headers)).toBe(true);
    expect(hook.additionalSecretOutputs).toContain('signingKey');
    expect(hook.additionalSecretOutputs).toContain('headers');
    const sso = one('SsoConnector', 'globex-saml');
    expect(isSecret(sso.object.config)).toBe(true);
    expect(sso.additionalSecretOutputs).toContain('config');
    const captcha = one('CaptchaProvider', 'captcha');
    expect(isSecret(captcha.object.secretKey)).toBe(true);
    expect(captcha.additionalSecretOutputs).toContain('secretKey');
    const user = one('User', 'ops-breakglass');
    expect(isSecret(user.object.password)).toBe(true);
    expect(user.additionalSecretOutputs).toContain('password');
    expect(one('ApplicationSecret', 'back-office-deploy-2026').additionalSecretOutputs).toContain('value');
    for (const app of byType('Application')) expect(app.additionalSecretOutputs).toContain('defaultSecret');
    // Nothing else is secret-wrapped: non-secret inputs stay readable in the state.
    expect(isSecret(one('Application', 'storefront').object.name)).toBe(false);
  });

  it('takes the webhook token from stack config, so no demo-only fallback is used or warned about', () => {
    const headers = one('Hook', 'order-events').object.headers as Record<string, unknown>;
    expect(JSON.stringify(headers)).toContain('Bearer canary-crm-token');
    expect(JSON.stringify(headers)).not.toContain('demo-only');
    expect(result.warnings).not.toContain('crmWebhookToken');
    expect(result.warnings).not.toContain('captchaSecretKey');
  });

  it('serializes a provider per kind that captures no credentials from the environment', () => {
    for (const r of result.registrations.filter((x) => x.type.startsWith('pulumi-nodejs:'))) {
      const provider = r.object.__provider;
      expect(typeof provider).toBe('string');
      expect(provider as string).toContain('logto-iac/pulumi');
      expect(provider as string).not.toMatch(/canary/);
    }
  });

  it('exports client ids and the secret outputs (kept secret by additionalSecretOutputs, checked above)', () => {
    expect(result.outputs.storefrontClientId).toEqual({ value: 'storefront-id', secret: false });
    expect(result.outputs.backOfficeClientSecret?.value).toBe('mock-secret-value');
    expect(result.outputs.fulfilmentClientSecret?.value).toBe('mock-default-secret');
    expect(result.outputs.orderEventsSigningKey?.value).toBe('mock-signing-key');
  });
});

describe('examples/pulumi type-checks against the generated classes', () => {
  it('tsc --noEmit with the example tsconfig (CommonJS program, nodenext resolution)', async () => {
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    const checked = await exec(process.execPath, [tsc, '-p', project.dir, '--noEmit'], {
      cwd: project.dir,
      timeoutMs: 120_000,
    });
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.code).toBe(0);
  });
});
