// Protection of personal information (ID numbers, bank accounts, phone numbers).
// - look-up and uniqueness: HMAC-SHA256 under a key derived from the master key (hex digest);
// - the rare full read: AES-256-GCM ciphertext ("v1.<iv>.<ciphertext+tag>" in base64url);
// - display: masking helpers.
// node:crypto is synchronous and fast (an import hashes every person of a county); Cloudflare
// Workers provide the same module under the nodejs_compat flag, so this runs on both.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export interface Pii {
  /** Keyed hash for look-up; equal inputs give equal hashes. */
  hash(value: string): string;
  encrypt(value: string): string;
  decrypt(ciphertext: string): string;
}

const b64url = (buf: Uint8Array) => Buffer.from(buf).toString('base64url');

/** Decode a master key given as base64/base64url (32 bytes) or 64 hex characters. */
export function decodeMasterKey(text: string): Uint8Array {
  const t = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64url');
  if (bytes.length !== 32) throw new Error('PII master key must be 32 bytes (base64 or 64 hex digits)');
  return new Uint8Array(bytes);
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

export function createPii(masterKey: Uint8Array): Pii {
  const hmacKey = derive(masterKey, 'lookup-hmac');
  const aesKey = derive(masterKey, 'field-aes-gcm');
  return {
    hash: (value) => createHmac('sha256', hmacKey).update(value, 'utf8').digest('hex'),
    encrypt(value) {
      const iv = nonce();
      const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
      const ct = Buffer.concat([cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `v1.${b64url(iv)}.${b64url(ct)}`;
    },
    decrypt(ciphertext) {
      const [version, iv, body] = ciphertext.split('.');
      if (version !== 'v1' || !iv || !body) throw new Error('unknown ciphertext format');
      const data = Buffer.from(body, 'base64url');
      if (data.length < 16) throw new Error('ciphertext too short');
      const decipher = createDecipheriv('aes-256-gcm', aesKey, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(data.subarray(data.length - 16));
      return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
    },
  };
}

/** SHA-256 hex of a string (not keyed): for API tokens, which are random and need no secret key. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
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
