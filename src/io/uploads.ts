// The Node reader of multipart uploads (AppDeps.uploads): @fastify/busboy parses the body as it
// streams in (the parser undici's own formData() used), the text fields are collected, and the file
// part is written to a temporary file as it arrives — hashed and counted against the route's limit
// on the way — so that a 200 MB household list never sits in memory. Node-only: wired in by
// src/runtime.ts, never imported by src/app.ts.
//
// Temporary files are `upload-<uuid>.part` in UPLOAD_TMP_DIR. Whoever holds an upload removes its
// file with discard() (a background import: when it ends, however it ends); one left by a killed
// process is removed at the next start when an import recorded it (removeUpload, src/node.ts), and
// otherwise by sweepUploadTmp (src/node.ts: at start and every 6 hours) once a day old.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { finished, type Readable } from 'node:stream';
import Busboy, { type Busboy as BusboyParser } from '@fastify/busboy';
import { AppError } from '../shared/errors.ts';
import {
  memoryFile, refuse, type Upload, type UploadedFile, type UploadOptions, type UploadReader, uploadOf, withDefaults,
} from '../http/multipart.ts';

/** A temporary upload file older than this was left by a process that died: sweepUploadTmp removes it. */
export const STALE_UPLOAD_MS = 24 * 60 * 60 * 1000;
const TEMP_NAME = /^upload-[0-9a-f-]{36}\.part$/;

/** WHATWG form encoding escapes `"`, CR and LF in names as %22, %0D, %0A; undici decodes them, so do we. */
const unescapeName = (s: string) => s.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');

/** Where the file's bytes go while they arrive. */
interface Sink {
  write(chunk: Uint8Array): Promise<void>;
  /** All bytes are in: the file as the route gets it. */
  finish(meta: { name: string; type: string; size: number; sha256: string }): Promise<UploadedFile>;
  abort(): Promise<void>;
}

function memorySink(): Sink {
  let chunks: Uint8Array[] = [];
  return {
    async write(chunk) { chunks.push(chunk); },
    async finish(meta) {
      const bytes = Buffer.concat(chunks);
      chunks = [];
      return memoryFile(meta.name, meta.type, bytes);
    },
    async abort() { chunks = []; },
  };
}

async function diskSink(dir: string): Promise<Sink> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `upload-${randomUUID()}.part`);
  const fh: FileHandle = await open(path, 'wx', 0o600);
  let isOpen = true;
  const close = async () => { if (isOpen) { isOpen = false; await fh.close(); } };
  return {
    async write(chunk) { await fh.write(chunk); },
    async finish(meta) {
      await close();
      const readers = new Set<ReadStream>();
      let discarded = false;
      const check = () => { if (discarded) throw new Error('the upload was discarded'); };
      return {
        ...meta, path,
        stream() {
          check();
          const s = createReadStream(path, { highWaterMark: 1024 * 1024 });
          // A reader closed by discard() before it had opened would report ENOENT with nobody
          // listening — an uncaught exception. Its consumer still gets errors through its own listener.
          s.on('error', () => {});
          readers.add(s);
          s.once('close', () => readers.delete(s));
          return s;
        },
        async bytes() { check(); return readFile(path); },
        async discard() {
          discarded = true;
          // Closed first, removed after: no reader opens a file that is gone.
          await Promise.all([...readers].map((s) => new Promise<void>((resolve) => { finished(s, () => resolve()); s.destroy(); })));
          await rm(path, { force: true });
        },
      };
    },
    async abort() {
      await close().catch(() => {});
      await rm(path, { force: true });
    },
  };
}

/**
 * Read a multipart/form-data body as it streams, the file to a temporary file in `spool` (null: in
 * memory). Refused: no boundary, a truncated body or no closing boundary (400 MULTIPART_INVALID), an
 * oversize field (400 FIELD_TOO_LARGE), too many parts (400 MULTIPART_TOO_MANY_PARTS), a second file
 * (400 FILE_DUPLICATE), a file past `maxFileBytes` (413 PAYLOAD_TOO_LARGE). An AppError of the body
 * stream itself (the route's body limit) is passed on as it is. Nothing is left on disk when it throws.
 */
