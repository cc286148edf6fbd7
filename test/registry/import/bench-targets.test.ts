// The import benchmark's targets (issue #24): the check bench/import/run.ts applies to each run and
// that makes it exit 1 when one is missed.
import { describe, expect, it } from 'vitest';
import { growthMiss, importMisses } from '../../../bench/import/targets.ts';

const run = { db: 'postgres', format: 'csv', importSeconds: 56, floorSeconds: 18.8, peakRssMB: 500, rejected: 0 };

describe('import benchmark targets', () => {
  it.each([
    ['csv at 2.98× the floor, 500 MB on PostgreSQL', {}, []],
    ['csv at exactly 3×', { importSeconds: 56.4 }, []],
    ['csv past 3×', { importSeconds: 95 }, ['postgres csv: import 95 s = 5.05× the indexed floor 18.80 s > 3×']],
    ['xlsx at 3.5× (within its 4×)', { format: 'xlsx', importSeconds: 65.8 }, []],
    ['xlsx past 4×', { format: 'xlsx', importSeconds: 76 }, ['postgres xlsx: import 76 s = 4.04× the indexed floor 18.80 s > 4×']],
    ['PostgreSQL RSS at its 512 MB limit', { peakRssMB: 512 }, []],
    ['PostgreSQL RSS past 512 MB', { peakRssMB: 513 }, ['postgres csv: peak RSS 513 MB > 512 MB']],
    ['PGlite RSS 650 MB (within 700)', { db: 'pglite', peakRssMB: 650 }, []],
    ['PGlite RSS past 700 MB', { db: 'pglite', peakRssMB: 701 }, ['pglite csv: peak RSS 701 MB > 700 MB']],
    ['no floor measured (--counties): only RSS judged', { floorSeconds: undefined, importSeconds: 500 }, []],
    ['rows rejected', { rejected: 3 }, ['postgres csv: 3 rows rejected (the generated list must import whole)']],
    ['a failed measurement (NaN) counts as missed', { importSeconds: Number.NaN }, ['postgres csv: import NaN s = NaN× the indexed floor 18.80 s > 3×']],
  ])('%s', (_name, change, expected) => {
    expect(importMisses({ ...run, ...change })).toEqual(expected);
  });

  it.each([
    [[100], null],
    [[100, 120, 150], null],
    [[100, 120, 151], 'county 3 took 151 s = 1.51× the first county\'s 100 s > 1.5×'],
    [[100, 200, 140], null], // the last county is judged, not the slowest
  ])('counties %j', (seconds, expected) => {
    expect(growthMiss(seconds)).toBe(expected);
  });
});
