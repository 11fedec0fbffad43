/**
 * The one table of client settings: for each, the client option, its `LOGTO_*` variable, how it is parsed and
 * checked, its default, how to fix a bad value, and what each front end calls it (Terraform provider
 * attribute, Pulumi config key, CLI flag). `resolveClientOptions` (config.ts), the Terraform provider schema
 * and its docs, the Pulumi provider's config reading and the CLI's flags and help are all made from it;
 * test/docs/configuration.test.ts holds README.md's "Configuration" table to it.
 *
 * Explicit values win over the environment; an environment variable that is empty or blank counts as unset
 * (CI systems often export empty variables). `settingValue` is that rule, for every front end.
 */
import { z } from 'zod';
import { lazySchema } from '../lazy-schema.js';
import type { ClientOptions } from './types.js';

export type Env = Record<string, string | undefined>;

export const DEFAULTS = {
  maxConcurrency: 8,
  callTimeoutMs: 60_000,
  attemptTimeoutMs: 30_000,
  maxRetries: 5,
  retryBaseMs: 250,
  retryMaxDelayMs: 8_000,
} as const;

export interface ClientSetting {
  /** The `ClientOptions` key. */
  option: keyof ClientOptions;
  /** The environment variable behind it. */
  env?: string;
  /** How README.md's table writes the variable when it differs from `env` (`LOGTO_ALLOW_INSECURE_HTTP=1`). */
  envDoc?: string;
  /** Every front end refuses to connect without it. */
  required?: boolean;
  /**
   * Names the tenant (where and as whom): each environment of a CLI tenant directory has its own,
   * `LOGTO_<NAME>_…` in place of `LOGTO_…`.
   */
  tenant?: boolean;
  /** Parses and checks a value (explicit or from the environment); absent for `debug`, which is a switch. */
  parse?: z.ZodType;
  /** The default when unset (a fixed value; the derived ones are in `doc`). */
  default?: number | boolean | string;
  /** How to fix a bad or missing value, appended to the error. */
  fix?: string;
  /** What it means, for README.md's configuration table. */
  doc?: string;
  /** The provider attribute of the Terraform provider (and of CDKTF's generated provider). */
  terraform?: { name: string; type: 'string' | 'number'; sensitive: boolean; description: string };
  /** The Pulumi config key (`logto:<key>`); `secret` when it should be set with `pulumi config set --secret`. */
  pulumi?: { key: string; secret: boolean };
  /** The CLI flag (`--<flag>`), what it takes and its help text. */
  cli?: { flag: string; arg?: string; text: string };
}

const nonEmpty = lazySchema(() => z.string().trim().min(1, 'must not be empty'));

const urlString = lazySchema(() =>
  nonEmpty.superRefine((s, ctx) => {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: `is not an absolute URL (got "${s}")` });
      return;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      ctx.addIssue({ code: 'custom', message: `must be an http:// or https:// URL (got "${url.protocol}")` });
    }
    if (url.search || url.hash) ctx.addIssue({ code: 'custom', message: 'must not contain a query or fragment' });
    if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not contain credentials' });
  }),
);

const boolish = lazySchema(() =>
  z.union([
    z.boolean(),
    z
      .string()
      .trim()
      .toLowerCase()
      .refine((s) => ['1', '0', 'true', 'false', 'yes', 'no'].includes(s), 'must be true/false or 1/0')
      .transform((s) => s === '1' || s === 'true' || s === 'yes'),
  ]),
);

const numberish = (check: (n: number) => boolean, message: string) =>
  z.union([z.number(), z.string().trim().min(1)]).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n) || !check(n)) {
      ctx.addIssue({ code: 'custom', message: `${message} (got ${JSON.stringify(v)})` });
      return z.NEVER;
    }
    return n;
  });

const credential = lazySchema(() => nonEmpty.regex(/^\S+$/, 'must not contain whitespace'));
const wholeAtLeastOne = () => numberish((n) => Number.isInteger(n) && n >= 1, 'must be a whole number ≥ 1');

