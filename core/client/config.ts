/**
 * Client configuration: explicit options win over the environment; everything is validated with zod and a
 * bad value becomes a `ConfigError` naming the option / variable and the fix.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import type { DebugSink } from './redact.js';
import type { ClientOptions } from './types.js';

export type Env = Record<string, string | undefined>;

/** ClientOptions with every default filled in. */
export interface ResolvedClientOptions {
  /** Normalised: no trailing slash, no query or fragment. */
  endpoint: string;
  appId: string;
  appSecret: string;
  resource: string;
  requestsPerSecond: number;
  burst: number;
  maxConcurrency: number;
  callTimeoutMs: number;
  attemptTimeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  retryMaxDelayMs: number;
  allowInsecureHttp: boolean;
  debug: DebugSink | undefined;
  onRetry: ClientOptions['onRetry'];
  userAgent: string;
}

/**
 * The request budget when none is set: Logto Cloud's sustained limit for its endpoints (`*.logto.app`), and
 * none for any other server (self-hosted Logto has no rate limit; the concurrency cap still bounds the load).
 */
export const CLOUD_REQUESTS_PER_SECOND = 20;

export function isLogtoCloud(endpoint: string): boolean {
  const host = new URL(endpoint).hostname.toLowerCase();
  return host === 'logto.app' || host.endsWith('.logto.app');
}

export const DEFAULTS = {
  maxConcurrency: 8,
  callTimeoutMs: 60_000,
  attemptTimeoutMs: 30_000,
  maxRetries: 5,
  retryBaseMs: 250,
  retryMaxDelayMs: 8_000,
} as const;

/** Default burst of the request budget: a fifth of a second's worth of requests, at least 1. */
export function defaultBurst(requestsPerSecond: number): number {
  return requestsPerSecond > 0 ? Math.max(1, Math.ceil(requestsPerSecond / 5)) : 0;
}

/** Environment variable behind each option, for error messages. */
const ENV_NAMES = {
  endpoint: 'LOGTO_ENDPOINT',
  appId: 'LOGTO_APP_ID',
  appSecret: 'LOGTO_APP_SECRET',
  resource: 'LOGTO_RESOURCE',
  requestsPerSecond: 'LOGTO_REQUESTS_PER_SECOND',
  maxConcurrency: 'LOGTO_MAX_CONCURRENCY',
  allowInsecureHttp: 'LOGTO_ALLOW_INSECURE_HTTP',
} as const;

const FIX: Record<string, string> = {
  endpoint:
    'set it to the base URL of your Logto instance, e.g. https://<tenant-id>.logto.app or http://127.0.0.1:3001',
  appId: 'set it to the App ID of a machine-to-machine application that has the "Logto Management API access" role',
  appSecret: 'set it to a secret of that machine-to-machine application (Applications → your M2M app → App secrets)',
  resource:
    'set it to the API indicator of your tenant: https://<tenant-id>.logto.app/api on Logto Cloud, https://default.logto.app/api on Logto OSS',
  requestsPerSecond: 'use a number ≥ 0 (0 = unlimited; Logto Cloud allows about 20 requests per second)',
  maxConcurrency: 'use a whole number ≥ 1',
  allowInsecureHttp: 'use true/false (or 1/0)',
};

/** Is this hostname loopback (localhost, 127.0.0.0/8, ::1)? */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || h.startsWith('::ffff:127.');
  return false;
}

/**
 * The API resource indicator a client-credentials token is requested for: `https://<tenant>.logto.app/api`
 * for Logto Cloud endpoints (`*.logto.app`), `https://default.logto.app/api` otherwise (Logto OSS).
 */
export function defaultResource(endpoint: string): string {
  let host: string;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return 'https://default.logto.app/api';
  }
  if (host.endsWith('.logto.app')) {
    const tenant = host.slice(0, -'.logto.app'.length).split('.')[0];
    if (tenant) return `https://${tenant}.logto.app/api`;
  }
  return 'https://default.logto.app/api';
}

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const urlString = nonEmpty.superRefine((s, ctx) => {
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
});

const boolish = z.union([
  z.boolean(),
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((s) => ['1', '0', 'true', 'false', 'yes', 'no'].includes(s), 'must be true/false or 1/0')
    .transform((s) => s === '1' || s === 'true' || s === 'yes'),
]);

const numberish = (check: (n: number) => boolean, message: string) =>
  z.union([z.number(), z.string().trim().min(1)]).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n) || !check(n)) {
      ctx.addIssue({ code: 'custom', message: `${message} (got ${JSON.stringify(v)})` });
      return z.NEVER;
    }
    return n;
  });

