/**
 * The Logto Management API client: the only code in the project that speaks HTTP.
 *
 * Retry policy (one place, documented here):
 * - 429, 503: retried with exponential backoff + full jitter, or after `Retry-After` when the server sends
 *   one — for every method, including creating POSTs (a clean 429/503 means nothing was committed).
 * - 502, 504: retried, except for a creating POST: a gateway that timed out or failed may have passed the
 *   request on, so the object may exist → `LostResponseError`.
 * - Connection failures: when the request never left (refused, DNS, connect timeout) it is retried for
 *   every method. When it may have been sent (reset, socket closed, response timeout) it is retried for
 *   GET/PUT/PATCH/DELETE and non-creating POSTs; a creating POST gets `LostResponseError`.
 * - 401: the token is refreshed once and the request repeated; a 401 about the `aud` claim is explained
 *   at once (a new token would have the same audience).
 * - 500: retried at most `MAX_500_RETRIES` times, with the same backoff, for requests that are safe to repeat
 *   (GET, PUT, PATCH, DELETE: the same request again leaves the same state; a DELETE that had gone through
 *   answers 404, which callers treat as gone). Never for a POST: repeating one could apply it twice. One
 *   transient 500 must not fail a whole plan, and a 500 that persists still surfaces quickly.
 * - Every other 4xx: never retried.
 * - Everything, retries and waits included, is bounded by `callTimeoutMs`; a `Retry-After` beyond that
 *   deadline ends the call with the last answer.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request as undiciRequest } from 'undici';
import { backoffDelay, parseRetryAfter, sleep } from './backoff.js';
import { type RequestBudget, requestBudget } from './budget.js';
import { type ResolvedClientOptions, resolveClientOptions } from './config.js';
import { LogtoApiError, LogtoClientError, LogtoNetworkError, LostResponseError, logtoReason } from './errors.js';
import { collectPages, parseTotalNumber } from './pagination.js';
import { DebugLog, redact, redactText, secretValues } from './redact.js';
import { TokenCache, type TokenGrant } from './token.js';
import type { ClientOptions, ClientStats, LogtoClient, Query, RequestOptions } from './types.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Statuses that are retried (see the policy above). */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);
/** Methods whose repetition leaves the same state: a 500 answer to one of them is retried. */
const SAFE_TO_REPEAT: ReadonlySet<string> = new Set(['GET', 'PUT', 'PATCH', 'DELETE']);
/** How often a 500 is retried (a bounded number: a handler that fails every time must not take long). */
export const MAX_500_RETRIES = 2;

/** Network error codes meaning the request never reached the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** Network error codes after which the request may have been processed. */
const MAYBE_SENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'HPE_INVALID_CONSTANT',
  'HPE_INVALID_CHUNK_SIZE',
]);

interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, text, or undefined for an empty body. */
  body: unknown;
  requestId: string | undefined;
  attempts: number;
  /** Why a retryable answer was not retried (retries exhausted, Retry-After beyond the deadline). */
  gaveUp?: string;
}

