/**
 * Errors raised by the client. Every message is safe to print: request bodies are never included and
 * `data` is passed through `redact()` before it is stored.
 */

/** A missing or malformed client setting. The message names the option / environment variable and the fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    /** The option or environment variable at fault, e.g. `LOGTO_ENDPOINT`. */
    readonly setting?: string,
  ) {
    super(message);
  }
}

/** Base class of the errors a call can end with (apart from `ConfigError` and a caller's own abort). */
export class LogtoClientError extends Error {
  constructor(
    message: string,
    readonly method: string,
    /** Request path without the query, e.g. `/api/roles/abc` or `/oidc/token`. */
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface LogtoApiErrorInit {
  status: number;
  method: string;
  path: string;
  /** Logto's error code (`entity.not_exists_with_id`…); undefined when the body had none (malformed-JSON 400, text 404). */
  code?: string;
  /** Message from the server (or a short description of the body). */
  serverMessage: string;
  data?: unknown;
  details?: string;
  requestId?: string;
  /** Extra explanation appended to the message (e.g. how to fix a wrong resource indicator). */
  hint?: string;
  /** Logto's own reason, beyond its message (see `logtoReason`); already redacted. */
  reason?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Logto's own reason for an error, from the parts of its body that say more than `message`: the zod issues of
 * `guard.invalid_input` (`name: String must contain…`), an SSO connector's connection check (`data.message`,
 * the issuer or metadata URL it could not fetch and the network error), a certificate parse error.
 * Undefined when the body says nothing more.
 */
export function logtoReason(data: unknown, details: string | undefined): string | undefined {
  if (isObject(data) && Array.isArray(data.issues) && data.issues.length > 0) {
    return data.issues
      .filter(isObject)
      .map((issue) => {
        const path = Array.isArray(issue.path) ? issue.path.join('.') : '';
        return `${path || '(body)'}: ${String(issue.message ?? issue.code ?? 'invalid')}`;
      })
      .join('; ');
  }
  if (isObject(data) && (typeof data.message === 'string' || isObject(data.error))) {
    const config = isObject(data.config) ? data.config : {};
    const error = isObject(data.error) ? data.error : {};
    const cause = [error.code, error.reason, error.message].find((v) => typeof v === 'string');
    const issuer = typeof config.issuer === 'string' ? config.issuer : undefined;
    const metadataUrl = typeof config.metadataUrl === 'string' ? config.metadataUrl : undefined;
    let reason: string | undefined;
    if (data.message === 'fail_to_fetch_config' && issuer)
      reason = `Logto could not fetch ${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration, the issuer's discovery document`;
    else if (metadataUrl && /fetch/i.test(String(data.message)))
      reason = `Logto could not fetch the SAML metadata at ${metadataUrl}`;
    else if (typeof data.message === 'string') reason = data.message.replaceAll('_', ' ');
    if (cause) reason = reason ? `${reason}: ${cause}` : cause;
    if (reason) return reason;
  }
  return details;
}

/** The server answered with a non-2xx status (after retries, where retrying was allowed). */
export class LogtoApiError extends LogtoClientError {
  override readonly name = 'LogtoApiError';
  readonly status: number;
  readonly code: string | undefined;
  /** The server's own message, without method, path or hint. */
  readonly serverMessage: string;
  readonly data: unknown;
  readonly details: string | undefined;
  /** `Logto-Core-Request-Id` response header, for support requests and server logs. */
  readonly requestId: string | undefined;
  readonly hint: string | undefined;
  /** Logto's own reason when its body gives one: the zod issue paths, the URL it could not fetch… */
  readonly reason: string | undefined;

  constructor(init: LogtoApiErrorInit) {
    const code = init.code ? ` ${init.code}` : '';
    const reason = init.reason ?? init.details;
    const details = reason && reason !== init.serverMessage ? ` (${reason})` : '';
    const hint = init.hint ? ` — ${init.hint}` : '';
    const req = init.requestId ? ` [request id ${init.requestId}]` : '';
    super(
      `${init.method} ${init.path} → ${init.status}${code}: ${init.serverMessage}${details}${hint}${req}`,
      init.method,
      init.path,
    );
    this.status = init.status;
    this.code = init.code;
    this.serverMessage = init.serverMessage;
    this.data = init.data;
    this.details = init.details;
    this.requestId = init.requestId;
    this.hint = init.hint;
    this.reason = init.reason;
  }
}

/**
 * A request that creates an object was sent, but its response was lost (connection reset, timeout, or a
 * gateway 502/504). The object may or may not exist now, so the client did not retry: a blind retry could
 * create a duplicate. Resolve it by looking the object up by its natural key (the reconciler adopts it).
 */
export class LostResponseError extends LogtoClientError {
  override readonly name = 'LostResponseError';
  constructor(
    method: string,
    path: string,
    /** What happened, e.g. `connection reset (ECONNRESET)` or `502 from a gateway`. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${method} ${path}: the response was lost after the request was sent (${reason}); the object may or may not have been created. ` +
        'Not retried, to avoid a duplicate: look it up by its natural key before creating it again.',
      method,
      path,
      options,
    );
  }
}

/** The server could not be reached, or the call's deadline passed, and retries (if allowed) did not help. */
export class LogtoNetworkError extends LogtoClientError {
  override readonly name = 'LogtoNetworkError';
  constructor(
    method: string,
    path: string,
    readonly reason: string,
    readonly attempts: number,
    options?: { cause?: unknown; fix?: string },
  ) {
    super(`${method} ${path}: ${reason}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`, method, path, options);
    if (options?.fix) this.fix = options.fix;
  }
  /** What to check, when the failure says (nothing answers at the endpoint, a name that does not resolve). */
  readonly fix?: string;
}
