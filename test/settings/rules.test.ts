import { describe, expect, it } from 'vitest';
import { resolveSetting } from '../../src/settings/rules.ts';
import { CATALOGUE, SETTING_KEYS } from '../../src/settings/catalogue.ts';

const defaults = [{ validFrom: '2016-01-01', value: 10_000 }, { validFrom: '2024-01-01', value: 7_000 }];
const rows = [
  { regionPrefix: '50', validFrom: '2022-01-01', value: 9_000 },
  { regionPrefix: '50', validFrom: '2025-01-01', value: 6_000 },
  { regionPrefix: '500101', validFrom: '2023-07-01', value: 8_000 },
  { regionPrefix: '500101001', validFrom: '2030-01-01', value: 1 },
];

describe('resolveSetting', () => {
  it.each([
    // region, day, expected value, source, prefix
    ['110101000000', '2023-12-31', 10_000, 'default', null],
    ['110101000000', '2024-01-01', 7_000, 'default', null],
    ['500102000000', '2021-12-31', 10_000, 'default', null],
    ['500102000000', '2022-01-01', 9_000, 'region', '50'],
    ['500102000000', '2025-06-30', 6_000, 'region', '50'],
    ['500101000000', '2023-06-30', 9_000, 'region', '50'],
    ['500101000000', '2023-07-01', 8_000, 'region', '500101'],
    ['500101000000', '2026-01-01', 8_000, 'region', '500101'],
    ['500101001002', '2026-01-01', 8_000, 'region', '500101'],
    ['500101001002', '2030-01-01', 1, 'region', '500101001'],
  ] as const)('%s on %s → %s (%s %s)', (region, day, value, source, prefix) => {
    expect(resolveSetting(rows, defaults, region, day)).toMatchObject({ value, source, regionPrefix: prefix });
  });

  it('gives null when nothing is in force yet', () => {
    expect(resolveSetting([], defaults, '500101000000', '2015-12-31')).toBeNull();
  });

  it('has a valid default for every catalogue entry', () => {
    for (const key of SETTING_KEYS) {
      const d = CATALOGUE[key];
      expect(d.defaults.length, key).toBeGreaterThan(0);
      for (const x of d.defaults) expect(d.schema.safeParse(x.value).success, key).toBe(true);
    }
  });
});
