/**
 * The public shape of the Management API client. `core/client/index.ts` implements it; everything
 * else in the project (resources, reconciler, front ends) depends only on this interface.
 */

export type QueryValue = string | number | boolean | readonly string[] | undefined;
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query;
  /** JSON body. */
  body?: unknown;
  /**
   * For POSTs: the request creates an object and a lost response must not be retried blindly.
   * When the connection drops after the request was sent, the client throws `LostResponseError`
   * instead of retrying. Defaults to true for POST, false otherwise.
   */
  createsObject?: boolean;
  signal?: AbortSignal;
}

export interface ClientOptions {
  /** Base URL of the Logto instance, e.g. `https://acme.logto.app` or `http://127.0.0.1:3001`. */
  endpoint: string;
  appId: string;
  appSecret: string;
  /** API resource indicator the token is requested for; derived from the endpoint when absent. */
  resource?: string;
  /** Sustained request budget in requests per second (token bucket). 0 = unlimited. Default: 20 for `*.logto.app`, else unlimited. */
  requestsPerSecond?: number;
  /** Max concurrent requests in flight. Default 8. */
  maxConcurrency?: number;
  /** Overall deadline for one call including retries, in ms. Default 60 000. */
  callTimeoutMs?: number;
  /** Allow `http://` for hosts that are not loopback. */
  allowInsecureHttp?: boolean;
  /** Write redacted debug lines here (defaults to stderr when LOGTO_IAC_DEBUG=1). */
  debug?: (line: string) => void;
  /**
   * Told before every retry of a request that got no answer (refused, reset, timed out) or a retryable
   * status, so a front end can say at once that the server is not answering instead of waiting in silence.
   */
  onRetry?: (event: RetryEvent) => void;
  /** Token-bucket burst size (requests that may go out at once). Default: a fifth of `requestsPerSecond`, ≥ 1. */
  burst?: number;
  /** Timeout of one HTTP attempt (headers and body), in ms. Default 30 000. */
  attemptTimeoutMs?: number;
  /** Retries after the first attempt (429/502/503/504, resets, timeouts). Default 5. */
  maxRetries?: number;
  /** Base of the exponential backoff (full jitter), in ms. Default 250. */
  retryBaseMs?: number;
  /** Cap of one backoff delay, in ms (a server's Retry-After is honoured beyond it). Default 8 000. */
  retryMaxDelayMs?: number;
  /** User-Agent header. Default `logto-iac`. */
  userAgent?: string;
}

/** Counters of one client (see `LogtoClient.stats`). */
export interface ClientStats {
  /** HTTP attempts sent by this client, including token fetches and retries. */
  requests: number;
  /** Attempts that repeated an earlier one (backoff retries and the one retry after a 401). */
  retries: number;
  tokenFetches: number;
  /** Time granted waiting for the shared request budget (token bucket), summed over attempts, in ms. */
  throttledMs: number;
  /** Time slept between retries (backoff or Retry-After), summed, in ms. */
  retryWaitMs: number;
}

export interface LogtoClient {
  readonly endpoint: string;
  readonly appId: string;
  /** The request budget in force for this client: requests per second (0 = unlimited) and requests in flight. */
  readonly limits: { requestsPerSecond: number; maxConcurrency: number };
  /** JSON (parsed), text (for text/plain relation answers) or undefined (204). */
  request<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    options?: RequestOptions,
  ): Promise<T>;
  get<T = unknown>(path: string, query?: Query): Promise<T>;
  post<T = unknown>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>): Promise<T>;
  put<T = unknown>(path: string, body?: unknown): Promise<T>;
  patch<T = unknown>(path: string, body?: unknown): Promise<T>;
  delete(path: string): Promise<void>;
  /**
   * Every row of a list route, following pagination (page_size=100) until a short or empty page.
   * Works on "always" and "optional" paginated routes and on routes that do not paginate at all.
   */
  list<T = unknown>(path: string, query?: Query): Promise<T[]>;
  /** Counters for tests and benchmarks. */
  stats(): ClientStats;
  close(): Promise<void>;
}

/** A retry about to happen (see `ClientOptions.onRetry`). */
export interface RetryEvent {
  method: string;
  path: string;
  /** 1 for the first retry. */
  retry: number;
  maxRetries: number;
  delayMs: number;
  /** Why: the status, or the network error (`connection refused (…)`). */
  reason: string;
  /** No HTTP answer at all (the server could not be reached or dropped the connection). */
  network: boolean;
}
