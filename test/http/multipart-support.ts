// Multipart bodies for the upload tests: built by hand (so that any byte can be placed anywhere) and
// streamed in pieces of chosen sizes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const enc = new TextEncoder();
export type Part = { name: string; value: string | Uint8Array; filename?: string; type?: string; headers?: string };

/** A multipart body as a browser would send it (CRLF line ends, the closing boundary and its CRLF). */
export function multipart(boundary: string, parts: Part[], opts: { preamble?: string; close?: string } = {}): Uint8Array {
  const chunks: Uint8Array[] = [enc.encode(opts.preamble ?? '')];
  for (const p of parts) {
    const disp = `Content-Disposition: form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    const type = p.type ? `\r\nContent-Type: ${p.type}` : '';
    chunks.push(enc.encode(`--${boundary}\r\n${p.headers ?? disp + type}\r\n\r\n`));
    chunks.push(typeof p.value === 'string' ? enc.encode(p.value) : p.value);
    chunks.push(enc.encode('\r\n'));
  }
  chunks.push(enc.encode(opts.close ?? `--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** The bytes as a stream cut at the given sizes (the last size repeats). */
export function streamOf(bytes: Uint8Array, sizes: number[] = [bytes.length || 1]): ReadableStream<Uint8Array> {
  let at = 0;
  let i = 0;
  return new ReadableStream({
    pull(ctl) {
      if (at >= bytes.length) return ctl.close();
      const n = Math.max(1, sizes[Math.min(i++, sizes.length - 1)]!);
      ctl.enqueue(bytes.slice(at, at + n)); // a copy: the reader must not rely on shared buffers
      at += n;
    },
  });
}

export const ct = (boundary: string) => `multipart/form-data; boundary=${boundary}`;
export const MB = 1024 * 1024;

/** A fresh folder for temporary upload files, and its removal. */
export function spoolDirs() {
  const made: string[] = [];
  return {
    make() { const d = mkdtempSync(join(tmpdir(), 'znb-multipart-')); made.push(d); return d; },
    removeAll() { for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true }); },
  };
}
