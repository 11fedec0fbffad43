/** `/hooks`: webhooks, signing-key rotation, recent logs and execution stats (docs/logto-behaviour.md#webhooks). */
import { createHmac, randomBytes } from 'node:crypto';
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import {
  emptyArrayError,
  guardError,
  newId,
  noContent,
  notExists,
  notExistsWithId,
  notFound,
  ok,
  paginate,
  patchOf,
  TABLES,
  table,
} from '../util.js';

export interface HookRow extends Record<string, unknown> {
  tenantId: string;
  id: string;
  name: string;
  event: string | null;
  events: string[];
  config: { url: string; headers?: Record<string, string>; retries?: number };
  signingKey: string;
  enabled: boolean;
  createdAt: number;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 32 random alphanumeric characters. */
function signingKey(): string {
  let key = '';
  for (const b of randomBytes(32)) key += ALNUM[b % ALNUM.length];
  return key;
}

const hooks = (ctx: RequestContext) => table<HookRow>(ctx, TABLES.hooks);

function find(ctx: RequestContext): HookRow {
  const row = hooks(ctx)[ctx.params.id];
  if (!row) throw notExistsWithId(TABLES.hooks, ctx.params.id);
  return row;
}

/** The emulator never fires webhooks on events (only the test route calls one), so every hook's stats are zero. */
function withStats(ctx: RequestContext, row: HookRow): Record<string, unknown> {
  if (ctx.query.get('includeExecutionStats') !== 'true') return row;
  return { ...row, executionStats: { successCount: 0, requestCount: 0 } };
}

/** Logto gives up on a webhook endpoint after 10 s. */
const HOOK_TIMEOUT_MS = 10_000;

/** What Logto sends as a test: the event with made-up interaction or Management API data. */
function testPayload(hookId: string, event: string): Record<string, unknown> {
  const now = new Date();
  const base = { event, hookId, createdAt: now.toISOString(), userAgent: 'fake-user-agent' };
  // Interaction events have no dot (`PostRegister`); data events do (`User.Created`).
  if (event.includes('.')) {
    return {
      ...base,
      path: '/fake-path/:id',
      method: 'POST',
      status: 200,
      params: { id: 'fake-id' },
      data: { result: 'success' },
    };
  }
  return {
    ...base,
    sessionId: 'fake-session-id',
    userIp: 'fake-user-ip',
    userId: 'fake-id',
    user: {
      id: 'fake-id',
      username: 'fake-user',
      primaryEmail: 'fake-user@fake-service.com',
      name: 'Fake User',
      applicationId: 'fake-application-id',
      isSuspended: false,
      createdAt: now.getTime(),
      updatedAt: now.getTime(),
    },
    application: { id: 'fake-spa-application-id', type: 'SPA', name: 'Fake Application' },
  };
}

/** POST one test payload as Logto does (its user agent, the config's headers, the HMAC signature). */
async function sendTestPayload(config: HookRow['config'], hook: HookRow, event: string): Promise<void> {
  const json = JSON.stringify(testPayload(hook.id, event));
  let answer: Response;
  try {
    const url = new URL(config.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError(`Unsupported protocol: ${url.protocol}`);
    answer = await fetch(url, {
      method: 'POST',
      signal: AbortSignal.timeout(HOOK_TIMEOUT_MS),
      headers: {
        'user-agent': 'Logto (https://logto.io/)',
        ...config.headers,
        'content-type': 'application/json',
        'logto-signature-sha-256': createHmac('sha256', hook.signingKey).update(json).digest('hex'),
      },
      body: json,
    });
  } catch (error) {
    const reason =
      error instanceof DOMException && error.name === 'TimeoutError'
        ? `TimeoutError: Request timed out: POST ${config.url}`
        : error instanceof TypeError && error.message.startsWith('Invalid URL')
          ? `TypeError: Failed to parse URL from ${config.url}`
          : String(error);
    throw new ApiError(422, 'hook.send_test_payload_failed', `Failed to send test payload: ${reason}`);
  }
  const responseBody = await answer.text().catch(() => '');
  if (!answer.ok) {
    throw new ApiError(422, 'hook.endpoint_responded_with_error', 'Endpoint responded with error.', {
      responseStatus: answer.status,
      responseBody,
    });
  }
}

const PATCHABLE = ['name', 'event', 'events', 'config', 'enabled'] as const;

const hooksModule: RouteModule = (r) => {
  r.route('GET', '/hooks', (ctx) => {
    const rows = Object.values(hooks(ctx))
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((row) => withStats(ctx, row));
    return paginate(ctx, rows, 'optional');
  });

  r.route('POST', '/hooks', (ctx) => {
    const body = ctx.body as Partial<HookRow> & { config: HookRow['config'] };
    // `events: []` fails Logto's guard (at least one); no events at all is `hook.missing_events`
    // (docs/logto-behaviour.md#webhooks).
    if (Array.isArray(body.events) && body.events.length === 0)
      throw guardError('events', 'Array must contain at least 1 element(s)', 'too_small');
    const events = body.events ?? [];
    const event = body.event ?? null;
    if (events.length === 0 && !event) {
      throw new ApiError(400, 'hook.missing_events', 'You need to provide at least one event.');
    }
    const row: HookRow = {
      tenantId: 'default',
      id: newId(),
      name: body.name ?? '',
      event,
      events,
      config: body.config,
      signingKey: signingKey(),
      enabled: body.enabled ?? true,
      createdAt: Date.now(),
    };
    hooks(ctx)[row.id] = row;
    return ok(row, 201);
  });

  r.route('GET', '/hooks/:id', (ctx) => ok(withStats(ctx, find(ctx))));

  r.route('PATCH', '/hooks/:id', (ctx) => {
    const patch = patchOf(ctx.body as Partial<HookRow>, PATCHABLE);
    // PATCH of an unknown hook answers `entity.not_exists` (GET: `…_with_id`, DELETE: `entity.not_found`).
    const row = hooks(ctx)[ctx.params.id];
    if (!row) throw notExists('hook');
    Object.assign(row, patch);
    return ok(row);
  });

  r.route('DELETE', '/hooks/:id', (ctx) => {
    const all = hooks(ctx);
    if (!all[ctx.params.id]) throw notFound();
    delete all[ctx.params.id];
    return noContent();
  });

  r.route('PATCH', '/hooks/:id/signing-key', (ctx) => {
    const row = hooks(ctx)[ctx.params.id];
    if (!row) throw notExists('hook');
    row.signingKey = signingKey();
    return ok(row);
  });

  // Logto sends a test payload for each event to `config.url` (the body's, not the hook's): 204 when every one is
  // answered 2xx, 422 `hook.endpoint_responded_with_error` (with the answer) or `hook.send_test_payload_failed`
  // (bad URL, refused, timed out) otherwise. So does the emulator, to any host (unlike the SSO check), only when a
  // client calls this route, to the URL that client names (see the README). The call is also recorded,
  // without `config.headers` (they may hold credentials), in `emu.state.tables.hook_test_requests`.
  r.route('POST', '/hooks/:id/test', async (ctx) => {
    const body = ctx.body as { events: string[]; config: HookRow['config'] };
    if (body.events.length === 0) {
      throw emptyArrayError('events');
    }
    const hook = find(ctx);
    const events = [...new Set(body.events)];
    const id = newId();
    table(ctx, TABLES.hookTestRequests)[id] = {
      id,
      hookId: hook.id,
      events,
      url: body.config.url,
      createdAt: Date.now(),
    };
    await Promise.all(events.map((event) => sendTestPayload(body.config, hook, event)));
    return noContent();
  });

  r.route('GET', '/hooks/:id/recent-logs', (ctx) => {
    find(ctx);
    return paginate(ctx, [], 'always');
  });
};

export default hooksModule;
