// Byte streams of uploaded files: hash them as they pass, look at the first chunk first.
import type { createHash } from 'node:crypto';

/** Hash the bytes as they stream past (the file's hash is known when the stream ends). */
export async function* hashing(source: AsyncIterable<Uint8Array>, hash: ReturnType<typeof createHash>) {
  for await (const chunk of source) {
    hash.update(chunk);
    yield chunk;
  }
}

/** The first chunk (for format detection) and the whole stream again, that chunk included. */
export async function peek(source: AsyncIterable<Uint8Array>) {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  const head = first.done ? new Uint8Array() : first.value;
  async function* rest() {
    if (!first.done) yield first.value;
    for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
  }
  return { head, stream: rest() };
}
