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

  constructor(init: LogtoApiErrorInit) {
    const code = init.code ? ` ${init.code}` : '';
    const details = init.details && init.details !== init.serverMessage ? ` (${init.details})` : '';
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
    options?: { cause?: unknown },
  ) {
    super(`${method} ${path}: ${reason}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`, method, path, options);
  }
}
