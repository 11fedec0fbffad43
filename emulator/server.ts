/**
 * The emulator's HTTP core: routing, the OIDC token endpoint, bearer auth, body validation, fault
 * injection, the Cloud rate limit, request counters, headers (request id, ETag) and persistence.
 * Route modules (`emulator/routes/*.ts`) only register handlers; see `emulator/types.ts`.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  type CloudRateLimit,
  type FaultConfig,
  type FaultDecision,
  FaultInjector,
  type FaultRule,
  TokenBucket,
} from './faults.js';
import { saveState } from './persist.js';
import { MANAGEMENT_API_INDICATOR } from './seed.js';
import {
  ApiError,
  type Handler,
  type HandlerResult,
  type Registrar,
  type RequestContext,
  type RouteModule,
  type TenantState,
} from './types.js';
import { CORE_RELATIONS, CORE_TABLES, GuardError, newId, TABLES } from './util.js';
import { sharedValidator } from './validate.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Request counters (`stats()` and `GET /__emulator/stats`). */
export interface EmulatorStats {
  /** Requests received (token endpoint and `/api`), excluding `/__emulator/*`. */
  total: number;
  /** `POST /oidc/token` requests. */
  tokenRequests: number;
  /** `"METHOD /route-template"` → count, e.g. `"GET /roles/:id/scopes"`, `"POST /oidc/token"`. Unmatched: `"GET (unmatched)"`. */
  byRoute: Record<string, number>;
  /** Final outcome → count: HTTP status as a string (`"200"`, `"429"`), or `"reset"`, `"hang"`, `"dropped"`. */
  byStatus: Record<string, number>;
  /** Faults injected (429/5xx/reset/hang/drop from rules; Cloud rate-limit 429s are counted here too). */
  faultsInjected: number;
}

export interface ServerOptions {
  state: TenantState;
  modules: RouteModule[];
  faults?: FaultConfig | FaultRule[];
  seed?: string | number;
  /** Persist the state to this file after every write. */
  dataFile?: string;
  tokenTtlSeconds?: number;
  cloudRateLimit?: boolean | CloudRateLimit;
}

interface Route {
  method: Method;
  template: string;
  segments: Array<{ literal: string } | { param: string }>;
  handler: Handler;
}

interface Matched {
  route: Route;
  params: Record<string, string>;
}

/** Routes Logto answers without a token (measured on Logto 1.42). */
const PUBLIC_ROUTES = new Set(['GET /saml-applications/:id/metadata']);
const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const MAX_BODY = 10 * 1024 * 1024;

function b64url(buf: Buffer | string): string {
  return Buffer.from(buf).toString('base64url');
}

function emptyStats(): EmulatorStats {
  return { total: 0, tokenRequests: 0, byRoute: {}, byStatus: {}, faultsInjected: 0 };
}

export class EmulatorServer {
  readonly server: Server;
  state: TenantState;
  private readonly routes: Route[] = [];
  private readonly validator = sharedValidator();
  private readonly faults: FaultInjector;
  private bucket?: TokenBucket;
  private statsData = emptyStats();
  private signingKey = randomBytes(32);
  private keyId = newId(16);
  private readonly sockets = new Set<Socket>();
  private readonly tokenTtl: number;
  baseUrl = '';

