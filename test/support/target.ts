/**
 * The server integration tests talk to: the in-process emulator by default, or a real Logto when
 * `LOGTO_E2E_ENDPOINT`, `LOGTO_E2E_APP_ID` and `LOGTO_E2E_APP_SECRET` are set. On a real server every
 * name a test creates should carry `prefix`, and `cleanup()` deletes what the run created.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from '../../core/client/index.js';
import type { LogtoClient } from '../../core/client/types.js';
import type { ResourceDefinition } from '../../core/contract.js';
import { type RunningEmulator, startEmulator } from '../../emulator/index.js';

export interface Target {
  client: LogtoClient;
  url: string;
  appId: string;
  appSecret: string;
  /** True for the in-process emulator: fault injection and request counters are available. */
  isEmulator: boolean;
  emulator?: RunningEmulator;
  /**
   * Unique per run (`iac<hex>`, letters and digits only, so it also fits custom profile field names):
   * prefix every created name with it.
   */
  prefix: string;
  /** Delete what this run created (real server) and stop the emulator. */
  cleanup(): Promise<void>;
}

export interface TargetOptions {
  seed?: string | number;
  /**
   * The emulator offers Logto's official connector factories (default), as a Logto you run with its official
   * connectors installed does; `false` offers none, like a Logto without connector packages.
   */
  connectorFactories?: boolean;
  /** The emulator offers custom domains as Logto Cloud does (default: no, like Logto OSS). */
  customDomains?: boolean;
  /** The emulator persists its tenant to this file (`--data`); a real Logto keeps its own database. */
  data?: string;
}

/** Message for `it.skipIf(!target.isEmulator)` style skips. */
export const EMULATOR_ONLY =
  'needs emulator-only features (fault injection, request counters); skipped on a real Logto';

export function realServerConfigured(env: Record<string, string | undefined> = process.env): boolean {
  return Boolean(env.LOGTO_E2E_ENDPOINT && env.LOGTO_E2E_APP_ID && env.LOGTO_E2E_APP_SECRET);
}

export async function startTarget(options: TargetOptions = {}): Promise<Target> {
  const prefix = `iac${randomBytes(4).toString('hex')}`;
  if (realServerConfigured()) {
    const env = process.env;
    const client = createClient(
      { endpoint: env.LOGTO_E2E_ENDPOINT!, appId: env.LOGTO_E2E_APP_ID!, appSecret: env.LOGTO_E2E_APP_SECRET! },
      {},
    );
    return {
      client,
      url: env.LOGTO_E2E_ENDPOINT!,
      appId: env.LOGTO_E2E_APP_ID!,
      appSecret: env.LOGTO_E2E_APP_SECRET!,
      isEmulator: false,
      prefix,
      async cleanup() {
        try {
          await deletePrefixed(client, prefix);
        } finally {
          await client.close();
        }
      },
    };
  }
  const emulator = await startEmulator({
    port: 0,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    connectorFactories: options.connectorFactories ?? true,
    customDomains: options.customDomains ?? false,
    ...(options.data ? { data: options.data } : {}),
  });
  const client = createClient(
    { endpoint: emulator.url, appId: emulator.appId, appSecret: emulator.appSecret, requestsPerSecond: 0 },
    {},
  );
  return {
    client,
    url: emulator.url,
    appId: emulator.appId,
    appSecret: emulator.appSecret,
    isEmulator: true,
    emulator,
    prefix,
    async cleanup() {
      await client.close();
      await emulator.close();
    },
  };
}

type Row = {
  id: string;
  name?: string;
  connectorName?: string;
  indicator?: string;
  languageTag?: string;
  target?: string;
  type?: string;
  config?: unknown;
};

/**
 * A language tag unique to the run (`en` → `en-iac-1a2b3c4d`): email templates are keyed by language and
 * type, so on a shared tenant a run's templates live under a private-use-like tag of their own.
 */
export const prefixedLanguageTag = (prefix: string, tag: string) => `${tag}-${prefix.slice(0, 3)}-${prefix.slice(3)}`;

