// IP address parsing with the exact rules of Go's netip.ParseAddr, straight
// from bytes and without allocating (it runs for every address-looking
// stretch of every scanned line).
//
// An address is written to eight 16-bit words, most significant first; an
// IPv4 address occupies the last two.

export const NOT_AN_ADDRESS = 0;
export const IPV4 = 4;
export const IPV6 = 6;
/** An IPv6 address with a zone suffix (`fe80::1%eth0`). */
export const IPV6_ZONED = 7;

const ip16 = new Uint8Array(16);

/** Parses b[start..end) into out; returns IPV4, IPV6, IPV6_ZONED or NOT_AN_ADDRESS. */
export function parseAddr(b: Uint8Array, start: number, end: number, out: Uint16Array): number {
  for (let i = start; i < end; i++) {
    const c = b[i];
    if (c === 0x2e) return parseIPv4(b, start, end, out, 6) ? IPV4 : NOT_AN_ADDRESS;
    if (c === 0x3a) return parseIPv6(b, start, end, out);
    if (c === 0x25) return NOT_AN_ADDRESS; // '%' before any separator: a zone without address
  }
  return NOT_AN_ADDRESS;
}

/** Dotted decimal, four fields, no leading zeros, each at most 255. Writes out[at], out[at+1]. */
function parseIPv4(b: Uint8Array, start: number, end: number, out: Uint16Array, at: number): boolean {
  let value = 0;
  let field = 0;
  let digits = 0;
  let acc = 0;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c >= 0x30 && c <= 0x39) {
      if (digits === 1 && value === 0) return false;
      value = value * 10 + (c - 0x30);
      digits++;
      if (value > 255) return false;
    } else if (c === 0x2e) {
      if (i === start || i === end - 1 || b[i - 1] === 0x2e) return false;
      if (field === 3) return false;
      acc = acc * 256 + value;
      field++;
      value = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  if (field < 3) return false;
  acc = acc * 256 + value;
  out[at] = Math.floor(acc / 0x10000);
  out[at + 1] = acc & 0xffff;
  if (at === 6) out.fill(0, 0, 6);
  return true;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function parseIPv6(b: Uint8Array, start: number, end: number, out: Uint16Array): number {
  let zoned = false;
  for (let i = start; i < end; i++) {
    if (b[i] !== 0x25) continue;
    if (i === end - 1) return NOT_AN_ADDRESS; // empty zone
    end = i;
    zoned = true;
    break;
  }
  ip16.fill(0);
  let ellipsis = -1;
  let p = start;
  if (end - p >= 2 && b[p] === 0x3a && b[p + 1] === 0x3a) {
    ellipsis = 0;
    p += 2;
    if (p === end) return finishIPv6(out, zoned);
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    while (p + off < end) {
      const v = hexValue(b[p + off]!);
      if (v < 0) break;
      if (off > 3) return NOT_AN_ADDRESS; // more than four hex digits in a group
      acc = acc * 16 + v;
      off++;
    }
    if (off === 0) return NOT_AN_ADDRESS;
    if (p + off < end && b[p + off] === 0x2e) {
      // Trailing embedded IPv4, which must fill the last 32 bits.
      if (ellipsis < 0 && i !== 12) return NOT_AN_ADDRESS;
      if (i + 4 > 16) return NOT_AN_ADDRESS;
      if (!parseIPv4(b, p, end, out, 6)) return NOT_AN_ADDRESS;
      ip16[i] = out[6]! >> 8;
      ip16[i + 1] = out[6]! & 0xff;
      ip16[i + 2] = out[7]! >> 8;
      ip16[i + 3] = out[7]! & 0xff;
      p = end;
      i += 4;
      break;
    }
    ip16[i] = acc >> 8;
    ip16[i + 1] = acc & 0xff;
    i += 2;
    p += off;
    if (p === end) break;
    if (b[p] !== 0x3a || p + 1 === end) return NOT_AN_ADDRESS;
    p++;
    if (b[p] === 0x3a) {
      if (ellipsis >= 0) return NOT_AN_ADDRESS;
      ellipsis = i;
      p++;
      if (p === end) break;
    }
  }
  if (p !== end) return NOT_AN_ADDRESS;
  if (i < 16) {
    if (ellipsis < 0) return NOT_AN_ADDRESS;
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip16[j + n] = ip16[j]!;
    ip16.fill(0, ellipsis, ellipsis + n);
  } else if (ellipsis >= 0) {
    return NOT_AN_ADDRESS; // `::` must stand for at least one group
  }
  return finishIPv6(out, zoned);
}

function finishIPv6(out: Uint16Array, zoned: boolean): number {
  for (let w = 0; w < 8; w++) out[w] = (ip16[2 * w]! << 8) | ip16[2 * w + 1]!;
  return zoned ? IPV6_ZONED : IPV6;
}

/** Lexicographic comparison of the address words from `from` on. */
export function compareWords(a: Uint16Array, b: Uint16Array, from: number): number {
  for (let w = from; w < 8; w++) {
    if (a[w] !== b[w]) return a[w]! < b[w]! ? -1 : 1;
  }
  return 0;
}

/** Whether a and b agree on their first `bits` bits, counted from word `from`. */
export function samePrefix(a: Uint16Array, b: Uint16Array, from: number, bits: number): boolean {
  let w = from;
  while (bits >= 16) {
    if (a[w] !== b[w]) return false;
    w++;
    bits -= 16;
  }
  if (bits === 0) return true;
  const mask = (0xffff << (16 - bits)) & 0xffff;
  return (a[w]! & mask) === (b[w]! & mask);
}
