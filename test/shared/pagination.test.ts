// Keyset (cursor) paging: cursors round-trip, every malformed cursor is a 400 BAD_CURSOR in Chinese,
// and pages cut from the rows a keyset query read point at the right neighbours.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors.ts';
import { BAD_CURSOR, CURSOR_MAX_LENGTH, decodeCursor, encodeCursor, keysetPageOf } from '../../src/shared/pagination.ts';

const Key = z.tuple([z.string().max(12), z.string().max(40), z.uuid()]);
const ID = '0b7d6c1e-3f59-4a53-9d1c-2a6f0e4b8c71';
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8').toString('base64url');

describe('encodeCursor / decodeCursor', () => {
  it.each([
    [['500101001001', 'H001', ID], 'after'],
    [['500101001001', '户-01/北', ID], 'before'],
    [['', '', ID], 'after'],
  ] as const)('round-trips %j %s', (key, direction) => {
    const c = encodeCursor(key, direction);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/); // safe in a URL as it is
    expect(decodeCursor(c, Key)).toEqual({ key, direction });
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/=='],
    ['not JSON', b64('{not json')],
    ['JSON, not an object', b64([1, 2, 3])],
    ['no direction', b64({ k: ['500101001001', 'H1', ID] })],
    ['unknown direction', b64({ k: ['500101001001', 'H1', ID], d: 'x' })],
    ['extra field', b64({ k: ['500101001001', 'H1', ID], d: 'a', z: 1 })],
    ['key too short', b64({ k: ['500101001001', 'H1'], d: 'a' })],
    ['key too long', b64({ k: ['500101001001', 'H1', ID, 'x'], d: 'a' })],
    ['id not a uuid', b64({ k: ['500101001001', 'H1', "1' or '1'='1"], d: 'a' })],
    ['number for text', b64({ k: [500101001001, 'H1', ID], d: 'a' })],
    ['village code too long', b64({ k: ['5001010010011', 'H1', ID], d: 'a' })],
    ['over the length limit', 'A'.repeat(CURSOR_MAX_LENGTH + 1)],
  ])('refuses a cursor: %s', (_what, raw) => {
    let caught: unknown;
    try {
      decodeCursor(raw, Key);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AppError);
    const e = caught as AppError;
    expect([e.status, e.code]).toEqual([400, BAD_CURSOR]);
    expect(e.message).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('keysetPageOf', () => {
  const rows = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ n: from + i }));
  const keyOf = (r: { n: number }) => [r.n] as const;
  const at = (c: string | null) => (c ? decodeCursor(c, z.tuple([z.number()])) : null);

  it.each([
    // what the query read, page size, the cursor it was read from → items, next, prev
    ['first page, more after', rows(1, 4), 3, null, [1, 2, 3], { key: [3], direction: 'after' }, null],
    ['first page, all of it', rows(1, 3), 3, null, [1, 2, 3], null, null],
    ['no rows', [], 3, null, [], null, null],
    ['after a cursor, more after', rows(4, 7), 3, { key: [3], direction: 'after' }, [4, 5, 6], { key: [6], direction: 'after' }, { key: [4], direction: 'before' }],
    ['after a cursor, the last page', rows(7, 8), 3, { key: [6], direction: 'after' }, [7, 8], null, { key: [7], direction: 'before' }],
    // before 7, read descending: 6, 5, 4, 3 → the page 4..6, more before
    ['before a cursor, more before', rows(3, 6).reverse(), 3, { key: [7], direction: 'before' }, [4, 5, 6], { key: [6], direction: 'after' }, { key: [4], direction: 'before' }],
    ['before a cursor, back at the start', rows(1, 3).reverse(), 3, { key: [4], direction: 'before' }, [1, 2, 3], { key: [3], direction: 'after' }, null],
  ] as const)('%s', (_what, read, size, cursor, items, next, prev) => {
    const p = keysetPageOf([...read], size, cursor as never, keyOf);
    expect(p.items.map((r) => r.n)).toEqual(items);
    expect(p.pageSize).toBe(size);
    expect(at(p.nextCursor)).toEqual(next);
    expect(at(p.prevCursor)).toEqual(prev);
  });

  it('maps the rows it keeps', () => {
    expect(keysetPageOf(rows(1, 3), 2, null, keyOf, (r) => `#${r.n}`).items).toEqual(['#1', '#2']);
  });
});
