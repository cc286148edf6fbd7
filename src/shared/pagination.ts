// Page-number pagination shared by every list endpoint: ?page=1&pageSize=20 (max 200); keyset
// (cursor) paging for the large lists, below.
import { z } from 'zod';
import { badRequest } from './errors.ts';

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type PageQuery = z.infer<typeof PageQuery>;

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export function pageBounds(q: PageQuery): { limit: number; offset: number } {
  return { limit: q.pageSize, offset: (q.page - 1) * q.pageSize };
}

export function pageOf<T>(items: T[], total: number, q: PageQuery): Page<T> {
  return { items, page: q.page, pageSize: q.pageSize, total };
}

// ---- keyset (cursor) paging -------------------------------------------------------------------
// For large lists (a county's 300 000 households) an offset makes the database walk and discard
// every row before the page; a cursor carries the sort key of the row a page ends (or starts) at,
// so each page is an index range scan of pageSize + 1 rows however deep it is. A cursor is opaque
// to clients: base64url of JSON { k: the key's values, d: 'a' (rows after it) | 'b' (rows before) }.

export type KeyValue = string | number;
export type CursorDirection = 'after' | 'before';
export interface Cursor<K extends readonly KeyValue[]> { key: K; direction: CursorDirection }

export const CURSOR_MAX_LENGTH = 600;
export const BAD_CURSOR = 'BAD_CURSOR';
const BAD_CURSOR_MESSAGE = '翻页位置（cursor）无效，请回到第一页重新查询';

/** The opaque cursor for a sort key. */
export function encodeCursor(key: readonly KeyValue[], direction: CursorDirection = 'after'): string {
  return Buffer.from(JSON.stringify({ k: key, d: direction === 'after' ? 'a' : 'b' }), 'utf8').toString('base64url');
}

/**
 * A cursor back to its sort key, checked against the key's shape (`key`: a zod tuple of the key's
 * columns). Anything else — not base64url, not JSON, a key of another shape — is a 400 BAD_CURSOR.
 */
export function decodeCursor<S extends z.ZodType<readonly KeyValue[]>>(raw: string, key: S): Cursor<z.infer<S>> {
  const bad = () => badRequest(BAD_CURSOR, BAD_CURSOR_MESSAGE);
  if (raw.length === 0 || raw.length > CURSOR_MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const shape = z.object({ k: z.unknown(), d: z.enum(['a', 'b']) }).strict().safeParse(parsed);
  const k = shape.success ? key.safeParse(shape.data.k) : null;
  if (!shape.success || !k?.success) throw bad();
  return { key: k.data as z.infer<S>, direction: shape.data.d === 'a' ? 'after' : 'before' };
}

export interface KeysetPage<T> {
  items: T[];
  pageSize: number;
  /** The cursor of the next page; null on the last. */
  nextCursor: string | null;
  /** The cursor of the page before; null on the first. */
  prevCursor: string | null;
}

/**
 * A page from the rows a keyset query read: up to pageSize + 1 rows in the query's order — ascending
 * for a first page or `after` a cursor, descending `before` one (the extra row says there is more).
 */
export function keysetPageOf<R, T = R>(rows: R[], pageSize: number, cursor: Cursor<readonly KeyValue[]> | null,
  keyOf: (row: R) => readonly KeyValue[], map: (row: R) => T = (r) => r as unknown as T): KeysetPage<T> {
  const more = rows.length > pageSize;
  const taken = rows.slice(0, pageSize);
  if (cursor?.direction === 'before') {
    taken.reverse();
    return {
      items: taken.map(map), pageSize,
      prevCursor: more && taken.length ? encodeCursor(keyOf(taken[0]!), 'before') : null,
      nextCursor: taken.length ? encodeCursor(keyOf(taken[taken.length - 1]!), 'after') : null,
    };
  }
  return {
    items: taken.map(map), pageSize,
    nextCursor: more ? encodeCursor(keyOf(taken[taken.length - 1]!), 'after') : null,
    prevCursor: cursor && taken.length ? encodeCursor(keyOf(taken[0]!), 'before') : null,
  };
}
