/**
 * Client configuration: explicit options win over the environment; everything is validated with zod and a
 * bad value becomes a `ConfigError` naming the option / variable and the fix.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { ConfigError } from './errors.js';
import type { DebugSink } from './redact.js';
import { CLIENT_SETTINGS, clientSetting, DEFAULTS, type Env, envValue, settingValue } from './settings.js';
import type { ClientOptions } from './types.js';

export { DEFAULTS, type Env };

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

/** Default burst of the request budget: a fifth of a second's worth of requests, at least 1. */
export function defaultBurst(requestsPerSecond: number): number {
  return requestsPerSecond > 0 ? Math.max(1, Math.ceil(requestsPerSecond / 5)) : 0;
}

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

/** Every parsed setting of the table, in its order (the order errors list them). */
const schema = lazySchema(() =>
  z.object(Object.fromEntries(CLIENT_SETTINGS.flatMap((s) => (s.parse ? [[s.option, s.parse]] : [])))),
);

/** What `schema` yields: the parsed options, the required ones set. */
type ParsedOptions = Required<Pick<ClientOptions, 'endpoint' | 'appId' | 'appSecret'>> &
  Omit<ClientOptions, 'endpoint' | 'appId' | 'appSecret' | 'debug' | 'onRetry'>;

function describeSetting(key: string, fromEnv: Set<string>): string {
  const env = CLIENT_SETTINGS.find((s) => s.option === key)?.env;
  if (env && fromEnv.has(key)) return env;
  return env ? `option \`${key}\` (or ${env})` : `option \`${key}\``;
}

function debugEnabled(env: Env): boolean {
  const v = envValue(env, clientSetting('debug').env!);
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
  for (const setting of CLIENT_SETTINGS) {
    if (!setting.parse) continue;
    const { value, fromEnv: viaEnv } = setting.env
      ? settingValue(setting, (options as Record<string, unknown>)[setting.option], env)
      : { value: options[setting.option], fromEnv: false };
    if (value !== undefined) raw[setting.option] = value;
    if (viaEnv) fromEnv.add(setting.option);
  }

  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const setting = describeSetting(key, fromEnv);
      const missing = raw[key] === undefined;
      const what = missing ? 'is not set' : issue.message;
      const fix = CLIENT_SETTINGS.find((candidate) => candidate.option === key)?.fix;
      return { setting, text: `${setting} ${what}${fix ? `: ${fix}` : ''}` };
    });
    const first = lines[0];
    throw new ConfigError(
      lines.length === 1
        ? `Logto client configuration: ${first?.text}`
        : `Logto client configuration:\n${lines.map((l) => `  - ${l.text}`).join('\n')}`,
      first?.setting,
    );
  }
  const o = parsed.data as ParsedOptions;

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