/** How the clean-up finds the run's objects of one kind on a real Logto and deletes them. */
interface CleanupStep {
  kind: string;
  run(client: LogtoClient, prefix: string): Promise<void>;
}

const hasPrefix = (prefix: string) => (r: Row) =>
  [r.name, r.connectorName, r.indicator].some((v) => typeof v === 'string' && v.includes(prefix)) ||
  Boolean(r.languageTag?.endsWith(prefixedLanguageTag(prefix, '')));

/**
 * Every object of `list` whose name (or indicator, connector name, language tag) carries the prefix, deleted at
 * `base/<by>` (best effort: an earlier delete may have cascaded).
 */
const sweep = (kind: string, list: string, base: string, by: 'id' | 'name' = 'id'): CleanupStep => ({
  kind,
  async run(client, prefix) {
    let rows: Row[] = [];
    try {
      rows = await client.list<Row>(list);
    } catch {
      return;
    }
    for (const row of rows.filter(hasPrefix(prefix))) {
      try {
        await client.delete(`${base}/${encodeURIComponent(row[by] ?? row.id)}`);
      } catch {
        // best effort: an earlier delete may have cascaded
      }
    }
  },
});

/**
 * The clean-up of a run on a real Logto, kind by kind, in the order the steps run: dependants before what they
 * depend on (users before organizations, connectors before the sign-in experience that may need them, SAML apps
 * before the other applications). Kinds a step does not name are covered by what the catalog says of them (see
 * `cleanupCoverage`): a child kind goes with its parent, a kind keyed by references goes with what it refers to,
 * and a singleton that cannot be removed is restored by `global-setup.ts`. test/catalog-coverage.test.ts fails for
 * a catalog kind none of these covers.
 */
export const CLEANUP: CleanupStep[] = [
  {
    // Users this run created: their username carries the prefix (found by a search, never the tenant's full list).
    kind: 'User',
    async run(client, prefix) {
      for (const u of await client
        .list<{ id: string; username?: string | null }>('/users', { 'search.username': `%${prefix}%` })
        .catch(() => []))
        if (u.username?.includes(prefix)) await client.delete(`/users/${u.id}`).catch(() => {});
    },
  },
  {
    // Connectors this run created: their target or config carries the prefix (social targets, client ids,
    // SMTP hosts).
    kind: 'Connector',
    async run(client, prefix) {
      for (const c of await client.get<Row[]>('/connectors').catch(() => [] as Row[]))
        if (JSON.stringify([c.target, c.config]).includes(prefix))
          await client.delete(`/connectors/${c.id}`).catch(() => {});
    },
  },
  { kind: 'SignInExperience', run: (client) => resetPasswordlessSignIn(client) },
  {
    // Custom phrases of a language are keyed by a real language tag: the run's carry the prefix in a phrase.
    kind: 'CustomPhrase',
    async run(client, prefix) {
      for (const c of await client
        .get<{ languageTag: string; translation: unknown }[]>('/custom-phrases')
        .catch(() => []))
        if (JSON.stringify(c.translation).includes(prefix))
          await client
            .delete(`/custom-phrases/${c.languageTag}`)
            // The fallback language's phrases cannot be deleted (409): emptied instead.
            .catch(() => client.put(`/custom-phrases/${c.languageTag}`, {}).catch(() => {}));
    },
  },
  {
    // JWT customizers are one per token type: the run's carry the prefix in their script.
    kind: 'JwtCustomizer',
    async run(client, prefix) {
      for (const c of await client
        .get<{ key: string; value: { script?: string } }[]>('/configs/jwt-customizer')
        .catch(() => []))
        if (c.value.script?.includes(prefix))
          await client
            .delete(`/configs/jwt-customizer/${c.key === 'jwt.accessToken' ? 'access-token' : 'client-credentials'}`)
            .catch(() => {});
    },
  },
  {
    // The tenant's one captcha provider, when this run configured it (its site key carries the prefix).
    kind: 'CaptchaProvider',
    async run(client, prefix) {
      const captcha = await client.get<{ config?: { siteKey?: string } }>('/captcha-provider').catch(() => undefined);
      if (captcha?.config?.siteKey?.includes(prefix)) await client.delete('/captcha-provider').catch(() => {});
    },
  },
  sweep('CustomProfileField', '/custom-profile-fields', '/custom-profile-fields', 'name'),
  sweep('EmailTemplate', '/email-templates', '/email-templates'),
  sweep('Hook', '/hooks', '/hooks'),
  sweep('SsoConnector', '/sso-connectors', '/sso-connectors'),
  sweep('Organization', '/organizations', '/organizations'),
  sweep('OrganizationRole', '/organization-roles', '/organization-roles'),
  sweep('OrganizationScope', '/organization-scopes', '/organization-scopes'),
  // SAML apps are listed with the applications but deleted only through /saml-applications (other types: 422).
  sweep('SamlApplication', '/applications', '/saml-applications'),
  sweep('Application', '/applications', '/applications'),
  sweep('Role', '/roles', '/roles'),
  sweep('ApiResource', '/resources', '/resources'),
];

