import { describe, expect, it } from 'vitest';
import { createCipheriv, hkdfSync } from 'node:crypto';
import {
  createPii, decodeMasterKey, decodeMasterKeys, generateMasterKey, keyIdOf, maskBankAccount, maskName, maskPhone, PiiKeyError, sha256Hex,
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
    // Flip one bit of every byte position in turn (a change to the base64url text alone can land in
    // the last character's unused bits and change nothing).
    const parts = c1.split('.');
    const body = Buffer.from(parts.at(-1) ?? '', 'base64url');
    for (let i = 0; i < body.length; i++) {
      const bytes = Buffer.from(body);
      bytes[i] = (bytes[i] ?? 0) ^ 0x01;
      const tampered = [...parts.slice(0, -1), bytes.toString('base64url')].join('.');
      expect(() => p.decrypt(tampered)).toThrow();
    }
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

/** A ciphertext in the old v1 form ("v1.<iv>.<ct+tag>", no key id), made independently of pii.ts. */
function v1Ciphertext(master: Uint8Array, value: string): string {
  const key = Buffer.from(hkdfSync('sha256', master, 'zhunongbao-pii', 'field-aes-gcm', 32));
  const iv = Buffer.alloc(12, 7);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([c.update(value, 'utf8'), c.final(), c.getAuthTag()]);
  return `v1.${iv.toString('base64url')}.${ct.toString('base64url')}`;
}

describe('the PII key ring (rotation)', () => {
  const A = decodeMasterKey(KEY);
  const B = decodeMasterKey('fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210');
  const C = decodeMasterKey(generateMasterKey());
  const ID = '11010519491231002X';

  it('names each key by a stable, short, non-secret id', () => {
    expect(keyIdOf(A)).toMatch(/^[0-9a-f]{8}$/);
    expect(keyIdOf(A)).toBe(keyIdOf(decodeMasterKey(Buffer.from(A).toString('base64url'))));
    // a fixed value: a kid that changed between versions would orphan every stored ciphertext
    expect(keyIdOf(A)).toBe('4b4de133');
    expect(keyIdOf(B)).not.toBe(keyIdOf(A));
    expect(keyIdOf(A)).not.toBe(sha256Hex(Buffer.from(A).toString('hex')).slice(0, 8));
    const p = createPii(A, [B]);
    expect(p.keyId).toBe(keyIdOf(A));
    expect(p.retiredKeyIds).toEqual([keyIdOf(B)]);
    expect(createPii(A, [A, B, B]).retiredKeyIds).toEqual([keyIdOf(B)]);
  });

  it('encrypts as v2 under the current key id and tells current ciphertexts apart', () => {
    const p = createPii(A);
    const c = p.encrypt(ID);
    expect(c.startsWith(`v2.${keyIdOf(A)}.`)).toBe(true);
    expect(c.split('.')).toHaveLength(4);
    expect(p.isCurrent(c)).toBe(true);
    expect(createPii(B, [A]).isCurrent(c)).toBe(false);
    expect(p.isCurrent(v1Ciphertext(A, ID))).toBe(false);
  });

  it('decrypts v1 and v2 from the current key and from retired keys', () => {
    const underA = createPii(A).encrypt(ID);
    const underB = createPii(B).encrypt(ID);
    const ring = createPii(C, [A, B]);
    expect(ring.decrypt(underA)).toBe(ID);
    expect(ring.decrypt(underB)).toBe(ID);
    expect(ring.decrypt(v1Ciphertext(A, ID))).toBe(ID);
    expect(ring.decrypt(v1Ciphertext(B, ID))).toBe(ID);
    expect(ring.decrypt(v1Ciphertext(C, ID))).toBe(ID);
    expect(ring.decrypt(ring.encrypt('6228480012345678901'))).toBe('6228480012345678901');
  });

  it('hashes under the current key only', () => {
    expect(createPii(B, [A]).hash(ID)).toBe(createPii(B).hash(ID));
    expect(createPii(B, [A]).hash(ID)).not.toBe(createPii(A).hash(ID));
  });

  it('fails with a clear error for a key it does not hold, and for damage', () => {
    const underA = createPii(A).encrypt(ID);
    const onlyB = createPii(B);
    expect(() => onlyB.decrypt(underA)).toThrow(PiiKeyError);
    expect(() => onlyB.decrypt(underA)).toThrow(new RegExp(`under key ${keyIdOf(A)}, which is neither PII_KEY nor in PII_KEYS_RETIRED`));
    expect(() => onlyB.decrypt(v1Ciphertext(A, ID))).toThrow(/v1\) opens under none of the 1 configured keys/);
    // a v2 ciphertext whose body was altered under a known key id
    const tampered = underA.slice(0, -2) + (underA.endsWith('A') ? 'BB' : 'AA');
    expect(() => createPii(A).decrypt(tampered)).toThrow(/fails its integrity check/);
    // a forged kid does not make another key's ciphertext readable
    const forged = underA.replace(keyIdOf(A), keyIdOf(B));
    expect(() => createPii(B, [A]).decrypt(forged)).toThrow(PiiKeyError);
    expect(() => createPii(A).decrypt('v3.x.y.z')).toThrow(/unknown PII ciphertext format/);
  });

  it('reads a list of retired keys in either encoding and names a bad one without showing it', () => {
    const text = `${KEY}, ${Buffer.from(B).toString('base64url')}\n`;
    expect(decodeMasterKeys(text).map(keyIdOf)).toEqual([keyIdOf(A), keyIdOf(B)]);
    expect(decodeMasterKeys('')).toEqual([]);
    expect(() => decodeMasterKeys(`${KEY},abcd`)).toThrow('PII_KEYS_RETIRED: key 2 must be 32 bytes');
    let message = '';
    try { decodeMasterKeys(`${KEY},secretish`); } catch (e) { message = String(e); }
    expect(message).toContain('key 2');
    expect(message).not.toContain('secretish');
  });
});
