import { describe, expect, it } from 'vitest';
import {
  createPii, decodeMasterKey, generateMasterKey, maskBankAccount, maskName, maskPhone, sha256Hex,
} from '../../src/shared/pii.ts';

const KEY = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

describe('PII protection', () => {
  it('hashes deterministically under its key, differently under another key', () => {
    const a = createPii(decodeMasterKey(KEY));
    const b = createPii(decodeMasterKey(generateMasterKey()));
    const h = a.hash('11010519491231002X');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash('11010519491231002X')).toBe(h);
    expect(b.hash('11010519491231002X')).not.toBe(h);
    // keyed: not the plain SHA-256 of the number
    expect(h).not.toBe(sha256Hex('11010519491231002X'));
  });

  it('encrypts with a fresh IV each time and decrypts back; tampering is detected', () => {
    const p = createPii(decodeMasterKey(KEY));
    const c1 = p.encrypt('11010519491231002X');
    const c2 = p.encrypt('11010519491231002X');
    expect(c1).not.toBe(c2);
    expect(c1).not.toContain('1101');
    expect(p.decrypt(c1)).toBe('11010519491231002X');
    const tampered = c1.slice(0, -2) + (c1.endsWith('A') ? 'BB' : 'AA');
    expect(() => p.decrypt(tampered)).toThrow();
    const other = createPii(decodeMasterKey(generateMasterKey()));
    expect(() => other.decrypt(c1)).toThrow();
  });

  it('accepts a 32-byte key as hex or base64 and refuses other lengths', () => {
    expect(decodeMasterKey(KEY)).toHaveLength(32);
    expect(decodeMasterKey(generateMasterKey())).toHaveLength(32);
    expect(() => decodeMasterKey('abcd')).toThrow(/32 bytes/);
  });

  it.each([
    [maskPhone, '13812345678', '138****5678'],
    [maskPhone, '12345', '*****'],
    [maskBankAccount, '6228480012345678901', '***************8901'],
    [maskName, '张三丰', '张**'],
    [maskName, '欧阳娜娜', '欧***'],
    [maskName, '𠮷', '𠮷'],
    [maskName, '𠮷祥', '𠮷*'],
  ] as const)('%o masks %s → %s', (fn, input, out) => {
    expect((fn as (s: string) => string)(input)).toBe(out);
  });
});
