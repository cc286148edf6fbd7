// postgres.js's connection queues, as patched (patches/postgres+3.4.9.patch, applied by `npm ci`'s
// postinstall): under sustained load the `busy` queue never empties, and unpatched its array grew by
// one hole per query and every `remove` scanned all of it (bench/README.md, bench:load).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(process.cwd(), 'node_modules', 'postgres');
const { default: Queue } = await import(pathToFileURL(join(root, 'src', 'queue.js')).href) as { default: <T>() => Q<T> };

type Q<T> = { length: number; push(x: T): T; shift(): T | undefined; remove(x: T): T | null };

describe('postgres.js queue (patched)', () => {
  it('is applied to every build of the package (ESM, CommonJS, Workers)', () => {
    for (const build of ['src', 'cjs/src', 'cf/src']) {
      expect(readFileSync(join(root, build, 'queue.js'), 'utf8'), build).toContain('zhunongbao patch');
    }
  });

  it('stays first in, first out with removals, through many compactions, against a plain array', () => {
    const q = Queue<{ n: number }>();
    const model: Array<{ n: number }> = [];
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 200_000; i++) {
      const r = rand();
      if (r < 0.5 || model.length < 3) {
        const x = { n: i };
        q.push(x); model.push(x);
      } else if (r < 0.9) {
        expect(q.shift()).toBe(model.shift());
      } else {
        const pick = model[Math.floor(rand() * model.length)]!;
        expect(q.remove(pick)).toBe(pick);
        model.splice(model.indexOf(pick), 1);
        expect(q.remove(pick)).toBeNull(); // gone, and a shifted-out one is not found either
      }
      expect(q.length).toBe(model.length);
    }
  });
});
