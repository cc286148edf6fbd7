// The streaming multipart reader (src/io/uploads.ts, behind src/http/multipart.ts) on its own: fields in any order around the
// file, the body cut into 1-byte and random pieces (boundaries and their CRLFs split across pieces,
// file content that looks like a boundary), the limits, malformed bodies, and the temporary file's
// life (written while streaming, read back, removed on discard, on refusal, and by the sweep); and the
// formData() fallback where no streaming reader is injected (Workers). The routes over HTTP:
// test/hardening/upload-memory.test.ts.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readWithFormData, type Upload, type UploadOptions } from '../../src/http/multipart.ts';
import { readMultipart, sweepUploadTmp } from '../../src/io/uploads.ts';
import { AppError } from '../../src/shared/errors.ts';
import { ct, enc, MB, multipart, type Part, spoolDirs, streamOf } from './multipart-support.ts';

const spools = spoolDirs();
const spoolDir = () => spools.make();
afterAll(() => spools.removeAll());


type ReadOptions = UploadOptions & { spool: string | null };
async function read(body: Uint8Array | ReadableStream<Uint8Array> | null, boundary: string, opts: Partial<ReadOptions> = {}) {
  const stream = body instanceof Uint8Array ? streamOf(body) : body;
  return readMultipart(stream, ct(boundary), { maxFileBytes: 10 * MB, spool: null, ...opts });
}

async function bytesOf(u: Upload) {
  const out: Uint8Array[] = [];
  for await (const c of u.file!.stream()) out.push(c);
  return Buffer.concat(out);
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    const err = e as AppError;
    expect(err.status).toBeGreaterThanOrEqual(400);
    expect(err.status).toBeLessThan(500);
    expect(err.message).toMatch(/[\u4e00-\u9fff]/);
    return err;
  }
  throw new Error('expected a refusal');
}

// File content that tries to confuse the boundary search: CRLFs, dashes, the boundary's prefix.
const B = 'xYz0--boundary';
const TRICKY = enc.encode(`a,b\r\n1,2\r\n--xYz0\r\n\r\n--xYz0--boundar\r\n-${'\r\n'.repeat(3)}--${'-'.repeat(20)}\r`);
const FIELDS = { countyCode: '500101000000', listDate: '2026-01-10', dryRun: 'true' };

describe('field order', () => {
  const file: Part = { name: 'file', value: TRICKY, filename: '名单.csv', type: 'text/csv' };
  const f = Object.entries(FIELDS).map(([name, value]) => ({ name, value }));
  const orders: Array<[string, Part[]]> = [
    ['fields before the file', [...f, file]],
    ['the file before the fields', [file, ...f]],
    ['the file between fields', [f[0]!, file, f[1]!, f[2]!]],
  ];
  for (const [what, parts] of orders) {
    it(`reads ${what}`, async () => {
      const u = await read(multipart(B, parts), B);
      expect(u.fields).toEqual(FIELDS);
      expect(u.file).toMatchObject({ name: '名单.csv', type: 'text/csv', size: TRICKY.length, path: null });
      expect(u.file!.sha256).toBe(createHash('sha256').update(TRICKY).digest('hex'));
      expect(Buffer.compare(await bytesOf(u), Buffer.from(TRICKY))).toBe(0);
    });
  }

  it('gives the same digest whatever the order and the boundary, another for other content', async () => {
    const a = await read(multipart(B, orders[0]![1]), B);
    const b = await read(multipart('other-boundary', [file, ...[...f].reverse()]), 'other-boundary');
    expect(a.digest).toBe(b.digest);
    const changed = await read(multipart(B, [...f.slice(0, 2), { name: 'dryRun', value: 'false' }, file]), B);
    expect(changed.digest).not.toBe(a.digest);
    const otherFile = await read(multipart(B, [...f, { ...file, value: enc.encode('a,b\r\n') }]), B);
    expect(otherFile.digest).not.toBe(a.digest);
  });
});

