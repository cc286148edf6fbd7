// Protection of personal information (ID numbers, bank accounts, phone numbers).
// - look-up and uniqueness: HMAC-SHA256 under a key derived from the master key (hex digest);
// - the rare full read: AES-256-GCM ciphertext ("v1.<iv>.<ciphertext>" in base64url);
// - display: masking helpers.
// Web Crypto only, so the same code runs on Node and on Workers.

const enc = new TextEncoder();
const dec = new TextDecoder();

export interface Pii {
  /** Keyed hash for look-up; equal inputs give equal hashes. */
  hash(value: string): Promise<string>;
  encrypt(value: string): Promise<string>;
  decrypt(ciphertext: string): Promise<string>;
}

function toB64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromB64Url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function toHex(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Decode a master key given as base64/base64url (32 bytes) or 64 hex characters. */
export function decodeMasterKey(text: string): Uint8Array<ArrayBuffer> {
  const t = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(t)
    ? Uint8Array.from(t.match(/../g)!.map((h) => parseInt(h, 16)))
    : fromB64Url(t);
  if (bytes.length !== 32) throw new Error('PII master key must be 32 bytes (base64 or 64 hex digits)');
  return bytes;
}

export function generateMasterKey(): string {
  return toB64Url(crypto.getRandomValues(new Uint8Array(32)));
}

async function derive(master: Uint8Array<ArrayBuffer>, info: string, usage: 'hmac' | 'aes'): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', master, 'HKDF', false, ['deriveKey']);
  const params = { name: 'HKDF', hash: 'SHA-256', salt: enc.encode('zhunongbao-pii'), info: enc.encode(info) };
  return usage === 'hmac'
    ? crypto.subtle.deriveKey(params, base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign'])
    : crypto.subtle.deriveKey(params, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

export async function createPii(masterKey: Uint8Array<ArrayBuffer>): Promise<Pii> {
  const hmacKey = await derive(masterKey, 'lookup-hmac', 'hmac');
  const aesKey = await derive(masterKey, 'field-aes-gcm', 'aes');
  return {
    async hash(value) {
      return toHex(await crypto.subtle.sign('HMAC', hmacKey, enc.encode(value)));
    },
    async encrypt(value) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, enc.encode(value));
      return `v1.${toB64Url(iv)}.${toB64Url(new Uint8Array(ct))}`;
    },
    async decrypt(ciphertext) {
      const [version, iv, ct] = ciphertext.split('.');
      if (version !== 'v1' || !iv || !ct) throw new Error('unknown ciphertext format');
      const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromB64Url(iv) }, aesKey, fromB64Url(ct));
      return dec.decode(pt);
    },
  };
}

/** SHA-256 hex of a string (not keyed): for API tokens, which are random and need no secret key. */
export async function sha256Hex(value: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', enc.encode(value)));
}

export function randomToken(prefix: string, bytes = 32): string {
  return prefix + toB64Url(crypto.getRandomValues(new Uint8Array(bytes)));
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

/** Chinese name: keep the surname (first character, or two for compound surnames given). 张三丰 → 张** */
export function maskName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return name;
  return chars[0] + '*'.repeat(chars.length - 1);
}
