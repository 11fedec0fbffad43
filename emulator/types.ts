/**
 * The contract between the emulator's HTTP core (`emulator/server.ts`) and its route modules
 * (`emulator/routes/*.ts`, one per area of the Management API). Route modules are plain functions that
 * register handlers; the core owns HTTP, auth, body validation against the OpenAPI document, fault
 * injection, request counters, pagination headers, the Cloud rate limit and persistence.
 */

/** The whole tenant as plain JSON (persisted with `--data`). Each route module owns its tables. */
export interface TenantState {
  /** table name → id (or natural key) → row */
  tables: Record<string, Record<string, Record<string, unknown>>>;
  /** Relation tables: name → list of rows (e.g. `roles_scopes` → {roleId, scopeId}). */
  relations: Record<string, Array<Record<string, string>>>;
  /** Singletons and configs: name → value. */
  singletons: Record<string, unknown>;
}

export interface RequestContext {
  method: string;
  /** The route template that matched, e.g. `/applications/:id`. */
  route: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body, already validated against the OpenAPI request schema and stripped of unknown keys. */
  body: any;
  /** The JSON body as sent, for routes whose Logto guard is strict (unknown keys are a 400, not dropped). */
  sentBody?: unknown;
  headers: Record<string, string | string[] | undefined>;
  state: TenantState;
  /** Id of the M2M app the request's token belongs to. */
  clientAppId: string;
  /** The emulator's public base URL (for Link headers). */
  baseUrl: string;
}

export interface HandlerResult {
  status: number;
  /** JSON body (serialised by the core with `application/json; charset=utf-8`). */
  json?: unknown;
  /** Text body (`text/plain; charset=utf-8`), e.g. relation endpoints' `Created` / `OK`. */
  text?: string;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => HandlerResult | Promise<HandlerResult>;

/** Pagination behaviour of a list route (see docs/logto-behaviour.md#pagination). */
export type PaginationMode = 'optional' | 'always' | 'none';

export interface Registrar {
  /**
   * Register a handler. `path` is relative to `/api` and uses `:param` segments, exactly as the OpenAPI
   * document's path with `{param}` replaced by `:param` (the core uses it to find the request schema).
   */
  route(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, handler: Handler): void;
  /** Does the state hold the given app id as a row? helpers shared across modules live in `emulator/util.ts`. */
}

export type RouteModule = (r: Registrar) => void;

/** Thrown by handlers; the core renders Logto's error envelope `{code, message, data?, details?}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}
