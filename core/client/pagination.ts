/**
 * Reading every row of a list route. Logto has three kinds of list routes (docs/logto-behaviour.md#pagination):
 * "always" (paginated, 20 by default), "optional" (paginated only when `page`/`page_size` is sent) and
 * "none" (ignore both and return everything). Sending `page` and `page_size=100` turns paging on for the
 * first two; the third answers without `Total-Number`, so one request is the whole list.
 *
 * `Link` headers are not followed: their URLs lack the `/api` prefix. Pages are built from `page` instead.
 */

export const PAGE_SIZE = 100;
/** Hard stop against a server that never runs out of pages. */
export const MAX_PAGES = 10_000;

export interface Page {
  items: unknown;
  /** `Total-Number` header, when present. */
  totalNumber: number | undefined;
}

export function parseTotalNumber(header: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

function idOf(item: unknown): string | undefined {
  if (item && typeof item === 'object' && 'id' in item) {
    const id = (item as { id: unknown }).id;
    if (typeof id === 'string') return id;
  }
  return undefined;
}

/**
 * Fetch pages 1, 2, … until a short or empty page, or until `Total-Number` rows have been read. A response
 * without `Total-Number` comes from a route that does not paginate: it is the whole list. Rows that show up
 * twice (the list shifted between pages) are kept once, by `id`.
 */
export async function collectPages<T>(
  describe: string,
  fetchPage: (page: number, pageSize: number) => Promise<Page>,
  pageSize = PAGE_SIZE,
): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { items, totalNumber } = await fetchPage(page, pageSize);
    if (!Array.isArray(items)) {
      throw new TypeError(
        `${describe}: expected a JSON array from a list route, got ${items === null ? 'null' : typeof items}`,
      );
    }
    for (const item of items as T[]) {
      const id = idOf(item);
      if (id !== undefined) {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      out.push(item);
    }
    if (totalNumber === undefined) return out; // not paginated: everything came back at once
    if (items.length < pageSize || out.length >= totalNumber) return out;
  }
  throw new Error(`${describe}: more than ${MAX_PAGES} pages; giving up`);
}