/** A failed attempt that never produced an HTTP response. */
class NetworkFailure extends Error {
  constructor(
    readonly reason: string,
    /** Could the server have received (and acted on) the request? */
    readonly maybeSent: boolean,
    readonly retryable: boolean,
    override readonly cause: unknown,
  ) {
    super(reason);
  }
}

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR' && code !== 'UND_ERR_ABORTED') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function classify(err: unknown): NetworkFailure | undefined {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ECONNREFUSED')
    return new NetworkFailure(`connection refused: nothing answers there (${message})`, false, true, err);
  if (code && NOT_SENT_CODES.has(code)) return new NetworkFailure(`${message} (${code})`, false, true, err);
  if (code && MAYBE_SENT_CODES.has(code)) return new NetworkFailure(`${message} (${code})`, true, true, err);
  return undefined;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseBody(status: number, headers: IncomingHttpHeaders, text: string): unknown {
  if (status === 204 || status === 304 || text === '') return undefined;
  const type = (header(headers, 'content-type') ?? '').toLowerCase();
  const looksJson = type.includes('json') || (type === '' && /^\s*[[{]/.test(text));
  if (!looksJson) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function buildQuery(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** `/roles` → `/api/roles`; `/api/roles` stays. */
export function apiPath(path: string): string {
  const p = path.startsWith('/') ? path : `/${path}`;
  return p === '/api' || p.startsWith('/api/') || p.startsWith('/api?') ? p : `/api${p}`;
}

const AUD_HINT = (resource: string) =>
  'the token was issued for another audience (aud claim): set LOGTO_RESOURCE to the API indicator of your tenant ' +
  '(https://<tenant-id>.logto.app/api on Logto Cloud, https://default.logto.app/api on Logto OSS); ' +
  `the token was requested for ${resource}`;

interface ExecuteSpec {
  method: HttpMethod;
  /** Path for messages and logs (no query). */
  path: string;
  /** Path + query, appended to the endpoint. */
  target: string;
  headers: Record<string, string>;
  payload: string | undefined;
  /** Body rendering for debug lines (already a value; redacted by the logger). */
  debugBody: unknown;
  createsObject: boolean;
  /** Send a bearer token (and refresh it once on 401). */
  bearer: boolean;
  signal: AbortSignal | undefined;
}

export class HttpLogtoClient implements LogtoClient {
  readonly endpoint: string;
  readonly appId: string;
  readonly limits: { requestsPerSecond: number; maxConcurrency: number };
  /** The shared request budget of this endpoint (its `stats()` hold the accounting). */
  readonly budget: RequestBudget;
  private readonly options: ResolvedClientOptions;
  private readonly agent: Agent;
  private readonly tokens: TokenCache;
  private readonly log: DebugLog;
  private readonly leaveBudget: () => void;
  private closed = false;
  private readonly counters: ClientStats = { requests: 0, retries: 0, tokenFetches: 0, throttledMs: 0, retryWaitMs: 0 };

  constructor(options: ResolvedClientOptions) {
    this.options = options;
    this.endpoint = options.endpoint;
    this.appId = options.appId;
    this.limits = { requestsPerSecond: options.requestsPerSecond, maxConcurrency: options.maxConcurrency };
    this.log = new DebugLog(options.debug, [options.appSecret, Buffer.from(options.appSecret).toString('base64')]);
    const settings = {
      requestsPerSecond: options.requestsPerSecond,
      burst: options.burst,
      maxConcurrency: options.maxConcurrency,
    };
    this.budget = requestBudget(options.endpoint, settings);
    this.leaveBudget = this.budget.join(settings);
    this.agent = new Agent({
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      connections: options.maxConcurrency,
      connect: { timeout: Math.min(options.attemptTimeoutMs, 10_000) },
    });
    this.tokens = new TokenCache(() => this.fetchToken());
  }

  /** The API resource indicator tokens are requested for. */
  get resource(): string {
    return this.options.resource;
  }

  stats(): ClientStats {
    return { ...this.counters };
  }

  /** Never print credentials or tokens when someone logs the client. */
  toJSON(): { endpoint: string; appId: string; resource: string } {
    return { endpoint: this.endpoint, appId: this.appId, resource: this.options.resource };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `LogtoClient ${JSON.stringify(this.toJSON())}`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.leaveBudget();
    await this.agent.close();
  }

  get<T = unknown>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { query });
  }
  post<T = unknown>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }
  put<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }
  patch<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body });
  }
  async delete(path: string): Promise<void> {
    await this.request('DELETE', path);
  }

  async request<T = unknown>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.apiCall(method, path, options);
    return res.body as T;
  }

  list<T = unknown>(path: string, query?: Query): Promise<T[]> {
    const full = apiPath(path);
    return collectPages<T>(`GET ${full}`, async (page, pageSize) => {
      const res = await this.apiCall('GET', path, { query: { ...query, page, page_size: pageSize } });
      return { items: res.body, totalNumber: parseTotalNumber(res.headers['total-number']) };
    });
  }

  /** One API call: token, retries, and a `LogtoApiError` for a final non-2xx answer. */
  private async apiCall(method: HttpMethod, path: string, options: RequestOptions): Promise<HttpResponse> {
    const full = apiPath(path);
    const [bare] = full.split('?', 1) as [string];
    const headers: Record<string, string> = {
      accept: 'application/json, text/plain;q=0.9, */*;q=0.1',
      'accept-language': 'en',
      'user-agent': this.options.userAgent,
    };
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const res = await this.execute({
      method,
      path: bare,
      target: `${full}${buildQuery(options.query)}`,
      headers,
      payload,
      debugBody: options.body,
      createsObject: options.createsObject ?? method === 'POST',
      bearer: true,
      signal: options.signal,
    });
    if (res.status >= 200 && res.status < 300) return res;
    throw this.apiError(method, bare, res, this.hintFor(res), options.body);
  }

  private hintFor(res: HttpResponse): string | undefined {
    const code = typeof res.body === 'object' && res.body ? (res.body as { code?: unknown }).code : undefined;
    if (res.status === 401 && mentionsAud(res.body)) return AUD_HINT(this.options.resource);
    if (res.status === 401) {
      return 'the access token was rejected even after a refresh; check that LOGTO_ENDPOINT and LOGTO_RESOURCE belong to the same tenant';
    }
    if (res.status === 403 && code === 'auth.forbidden') {
      return 'the token lacks scope "all": assign the "Logto Management API access" role to the machine-to-machine app';
    }
    if (res.status >= 300 && res.status < 400) {
      const location = header(res.headers, 'location');
      return `the server redirected${location ? ` to ${location}` : ''}: check LOGTO_ENDPOINT (scheme, host and path of the Logto core)`;
    }
    if (res.gaveUp) return res.gaveUp;
    return undefined;
  }

  private apiError(method: string, path: string, res: HttpResponse, hint?: string, sent?: unknown): LogtoApiError {
    const known = [this.options.appSecret, ...secretValues(sent)];
    let code: string | undefined;
    let message: string | undefined;
    let data: unknown;
    let details: string | undefined;
    const body = res.body;
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const b = body as Record<string, unknown>;
      if (typeof b.code === 'string') code = b.code;
      else if (typeof b.error === 'string') code = b.error;
      if (typeof b.message === 'string') message = b.message;
      else if (typeof b.error_description === 'string') message = b.error_description;
      data = b.data;
      if (typeof b.details === 'string') details = b.details;
    } else if (typeof body === 'string' && body.trim()) {
      message = body.trim().slice(0, 500);
    }
    // From the raw body: the URL Logto could not fetch sits inside a connector config, which `redact` hides whole.
    const reason = logtoReason(data, details);
    return new LogtoApiError({
      status: res.status,
      method,
      path,
      code,
      serverMessage: redactText(message ?? `HTTP ${res.status}`, known),
      data: data === undefined ? undefined : redact(data, known),
      details: details === undefined ? undefined : redactText(details, known),
      reason: reason === undefined ? undefined : redactText(reason, known),
      requestId: res.requestId,
      hint,
    });
  }

  /** Client-credentials grant at `{endpoint}/oidc/token`. */
  private async fetchToken(): Promise<TokenGrant> {
    const { appId, appSecret, resource } = this.options;
    this.counters.tokenFetches++;
    const basic = Buffer.from(`${encodeURIComponent(appId)}:${encodeURIComponent(appSecret)}`).toString('base64');
    this.log.remember(basic);
    const form = new URLSearchParams({ grant_type: 'client_credentials', resource, scope: 'all' }).toString();
    const res = await this.execute({
      method: 'POST',
      path: '/oidc/token',
      target: '/oidc/token',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'accept-language': 'en',
        'user-agent': this.options.userAgent,
      },
      payload: form,
      debugBody: `grant_type=client_credentials&resource=${resource}&scope=all (client ${appId})`,
      createsObject: false,
      bearer: false,
      signal: undefined,
    });
    if (res.status !== 200) throw this.apiError('POST', '/oidc/token', res, this.tokenHint(res));
    const body = res.body as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (!body || typeof body !== 'object' || typeof body.access_token !== 'string' || body.access_token === '') {
      throw new LogtoClientError('POST /oidc/token → 200 without an access_token', 'POST', '/oidc/token');
    }
    this.log.remember(body.access_token);
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
    this.log.line(`token: fetched for ${resource}, expires in ${expiresIn}s`);
    return { accessToken: body.access_token, expiresIn };
  }

  private tokenHint(res: HttpResponse): string | undefined {
    const b = (typeof res.body === 'object' && res.body ? res.body : {}) as Record<string, unknown>;
    const code = `${b.code ?? ''} ${b.error ?? ''}`;
    if (res.status === 401 || code.includes('invalid_client')) {
      return 'the app credentials were rejected: check LOGTO_APP_ID and LOGTO_APP_SECRET (the ID and a secret of a machine-to-machine app)';
    }
    if (code.includes('invalid_target') || mentionsAud(res.body)) {
      return `the resource indicator ${this.options.resource} is unknown: set LOGTO_RESOURCE to the API indicator of your tenant (https://<tenant-id>.logto.app/api on Logto Cloud, https://default.logto.app/api on Logto OSS)`;
    }
    if (res.status === 404)
      return 'no token endpoint here: check that LOGTO_ENDPOINT is the base URL of the Logto core';
    return undefined;
  }

  /**
   * Send one request with retries, the shared budget and (for API calls) the bearer token. Returns the
   * final HTTP answer whatever its status; throws `LostResponseError` / `LogtoNetworkError` when no usable
   * answer came back.
   */
  private async execute(spec: ExecuteSpec): Promise<HttpResponse> {
    if (this.closed)
      throw new LogtoClientError(`${spec.method} ${spec.path}: the client is closed`, spec.method, spec.path);
    const { maxRetries, retryBaseMs, retryMaxDelayMs, callTimeoutMs } = this.options;
    const deadlineAt = Date.now() + callTimeoutMs;
    const deadline = AbortSignal.timeout(callTimeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, deadline]) : deadline;
    let retries = 0;
    let retries500 = 0;
    let refreshed = false;
    let attempts = 0;

    let gaveUp: string | undefined;
    const waitBeforeRetry = async (delayMs: number, why: string, network = false): Promise<boolean> => {
      if (retries >= maxRetries) {
        gaveUp = `gave up after ${attempts} attempts`;
        return false;
      }
      if (Date.now() + delayMs >= deadlineAt) {
        gaveUp = `not retried: waiting ${Math.ceil(delayMs / 1000)} s would pass the call deadline of ${callTimeoutMs} ms`;
        return false;
      }
      retries++;
      this.counters.retries++;
      this.counters.retryWaitMs += delayMs;
      this.log.line(`retry ${retries}/${maxRetries} of ${spec.method} ${spec.path} in ${delayMs}ms (${why})`);
      this.options.onRetry?.({
        method: spec.method,
        path: spec.path,
        retry: retries,
        maxRetries,
        delayMs,
        reason: why,
        network,
      });
      await sleep(delayMs, signal).catch((err) => this.rethrowAbort(err, spec, attempts));
      return true;
    };

    for (;;) {
      let token: string | undefined;
      if (spec.bearer)
        token = await abortable(this.tokens.get(), signal).catch((err) => this.rethrowAbort(err, spec, attempts));
      attempts++;
      let res: HttpResponse;
      try {
        res = await this.attempt(spec, token, signal, attempts);
      } catch (err) {
        if (spec.signal?.aborted) throw spec.signal.reason;
        const failure = err instanceof NetworkFailure ? err : undefined;
        if (deadline.aborted) {
          if (spec.createsObject && (failure?.maybeSent ?? true)) {
            throw new LostResponseError(
              spec.method,
              spec.path,
              `no answer within the call deadline of ${callTimeoutMs}ms`,
              { cause: err },
            );
          }
          throw new LogtoNetworkError(
            spec.method,
            spec.path,
            `no answer within the call deadline of ${callTimeoutMs}ms`,
            attempts,
            { cause: err },
          );
        }
        if (!failure) throw err;
        if (spec.createsObject && failure.maybeSent) {
          throw new LostResponseError(spec.method, spec.path, failure.reason, { cause: failure.cause });
        }
        const delay = backoffDelay(retries, retryBaseMs, retryMaxDelayMs);
        if (failure.retryable && (await waitBeforeRetry(delay, failure.reason, true))) continue;
        throw new LogtoNetworkError(spec.method, spec.path, failure.reason, attempts, {
          cause: failure.cause,
          ...(failure.maybeSent
            ? {}
            : {
                fix: `check that Logto is running at ${this.options.endpoint} and that the endpoint (LOGTO_ENDPOINT or --endpoint) is right`,
              }),
        });
      }
      res.attempts = attempts;

      if (res.status === 401 && spec.bearer && token !== undefined && !refreshed && !mentionsAud(res.body)) {
        refreshed = true;
        this.tokens.invalidate(token);
        this.counters.retries++;
        this.log.line(`401 on ${spec.method} ${spec.path}: refreshing the token once and retrying`);
        continue;
      }
      if (RETRY_STATUSES.has(res.status)) {
        if (spec.createsObject && (res.status === 502 || res.status === 504)) {
          throw new LostResponseError(spec.method, spec.path, `${res.status} from a gateway`);
        }
        const retryAfter = parseRetryAfter(res.headers['retry-after']);
        const delay = retryAfter ?? backoffDelay(retries, retryBaseMs, retryMaxDelayMs);
        const why = retryAfter !== undefined ? `${res.status}, Retry-After ${retryAfter}ms` : `${res.status}`;
        if (await waitBeforeRetry(delay, why)) continue;
        res.gaveUp = gaveUp;
      }
      if (res.status === 500 && SAFE_TO_REPEAT.has(spec.method) && retries500 < MAX_500_RETRIES) {
        retries500++;
        if (await waitBeforeRetry(backoffDelay(retries, retryBaseMs, retryMaxDelayMs), '500')) continue;
        res.gaveUp = gaveUp;
      }
      return res;
    }
  }

  private rethrowAbort(err: unknown, spec: ExecuteSpec, attempts: number): never {
    if (spec.signal?.aborted) throw spec.signal.reason;
    if (!deadlinePassed(err)) throw err;
    throw new LogtoNetworkError(
      spec.method,
      spec.path,
      `call deadline of ${this.options.callTimeoutMs}ms passed`,
      attempts,
      {
        cause: err,
      },
    );
  }

  /** One HTTP exchange under the shared budget. */
  private async attempt(
    spec: ExecuteSpec,
    token: string | undefined,
    signal: AbortSignal,
    attempt: number,
  ): Promise<HttpResponse> {
    let grant: Awaited<ReturnType<RequestBudget['acquire']>>;
    try {
      grant = await this.budget.acquire(signal);
    } catch (err) {
      // aborted while waiting for the budget: nothing was sent
      throw new NetworkFailure('aborted while waiting for the request budget', false, false, err);
    }
    this.counters.throttledMs += grant.waitedMs;
    this.counters.requests++;
    const started = performance.now();
    const headers = token ? { ...spec.headers, authorization: `Bearer ${token}` } : spec.headers;
    if (this.log.enabled) {
      const wait = grant.waitedMs > 0 ? ` (budget wait ${Math.round(grant.waitedMs)}ms)` : '';
      const body = spec.debugBody === undefined ? '' : ` ${this.log.body(spec.debugBody)}`;
      this.log.line(`→ ${spec.method} ${spec.target}${attempt > 1 ? ` [attempt ${attempt}]` : ''}${wait}${body}`);
    }
    try {
      const res = await undiciRequest(`${this.endpoint}${spec.target}`, {
        method: spec.method,
        headers,
        body: spec.payload,
        dispatcher: this.agent,
        signal,
        headersTimeout: this.options.attemptTimeoutMs,
        bodyTimeout: this.options.attemptTimeoutMs,
      });
      const text = await res.body.text();
      const requestId = header(res.headers, 'logto-core-request-id');
      const body = parseBody(res.statusCode, res.headers, text);
      if (this.log.enabled) {
        const ms = Math.round(performance.now() - started);
        const shown = spec.bearer ? ` ${this.log.body(body)}` : '';
        this.log.line(
          `← ${res.statusCode} ${spec.method} ${spec.path} ${ms}ms${requestId ? ` id=${requestId}` : ''}${shown}`,
        );
      }
      return { status: res.statusCode, headers: res.headers, body, requestId, attempts: attempt };
    } catch (err) {
      const failure = classify(err);
      this.log.line(
        `✗ ${spec.method} ${spec.path}: ${failure?.reason ?? (err instanceof Error ? err.message : String(err))}`,
      );
      throw failure ?? err;
    } finally {
      grant.release();
    }
  }
}

function deadlinePassed(err: unknown): boolean {
  return err instanceof Error && err.name === 'TimeoutError';
}

/** `promise`, or the signal's reason if it aborts first (the promise itself keeps running). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function mentionsAud(body: unknown): boolean {
  if (body === undefined) return false;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return /\baud\b/i.test(text) || /audience/i.test(text);
}

/** Build a client from explicit options over the environment (`LOGTO_ENDPOINT`, `LOGTO_APP_ID`, …). */
export function createClient(
  options: Partial<ClientOptions> = {},
  env: Record<string, string | undefined> = process.env,
): HttpLogtoClient {
  return new HttpLogtoClient(resolveClientOptions(options, env));
}