describe('a body cut anywhere', () => {
  const body = multipart(B, [
    { name: 'countyCode', value: FIELDS.countyCode },
    { name: 'file', value: TRICKY, filename: 'x.csv', type: 'text/csv' },
    { name: 'listDate', value: FIELDS.listDate },
  ]);
  const expectWhole = async (u: Upload) => {
    expect(u.fields).toEqual({ countyCode: FIELDS.countyCode, listDate: FIELDS.listDate });
    expect(Buffer.compare(await bytesOf(u), Buffer.from(TRICKY))).toBe(0);
  };

  it('reads it fed one byte at a time, in memory and on disk', async () => {
    await expectWhole(await read(streamOf(body, [1]), B));
    const u = await read(streamOf(body, [1]), B, { spool: spoolDir() });
    await expectWhole(u);
    await u.discard();
  });

  it('reads it cut at every position into two pieces (each boundary and CRLF split once)', async () => {
    for (let cut = 1; cut < body.length; cut++) await expectWhole(await read(streamOf(body, [cut, body.length]), B));
  });

  it('reads it cut into random pieces (property)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 60 }), async (sizes) => {
      await expectWhole(await read(streamOf(body, sizes), B));
    }), { numRuns: 300 });
  });

  it('refuses it cut short at any position, leaving no temporary file', async () => {
    const dir = spoolDir();
    const cuts = fc.sample(fc.integer({ min: 0, max: body.length - 3 }), 60);
    for (const at of [0, 1, ...cuts, body.length - 4, body.length - 3]) {
      const err = await refusal(read(streamOf(body.subarray(0, at), [7]), B, { spool: dir }));
      expect([at, err.code]).toEqual([at, 'MULTIPART_INVALID']);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes the closing boundary without its final CRLF, and ignores an epilogue and a preamble', async () => {
    const bare = multipart(B, [{ name: 'countyCode', value: '1' }], { close: `--${B}--` });
    expect((await read(bare, B)).fields).toEqual({ countyCode: '1' });
    const extra = multipart(B, [{ name: 'countyCode', value: '1' }], { preamble: 'ignore me\r\n', close: `--${B}--\r\nepilogue` });
    expect((await read(extra, B)).fields).toEqual({ countyCode: '1' });
  });
});

