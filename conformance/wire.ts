/**
 * The conformance tool's view of a server: raw HTTP (global fetch, not our client, so the wire format itself is
 * compared), a client-credentials token, and answers reduced to what a client can rely on — status, Logto's
 * error code and message, the body's shape (keys and value types; ids and timestamps are not compared by
 * value), and the headers that matter (Total-Number, the rels of Link, content type).
 */

export interface Server {
  /** Base URL without `/api`. */
  url: string;
  appId: string;
  appSecret: string;
  resource: string;
}

export interface Reply {
  status: number;
  headers: Headers;
  json: unknown;
  text: string;
}

export interface Api {
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
}

/** A client-credentials token for the Management API. */
export async function fetchToken(server: Server): Promise<string> {
  const res = await fetch(`${server.url}/oidc/token`, {
    method: 'POST',
    signal: AbortSignal.timeout(15_000),
    headers: {
      authorization: `Basic ${Buffer.from(`${server.appId}:${server.appSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: server.resource, scope: 'all' }),
  });
  if (res.status !== 200) throw new Error(`${server.url}: token request answered ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/**
 * A raw client with a token. A string body is sent as it is (to send malformed JSON), anything else as JSON;
 * a JSON answer is parsed, any other kept as text.
 */
export async function connect(server: Server): Promise<Api & { token: string }> {
  const token = await fetchToken(server);
  return {
    token,
    async call(method, path, body, headers = {}) {
      const reply = await fetch(`${server.url}/api${path}`, {
        method,
        signal: AbortSignal.timeout(15_000),
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await reply.text();
      const json = (reply.headers.get('content-type') ?? '').includes('application/json')
        ? JSON.parse(text)
        : undefined;
      return { status: reply.status, headers: reply.headers, json, text };
    },
  };
}

/**
 * The shape of a JSON value: key sets and value types, recursively, down to `depth` levels (deeper values
 * are `*`); arrays by the distinct shapes of their items.
 */
export function shape(value: unknown, depth = Number.POSITIVE_INFINITY): unknown {
  if (depth <= 0) return '*';
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const items = [...new Set(value.map((v) => JSON.stringify(shape(v, depth - 1))))].sort();
    return items.map((i) => JSON.parse(i));
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort())
      out[key] = shape((value as Record<string, unknown>)[key], depth - 1);
    return out;
  }
  return typeof value;
}

/** Ids in messages (`The scope id <id> has…`) differ between servers by nature: 12- and 21-character ids. */
const ID_IN_TEXT = /\b(?=[0-9a-z]*\d)(?=[0-9a-z]*[a-z])[0-9a-z]{12}(?:[0-9a-z]{9})?\b/g;

export interface AnswerOptions {
  /** Top-level fields compared by value (e.g. a list the server filters). */
  values?: string[];
  /** How deep the body's shape is compared: 1 = its keys only (a tenant's settings, whose values vary). */
  depth?: number;
}

export interface Answer {
  /** What was asked, e.g. `GET /roles/<missing>`. */
  request: string;
  status: number;
  code?: string;
  message?: string;
  body?: unknown;
  headers: Record<string, string>;
}

/**
 * A reply reduced to what is compared. An error body is compared by its code, message and keys down to those
 * of `data` (what is inside Logto's `data.error` is a library's internals).
 */
export function answer(request: string, reply: Reply, options: AnswerOptions = {}): Answer {
  const out: Answer = { request, status: reply.status, headers: {} };
  const body = reply.json as Record<string, unknown> | undefined;
  const isError = reply.status >= 400 && body !== undefined && typeof body === 'object' && !Array.isArray(body);
  if (isError) {
    if (typeof body.code === 'string') out.code = body.code;
    if (typeof body.message === 'string') out.message = body.message.replace(ID_IN_TEXT, '<id>');
  }
  const values = options.values ?? [];
  if (reply.json !== undefined) {
    const s = shape(reply.json, isError ? 2 : (options.depth ?? Number.POSITIVE_INFINITY));
    if (values.length > 0 && body && typeof body === 'object') {
      for (const field of values) (s as Record<string, unknown>)[field] = body[field] ?? null;
    }
    out.body = s;
  }
  const total = reply.headers.get('total-number');
  if (total !== null) out.headers['total-number'] = /^\d+$/.test(total) ? 'number' : total;
  const link = reply.headers.get('link');
  if (link !== null) out.headers.link = [...link.matchAll(/rel="(\w+)"/g)].map((m) => m[1]).join(',');
  const type = reply.headers.get('content-type');
  if (type !== null) out.headers['content-type'] = type.split(';')[0]!.trim();
  return out;
}

/** Where two answers differ, one line each (empty when they agree). */
export function differences(a: Answer, b: Answer): string[] {
  const out: string[] = [];
  const field = (name: string, x: unknown, y: unknown) => {
    const sx = JSON.stringify(x);
    const sy = JSON.stringify(y);
    if (sx !== sy) out.push(`${a.request}: ${name} ${sx ?? 'absent'} ≠ ${sy ?? 'absent'}`);
  };
  field('status', a.status, b.status);
  field('code', a.code, b.code);
  field('message', a.message, b.message);
  field('headers', a.headers, b.headers);
  field('body', a.body, b.body);
  return out;
}
