// Case-insensitive matching of ASCII needles, with Go's `(?i)` semantics.
//
// Under Unicode simple case folding an ASCII letter matches its other case
// and, for two letters, one non-ASCII character as well: 'k' matches the
// KELVIN SIGN (U+212A, bytes E2 84 AA) and 's' the LATIN SMALL LETTER LONG S
// (U+017F, bytes C5 BF). No other non-ASCII character folds to ASCII. Needles
// here are lower-case ASCII byte strings.

export const KELVIN_SIGN = Buffer.from('\u212a');
export const LONG_S = Buffer.from('\u017f');

const LOWER = new Uint8Array(256);
for (let c = 0; c < 256; c++) LOWER[c] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;

/** Whether a needle can match through KELVIN SIGN or LONG S. */
export function needsUnicodeFolds(needle: Uint8Array): boolean {
  return needle.includes(0x6b) || needle.includes(0x73);
}

/**
 * Matches the lower-case ASCII `needle` at buf[p..] without passing `end`;
 * returns the end of the match or -1.
 */
export function foldMatchForward(buf: Uint8Array, p: number, end: number, needle: Uint8Array): number {
  for (let j = 0; j < needle.length; j++) {
    if (p >= end) return -1;
    const c = buf[p]!;
    const want = needle[j]!;
    if (c < 0x80) {
      if (LOWER[c] !== want) return -1;
      p++;
    } else if (want === 0x6b && c === 0xe2 && p + 2 < end && buf[p + 1] === 0x84 && buf[p + 2] === 0xaa) {
      p += 3;
    } else if (want === 0x73 && c === 0xc5 && p + 1 < end && buf[p + 1] === 0xbf) {
      p += 2;
    } else {
      return -1;
    }
  }
  return p;
}

/** Matches `needle` ending exactly at buf[q]; returns where the match starts or -1. */
export function foldMatchBackward(buf: Uint8Array, start: number, q: number, needle: Uint8Array): number {
  for (let j = needle.length - 1; j >= 0; j--) {
    if (q <= start) return -1;
    const c = buf[q - 1]!;
    const want = needle[j]!;
    if (c < 0x80) {
      if (LOWER[c] !== want) return -1;
      q--;
    } else if (want === 0x6b && c === 0xaa && q - 3 >= start && buf[q - 3] === 0xe2 && buf[q - 2] === 0x84) {
      q -= 3;
    } else if (want === 0x73 && c === 0xbf && q - 2 >= start && buf[q - 2] === 0xc5) {
      q -= 2;
    } else {
      return -1;
    }
  }
  return q;
}

/** Whether buf[start..end) contains `needle` case-insensitively. A plain loop: lines are short. */
export function foldContains(buf: Uint8Array, start: number, end: number, needle: Uint8Array): boolean {
  if (needle.length === 0) return true;
  const first = needle[0]!;
  const firstUpper = first >= 0x61 && first <= 0x7a ? first - 0x20 : first;
  const special = first === 0x6b ? 0xe2 : first === 0x73 ? 0xc5 : -1;
  for (let p = start; p < end; p++) {
    const c = buf[p];
    if (c !== first && c !== firstUpper && c !== special) continue;
    if (foldMatchForward(buf, p, end, needle) >= 0) return true;
  }
  return false;
}

function foldCode(c: number): number {
  if (c >= 0x41 && c <= 0x5a) return c | 0x20;
  if (c === 0x212a) return 0x6b;
  if (c === 0x17f) return 0x73;
  return c;
}

/**
 * The string counterpart of foldContains. Each folding character is a single
 * UTF-16 unit, so a unit-by-unit compare is exact.
 */
export function foldIndexOfString(line: string, needle: string, from = 0): number {
  const n = needle.length;
  if (n === 0) return from;
  outer: for (let p = from; p + n <= line.length; p++) {
    for (let j = 0; j < n; j++) {
      if (foldCode(line.charCodeAt(p + j)) !== needle.charCodeAt(j)) continue outer;
    }
    return p;
  }
  return -1;
}

/** Whether `line` starts with / ends with / equals `needle` under folding (string form). */
export function foldCompareString(line: string, needle: string, at: number): boolean {
  if (at < 0 || at + needle.length > line.length) return false;
  for (let j = 0; j < needle.length; j++) {
    if (foldCode(line.charCodeAt(at + j)) !== needle.charCodeAt(j)) return false;
  }
  return true;
}

/**
 * Lower-cases ASCII letters of words[from..to) in place, four bytes at a time,
 * and reports whether any byte had its top bit set (non-ASCII input). Bytes of
 * 0x80 and above are left untouched.
 */
export function lowerAsciiWords(words: Int32Array, from: number, to: number): boolean {
  let high = 0;
  for (let i = from; i < to; i++) {
    const x = words[i]!;
    // Per byte, with the top bit masked off no addition can carry into the next byte:
    // (h + 0x3f) has its top bit set iff h >= 'A'; (h + 0x25) iff h > 'Z'.
    const h = x & 0x7f7f7f7f;
    const upper = ~x & ((h + 0x3f3f3f3f) ^ (h + 0x25252525)) & 0x80808080;
    high |= x;
    words[i] = x | (upper >>> 2);
  }
  return (high & 0x80808080) !== 0;
}

/** Lower-cases ASCII letters of src[from..to) into dst at the same positions; reports non-ASCII input. */
export function lowerAsciiBytes(src: Uint8Array, dst: Uint8Array, from: number, to: number): boolean {
  let high = 0;
  for (let p = from; p < to; p++) {
    const c = src[p]!;
    high |= c;
    dst[p] = LOWER[c]!;
  }
  return (high & 0x80) !== 0;
}

/** A copy of `text` with ASCII letters lower-cased (other bytes unchanged). */
export function lowerAsciiCopy(text: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafeSlow((text.length + 3) & ~3);
  copy.set(text);
  copy.fill(0, text.length);
  lowerAsciiWords(new Int32Array(copy.buffer, 0, copy.length >> 2), 0, copy.length >> 2);
  return copy.subarray(0, text.length);
}
