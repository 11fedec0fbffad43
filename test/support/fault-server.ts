/**
 * A small fault-injecting HTTP server on 127.0.0.1 for the client tests. It speaks just enough of Logto
 * (`/oidc/token` client credentials, bearer checks, error envelope, `Logto-Core-Request-Id`, list routes
 * with the three pagination modes) and lets a test script any answer: a status, a reset connection, a hang.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export type FaultAction =
  | { status: number; json?: unknown; text?: string; headers?: Record<string, string> }
  /** Read the request, then drop the connection without answering (`rst`: TCP reset; `close`: FIN). */
  | { reset: 'rst' | 'close' }
  /** Read the request and never answer (until the server closes). */
  | { hang: true };

export type FaultHandler = (req: RecordedRequest) => FaultAction | Promise<FaultAction>;

export type PaginationMode = 'always' | 'optional' | 'none';

export interface FaultServerOptions {
  appId?: string;
  appSecret?: string;
  /** The API indicator tokens must be issued for; a token for another resource gets a 401 about `aud`. */
  apiResource?: string;
}

const requestId = () => randomBytes(8).toString('hex');

export class FaultServer {
  readonly appId: string;
  readonly appSecret: string;
  apiResource: string;
  /** `expires_in` of issued tokens. */
  tokenExpiresIn = 3600;
  /** Delay before answering a token request (lets concurrent callers pile up). */
  tokenDelayMs = 0;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Tokens issued (in order) → resource they were requested for. */
  readonly issued = new Map<string, string>();
  private readonly valid = new Set<string>();
  private readonly routes = new Map<string, FaultHandler>();
  private readonly queues = new Map<string, FaultAction[]>();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private port = 0;

  constructor(options: FaultServerOptions = {}) {
    this.appId = options.appId ?? 'faultapp';
    this.appSecret = options.appSecret ?? 'fault-secret';
    this.apiResource = options.apiResource ?? 'https://default.logto.app/api';
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        if (!res.headersSent) res.writeHead(599, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    });
    server.keepAliveTimeout = 5_000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Answer `METHOD /api/path` (exact path, query ignored) with a handler or a fixed action. */
  route(method: string, path: string, handler: FaultHandler | FaultAction): this {
    this.routes.set(`${method} ${path}`, typeof handler === 'function' ? handler : () => handler);
    return this;
  }

  /** One-shot answers for `METHOD /api/path`, used (in order) before the route's handler. */
  enqueue(method: string, path: string, ...actions: FaultAction[]): this {
    const key = `${method} ${path}`;
    this.queues.set(key, [...(this.queues.get(key) ?? []), ...actions]);
    return this;
  }

  /** A list route over `items` with Logto's pagination behaviour (`Total-Number`, `Link` without `/api`). */
  collection(path: string, items: unknown[], mode: PaginationMode): this {
    return this.route('GET', path, (req) => paginate(this.url, path, req.query, items, mode));
  }

  /** Make every token issued so far invalid (the server now answers 401 to them). */
  revokeTokens(): void {
    this.valid.clear();
  }

  tokenRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === '/oidc/token');
  }

  apiRequests(method?: string, path?: string): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.path.startsWith('/api/') && (!method || r.method === method) && (!path || r.path === path),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.requests.push(rec);

    const key = `${rec.method} ${rec.path}`;
    const queued = this.queues.get(key)?.shift();
    if (queued) return this.respond(req, res, queued);

    if (rec.path === '/oidc/token' && rec.method === 'POST') return this.respond(req, res, await this.token(rec));
    if (rec.path.startsWith('/api/')) {
      const denied = this.authorize(rec);
      if (denied) return this.respond(req, res, denied);
    }
    const handler = this.routes.get(key);
    if (handler) return this.respond(req, res, await handler(rec));
    return this.respond(req, res, { status: 404, text: 'Not Found' });
  }

  private async token(rec: RecordedRequest): Promise<FaultAction> {
    if (this.tokenDelayMs > 0) await new Promise((r) => setTimeout(r, this.tokenDelayMs));
    const auth = rec.headers.authorization ?? '';
    const expected = `Basic ${Buffer.from(`${encodeURIComponent(this.appId)}:${encodeURIComponent(this.appSecret)}`).toString('base64')}`;
    if (auth !== expected) {
      return {
        status: 401,
        json: {
          code: 'oidc.invalid_client',
          message: 'client authentication failed',
          error: 'invalid_client',
          error_description: 'client authentication failed',
        },
      };
    }
    const form = new URLSearchParams(rec.body);
    if (form.get('grant_type') !== 'client_credentials' || form.get('scope') !== 'all') {
      return { status: 400, json: { code: 'oidc.invalid_request', message: 'bad grant', error: 'invalid_request' } };
    }
    const resource = form.get('resource') ?? '';
    const token = `tok-${this.issued.size + 1}-${randomBytes(6).toString('hex')}`;
    this.issued.set(token, resource);
    this.valid.add(token);
    return {
      status: 200,
      json: { access_token: token, expires_in: this.tokenExpiresIn, token_type: 'Bearer', scope: 'all' },
    };
  }

  private authorize(rec: RecordedRequest): FaultAction | undefined {
    const auth = rec.headers.authorization;
    if (!auth) {
      return {
        status: 401,
        json: { code: 'auth.authorization_header_missing', message: 'Authorization header is missing.' },
      };
    }
    const token = auth.replace(/^Bearer /, '');
    if (!this.valid.has(token)) {
      return {
        status: 401,
        json: {
          code: 'auth.unauthorized',
          message: 'Unauthorized.',
          data: { code: 'ERR_JWS_INVALID', name: 'JWSInvalid' },
        },
      };
    }
    if (this.issued.get(token) !== this.apiResource) {
      return {
        status: 401,
        json: {
          code: 'auth.unauthorized',
          message: 'Unauthorized.',
          data: {
            code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
            name: 'JWTClaimValidationFailed',
            claim: 'aud',
            reason: 'check_failed',
            message: 'unexpected "aud" claim value',
          },
        },
      };
    }
    return undefined;
  }

  private respond(req: IncomingMessage, res: ServerResponse, action: FaultAction): void {
    if ('reset' in action) {
      if (action.reset === 'rst') req.socket.resetAndDestroy();
      else req.socket.destroy();
      return;
    }
    if ('hang' in action) return;
    const headers: Record<string, string> = { 'logto-core-request-id': requestId(), ...action.headers };
    if (action.json !== undefined) {
      res.writeHead(action.status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(action.json));
    } else if (action.text !== undefined) {
      res.writeHead(action.status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end(action.text);
    } else {
      res.writeHead(action.status, headers);
      res.end();
    }
  }
}

/** Logto's koa-pagination, reduced to what the client relies on. */
export function paginate(
  baseUrl: string,
  apiPath: string,
  query: URLSearchParams,
  items: unknown[],
  mode: PaginationMode,
): FaultAction {
  const asked = query.has('page') || query.has('page_size');
  if (mode === 'none' || (mode === 'optional' && !asked)) return { status: 200, json: items };
  const page = query.has('page') ? Number(query.get('page')) : 1;
  const size = query.has('page_size') ? Number(query.get('page_size')) : 20;
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > 100) {
    return { status: 400, json: { code: 'guard.invalid_pagination', message: 'The pagination value is not valid.' } };
  }
  const total = items.length;
  const last = Math.max(1, Math.ceil(total / size));
  const routerPath = apiPath.replace(/^\/api/, ''); // Logto's Link URLs lack the /api prefix
  const link = (p: number, rel: string) => `<${baseUrl}${routerPath}?page=${p}&page_size=${size}>; rel="${rel}"`;
  const links = [link(1, 'first')];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < last) links.push(link(page + 1, 'next'));
  links.push(link(last, 'last'));
  return {
    status: 200,
    json: items.slice((page - 1) * size, page * size),
    headers: { 'total-number': String(total), link: links.join(', ') },
  };
}

export async function startFaultServer(options?: FaultServerOptions): Promise<FaultServer> {
  return new FaultServer(options).start();
}
