/** Helpers shared by route modules. */
import { randomBytes } from 'node:crypto';
import { ApiError, type HandlerResult, type PaginationMode, type RequestContext } from './types.js';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Logto ids: lowercase [0-9a-z]; 21 chars for most entities, 12 for organizations and SSO connectors. */
export function newId(length = 21): string {
  const bytes = randomBytes(length);
  let id = '';
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
  return id;
}

export function table<T extends Record<string, unknown> = Record<string, unknown>>(
  ctx: RequestContext,
  name: string,
): Record<string, T> {
  ctx.state.tables[name] ??= {};
  return ctx.state.tables[name] as Record<string, T>;
}

export function relation(ctx: RequestContext, name: string): Array<Record<string, string>> {
  ctx.state.relations[name] ??= [];
  return ctx.state.relations[name];
}

/** `The <table> with ID \`<id>\` does not exist.` — 404 entity.not_exists_with_id. */
export function notExistsWithId(tableName: string, id: string): ApiError {
  return new ApiError(404, 'entity.not_exists_with_id', `The ${tableName} with ID \`${id}\` does not exist.`, {
    id,
  });
}
export function notFound(): ApiError {
  return new ApiError(404, 'entity.not_found', 'The entity does not exist in the database.');
}
export function notExists(tableName: string): ApiError {
  return new ApiError(404, 'entity.not_exists', `The ${tableName} does not exist.`);
}
export function emptyPatch(): ApiError {
  return new ApiError(422, 'entity.invalid_input', 'Value list must not be empty.');
}

export const ok = (json: unknown, status = 200): HandlerResult => ({ status, json });
export const text = (body: string, status: number): HandlerResult => ({ status, text: body });
export const noContent = (): HandlerResult => ({ status: 204 });

/**
 * Render a list the way Logto's koa-pagination does: `optional` routes return everything without headers
 * unless `page` or `page_size` is present; `always` routes paginate with 20 per page by default; `none`
 * routes ignore the parameters. Invalid parameters → 400 guard.invalid_pagination. `Link` URLs omit `/api`
 * like the real server.
 */
export function paginate(ctx: RequestContext, rows: unknown[], mode: PaginationMode): HandlerResult {
  const hasPage = ctx.query.has('page');
  const hasSize = ctx.query.has('page_size');
  if (mode === 'none' || (mode === 'optional' && !hasPage && !hasSize)) return ok(rows);
  const page = hasPage ? Number(ctx.query.get('page')) : 1;
  const size = hasSize ? Number(ctx.query.get('page_size')) : 20;
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > 100) {
    throw new ApiError(400, 'guard.invalid_pagination', 'The pagination value is not valid.');
  }
  const total = rows.length;
  const items = rows.slice((page - 1) * size, page * size);
  const last = Math.max(1, Math.ceil(total / size));
  const path = ctx.route.replace(/:(\w+)/g, (_, name: string) => ctx.params[name] ?? '');
  const link = (p: number, rel: string) => `<${ctx.baseUrl}${path}?page=${p}&page_size=${size}>; rel="${rel}"`;
  const links = [link(1, 'first')];
  if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'));
  if (page < last) links.push(link(page + 1, 'next'));
  links.push(link(last, 'last'));
  return { status: 200, json: items, headers: { 'Total-Number': String(total), Link: links.join(', ') } };
}