export async function readMultipart(
  body: ReadableStream<Uint8Array> | null, contentType: string, options: UploadOptions & { spool: string | null },
): Promise<Upload> {
  const opts = withDefaults(options);
  const spool = opts.inMemory ? null : options.spool;
  let bb: BusboyParser;
  try {
    bb = Busboy({
      headers: { 'content-type': contentType },
      // A part is a file when it names one (as in the browsers' FormData and hono's parseBody).
      isPartAFile: (_field, _type, fileName) => fileName !== undefined,
      // The name as sent, folders and all (as parseBody kept it); it is only stored and shown, encoded.
      preservePath: true,
      limits: {
        fieldSize: opts.maxFieldBytes, fieldNameSize: 200, parts: opts.maxParts, fileSize: opts.maxFileBytes,
        headerPairs: 100, headerSize: 16 * 1024,
      },
    });
  } catch {
    throw refuse.noBoundary();
  }

  const fields: Record<string, string> = {};
  let failure: unknown;
  let finished = false;
  let wake: (() => void) | undefined;
  const changed = () => { const w = wake; wake = undefined; w?.(); };
  /** Wait until `ready()` or a failure (only this function waits, so one waker is enough). */
  const until = async (ready: () => boolean) => {
    while (!ready() && failure === undefined) await new Promise<void>((r) => { wake = r; });
  };
  const fail = (e: unknown) => { failure ??= e; changed(); };

  let file: { name: string; type: string; size: number; hash: ReturnType<typeof createHash>; stream: Readable; done: Promise<void> } | undefined;
  let sink: Sink | undefined;

  bb.on('field', (name: string | undefined, value: string, nameTruncated: boolean, valueTruncated: boolean) => {
    if (name === undefined) return fail(refuse.malformed('某一部分缺少字段名'));
    if (nameTruncated || valueTruncated) return fail(refuse.fieldTooLarge(unescapeName(name), opts.maxFieldBytes));
    fields[unescapeName(name)] = value;
  });
  bb.on('file', (name: string | undefined, stream: Readable, fileName: string, _encoding: string, type: string) => {
    stream.on('error', () => {}); // busboy reports it on itself too
    if (name === undefined || unescapeName(name) !== opts.fileField || failure !== undefined) return void stream.resume();
    if (file) {
      stream.resume();
      return fail(refuse.secondFile(opts.fileField));
    }
    stream.on('limit', () => fail(refuse.fileTooLarge(opts.maxFileBytes)));
    const f = { name: unescapeName(fileName), type, size: 0, hash: createHash('sha256'), stream, done: Promise.resolve() };
    file = f;
    f.done = (async () => {
      let into: Sink;
      try {
        into = sink = spool === null ? memorySink() : await diskSink(spool);
      } catch (e) {
        return fail(e); // the folder cannot be written: the server's failure (500), not the client's
      }
      try {
        for await (const chunk of stream as AsyncIterable<Uint8Array>) {
          if (failure !== undefined) return;
          f.size += chunk.byteLength;
          f.hash.update(chunk);
          try {
            await into.write(chunk);
          } catch (e) {
            return fail(e); // a full disk is the server's failure too
          }
        }
      } catch {
        fail(refuse.truncated()); // the part was cut short
      }
    })();
  });
  bb.on('partsLimit', () => fail(refuse.tooManyParts(opts.maxParts)));
  bb.on('error', () => fail(refuse.truncated()));
  bb.on('finish', () => { finished = true; changed(); });

  const reader = body?.getReader();
  try {
    while (reader && failure === undefined) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (e) {
        // The route's body limit errors the stream with its 413; anything else is a broken upload.
        throw e instanceof AppError ? e : refuse.interrupted();
      }
      if (next.done) break;
      // Busboy holds back while the file's chunks wait for the disk: so does the reading of the body.
      let drained = false;
      if (!bb.write(next.value)) {
        bb.once('drain', () => { drained = true; changed(); });
        await until(() => drained);
      }
    }
    if (failure === undefined) {
      bb.end();
      await until(() => finished);
    }
    // After 'finish' the last chunk may still be on its way to the sink.
    if (failure === undefined) await file?.done;
    if (failure !== undefined) throw failure;
  } catch (e) {
    await reader?.cancel().catch(() => {});
    file?.stream.destroy();
    await file?.done;
    await sink?.abort();
    bb.destroy();
    throw e;
  }
  if (!file) return uploadOf(fields, undefined);
  const meta = { name: file.name, type: file.type, size: file.size, sha256: file.hash.digest('hex') };
  return uploadOf(fields, await (sink ?? memorySink()).finish(meta));
}

/** The reader for AppDeps.uploads: files spooled to `tmpDir` (unless a route asks for memory). */
export function nodeUploads(tmpDir: string): UploadReader {
  return { read: (body, contentType, options) => readMultipart(body, contentType, { ...options, spool: tmpDir }) };
}

/**
 * Remove temporary upload files older than `maxAgeMs` from `dir` (left by a process killed while it
 * held them). Only files named as this module names them are touched. Returns how many it removed.
 */
/** Deletes one spooled upload of `dir` by its file name (only an upload-<uuid>.part name; gone already is fine). */
export async function removeUpload(dir: string, fileName: string): Promise<boolean> {
  if (!TEMP_NAME.test(fileName)) return false;
  await rm(join(dir, fileName), { force: true });
  return true;
}

export async function sweepUploadTmp(dir: string, now = Date.now(), maxAgeMs = STALE_UPLOAD_MS): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
  let removed = 0;
  for (const name of names) {
    if (!TEMP_NAME.test(name)) continue;
    const path = join(dir, name);
    const s = await stat(path).catch(() => null);
    if (!s || now - s.mtimeMs <= maxAgeMs) continue;
    await rm(path, { force: true });
    removed += 1;
  }
  return removed;
}
