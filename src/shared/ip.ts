// IP addresses as text: parse IPv4 and IPv6 (with an IPv4-mapped tail), match CIDR ranges, group
// IPv6 clients by /64. No IO; runs on Node and Workers alike.

/** The address as 16 bytes (IPv4 as ::ffff:a.b.c.d), or null when it is not an IP address. */
export function parseIp(text: string): Uint8Array | null {
  const s = text.trim().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v4 = parseV4(s);
  if (v4) return Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4]);
  if (!s.includes(':')) return null;
  // An IPv4 tail (::ffff:10.0.0.5) becomes its two groups.
  const lastColon = s.lastIndexOf(':');
  const tail = parseV4(s.slice(lastColon + 1));
  const text6 = tail
    ? `${s.slice(0, lastColon + 1)}${((tail[0]! << 8) | tail[1]!).toString(16)}:${((tail[2]! << 8) | tail[3]!).toString(16)}`
    : s;
  const halves = text6.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  if (fill < 0) return null;
  const all = [...head, ...Array<string>(fill).fill('0'), ...rest];
  if (all.length !== 8) return null;
  const bytes: number[] = [];
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    const n = parseInt(g, 16);
    bytes.push(n >> 8, n & 0xff);
  }
  return Uint8Array.from(bytes);
}

function parseV4(s: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

const isMappedV4 = (b: Uint8Array) => b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;

/** A CIDR range ('10.0.0.0/8', '2001:db8::/32') or one address; null when malformed. */
export function parseCidr(text: string): { bytes: Uint8Array; bits: number } | null {
  const [addr, len] = text.trim().split('/');
  const bytes = parseIp(addr ?? '');
  if (!bytes) return null;
  const v4 = isMappedV4(bytes) && !addr!.includes(':');
  const max = v4 ? 32 : 128;
  const n = len === undefined ? max : Number(len);
  if (!Number.isInteger(n) || n < 0 || n > max || (len !== undefined && !/^\d+$/.test(len))) return null;
  return { bytes, bits: v4 ? n + 96 : n };
}

export function inCidr(address: string, range: { bytes: Uint8Array; bits: number }): boolean {
  const a = parseIp(address);
  if (!a) return false;
  for (let i = 0; i < range.bits; i++) {
    const byte = i >> 3, mask = 0x80 >> (i & 7);
    if ((a[byte]! & mask) !== (range.bytes[byte]! & mask)) return false;
  }
  return true;
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  const b = parseIp(host);
  if (!b) return false;
  if (isMappedV4(b)) return b[12] === 127;
  return b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
}

/**
 * The key a per-address limit counts under: an IPv4 address as it is, an IPv6 address by its /64
 * (one household or one provider customer gets a whole /64; counting single addresses would let it
 * walk through 2^64 of them).
 */
export function addressGroup(address: string): string {
  const b = parseIp(address);
  if (!b) return address;
  if (isMappedV4(b)) return Array.from(b.slice(12)).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 8; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return `${groups.join(':')}::/64`;
}
