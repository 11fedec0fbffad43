/**
 * Small helpers shared by resource modules: 404 handling, reads served from a memoised bulk list, body
 * building. (Memoisation itself is `cached` / `invalidate` in `contract.ts`.) Only generic mechanics live
 * here; anything specific to one API route stays in its module.
 */
import { z } from 'zod';
import { cached, invalidate, type Live, type Relation, type ResourceContext, type Spec } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';

/** A color as Logto's branding accepts it. */
export const hexColor = lazySchema(() =>
  z.string().regex(/^#[\da-f]{3}([\da-f]{3})?$/i, 'use a hex color such as `#5b3ff0` or `#fff`'),
);
/** An absolute http(s) URL (Logto's links and logos). */
export const httpUrl = lazySchema(() => z.url({ protocol: /^https?$/, error: 'use an absolute http(s) URL' }));

/** An HTTP 404 from the client (recognised by shape, so resources do not depend on the client class). */
export function isNotFound(error: unknown): boolean {
  return !!error && typeof error === 'object' && (error as { status?: unknown }).status === 404;
}

/** An API error with this HTTP status and Logto error code (recognised by shape, like `isNotFound`). */
export function hasCode(error: unknown, status: number, code: string): boolean {
  const e = error as { status?: unknown; code?: unknown } | undefined;
  return !!e && e.status === status && e.code === code;
}

/** GET that answers undefined on 404. */
export async function getOrUndefined<T>(ctx: ResourceContext, path: string): Promise<T | undefined> {
  try {
    return await ctx.client.get<T>(path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * One object by id, served from the memoised bulk list; an id missing from the list is confirmed with a
 * single GET (the list may predate a create made outside this context).
 */
export async function readViaList<T extends { id: string }>(
  ctx: ResourceContext,
  rows: Promise<T[]>,
  id: string,
  path: string,
): Promise<T | undefined> {
  const row = (await rows).find((r) => r.id === id);
  return row ?? getOrUndefined<T>(ctx, path);
}

/** DELETE that treats 404 as success for relation members that are already gone. */
export async function deleteIgnoringMissing(ctx: ResourceContext, path: string): Promise<void> {
  try {
    await ctx.client.delete(path);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/**
 * A relation kept as a set of ids under `route(parentId)`: GET lists the members, one POST `{[bodyKey]: ids}`
 * adds (idempotent on these routes), and one DELETE `…/<id>` each removes (404 = already gone).
 */
export function idSetRelation(field: string, route: (parentId: string) => string, bodyKey: string): Relation {
  return {
    field,
    async read(ctx, parentId) {
      return (await ctx.client.list<{ id: string }>(route(parentId))).map((x) => x.id);
    },
    async add(ctx, parentId, ids) {
      if (ids.length === 0) return;
      await ctx.client.post(route(parentId), { [bodyKey]: ids }, { createsObject: false });
    },
    async remove(ctx, parentId, ids) {
      for (const id of ids) await deleteIgnoringMissing(ctx, `${route(parentId)}/${seg(id)}`);
    },
  };
}

/** `{a, b}` of `source` restricted to the keys whose value is not undefined. */
export function pickDefined<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (source[k] !== undefined) out[k] = source[k];
  return out;
}

/** A URL path segment. */
export const seg = (value: string): string => encodeURIComponent(value);

/** Plain-object check for merging API JSON. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** Logto drops empty strings, nulls, and empty objects and arrays from JSON it stores (clean-deep). */
export function cleanDeep(value: unknown): unknown {
  if (Array.isArray(value)) {
    const out = value.map(cleanDeep).filter((v) => v !== undefined);
    return out.length > 0 ? out : undefined;
  }
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const cleaned = cleanDeep(v);
      if (cleaned !== undefined) out[k] = cleaned;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value === null || value === '' ? undefined : value;
}

/** `desired` laid over `live` (one level): for nested objects Logto replaces wholesale and needs complete. */
export function overlay(live: unknown, desired: Record<string, unknown> | undefined): Record<string, unknown> {
  const base = isRecord(live) ? live : {};
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(desired ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

/** Flat spec fields that live inside an API object: field → [object, key] (`logoUrl` → `branding.logoUrl`). */
export type Nesting = Partial<Record<string, readonly [string, string]>>;

/** The value of flat spec `field` in an API row. */
export function nestedValue(row: Record<string, unknown>, field: string, nesting: Nesting): unknown {
  const nested = nesting[field];
  if (!nested) return row[field];
  const group = row[nested[0]];
  return isRecord(group) ? group[nested[1]] : undefined;
}

/**
 * The write body for `fields` of a flat `desired` spec: top-level fields as they are (through `top`), and
 * each nested object the fields touch sent complete, desired leaves over the live row's (Logto replaces
 * these objects wholesale).
 */
export function nestedBody(
  fields: string[],
  desired: Record<string, unknown>,
  live: Record<string, unknown>,
  nesting: Nesting,
  top: (field: string, value: unknown) => unknown = (_field, value) => value,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const groups = new Set<string>();
  for (const field of fields) {
    if (desired[field] === undefined) continue;
    const nested = nesting[field];
    if (nested) groups.add(nested[0]);
    else body[field] = top(field, desired[field]);
  }
  for (const group of groups) {
    const leaves: Record<string, unknown> = {};
    for (const [field, at] of Object.entries(nesting)) {
      if (at && at[0] === group && desired[field] !== undefined) leaves[at[1]] = desired[field];
    }
    body[group] = overlay(live[group], leaves);
  }
  return body;
}

/**
 * The plumbing of a type served by one collection route (`/hooks`, `/organizations`, …): the bulk list
 * (paginated with `query`, e.g. `includeScopes`, or one GET for a route that has no pagination and answers
 * every row, such as `/email-templates`), memoised as `<kind>:list`; reads served from it; POST, PATCH and
 * DELETE that first forget the kind's memo. `toLive` is always called with the row alone.
 */
export function collection<Row extends { id: string }, S extends Spec>(
  kind: string,
  route: string,
  toLive: (row: Row) => Live<S>,
  listing: { query?: Record<string, string>; unpaginated?: boolean } = {},
) {
  const path = (id: string) => `${route}/${seg(id)}`;
  const listAll = (ctx: ResourceContext): Promise<Row[]> =>
    cached(ctx, `${kind}:list`, () =>
      listing.unpaginated ? ctx.client.get<Row[]>(route) : ctx.client.list<Row>(route, listing.query),
    );
  return {
    path,
    listAll,
    async read(ctx: ResourceContext, id: string): Promise<Live<S> | undefined> {
      const row = await readViaList(ctx, listAll(ctx), id, path(id));
      return row ? toLive(row) : undefined;
    },
    async list(ctx: ResourceContext): Promise<Live<S>[]> {
      return (await listAll(ctx)).map((row) => toLive(row));
    },
    /** A `findByKey` returning the listed objects for which `matches` holds. */
    findBy(matches: (row: Row, spec: S) => boolean) {
      return async (ctx: ResourceContext, spec: S): Promise<Live<S>[]> =>
        (await listAll(ctx)).filter((row) => matches(row, spec)).map((row) => toLive(row));
    },
    async create(ctx: ResourceContext, body: object): Promise<Live<S>> {
      invalidate(ctx, `${kind}:`);
      return toLive(await ctx.client.post<Row>(route, body));
    },
    /** PATCH `body`; an empty body answers `live` without a request (PATCH {} is a 422 on these routes). */
    async patch(ctx: ResourceContext, id: string, body: object, live: Live<S>): Promise<Live<S>> {
      if (Object.keys(body).length === 0) return live;
      invalidate(ctx, `${kind}:`);
      return toLive(await ctx.client.patch<Row>(path(id), body));
    },
    async delete(ctx: ResourceContext, id: string): Promise<void> {
      invalidate(ctx, `${kind}:`);
      await ctx.client.delete(path(id));
    },
  };
}

/**
 * The operations every singleton shares (sign-in experience, account center, token configs…): read and
 * list the one object at `route`; "create" adopts it and writes the fields the spec sets; "update" writes
 * the changed fields over the live row; "delete" forgets it. `body` builds the request for `fields` of
 * `desired` on top of the live row; an empty body sends nothing (PATCH {} is a 422 on these routes).
 */
export function singletonOperations<Row, S extends Spec>(options: {
  route: string;
  method: 'PATCH' | 'PUT';
  toLive: (row: Row) => Live<S>;
  body: (fields: string[], desired: S, live: Row) => Record<string, unknown>;
}) {
  const { route, method, toLive, body } = options;
  const readRow = (ctx: ResourceContext) => ctx.client.get<Row>(route);
  async function write(ctx: ResourceContext, fields: string[], desired: S, row: Row): Promise<Live<S>> {
    const request = body(fields, desired, row);
    if (Object.keys(request).length === 0) return toLive(row);
    return toLive(await ctx.client.request<Row>(method, route, { body: request }));
  }
  return {
    async read(ctx: ResourceContext): Promise<Live<S>> {
      return toLive(await readRow(ctx));
    },
    async list(ctx: ResourceContext): Promise<Live<S>[]> {
      return [toLive(await readRow(ctx))];
    },
    async create(ctx: ResourceContext, spec: S): Promise<Live<S>> {
      return write(ctx, Object.keys(spec), spec, await readRow(ctx));
    },
    async update(ctx: ResourceContext, _id: string, changes: Partial<S>, live: Live<S>, desired: S) {
      const row = (live.raw as Row | undefined) ?? (await readRow(ctx));
      return write(ctx, Object.keys(changes), { ...desired, ...changes }, row);
    },
    /** A singleton cannot be deleted: forgetting it leaves the tenant's settings as they are. */
    async delete(): Promise<void> {},
  };
}
