// Protection of personal information (ID numbers, bank accounts, phone numbers).
// - look-up and uniqueness: HMAC-SHA256 under a key derived from the master key (hex digest);
// - the rare full read: AES-256-GCM ciphertext, "v2.<kid>.<iv>.<ciphertext+tag>" in base64url, where
//   kid names the master key (a non-secret fingerprint); "v1.<iv>.<ciphertext+tag>" (no kid) is the
//   older form, still read;
// - display: masking helpers.
// A key ring allows rotation: the current master key (PII_KEY) encrypts and hashes; retired keys
// (PII_KEYS_RETIRED) only decrypt, until `znb pii rotate` has re-encrypted and re-hashed everything
// (src/ops/pii-rotation.ts).
// node:crypto is synchronous and fast (an import hashes every person of a county); Cloudflare
// Workers provide the same module under the nodejs_compat flag, so this runs on both.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export interface Pii {
  /** Keyed hash for look-up (always under the current key); equal inputs give equal hashes. */
  hash(value: string): string;
  /** Encrypt under the current key ("v2.<kid>.…"). */
  encrypt(value: string): string;
  /** Decrypt a v2 ciphertext by its key id, a v1 one under the current key then each retired key. */
  decrypt(ciphertext: string): string;
  /** The current key's id (8 hex digits, not secret). */
  readonly keyId: string;
  /** The retired keys' ids, in the order given. */
  readonly retiredKeyIds: readonly string[];
  /** True when the ciphertext is already a v2 one under the current key (nothing to rotate). */
  isCurrent(ciphertext: string): boolean;
}

/** A ciphertext that no configured key opens (unknown key id, wrong key, damaged data). */
export class PiiKeyError extends Error {
  override name = 'PiiKeyError';
}

const b64url = (buf: Uint8Array) => Buffer.from(buf).toString('base64url');

/** Decode a master key given as base64/base64url (32 bytes) or 64 hex characters. */
export function decodeMasterKey(text: string): Uint8Array {
  const t = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64url');
  if (bytes.length !== 32) throw new Error('PII master key must be 32 bytes (base64 or 64 hex digits)');
  return new Uint8Array(bytes);
}

/** Several master keys separated by commas, whitespace or new lines (PII_KEYS_RETIRED, pii.retired). */
export function decodeMasterKeys(text: string, source = 'PII_KEYS_RETIRED'): Uint8Array[] {
  return text.split(/[\s,]+/).filter(Boolean).map((k, i) => {
    try {
      return decodeMasterKey(k);
    } catch {
      throw new Error(`${source}: key ${i + 1} must be 32 bytes (base64 or 64 hex digits)`);
    }
  });
}

export function generateMasterKey(): string {
  return b64url(randomBytes(32));
}

// Random 96-bit GCM nonces, drawn from a pooled buffer: one randomBytes call per 4096 of them
// instead of one each (an import encrypts every ID number of a county).
let noncePool = Buffer.alloc(0);
let nonceOffset = 0;
function nonce(): Buffer {
  if (nonceOffset + 12 > noncePool.length) {
    noncePool = randomBytes(12 * 4096);
    nonceOffset = 0;
  }
  const n = noncePool.subarray(nonceOffset, nonceOffset + 12);
  nonceOffset += 12;
  return n;
}

function derive(master: Uint8Array, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, 'zhunongbao-pii', info, 32));
}

/** The key id: the first 8 hex digits of SHA-256 over a key derived for this purpose only. */
export function keyIdOf(masterKey: Uint8Array): string {
  return createHash('sha256').update(derive(masterKey, 'key-id')).digest('hex').slice(0, 8);
}

function openGcm(aesKey: Buffer, iv: string, body: string): string {
  const data = Buffer.from(body, 'base64url');
  if (data.length < 16) throw new PiiKeyError('PII ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', aesKey, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}

/** The current master key and any retired ones (which only decrypt). */
export function createPii(masterKey: Uint8Array, retiredKeys: readonly Uint8Array[] = []): Pii {
  const hmacKey = derive(masterKey, 'lookup-hmac');
  const aesKey = derive(masterKey, 'field-aes-gcm');
  const keyId = keyIdOf(masterKey);
  const prefix = `v2.${keyId}.`;
  // Every key by id, the current one first; a retired key equal to the current one is dropped.
  const ring = new Map<string, Buffer>([[keyId, aesKey]]);
  for (const k of retiredKeys) {
    const kid = keyIdOf(k);
    if (!ring.has(kid)) ring.set(kid, derive(k, 'field-aes-gcm'));
  }
  const retiredKeyIds = [...ring.keys()].slice(1);
  return {
    keyId,
    retiredKeyIds,
    hash: (value) => createHmac('sha256', hmacKey).update(value, 'utf8').digest('hex'),
    encrypt(value) {
      const iv = nonce();
      const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
      const ct = Buffer.concat([cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${prefix}${b64url(iv)}.${b64url(ct)}`;
    },
    decrypt(ciphertext) {
      const parts = ciphertext.split('.');
      if (parts[0] === 'v2' && parts.length === 4) {
        const key = ring.get(parts[1]!);
        if (!key) throw new PiiKeyError(`PII ciphertext is under key ${parts[1]}, which is neither PII_KEY nor in PII_KEYS_RETIRED`);
        try {
          return openGcm(key, parts[2]!, parts[3]!);
        } catch (e) {
          throw e instanceof PiiKeyError ? e : new PiiKeyError(`PII ciphertext under key ${parts[1]} fails its integrity check (damaged)`);
        }
      }
      if (parts[0] === 'v1' && parts.length === 3) {
        // No key id: the GCM tag tells which key it was (the current one first).
        for (const key of ring.values()) {
          try {
            return openGcm(key, parts[1]!, parts[2]!);
          } catch (e) {
            if (e instanceof PiiKeyError) throw e;
          }
        }
        throw new PiiKeyError(`PII ciphertext (v1) opens under none of the ${ring.size} configured keys (PII_KEY, PII_KEYS_RETIRED)`);
      }
      throw new PiiKeyError('unknown PII ciphertext format');
    },
    isCurrent: (ciphertext) => ciphertext.startsWith(prefix),
  };
}

/** SHA-256 hex of a string (not keyed): for API tokens, which are random and need no secret key. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** SHA-256 of bytes, hex: what `sha256sum` prints for a file. */
export function sha256Bytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function randomToken(prefix: string, bytes = 32): string {
  return prefix + b64url(randomBytes(bytes));
}

/** 13812345678 → 138****5678 */
export function maskPhone(phone: string): string {
  const p = phone.replace(/\s+/g, '');
  return p.length < 7 ? '*'.repeat(p.length) : `${p.slice(0, 3)}${'*'.repeat(p.length - 7)}${p.slice(-4)}`;
}

/** Bank account: keep the last four digits. */
export function maskBankAccount(account: string): string {
  const a = account.replace(/\s+/g, '');
  return a.length <= 4 ? a : `${'*'.repeat(a.length - 4)}${a.slice(-4)}`;
}

/** Chinese name: keep the first character. 张三丰 → 张** */
export function maskName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return name;
  return chars[0] + '*'.repeat(chars.length - 1);
}
