/**
 * Redaction for anything the client prints (debug lines) or stores in errors (`LogtoApiError.data`).
 * Tokens, secrets and Authorization headers never leave this module in clear text.
 */

export const REDACTED = '[redacted]';

/**
 * Keys whose values are replaced wholesale, at any depth. Matched case-insensitively against the key with
 * `-`/`_` removed. `value` covers application secrets, `config` covers connector / captcha / hook configs,
 * `environmentVariables` the JWT customizer's variables (API keys the script uses, under any name).
 */
const SECRET_KEYS = new Set([
  'secret',
  'secrets',
  'value',
  'signingkey',
  'secretkey',
  'clientsecret',
  'appsecret',
  'config',
  'password',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authorization',
  'cookie',
  'setcookie',
  'apikey',
  'privatekey',
  'credentials',
  'headers',
  'environmentvariables',
  'envvars',
]);

/** Substrings that mark a key as secret whatever surrounds them (`webhookSigningKey`, `x_api_secret`…). */
const SECRET_KEY_PARTS = ['secret', 'password', 'token', 'signingkey', 'privatekey', 'apikey', 'credential'];

export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, '');
  if (SECRET_KEYS.has(k)) return true;
  return SECRET_KEY_PARTS.some((part) => k.includes(part));
}

const TEXT_PATTERNS: Array<[RegExp, string]> = [
  // Authorization header values
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // JWTs anywhere
  [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
  // form / query / JSON-ish `key=value` or `"key":"value"` pairs with a secret-looking key
  [
    /((?:client_secret|access_token|refresh_token|id_token|password|secret|signingKey|secretKey)"?\s*[:=]\s*"?)[^"&\s,}]+/gi,
    `$1${REDACTED}`,
  ],
];

/** Scrub secret-looking fragments from free text, plus any exact `known` secret strings. */
export function redactText(text: string, known: Iterable<string> = []): string {
  let out = text;
  for (const secret of known) {
    if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  for (const [re, replacement] of TEXT_PATTERNS) out = out.replace(re, replacement);
  return out;
}

/**
 * A deep copy of `value` with secret-looking fields replaced by `[redacted]` and free text scrubbed by
 * `redactText`. Safe for JSON values (cycles are cut, functions dropped).
 */
export function redact<T>(value: T, known: Iterable<string> = []): T {
  const knownList = [...known];
  const seen = new WeakSet<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactText(v, knownList);
    if (v === null || typeof v !== 'object') return typeof v === 'function' ? undefined : v;
    if (seen.has(v)) return '[circular]';
    seen.add(v);
    if (Array.isArray(v)) return v.map(walk);
    const out: Record<string, unknown> = {};
    for (const [k, inner] of Object.entries(v)) {
      const hides = typeof inner === 'string' ? inner !== '' : inner !== null && typeof inner === 'object';
      out[k] = hides && isSecretKey(k) ? REDACTED : walk(inner);
    }
    return out;
  };
  return walk(value) as T;
}

/** Header names whose values are never printed. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'set-cookie', 'proxy-authorization', 'x-api-key']);

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? REDACTED : redactText(Array.isArray(v) ? v.join(', ') : v);
  }
  return out;
}

export type DebugSink = (line: string) => void;

/**
 * A debug logger that scrubs every line, including exact occurrences of secrets the client knows about
 * (app secret, tokens it fetched). `remember()` adds such a secret. Lines are truncated to `maxLine` chars.
 */
export class DebugLog {
  private readonly known = new Set<string>();
  constructor(
    private readonly sink: DebugSink | undefined,
    /** Secrets known up front (the app secret); never forgotten. */
    private readonly fixed: readonly string[] = [],
    private readonly maxLine = 2000,
  ) {}

  private secrets(): string[] {
    return [...this.fixed, ...this.known];
  }

  get enabled(): boolean {
    return this.sink !== undefined;
  }

  remember(secret: string | undefined): void {
    if (!secret) return;
    // Old tokens stay remembered (a late line may still carry one); bound the set all the same.
    if (this.known.size > 256) this.known.delete(this.known.values().next().value as string);
    this.known.add(secret);
  }

  line(text: string): void {
    if (!this.sink) return;
    let out = redactText(text, this.secrets());
    if (out.length > this.maxLine) out = `${out.slice(0, this.maxLine)}… (${out.length - this.maxLine} more chars)`;
    try {
      this.sink(`logto-iac ${out}`);
    } catch {
      // a failing sink must never break a request
    }
  }

  /** Render a body for a debug line: redacted JSON (or scrubbed text). */
  body(value: unknown): string {
    if (value === undefined) return '';
    if (typeof value === 'string') return redactText(value, this.secrets());
    try {
      return JSON.stringify(redact(value, this.secrets()));
    } catch {
      return '[unserialisable body]';
    }
  }
}

/**
 * String values held under secret-looking keys anywhere in `value` (a request body): a server that echoes
 * one back in an error (Logto repeats a connector's config) must not get it printed.
 */
export function secretValues(value: unknown): string[] {
  /** Hidden whole in printed data, but their keys say which values are secret (a config's issuer is not). */
  const CONTAINER_KEYS = new Set(['config', 'headers']);
  const out: string[] = [];
  const walk = (v: unknown, secret: boolean) => {
    if (typeof v === 'string') {
      if (secret && v.length >= 4) out.push(v);
    } else if (Array.isArray(v)) {
      for (const item of v) walk(item, secret);
    } else if (v && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) walk(inner, secret || (isSecretKey(k) && !CONTAINER_KEYS.has(k)));
    }
  };
  walk(value, false);
  return out;
}