describe('limits', () => {
  it('refuses a file past maxFileBytes with 413 and removes what was spooled; takes one at the limit', async () => {
    const dir = spoolDir();
    const big = new Uint8Array(3 * MB + 1).fill(0x41);
    const body = multipart(B, [{ name: 'countyCode', value: '1' }, { name: 'file', value: big, filename: 'big.csv' }]);
    const err = await refusal(read(streamOf(body, [64 * 1024]), B, { maxFileBytes: 3 * MB, spool: dir }));
    expect([err.status, err.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(err.message).toContain('3 MB');
    expect(readdirSync(dir)).toEqual([]);
    const exact = multipart(B, [{ name: 'file', value: big.subarray(0, 3 * MB), filename: 'ok.csv' }]);
    const u = await read(streamOf(exact, [64 * 1024]), B, { maxFileBytes: 3 * MB, spool: dir });
    expect(u.file!.size).toBe(3 * MB);
    await u.discard();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses an oversize field, too many parts and a second file', async () => {
    const long = multipart(B, [{ name: 'countyCode', value: '5'.repeat(9000) }]);
    expect((await refusal(read(long, B))).code).toBe('FIELD_TOO_LARGE');
    expect((await refusal(read(long, B, { maxFieldBytes: 100 }))).message).toContain('countyCode');
    expect((await read(long, B, { maxFieldBytes: 9000 })).fields.countyCode).toHaveLength(9000);
    const many = multipart(B, Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, value: 'x' })));
    expect((await refusal(read(many, B))).code).toBe('MULTIPART_TOO_MANY_PARTS');
    const dir = spoolDir();
    const two = multipart(B, [{ name: 'file', value: 'a', filename: 'a.csv' }, { name: 'file', value: 'b', filename: 'b.csv' }]);
    expect((await refusal(read(two, B, { spool: dir }))).code).toBe('FILE_DUPLICATE');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('passes on the error of the body stream itself (the route\'s body limit), removing the spooled part', async () => {
    const dir = spoolDir();
    const head = multipart(B, [{ name: 'file', value: new Uint8Array(256 * 1024), filename: 'a.csv' }]).subarray(0, 200 * 1024);
    let sent = false;
    const limit = new AppError(413, 'PAYLOAD_TOO_LARGE', '请求内容过大（上限 1 MB）');
    const stream = new ReadableStream<Uint8Array>({
      pull(ctl) { if (!sent) { sent = true; ctl.enqueue(head); } else ctl.error(limit); },
    });
    const err = await refusal(read(stream, B, { spool: dir }));
    expect(err).toBe(limit);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('malformed bodies', () => {
  const good = multipart(B, [{ name: 'countyCode', value: '1' }, { name: 'file', value: 'a', filename: 'a.csv' }]);
  const cases: Array<[string, ReadableStream<Uint8Array> | null, string]> = [
    ['no boundary parameter', streamOf(good), 'multipart/form-data'],
    ['an empty boundary', streamOf(good), 'multipart/form-data; boundary='],
    ['another boundary than the body\'s', streamOf(good), ct('not-the-one')],
    ['no body at all', null, ct(B)],
    ['an empty body', streamOf(new Uint8Array()), ct(B)],
    ['text that is no multipart', streamOf(enc.encode('hello, this is not multipart')), ct(B)],
    ['no final boundary', streamOf(good.subarray(0, good.length - `--${B}--\r\n`.length)), ct(B)],
    ['a final boundary without its dashes', streamOf(good.subarray(0, good.length - 4)), ct(B)],
    ['a part header without CRLFCRLF', streamOf(enc.encode(`--${B}\r\nContent-Disposition: form-data; name="a"`)), ct(B)],
  ];
  for (const [what, body, type] of cases) {
    it(`refuses ${what} with 400 MULTIPART_INVALID`, async () => {
      const dir = spoolDir();
      const err = await refusal(readMultipart(body, type, { maxFileBytes: MB, spool: dir }));
      expect([err.status, err.code]).toEqual([400, 'MULTIPART_INVALID']);
      expect(readdirSync(dir)).toEqual([]);
    });
  }

  it('skips parts without a form-data disposition, and reads a text part named file as a field', async () => {
    const body = multipart(B, [
      { name: 'x', value: 'skipped', headers: 'Content-Type: text/plain' },
      { name: 'file', value: 'just text' },
      { name: 'other', value: 'a', filename: 'other.csv' },
    ]);
    const u = await read(body, B);
    expect(u.fields).toEqual({ file: 'just text' });
    expect(u.file).toBeUndefined();
  });

  it('keeps no more than 16 KB of a part\'s headers (1 MB of them is read past)', async () => {
    const long = enc.encode(`--${B}\r\nContent-Disposition: form-data; name="a"\r\nX-Long: ${'a'.repeat(MB)}\r\n\r\nv\r\n`);
    const u = await read(Buffer.concat([long, multipart(B, [{ name: 'b', value: 'kept' }])]), B);
    expect(u.fields).toEqual({ a: 'v', b: 'kept' });
  });
});

describe('file names', () => {
  it('decodes UTF-8 names, escaped quotes and RFC 5987 names, and keeps folder parts as sent', async () => {
    const name = async (headers: string) =>
      (await read(multipart(B, [{ name: 'file', value: 'a', headers }]), B)).file!.name;
    expect(await name('Content-Disposition: form-data; name="file"; filename="名单 %22甲%22.csv"')).toBe('名单 "甲".csv');
    expect(await name("Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''%E5%90%8D%E5%8D%95.csv")).toBe('名单.csv');
    expect(await name('Content-Disposition: form-data; name="file"; filename="C:\\\\Users\\\\a\\\\list.csv"')).toBe('C:\\Users\\a\\list.csv');
    expect(await name('Content-Disposition: form-data; name="file"; filename=""')).toBe('');
  });

  it('reads what the platform FormData sends', async () => {
    const form = new FormData();
    form.set('file', new File([TRICKY], '名单 "x".csv', { type: 'text/csv' }));
    form.set('countyCode', '500101000000');
    const req = new Request('http://x/', { method: 'POST', body: form });
    const u = await readMultipart(req.body, req.headers.get('content-type')!, { maxFileBytes: MB, spool: null });
    expect(u.fields).toEqual({ countyCode: '500101000000' });
    expect(u.file).toMatchObject({ name: '名单 "x".csv', type: 'text/csv', size: TRICKY.length });
  });
});

describe('the temporary file', () => {
  const body = multipart(B, [{ name: 'file', value: TRICKY, filename: 'a.csv' }]);

  it('holds the bytes until discarded; take() hands it over', async () => {
    const dir = spoolDir();
    const u = await read(streamOf(body, [5]), B, { spool: dir });
    const path = u.file!.path!;
    expect(path.startsWith(dir)).toBe(true);
    expect(existsSync(path)).toBe(true);
    expect(Buffer.compare(await bytesOf(u), Buffer.from(TRICKY))).toBe(0);
    expect(Buffer.compare(Buffer.from(await u.file!.bytes()), Buffer.from(TRICKY))).toBe(0);
    const taken = u.take();
    await u.discard(); // not the upload's any more
    expect(existsSync(path)).toBe(true);
    // A reader still open when the file is discarded is closed.
    const it = taken.stream()[Symbol.asyncIterator]();
    await it.next();
    await taken.discard();
    await taken.discard();
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('discards with readers not yet opened or never read, raising nothing', async () => {
    const errors: unknown[] = [];
    const onError = (e: unknown) => { errors.push(e); };
    process.on('uncaughtException', onError);
    try {
      for (let i = 0; i < 30; i++) {
        const dir = spoolDir();
        const u = await read(streamOf(body, [64]), B, { spool: dir });
        u.file!.stream(); // handed out, never iterated
        u.file!.stream();
        await u.discard();
        expect(readdirSync(dir)).toEqual([]);
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(errors).toEqual([]);
    } finally {
      process.off('uncaughtException', onError);
    }
  });

  it('is swept when older than a day, and only files of this module', async () => {
    const dir = spoolDir();
    const now = Date.now();
    const old = join(dir, 'upload-00000000-0000-4000-8000-000000000001.part');
    const fresh = join(dir, 'upload-00000000-0000-4000-8000-000000000002.part');
    const foreign = join(dir, 'keep-me.part');
    for (const f of [old, fresh, foreign]) writeFileSync(f, 'x');
    const dayAgo = (now - 25 * 3600_000) / 1000;
    utimesSync(old, dayAgo, dayAgo);
    utimesSync(foreign, dayAgo, dayAgo);
    expect(await sweepUploadTmp(dir, now)).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(['keep-me.part', 'upload-00000000-0000-4000-8000-000000000002.part']);
    expect(await sweepUploadTmp(join(dir, 'missing'), now)).toBe(0);
  });
});

describe('without a streaming reader (Workers): formData() in memory, the same answers', () => {
  const viaFormData = (body: Uint8Array | ReadableStream<Uint8Array> | null, type: string, opts: Partial<UploadOptions> = {}) =>
    readWithFormData(new Request('http://x/', { method: 'POST', body, headers: { 'content-type': type }, duplex: 'half' } as RequestInit), type, { maxFileBytes: MB, ...opts });
  const file: Part = { name: 'file', value: TRICKY, filename: '名单.csv', type: 'text/csv' };

  it('reads both orders alike, with the streaming reader\'s digest', async () => {
    const a = await viaFormData(multipart(B, [{ name: 'countyCode', value: '1' }, file]), ct(B));
    const b = await viaFormData(multipart('other', [file, { name: 'countyCode', value: '1' }]), ct('other'));
    expect(a.fields).toEqual({ countyCode: '1' });
    expect(a.file).toMatchObject({ name: '名单.csv', type: 'text/csv', size: TRICKY.length, path: null });
    expect(a.digest).toBe(b.digest);
    expect(a.digest).toBe((await read(multipart(B, [file, { name: 'countyCode', value: '1' }]), B)).digest);
  });

  it('refuses what the streaming reader refuses', async () => {
    const good = multipart(B, [{ name: 'countyCode', value: '1' }, file]);
    const code = async (p: Promise<unknown>) => { const e = await refusal(p); return [e.status, e.code]; };
    expect(await code(viaFormData(good, 'multipart/form-data'))).toEqual([400, 'MULTIPART_INVALID']);
    expect(await code(viaFormData(good.subarray(0, good.length - 8), ct(B)))).toEqual([400, 'MULTIPART_INVALID']);
    expect(await code(viaFormData(good, ct(B), { maxFileBytes: 10 }))).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(await code(viaFormData(multipart(B, [{ name: 'a', value: 'x'.repeat(9000) }]), ct(B)))).toEqual([400, 'FIELD_TOO_LARGE']);
    expect(await code(viaFormData(multipart(B, [file, file]), ct(B)))).toEqual([400, 'FILE_DUPLICATE']);
    expect(await code(viaFormData(multipart(B, Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, value: 'x' }))), ct(B)))).toEqual([400, 'MULTIPART_TOO_MANY_PARTS']);
    const limit = new AppError(413, 'PAYLOAD_TOO_LARGE', '请求内容过大（上限 1 MB）');
    let sent = false;
    const stream = new ReadableStream<Uint8Array>({ pull(ctl) { if (!sent) { sent = true; ctl.enqueue(good.subarray(0, 100)); } else ctl.error(limit); } });
    expect(await refusal(viaFormData(stream, ct(B)))).toBe(limit);
  });
});
