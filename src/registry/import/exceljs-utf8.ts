// exceljs 4.4 decodes each chunk of a zipped XML part on its own (utils/parse-sax.js calls
// TextDecoder.decode without `stream: true`), so a Chinese character whose UTF-8 bytes straddle two
// chunks turns into U+FFFD — in worksheets and shared strings alike. Seen on a 20 000-row list:
// "劳动力" read back as "劳���力". Until exceljs fixes it, this module puts a version of that
// function with a streaming decoder into Node's module cache before exceljs loads, so every
// exceljs reader uses it. Import it before 'exceljs'.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const root = dirname(require.resolve('exceljs/package.json'));
const target = join(root, 'lib/utils/parse-sax.js');
const { SaxesParser } = require(join(dirname(require.resolve('saxes', { paths: [root] })), 'saxes.js')) as {
  SaxesParser: new () => {
    on(event: string, fn: (v: unknown) => void): void;
    write(text: string): void;
  };
};

type SaxEvent = { eventType: 'opentag' | 'text' | 'closetag'; value: unknown };

/**
 * Most characters one XML token (a text node, a tag with its attributes, a run of whitespace) may
 * take. saxes holds a token in memory until it ends, so a zip bomb of one 500 MB cell would fill
 * the heap; Excel's own cell limit is 32 767 characters, escaped at most ~6× in XML.
 */
export const MAX_XML_TOKEN_CHARS = 1 << 20;

/** Thrown (as the reader's failure) when a token is longer than MAX_XML_TOKEN_CHARS. */
export class XmlTokenTooLarge extends Error {
  constructor() { super(`XML token longer than ${MAX_XML_TOKEN_CHARS} characters`); this.name = 'XmlTokenTooLarge'; }
}

async function* parseSax(iterable: AsyncIterable<Uint8Array | string>): AsyncGenerator<SaxEvent[]> {
  const parser = new SaxesParser();
  const decoder = new TextDecoder('utf-8');
  let error: unknown;
  let events: SaxEvent[] = [];
  parser.on('error', (e) => { error = e; });
  parser.on('opentag', (value) => events.push({ eventType: 'opentag', value }));
  parser.on('text', (value) => events.push({ eventType: 'text', value }));
  parser.on('closetag', (value) => events.push({ eventType: 'closetag', value }));
  let sinceEvent = 0; // characters written since the last write that ended a token
  for await (const chunk of iterable) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    parser.write(text);
    if (error) throw error;
    sinceEvent = events.length ? 0 : sinceEvent + text.length;
    if (sinceEvent > MAX_XML_TOKEN_CHARS) throw new XmlTokenTooLarge();
    yield events;
    events = [];
  }
  const tail = decoder.decode();
  if (tail) {
    parser.write(tail);
    if (error) throw error;
    yield events;
  }
}

if (require.cache[target]) {
  throw new Error('exceljs was loaded before its UTF-8 fix: import exceljs-utf8.ts first');
}
require.cache[target] = { id: target, filename: target, loaded: true, exports: parseSax } as never;