const schema = z.object({
  endpoint: urlString,
  appId: nonEmpty.regex(/^\S+$/, 'must not contain whitespace'),
  appSecret: nonEmpty.regex(/^\S+$/, 'must not contain whitespace'),
  resource: urlString.optional(),
  requestsPerSecond: numberish((n) => n >= 0, 'must be a number ≥ 0').optional(),
  burst: numberish((n) => Number.isInteger(n) && n >= 1, 'must be a whole number ≥ 1').optional(),
  maxConcurrency: numberish((n) => Number.isInteger(n) && n >= 1, 'must be a whole number ≥ 1').optional(),
  callTimeoutMs: numberish((n) => n > 0, 'must be a number of milliseconds > 0').optional(),
  attemptTimeoutMs: numberish((n) => n > 0, 'must be a number of milliseconds > 0').optional(),
  maxRetries: numberish((n) => Number.isInteger(n) && n >= 0, 'must be a whole number ≥ 0').optional(),
  retryBaseMs: numberish((n) => n >= 0, 'must be a number of milliseconds ≥ 0').optional(),
  retryMaxDelayMs: numberish((n) => n >= 0, 'must be a number of milliseconds ≥ 0').optional(),
  allowInsecureHttp: boolish.optional(),
  userAgent: z.string().optional(),
});

function describeSetting(key: string, fromEnv: Set<string>): string {
  const env = ENV_NAMES[key as keyof typeof ENV_NAMES];
  if (env && fromEnv.has(key)) return env;
  return env ? `option \`${key}\` (or ${env})` : `option \`${key}\``;
}

/** Non-empty env value or undefined (CI systems often export empty variables). */
function envValue(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v;
}

function debugEnabled(env: Env): boolean {
  const v = envValue(env, 'LOGTO_IAC_DEBUG');
  return v !== undefined && !['0', 'false', 'no', 'off'].includes(v.trim().toLowerCase());
}

/**
 * Merge explicit options over the environment, validate, and fill defaults. Throws `ConfigError` naming the
 * option or variable and how to fix it.
 */
export function resolveClientOptions(
  options: Partial<ClientOptions> = {},
  env: Env = process.env,
): ResolvedClientOptions {
  const raw: Record<string, unknown> = {};
  const fromEnv = new Set<string>();
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const explicit = (options as Record<string, unknown>)[key];
    if (explicit !== undefined && explicit !== '') raw[key] = explicit;
    else {
      const v = envValue(env, name);
      if (v !== undefined) {
        raw[key] = v;
        fromEnv.add(key);
      }
    }
  }
  for (const key of [
    'burst',
    'callTimeoutMs',
    'attemptTimeoutMs',
    'maxRetries',
    'retryBaseMs',
    'retryMaxDelayMs',
    'userAgent',
  ] as const) {
    if (options[key] !== undefined) raw[key] = options[key];
  }

  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const setting = describeSetting(key, fromEnv);
      const missing = raw[key] === undefined;
      const what = missing ? 'is not set' : issue.message;
      const fix = FIX[key] ? `: ${FIX[key]}` : '';
      return { setting, text: `${setting} ${what}${fix}` };
    });
    const first = lines[0];
    throw new ConfigError(
      lines.length === 1
        ? `Logto client configuration: ${first?.text}`
        : `Logto client configuration:\n${lines.map((l) => `  - ${l.text}`).join('\n')}`,
      first?.setting,
    );
  }
  const o = parsed.data;

  const url = new URL(o.endpoint);
  const allowInsecureHttp = o.allowInsecureHttp ?? false;
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !allowInsecureHttp) {
    const setting = describeSetting('endpoint', fromEnv);
    throw new ConfigError(
      `Logto client configuration: ${setting} uses plain http:// for the non-loopback host "${url.hostname}"; ` +
        'credentials would travel unencrypted. Use https://, or, if you really mean it, set allowInsecureHttp: true ' +
        '(LOGTO_ALLOW_INSECURE_HTTP=1).',
      setting,
    );
  }
  const endpoint = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  const requestsPerSecond = o.requestsPerSecond ?? (isLogtoCloud(endpoint) ? CLOUD_REQUESTS_PER_SECOND : 0);

  let debug = options.debug;
  if (!debug && debugEnabled(env)) debug = (line: string) => process.stderr.write(`${line}\n`);

  return {
    endpoint,
    appId: o.appId,
    appSecret: o.appSecret,
    resource: o.resource ?? defaultResource(endpoint),
    requestsPerSecond,
    burst: o.burst ?? defaultBurst(requestsPerSecond),
    maxConcurrency: o.maxConcurrency ?? DEFAULTS.maxConcurrency,
    callTimeoutMs: o.callTimeoutMs ?? DEFAULTS.callTimeoutMs,
    attemptTimeoutMs: o.attemptTimeoutMs ?? DEFAULTS.attemptTimeoutMs,
    maxRetries: o.maxRetries ?? DEFAULTS.maxRetries,
    retryBaseMs: o.retryBaseMs ?? DEFAULTS.retryBaseMs,
    retryMaxDelayMs: o.retryMaxDelayMs ?? DEFAULTS.retryMaxDelayMs,
    allowInsecureHttp,
    debug,
    onRetry: options.onRetry,
    userAgent: o.userAgent ?? 'logto-iac',
  };
}