/** Every client setting, in the order errors list them. */
export const CLIENT_SETTINGS: readonly ClientSetting[] = [
  {
    option: 'endpoint',
    env: 'LOGTO_ENDPOINT',
    tenant: true,
    required: true,
    parse: urlString,
    fix: 'set it to the base URL of your Logto instance, e.g. https://<tenant-id>.logto.app or http://127.0.0.1:3001',
    doc: 'Base URL: `https://<tenant-id>.logto.app` (Cloud) or your OSS URL',
    terraform: {
      name: 'endpoint',
      type: 'string',
      sensitive: false,
      description: 'Base URL of the Logto instance, e.g. `https://acme.logto.app`. Default: `LOGTO_ENDPOINT`.',
    },
    pulumi: { key: 'endpoint', secret: false },
    cli: {
      flag: 'endpoint',
      arg: '<url>',
      text: 'Logto base URL, e.g. https://<tenant>.logto.app (or LOGTO_ENDPOINT)',
    },
  },
  {
    option: 'appId',
    env: 'LOGTO_APP_ID',
    tenant: true,
    required: true,
    parse: credential,
    fix: 'set it to the App ID of a machine-to-machine application that has the "Logto Management API access" role',
    doc: "The M2M app's id",
    terraform: {
      name: 'app_id',
      type: 'string',
      sensitive: false,
      description:
        'Id of a machine-to-machine application with the Management API access role. Default: `LOGTO_APP_ID`.',
    },
    pulumi: { key: 'appId', secret: false },
    cli: { flag: 'app-id', arg: '<id>', text: 'M2M app with the "Logto Management API access" role (or LOGTO_APP_ID)' },
  },
  {
    option: 'appSecret',
    env: 'LOGTO_APP_SECRET',
    tenant: true,
    required: true,
    parse: credential,
    fix: 'set it to a secret of that machine-to-machine application (Applications → your M2M app → App secrets)',
    doc: "The M2M app's secret",
    terraform: {
      name: 'app_secret',
      type: 'string',
      sensitive: true,
      description: 'Secret of that application. Default: `LOGTO_APP_SECRET`.',
    },
    pulumi: { key: 'appSecret', secret: true },
    cli: { flag: 'app-secret', arg: '<secret>', text: 'its secret (prefer the LOGTO_APP_SECRET variable)' },
  },
  {
    option: 'resource',
    env: 'LOGTO_RESOURCE',
    tenant: true,
    parse: lazySchema(() => urlString.optional()),
    fix: 'set it to the API indicator of your tenant: https://<tenant-id>.logto.app/api on Logto Cloud, https://default.logto.app/api on Logto OSS',
    doc: 'Optional. Management API indicator; default `https://<tenant-id>.logto.app/api` on Cloud, `https://default.logto.app/api` otherwise',
    terraform: {
      name: 'resource',
      type: 'string',
      sensitive: false,
      description:
        'Management API resource indicator the token is requested for; derived from the endpoint when unset (`https://<tenant>.logto.app/api` on Cloud, `https://default.logto.app/api` self-hosted). Default: `LOGTO_RESOURCE`.',
    },
    pulumi: { key: 'resource', secret: false },
    cli: {
      flag: 'resource',
      arg: '<indicator>',
      text: 'the Management API indicator, if not derived from the endpoint (or LOGTO_RESOURCE)',
    },
  },
  {
    option: 'requestsPerSecond',
    env: 'LOGTO_REQUESTS_PER_SECOND',
    parse: lazySchema(() => numberish((n) => n >= 0, 'must be a number ≥ 0').optional()),
    fix: 'use a number ≥ 0 (0 = unlimited; Logto Cloud allows about 20 requests per second)',
    doc: "Client request budget (token bucket). Default: 20 (Logto Cloud's sustained limit) for `*.logto.app` endpoints, unlimited for any other server; `0` = unlimited. The CLI prints the budget in force",
    terraform: {
      name: 'requests_per_second',
      type: 'number',
      sensitive: false,
      description:
        "Client-side request budget (token bucket), in requests per second; 0 = unlimited. Default: `LOGTO_REQUESTS_PER_SECOND`, else 20 (Logto Cloud's limit) for `*.logto.app` endpoints and unlimited for other servers.",
    },
    pulumi: { key: 'requestsPerSecond', secret: false },
  },
  { option: 'burst', parse: lazySchema(() => wholeAtLeastOne().optional()) },
  {
    option: 'maxConcurrency',
    env: 'LOGTO_MAX_CONCURRENCY',
    parse: lazySchema(() => wholeAtLeastOne().optional()),
    default: DEFAULTS.maxConcurrency,
    fix: 'use a whole number ≥ 1',
    doc: `Requests in flight at once (default ${DEFAULTS.maxConcurrency})`,
  },
  {
    option: 'callTimeoutMs',
    parse: lazySchema(() => numberish((n) => n > 0, 'must be a number of milliseconds > 0').optional()),
    default: DEFAULTS.callTimeoutMs,
  },
  {
    option: 'attemptTimeoutMs',
    parse: lazySchema(() => numberish((n) => n > 0, 'must be a number of milliseconds > 0').optional()),
    default: DEFAULTS.attemptTimeoutMs,
  },
  {
    option: 'maxRetries',
    parse: lazySchema(() => numberish((n) => Number.isInteger(n) && n >= 0, 'must be a whole number ≥ 0').optional()),
    default: DEFAULTS.maxRetries,
  },
  {
    option: 'retryBaseMs',
    parse: lazySchema(() => numberish((n) => n >= 0, 'must be a number of milliseconds ≥ 0').optional()),
    default: DEFAULTS.retryBaseMs,
  },
  {
    option: 'retryMaxDelayMs',
    parse: lazySchema(() => numberish((n) => n >= 0, 'must be a number of milliseconds ≥ 0').optional()),
    default: DEFAULTS.retryMaxDelayMs,
  },
  {
    option: 'allowInsecureHttp',
    env: 'LOGTO_ALLOW_INSECURE_HTTP',
    envDoc: 'LOGTO_ALLOW_INSECURE_HTTP=1',
    parse: lazySchema(() => boolish.optional()),
    default: false,
    fix: 'use true/false (or 1/0)',
    doc: 'Allow `http://` to a host that is not loopback (refused by default)',
  },
  { option: 'userAgent', parse: lazySchema(() => z.string().optional()), default: 'logto-iac' },
  {
    // A switch, not parsed: set (and not 0/false/no/off) means debug lines on stderr (config.ts).
    option: 'debug',
    env: 'LOGTO_IAC_DEBUG',
    envDoc: 'LOGTO_IAC_DEBUG=1',
    doc: 'Log every request to stderr, with tokens and secrets redacted',
    cli: { flag: 'debug', text: 'log requests to stderr (secrets redacted)' },
  },
];

/** The settings a user configures (each has a `LOGTO_*` variable), in the order the docs list them. */
export const CONNECTION_SETTINGS: readonly ClientSetting[] = CLIENT_SETTINGS.filter((s) => s.env !== undefined);

export function clientSetting(option: string): ClientSetting {
  const setting = CLIENT_SETTINGS.find((s) => s.option === option);
  if (!setting) throw new Error(`no client setting "${option}"`);
  return setting;
}

/** Non-empty env value or undefined (CI systems often export empty variables). */
export function envValue(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v;
}

/**
 * A setting's value: the explicit one when set (not undefined, not ''), else its environment variable's when
 * set and not blank. `fromEnv` says which, for error messages.
 */
export function settingValue<T>(
  setting: ClientSetting,
  explicit: T | undefined,
  env: Env,
): { value: T | string | undefined; fromEnv: boolean } {
  if (explicit !== undefined && explicit !== '') return { value: explicit, fromEnv: false };
  const v = setting.env ? envValue(env, setting.env) : undefined;
  return { value: v, fromEnv: v !== undefined };
}