  constructor(private readonly opts: ServerOptions) {
    this.state = opts.state;
    this.tokenTtl = opts.tokenTtlSeconds ?? 3600;
    this.faults = new FaultInjector(opts.faults, opts.seed);
    if (opts.cloudRateLimit) this.bucket = new TokenBucket(opts.cloudRateLimit === true ? {} : opts.cloudRateLimit);
    const registrar: Registrar = { route: (method, path, handler) => this.register(method, path, handler) };
    for (const mod of opts.modules) mod(registrar);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        // Last resort: never leave a request hanging because of a bug in a handler.
        if (!res.headersSent) this.sendJson(res, 500, { code: 'unknown', message: String(err) });
        else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 5_000;
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  register(method: Method, template: string, handler: Handler): void {
    const segments = template
      .split('/')
      .filter(Boolean)
      .map((s) => (s.startsWith(':') ? { param: s.slice(1) } : { literal: s }));
    if (this.routes.some((r) => r.method === method && r.template === template)) {
      throw new Error(`emulator: route ${method} ${template} registered twice`);
    }
    this.routes.push({ method, template, segments, handler });
  }

  /** Registered `METHOD /template` pairs (for tests and docs). */
  routeList(): string[] {
    return this.routes.map((r) => `${r.method} ${r.template}`);
  }

  stats(): EmulatorStats {
    return structuredClone(this.statsData);
  }

  resetStats(): void {
    this.statsData = emptyStats();
  }

  setFaults(faults?: FaultConfig | FaultRule[]): void {
    this.faults.set(faults, this.opts.seed);
  }

  /** Invalidate every token issued so far (rotates the signing key, as a key rotation would). */
  revokeTokens(): void {
    this.signingKey = randomBytes(32);
    this.keyId = newId(16);
  }

  /** Destroy every open connection, including hung ones. */
  destroyConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  private match(method: string, segments: string[]): { matched?: Matched; anyMethod: boolean } {
    let best: { route: Route; score: number[] } | undefined;
    let anyMethod = false;
    for (const route of this.routes) {
      if (route.segments.length !== segments.length) continue;
      let ok = true;
      const score: number[] = [];
      for (let i = 0; i < segments.length; i++) {
        const seg = route.segments[i] as { literal?: string; param?: string };
        if (seg.literal !== undefined) {
          if (seg.literal !== segments[i]) {
            ok = false;
            break;
          }
          score.push(1);
        } else score.push(0);
      }
      if (!ok) continue;
      anyMethod = true;
      if (route.method !== method) continue;
      if (!best || compareScore(score, best.score) > 0) best = { route, score };
    }
    if (!best) return { anyMethod };
    const params: Record<string, string> = {};
    best.route.segments.forEach((seg, i) => {
      if ('param' in seg) params[seg.param] = safeDecode(segments[i] as string);
    });
    return { matched: { route: best.route, params }, anyMethod };
  }

  private count(key: string): void {
    this.statsData.total++;
    this.statsData.byRoute[key] = (this.statsData.byRoute[key] ?? 0) + 1;
  }

  private outcome(key: string): void {
    this.statsData.byStatus[key] = (this.statsData.byStatus[key] ?? 0) + 1;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('Logto-Core-Request-Id', newId(16));
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req).catch(() => undefined);
    if (raw === undefined) {
      res.destroy();
      return;
    }

    // Emulator control endpoints: no auth, not counted.
    if (url.pathname === '/__emulator/stats' && method === 'GET') return this.sendJson(res, 200, this.stats());
    if (url.pathname === '/__emulator/stats/reset' && method === 'POST') {
      this.resetStats();
      return this.send(res, { status: 204 });
    }

    if (url.pathname === '/oidc/token') {
      this.count(`${method} /oidc/token`);
      if (method === 'POST') this.statsData.tokenRequests++;
      const decision = this.decideFaults(method, '/oidc/token');
      if (await this.applyPreFaults(res, decision)) return;
      const result = method === 'POST' ? this.tokenEndpoint(req, raw) : { status: 404, text: 'Not Found' };
      return this.finish(res, method, result, decision);
    }

    if (url.pathname === '/api/status') {
      this.count(`${method} /status`);
      return this.finish(res, method, method === 'GET' ? { status: 204 } : { status: 404, text: 'Not Found' }, {
        latencyMs: 0,
      });
    }

    if (url.pathname !== '/api' && !url.pathname.startsWith('/api/')) {
      this.count(`${method} (unmatched)`);
      return this.finish(res, method, { status: 404, text: 'Not Found' }, { latencyMs: 0 });
    }

    const segments = url.pathname.slice('/api'.length).split('/').filter(Boolean);
    const { matched } = this.match(method, segments);
    const routeKey = matched ? matched.route.template : '(unmatched)';
    this.count(`${method} ${routeKey}`);

    if (this.bucket) {
      const wait = this.bucket.take();
      if (wait > 0) {
        this.statsData.faultsInjected++;
        res.setHeader('Retry-After', String(wait));
        return this.finish(
          res,
          method,
          {
            status: 429,
            json: { code: 'request.too_many_requests', message: 'Too many requests, please retry later.' },
          },
          { latencyMs: 0 },
        );
      }
    }

    const decision = this.decideFaults(method, routeKey);
    if (await this.applyPreFaults(res, decision)) return;

    let result: HandlerResult;
    let ran = false;
    try {
      // Logto serves a few routes under /api without a token (a SAML app's IdP metadata).
      const clientAppId =
        matched && PUBLIC_ROUTES.has(`${method} ${matched.route.template}`) ? '' : this.authenticate(req);
      if (!matched) {
        result = { status: 404, text: 'Not Found' };
      } else {
        let body: unknown;
        if (raw.length > 0 && method !== 'GET' && method !== 'DELETE') {
          try {
            body = JSON.parse(raw.toString('utf8'));
          } catch (err) {
            return this.finish(res, method, { status: 400, json: { message: (err as Error).message } }, decision);
          }
        }
        const sentBody = body;
        // Logto's koaGuard parses the body before the path parameters.
        if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
          body = this.validator.validate(method, matched.route.template, body);
          if (body && typeof body === 'object' && !Array.isArray(body))
            delete (body as Record<string, unknown>).tenantId;
        }
        this.validator.validateParams(method, matched.route.template, matched.params);
        const ctx: RequestContext = {
          method,
          route: matched.route.template,
          params: matched.params,
          query: url.searchParams,
          body,
          sentBody,
          headers: req.headers,
          state: this.state,
          clientAppId,
          baseUrl: this.baseUrl,
        };
        ran = true;
        result = await matched.route.handler(ctx);
      }
    } catch (err) {
      result = errorResult(err);
    }
    if (ran && method !== 'GET' && this.opts.dataFile) saveState(this.opts.dataFile, this.state);
    this.finish(res, method, result, decision, req);
  }

  private decideFaults(method: string, route: string): FaultDecision {
    const d = this.faults.decide(method, route);
    if (d.fault) this.statsData.faultsInjected++;
    return d;
  }

  /** Latency, then the faults that prevent the handler from running. Returns true if the request is done. */
  private async applyPreFaults(res: ServerResponse, d: FaultDecision): Promise<boolean> {
    if (d.latencyMs > 0) await new Promise((r) => setTimeout(r, d.latencyMs));
    switch (d.fault) {
      case 'reset':
        this.outcome('reset');
        res.socket?.resetAndDestroy?.();
        res.destroy();
        return true;
      case 'hang':
        this.outcome('hang');
        return true; // never answered; close() destroys the socket
      case 429:
      case 503:
        if (d.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(d.retryAfterSeconds));
        this.send(res, {
          status: d.fault,
          json:
            d.fault === 429
              ? { code: 'request.too_many_requests', message: 'Too many requests (injected by the emulator).' }
              : { code: 'request.service_unavailable', message: 'Service unavailable (injected by the emulator).' },
        });
        return true;
      case 500:
        this.send(res, {
          status: 500,
          json: { code: 'unknown', message: 'Internal server error (injected by the emulator).' },
        });
        return true;
      case 502:
        this.send(res, { status: 502, text: 'Bad Gateway' });
        return true;
      default:
        return false;
    }
  }

  private finish(
    res: ServerResponse,
    method: string,
    result: HandlerResult,
    d: FaultDecision,
    req?: IncomingMessage,
  ): void {
    if (d.fault === 'dropResponseAfterCommit') {
      this.outcome('dropped');
      res.socket?.resetAndDestroy?.();
      res.destroy();
      return;
    }
    this.send(res, result, method, req);
  }

  private send(res: ServerResponse, result: HandlerResult, method = 'POST', req?: IncomingMessage): void {
    this.outcome(String(result.status));
    for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v);
    let payload: Buffer | undefined;
    if (result.status === 204 || result.status === 304) {
      payload = undefined;
    } else if (result.json !== undefined) {
      payload = Buffer.from(JSON.stringify(result.json));
      res.setHeader('Content-Type', JSON_TYPE);
    } else if (result.text !== undefined) {
      payload = Buffer.from(result.text);
      if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', TEXT_TYPE);
    }
    if (payload && method === 'GET' && result.status >= 200 && result.status < 300) {
      const etag = `"${payload.length.toString(16)}-${createHash('sha1').update(payload).digest('base64').slice(0, 27)}"`;
      res.setHeader('ETag', etag);
      const inm = req?.headers['if-none-match'];
      const noCache = /no-cache/.test(String(req?.headers['cache-control'] ?? ''));
      if (inm && !noCache && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
        res.statusCode = 304;
        res.removeHeader('Content-Type');
        res.end();
        return;
      }
    }
    res.statusCode = result.status;
    if (payload) res.setHeader('Content-Length', payload.length);
    res.end(payload);
  }

  private sendJson(res: ServerResponse, status: number, json: unknown): void {
    res.statusCode = status;
    res.setHeader('Content-Type', JSON_TYPE);
    res.end(JSON.stringify(json));
  }

  // ---------------------------------------------------------------------------------------------------
  // OIDC token endpoint (client credentials only)

  private tokenEndpoint(req: IncomingMessage, raw: Buffer): HandlerResult {
    const form = new URLSearchParams(raw.toString('utf8'));
    let clientId: string | undefined;
    let clientSecret: string | undefined;
    const authz = req.headers.authorization;
    if (authz?.toLowerCase().startsWith('basic ')) {
      const decoded = Buffer.from(authz.slice(6).trim(), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i < 0) return oidcError(400, 'invalid_request', 'invalid authorization header value format');
      clientId = safeDecode(decoded.slice(0, i));
      clientSecret = safeDecode(decoded.slice(i + 1));
    } else if (form.has('client_id')) {
      clientId = form.get('client_id') ?? undefined;
      clientSecret = form.get('client_secret') ?? undefined;
    }
    if (!clientId) return oidcError(400, 'invalid_request', 'no client authentication mechanism provided');
    const grant = form.get('grant_type');
    if (!grant) return oidcError(400, 'invalid_request', "missing required parameter 'grant_type'");

    const app = this.state.tables[TABLES.applications]?.[clientId];
    const now = Date.now();
    const secrets = Object.values(this.state.tables[CORE_TABLES.applicationSecrets] ?? {}).filter(
      (s) =>
        s.applicationId === clientId &&
        (s.expiresAt === null || s.expiresAt === undefined || Number(s.expiresAt) > now),
    );
    const candidates = secrets.map((s) => String(s.value));
    if (app && typeof app.secret === 'string') candidates.push(app.secret);
    if (!app || !clientSecret || !candidates.some((c) => safeEqual(c, clientSecret))) {
      return oidcError(401, 'invalid_client', 'client authentication failed');
    }
    if (grant !== 'client_credentials') {
      return oidcError(400, 'unsupported_grant_type', 'unsupported grant_type requested');
    }
    if (app.type !== 'MachineToMachine') {
      return oidcError(400, 'unauthorized_client', 'requested grant type is not allowed for this client');
    }
    const indicator = form.get('resource');
    const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
    if (!indicator) {
      // Logto issues an opaque token without a resource; it is useless for the Management API.
      return {
        status: 200,
        json: { access_token: b64url(randomBytes(32)), expires_in: this.tokenTtl, token_type: 'Bearer', scope: '' },
      };
    }
    const resource = Object.values(this.state.tables[TABLES.resources] ?? {}).find((r) => r.indicator === indicator);
    if (!resource) return oidcError(400, 'invalid_target', 'resource indicator is missing, or unknown');
    const granted = new Set<string>();
    const roleIds = new Set(
      (this.state.relations[CORE_RELATIONS.applicationsRoles] ?? [])
        .filter((l) => l.applicationId === clientId)
        .map((l) => l.roleId),
    );
    const scopes = this.state.tables[TABLES.scopes] ?? {};
    for (const link of this.state.relations[CORE_RELATIONS.rolesScopes] ?? []) {
      if (!roleIds.has(link.roleId)) continue;
      const scope = scopes[link.scopeId as string];
      if (scope && scope.resourceId === resource.id) granted.add(String(scope.name));
    }
    const scope = requested.filter((s) => granted.has(s)).join(' ');
    const iat = Math.floor(now / 1000);
    const claims = {
      jti: newId(21),
      sub: clientId,
      client_id: clientId,
      iss: `${this.baseUrl}/oidc`,
      aud: indicator,
      scope,
      iat,
      exp: iat + this.tokenTtl,
    };
    return {
      status: 200,
      json: { access_token: this.sign(claims), expires_in: this.tokenTtl, token_type: 'Bearer', scope },
      headers: { 'Cache-Control': 'no-store' },
    };
  }

  private sign(claims: Record<string, unknown>): string {
    const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: this.keyId }));
    const body = b64url(JSON.stringify(claims));
    const sig = createHmac('sha256', this.signingKey).update(`${head}.${body}`).digest('base64url');
    return `${head}.${body}.${sig}`;
  }

  /** Bearer auth with Logto's error bodies. Returns the token's client id. */
  private authenticate(req: IncomingMessage): string {
    const authz = req.headers.authorization;
    if (authz === undefined || authz.trim() === '')
      throw new ApiError(401, 'auth.authorization_header_missing', 'Authorization header is missing.');
    const [scheme = '', ...rest] = authz.trim().split(/\s+/);
    if (scheme.toLowerCase() !== 'bearer') {
      throw new ApiError(401, 'auth.authorization_token_type_not_supported', 'Authorization type is not supported.', {
        supportedTypes: ['Bearer'],
      });
    }
    const token = rest.join(' ');
    const unauthorized = (data: Record<string, unknown>) =>
      new ApiError(401, 'auth.unauthorized', 'Unauthorized. Please check credentials and its scope.', data);
    const parts = token.split('.');
    let header: { alg?: string; kid?: string };
    let claims: { aud?: unknown; exp?: number; scope?: string; sub?: string; client_id?: string };
    try {
      if (parts.length !== 3) throw new Error('parts');
      header = JSON.parse(Buffer.from(parts[0] as string, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8'));
      if (!header || typeof header !== 'object' || !claims || typeof claims !== 'object') throw new Error('shape');
    } catch {
      throw unauthorized({ code: 'ERR_JWS_INVALID', name: 'JWSInvalid' });
    }
    if (header.kid !== this.keyId) throw unauthorized({ code: 'ERR_JWKS_NO_MATCHING_KEY', name: 'JWKSNoMatchingKey' });
    const expected = createHmac('sha256', this.signingKey).update(`${parts[0]}.${parts[1]}`).digest();
    const given = Buffer.from(parts[2] as string, 'base64url');
    if (header.alg !== 'HS256' || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw unauthorized({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', name: 'JWSSignatureVerificationFailed' });
    }
    if (typeof claims.exp !== 'number' || claims.exp <= Math.floor(Date.now() / 1000)) {
      throw unauthorized({ code: 'ERR_JWT_EXPIRED', name: 'JWTExpired', claim: 'exp', reason: 'check_failed' });
    }
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(MANAGEMENT_API_INDICATOR)) {
      throw unauthorized({
        code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
        name: 'JWTClaimValidationFailed',
        claim: 'aud',
        reason: 'unexpected "aud" claim value',
      });
    }
    if (
      !String(claims.scope ?? '')
        .split(' ')
        .includes('all')
    ) {
      throw new ApiError(403, 'auth.forbidden', 'Forbidden. Please check your user roles and permissions.');
    }
    return String(claims.client_id ?? claims.sub ?? '');
  }
}

function compareScore(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function oidcError(status: number, error: string, description: string): HandlerResult {
  return { status, json: { code: `oidc.${error}`, message: description, error, error_description: description } };
}

/**
 * Error codes whose bodies carry `data` on the real server (docs/logto-behaviour.md#error-bodies); every other error is
 * exactly `{code, message}` (plus `details` for a guard error), whatever a handler attached.
 */
const CODES_WITH_DATA = new Set([
  'guard.invalid_input',
  'auth.unauthorized',
  'auth.authorization_token_type_not_supported',
  'single_sign_on.forbidden_domains',
  'connector.invalid_config',
  'connector.invalid_certificate',
  'application.user_consent_scopes_not_found',
  'jwt_customizer.general',
  'request.invalid_input',
]);

export function errorResult(err: unknown): HandlerResult {
  if (err instanceof ApiError) {
    const json: Record<string, unknown> = { code: err.code, message: err.message };
    if (err.data !== undefined && CODES_WITH_DATA.has(err.code)) json.data = err.data;
    if (err instanceof GuardError) json.details = err.details;
    return { status: err.status, json };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, json: { code: 'unknown', message } };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
