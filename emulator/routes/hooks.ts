/** `/hooks`: webhooks, signing-key rotation, recent logs and execution stats (docs/logto-behaviour.md#webhooks). */
import { randomBytes } from 'node:crypto';
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import {
  GuardError,
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

/** The emulator never calls webhooks, so every hook's stats are zero. */
function withStats(ctx: RequestContext, row: HookRow): Record<string, unknown> {
  if (ctx.query.get('includeExecutionStats') !== 'true') return row;
  return { ...row, executionStats: { successCount: 0, requestCount: 0 } };
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

  // Logto sends a test payload for each event to `config.url` (422 when that fails). The emulator makes no
  // network calls: it records the call (without `config.headers`, which may hold credentials) and answers
  // 204. `emu.state.tables.hook_test_requests` holds the records.
  r.route('POST', '/hooks/:id/test', (ctx) => {
    const body = ctx.body as { events: string[]; config: HookRow['config'] };
    if (body.events.length === 0) {
      throw new GuardError([
        {
          code: 'too_small',
          minimum: 1,
          type: 'array',
          inclusive: true,
          exact: false,
          path: ['events'],
          message: 'Array must contain at least 1 element(s)',
        },
      ]);
    }
    const hook = find(ctx);
    const id = newId();
    table(ctx, TABLES.hookTestRequests)[id] = {
      id,
      hookId: hook.id,
      events: [...new Set(body.events)],
      url: body.config.url,
      createdAt: Date.now(),
    };
    return noContent();
  });

  r.route('GET', '/hooks/:id/recent-logs', (ctx) => {
    find(ctx);
    return paginate(ctx, [], 'always');
  });
};

export default hooksModule;
