// Password hashing with scrypt (node:crypto; Workers provide it under nodejs_compat). The stored
// form names its parameters, so they can be raised later without invalidating existing hashes:
//   scrypt$<N>$<r>$<p>$<salt, base64url>$<hash, base64url>
// Today: N = 2^15, r = 8, p = 1 (128·N·r = 32 MiB of memory per hash), 16-byte salt, 32-byte key —
// at or above OWASP's scrypt recommendation (N=2^17 r=8 p=1, or N=2^15 with more p). ~60–100 ms here.
import { randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

export const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keylen: 32, saltBytes: 16 } as const;
/** Bounds on what a stored hash may ask for (a tampered row must not exhaust memory). */
const MAX_N = 2 ** 20;

function scrypt(password: string, salt: Buffer, keylen: number, o: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password.normalize('NFC'), salt, keylen, { ...o, maxmem: 256 * o.N * o.r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltBytes);
  const key = await scrypt(password, salt, SCRYPT.keylen, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Whether `password` matches `stored`; false for a malformed hash. Constant time in the comparison. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (!m) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N > MAX_N || r > 32 || p > 16 || (N & (N - 1)) !== 0) return false;
  const expected = Buffer.from(m[5]!, 'base64url');
  const actual = await scrypt(password, Buffer.from(m[4]!, 'base64url'), expected.length, { N, r, p });
  return expected.length > 0 && timingSafeEqual(actual, expected);
}

/** A hash of nothing, verified when the user does not exist, so both answers take as long. */
let dummy: Promise<string> | undefined;
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummy ??= hashPassword('not a password');
  await verifyPassword(password, await dummy);
  return false;
}

/** Chinese reason a new password is refused, or null. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < 10) return '密码至少 10 位';
  if (password.length > 200) return '密码不能超过 200 位';
  if (password.toLowerCase().includes(username.toLowerCase())) return '密码不能包含用户名';
  if (new Set(password).size < 4) return '密码过于简单：请使用更多不同的字符';
  return null;
}

/** Letters and digits that cannot be mistaken for one another when read out or copied by hand. */
const ONE_TIME_ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * A one-time password a manager hands to a user (new user, reset): 12 characters of a 55-letter
 * alphabet (about 69 bits), acceptable to passwordProblem for `username`; changed at first sign-in.
 */
export function oneTimePassword(username: string): string {
  for (;;) {
    let out = '';
    for (let i = 0; i < 12; i++) out += ONE_TIME_ALPHABET[randomInt(ONE_TIME_ALPHABET.length)];
    if (!passwordProblem(out, username)) return out;
  }
}