/** Kinds no clean-up step needs, and why: nothing a run does on a real Logto leaves one behind. */
export const CLEANUP_EXEMPT: Record<string, string> = {
  CustomDomain:
    'Logto OSS refuses custom domains (domain.not_configured) and they are verified on the emulator only, so a run never creates one on a real Logto',
};

/**
 * How the clean-up covers each catalog kind: a step of `CLEANUP`, or what the catalog says of the kind, or an
 * exemption; `undefined` where nothing does (a kind a run could leave behind on a real Logto).
 */
export function cleanupCoverage(definition: ResourceDefinition<any>): string | undefined {
  if (CLEANUP.some((s) => s.kind === definition.kind)) return 'a step of CLEANUP';
  if (definition.parent) return `deleted with its parent ${definition.parent.kind}`;
  const keyFields = definition.key?.fields ?? [];
  const refs = keyFields.map((f) => definition.references.find((r) => r.field === f));
  if (keyFields.length > 0 && refs.every((r) => r && CLEANUP.some((s) => s.kind === r.kind)))
    return `deleted with the ${refs.map((r) => r!.kind).join(' and ')} it is keyed by`;
  if (definition.singleton && !definition.removable) return 'a singleton restored by test/support/global-setup.ts';
  return CLEANUP_EXEMPT[definition.kind];
}

/** Everything this run created on a real Logto, step by step (see `CLEANUP`). */
async function deletePrefixed(client: LogtoClient, prefix: string): Promise<void> {
  for (const step of CLEANUP) await step.run(client, prefix);
}

/**
 * A sign-in experience left needing an email or SMS connector the tenant no longer has (the run deleted it)
 * makes Logto refuse every later sign-in experience write of the suite: it goes back to the seeded username
 * sign-up. (The suite's teardown restores what the tenant had before the run.)
 */
async function resetPasswordlessSignIn(client: LogtoClient): Promise<void> {
  type Sie = {
    signUp?: { identifiers?: string[] };
    signIn?: { methods?: { identifier: string; verificationCode: boolean }[] };
  };
  const sie = await client.get<Sie>('/sign-in-exp').catch(() => undefined);
  if (!sie) return;
  const types = new Set((await client.get<Row[]>('/connectors').catch(() => [] as Row[])).map((c) => c.type));
  const needs = (identifier: string) =>
    Boolean(sie.signUp?.identifiers?.includes(identifier)) ||
    Boolean(sie.signIn?.methods?.some((m) => m.identifier === identifier && m.verificationCode));
  if ((needs('email') && !types.has('Email')) || (needs('phone') && !types.has('Sms')))
    await client
      .patch('/sign-in-exp', {
        signUp: { identifiers: ['username'], password: true, verify: false },
        signIn: {
          methods: [{ identifier: 'username', password: true, verificationCode: false, isPasswordPrimary: true }],
        },
      })
      .catch(() => {});
}
