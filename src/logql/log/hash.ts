// Non-cryptographic hashes for interning label sets inside one query.
//
// A label set is identified, as in Loki, by a hash rather than by comparing
// every value: two independent 32-bit lanes give a 53-bit identity, and each
// lane of a set is the wrapping sum of one mixed hash per (name, value) pair,
// so it does not depend on the order in which a pipeline produced the labels
// and the per-line path never has to sort.

/** FNV-1a over the UTF-16 code units of `s`. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A second, independent string hash (other basis and multiplier), for the second lane. */
export function hashString2(s: string): number {
  let h = 0x050c5d1f;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x5bd1e995);
  }
  return h >>> 0;
}

/** Murmur3's finaliser: spreads the bits of a hash before it is summed or masked. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The two lanes of the last label hashed by hashLabel (a shared scratch, to avoid allocating). */
export const labelHash = { a: 0, b: 0 };

/**
 * Hashes one label into `labelHash`; the name hashes come from its slot. The
 * value is consumed two UTF-16 units per step: each step is a bijection of the
 * state, so values of equal length that differ anywhere hash differently
 * before the final mix, and the length is folded in for the rest.
 */
export function hashLabel(nameHashA: number, nameHashB: number, value: string): void {
  let a = 0x811c9dc5 ^ value.length;
  let b = 0x050c5d1f;
  const n = value.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const c = value.charCodeAt(i) | (value.charCodeAt(i + 1) << 16);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  if (i < n) {
    const c = value.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  labelHash.a = mix32(nameHashA ^ Math.imul(a, 0x9e3779b1));
  labelHash.b = mix32(nameHashB ^ Math.imul(b ^ n, 0x85ebca77));
}
