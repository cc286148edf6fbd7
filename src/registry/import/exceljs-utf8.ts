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

async function* parseSax(iterable: AsyncIterable<Uint8Array | string>): AsyncGenerator<SaxEvent[]> {
  const parser = new SaxesParser();
  const decoder = new TextDecoder('utf-8');
  let error: unknown;
  let events: SaxEvent[] = [];
  parser.on('error', (e) => { error = e; });
  parser.on('opentag', (value) => events.push({ eventType: 'opentag', value }));
  parser.on('text', (value) => events.push({ eventType: 'text', value }));
  parser.on('closetag', (value) => events.push({ eventType: 'closetag', value }));
  for await (const chunk of iterable) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (error) throw error;
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
