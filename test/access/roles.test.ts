import { describe, expect, it } from 'vitest';
import { inScope, regionLevel, regionWithin, roleAllowedForOrg, scopePrefix } from '../../src/shared/roles.ts';

describe('region scope', () => {
  it.each([
    ['000000000000', '', 'national'],
    ['500000000000', '50', 'province'],
    ['500100000000', '5001', 'city'],
    ['500101000000', '500101', 'county'],
    ['500101001000', '500101001', 'town'],
    ['500101001002', '500101001002', 'village'],
    ['500101000002', '500101000002', 'village'],
  ] as const)('%s → prefix %s (%s)', (code, prefix, level) => {
    expect(scopePrefix(code)).toBe(prefix);
    expect(regionLevel(code)).toBe(level);
  });

  it('refuses a code that is not 12 digits', () => {
    expect(() => scopePrefix('5001')).toThrow();
  });

  it.each([
    ['', '500101001002', true],
    ['500101', '500101001002', true],
    ['500101', '500102001002', false],
    ['500101001', '500101002001', false],
  ] as const)('scope %s contains %s: %s', (scope, code, expected) => {
    expect(inScope(scope, code)).toBe(expected);
  });

  it('checks one region within another', () => {
    expect(regionWithin('500101000000', '500101001000')).toBe(true);
    expect(regionWithin('500101001000', '500101000000')).toBe(false);
    expect(regionWithin('000000000000', '500101000000')).toBe(true);
  });

  it('ties roles to organisation kinds', () => {
    expect(roleAllowedForOrg('county_office', 'county_office')).toBe(true);
    expect(roleAllowedForOrg('county_office', 'admin')).toBe(false);
    expect(roleAllowedForOrg('bank', 'insurer')).toBe(false);
  });
});
