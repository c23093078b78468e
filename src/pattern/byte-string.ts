// Byte strings: a log line's UTF-8 bytes held in a JS string, one char per byte
// (each char code 0..255, as Node's `latin1` encoding maps them).
//
// Loki's tokenizers work on Go strings, which are bytes: a line's length limit
// counts bytes, a non-ASCII punctuation mark splits a token after its *first
// byte*, and tokens compare byte for byte. Working on byte strings keeps every
// one of those rules exact while still letting V8 slice and compare tokens as
// strings. Almost all log lines are ASCII, and an ASCII string already is its
// own byte string, so the conversion costs nothing for them.

/** The replacement character Go substitutes for every byte of an invalid UTF-8 sequence. */
export const RUNE_ERROR = 0xfffd;

/**
 * True when every UTF-16 unit of `s` is below 0x80: exactly when its UTF-8
 * length equals its length. Node counts that natively, several times faster
 * than a loop over the string, and this runs for every pushed line.
 */
export function isAscii(s: string): boolean {
  return Buffer.byteLength(s, 'utf8') === s.length;
}

/** The UTF-8 bytes of `s`, one char per byte. ASCII strings are returned as they are. */
export function toByteString(s: string): string {
  return isAscii(s) ? s : Buffer.from(s, 'utf8').toString('latin1');
}

/** A line as a byte string, from its text or straight from its bytes (no UTF-8 decoding). */
export function lineToByteString(line: string | Buffer): string {
  return typeof line === 'string' ? toByteString(line) : line.toString('latin1');
}

/**
 * Decodes the rune starting at byte `i` the way Go's `utf8.DecodeRuneInString`
 * does: an invalid or truncated sequence yields RUNE_ERROR with width 1.
 * Returns `rune * 8 + width` so that hot loops need no result object;
 * see `runeOf` and `widthOf`.
 */
export function decodeRune(bs: string, i: number): number {
  const b0 = bs.charCodeAt(i);
  if (b0 < 0x80) return b0 * 8 + 1;
  const n = bs.length;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const b1 = i + 1 < n ? bs.charCodeAt(i + 1) : 0;
    if (b1 >= 0x80 && b1 <= 0xbf) return (((b0 & 0x1f) << 6) | (b1 & 0x3f)) * 8 + 2;
    return RUNE_ERROR * 8 + 1;
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const b1 = i + 1 < n ? bs.charCodeAt(i + 1) : 0;
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    if (b1 < lo || b1 > hi) return RUNE_ERROR * 8 + 1;
    const b2 = i + 2 < n ? bs.charCodeAt(i + 2) : 0;
    if (b2 < 0x80 || b2 > 0xbf) return RUNE_ERROR * 8 + 1;
    return (((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f)) * 8 + 3;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const b1 = i + 1 < n ? bs.charCodeAt(i + 1) : 0;
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    if (b1 < lo || b1 > hi) return RUNE_ERROR * 8 + 1;
    const b2 = i + 2 < n ? bs.charCodeAt(i + 2) : 0;
    const b3 = i + 3 < n ? bs.charCodeAt(i + 3) : 0;
    if (b2 < 0x80 || b2 > 0xbf || b3 < 0x80 || b3 > 0xbf) return RUNE_ERROR * 8 + 1;
    return (((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f)) * 8 + 4;
  }
  return RUNE_ERROR * 8 + 1;
}

export function runeOf(decoded: number): number {
  return decoded >>> 3;
}

export function widthOf(decoded: number): number {
  return decoded & 7;
}

/**
 * A JS string from a byte string. Invalid UTF-8 becomes U+FFFD one byte at a
 * time, as Go's encoders print it (Node's decoder would merge some sequences).
 */
export function fromByteString(bs: string): string {
  if (isAscii(bs)) return bs;
  let out = '';
  let start = 0;
  let i = 0;
  while (i < bs.length) {
    if (bs.charCodeAt(i) < 0x80) {
      i++;
      continue;
    }
    if (start < i) out += bs.slice(start, i);
    const d = decodeRune(bs, i);
    out += String.fromCodePoint(runeOf(d));
    i += widthOf(d);
    start = i;
  }
  if (start < bs.length) out += bs.slice(start);
  return out;
}

/** The UTF-8 encoding of one code point, as a byte string. */
export function encodeRune(cp: number): string {
  if (cp < 0x80) return String.fromCharCode(cp);
  if (cp < 0x800) return String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  if (cp < 0x10000) {
    return String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return String.fromCharCode(
    0xf0 | (cp >> 18),
    0x80 | ((cp >> 12) & 0x3f),
    0x80 | ((cp >> 6) & 0x3f),
    0x80 | (cp & 0x3f),
  );
}

/**
 * A copy of `s` that does not share storage with the line it was sliced from.
 * V8 keeps a whole line alive behind any slice of it; a cluster outlives the
 * line it was created from by hours, so its tokens are copied once.
 */
export function detachedCopy(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'latin1').toString('latin1');
}
