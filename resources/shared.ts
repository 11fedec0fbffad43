/**
 * Small helpers shared by resource modules: 404 handling, reads served from a memoised bulk list, body
 * building. (Memoisation itself is `cached` / `invalidate` in `contract.ts`.) Only generic mechanics live
 * here; anything specific to one API route stays in its module.
 */
import type { ResourceContext } from './contract.js';

/** An HTTP 404 from the client (recognised by shape, so resources do not depend on the client class). */
export function isNotFound(error: unknown): boolean {
  return !!error && typeof error === 'object' && (error as { status?: unknown }).status === 404;
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

/** `desired` laid over `live` (one level): for nested objects Logto replaces wholesale and needs complete. */
export function overlay(live: unknown, desired: Record<string, unknown> | undefined): Record<string, unknown> {
  const base = isRecord(live) ? live : {};
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(desired ?? {})) if (v !== undefined) out[k] = v;
  return out;
}
