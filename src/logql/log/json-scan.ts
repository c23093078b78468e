// Scanning primitives with the exact behaviour of the JSON reader Loki uses
// (grafana/jsonparser): it is lenient (trailing commas, text after the
// closing brace, numbers such as `12abc`), skips blocks by counting brackets,
// and reports its own error texts, which end up in `__error_details__`.
// Everything works on a JavaScript string between explicit bounds, so nested
// objects are scanned in place without slicing.

export const MALFORMED_JSON = 'Malformed JSON error';
export const MALFORMED_STRING = `Value is string, but can't find closing '"' symbol`;
export const MALFORMED_ARRAY = "Value is array, but can't find closing ']' symbol";
export const MALFORMED_OBJECT = "Value looks like object, but can't find closing '}' symbol";
export const UNKNOWN_VALUE_TYPE = 'Unknown value type';
export const MALFORMED_STRING_ESCAPE = 'Encountered an invalid escape sequence in a string';

export const TYPE_STRING = 1;
export const TYPE_NUMBER = 2;
export const TYPE_OBJECT = 3;
export const TYPE_ARRAY = 4;
export const TYPE_BOOLEAN = 5;
export const TYPE_NULL = 6;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Index of the first non-blank character in [i, end), or -1. */
export function nextToken(s: string, i: number, end: number): number {
  for (; i < end; i++) {
    if (!isSpace(s.charCodeAt(i))) return i;
  }
  return -1;
}

/** The end of a bare token (number, true, false, null): the next blank, `,`, `}` or `]`. */
export function tokenEnd(s: string, i: number, end: number): number {
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x2c || c === 0x7d || c === 0x5d) return i;
  }
  return end;
}

function matchesAt(s: string, i: number, end: number, word: string): boolean {
  return end - i === word.length && s.startsWith(word, i);
}

/**
 * Reads one line. Strings are delimited with indexOf, which is much faster
 * than walking characters; the position of the next backslash is cached so
 * that deciding whether a string has escapes costs nothing on the common
 * lines that have none.
 */
export class JsonReader {
  s = '';
  /** The first backslash at or after `backslashFrom` (s.length when there is none). */
  private backslashAt = 0;
  private backslashFrom = 0;

  // Results of scanValue().
  /** Content bounds: strings exclude their quotes. */
  start = 0;
  end = 0;
  /** Index just after the value. */
  next = 0;
  /** The last string scanned contains a backslash. */
  escaped = false;

  reset(s: string): void {
    this.s = s;
    this.backslashFrom = 0;
    const b = s.indexOf('\\');
    this.backslashAt = b === -1 ? s.length : b;
  }

  private firstBackslash(from: number): number {
    if (from < this.backslashFrom || this.backslashAt < from) {
      this.backslashFrom = from;
      const b = this.s.indexOf('\\', from);
      this.backslashAt = b === -1 ? this.s.length : b;
    }
    return this.backslashAt;
  }

  /**
   * The end of a string whose opening quote is just before `i`: the index
   * after the closing quote, or -1 when it is not closed before `limit`. A
   * quote preceded by an odd number of backslashes is escaped.
   */
  stringEnd(i: number, limit: number): number {
    const s = this.s;
    const q = s.indexOf('"', i);
    if (q === -1 || q >= limit) {
      this.escaped = this.firstBackslash(i) < limit;
      return -1;
    }
    if (this.firstBackslash(i) > q) {
      this.escaped = false;
      return q + 1;
    }
    this.escaped = true;
    return escapedStringEnd(s, i, limit);
  }

  /**
   * The index just after the bracket closing the block opened at `i` (`{`/`}`
   * or `[`/`]`, counting only that pair and skipping strings), or -1.
   */
  blockEnd(i: number, limit: number, open: number, close: number): number {
    const s = this.s;
    let level = 0;
    for (; i < limit; i++) {
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        const se = this.stringEnd(i + 1, limit);
        if (se === -1) return -1;
        i = se - 1;
      } else if (c === open) {
        level++;
      } else if (c === close) {
        level--;
        if (level === 0) return i + 1;
      }
    }
    return -1;
  }

  /**
   * The value starting at the first token at or after `from` (jsonparser's
   * Get without keys). Bounds land in start/end/next; returns the type, or
   * an error text.
   */
  scanValue(from: number, limit: number): number | string {
    const s = this.s;
    let i = from;
    if (i < limit && isSpace(s.charCodeAt(i))) i = nextToken(s, i, limit);
    if (i === -1 || i >= limit) return MALFORMED_JSON;
    const c = s.charCodeAt(i);
    if (c === QUOTE) {
      const se = this.stringEnd(i + 1, limit);
      if (se === -1) return MALFORMED_STRING;
      this.start = i + 1;
      this.end = se - 1;
      this.next = se;
      return TYPE_STRING;
    }
    if (c === 0x5b || c === 0x7b) {
      const close = c === 0x5b ? 0x5d : 0x7d;
      const be = this.blockEnd(i, limit, c, close);
      if (be === -1) return c === 0x5b ? MALFORMED_ARRAY : MALFORMED_OBJECT;
      this.start = i;
      this.end = be;
      this.next = be;
      return c === 0x5b ? TYPE_ARRAY : TYPE_OBJECT;
    }
    const te = tokenEnd(s, i, limit);
    this.start = i;
    this.end = te;
    this.next = te;
    switch (c) {
      case 0x74: // t
      case 0x66: // f
        return matchesAt(s, i, te, 'true') || matchesAt(s, i, te, 'false') ? TYPE_BOOLEAN : UNKNOWN_VALUE_TYPE;
      case 0x75: // u
      case 0x6e: // n
        return matchesAt(s, i, te, 'null') ? TYPE_NULL : UNKNOWN_VALUE_TYPE;
      default:
        return (c >= 0x30 && c <= 0x39) || c === 0x2d ? TYPE_NUMBER : UNKNOWN_VALUE_TYPE;
    }
  }
}

// The slow path of stringEnd for strings that hold backslashes: a quote closes
// the string when an even number of backslashes precede it.
function escapedStringEnd(s: string, i: number, limit: number): number {
  for (; i < limit; i++) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH) {
      i++;
    } else if (c === QUOTE) {
      return i + 1;
    }
  }
  return -1;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** Four hex digits at s[i+2..i+5] (the `\u` at i is not checked, as in jsonparser), or -1. */
function hex4(s: string, i: number, end: number): number {
  if (end - i < 6) return -1;
  const a = hexValue(s.charCodeAt(i + 2));
  const b = hexValue(s.charCodeAt(i + 3));
  const c = hexValue(s.charCodeAt(i + 4));
  const d = hexValue(s.charCodeAt(i + 5));
  if (a < 0 || b < 0 || c < 0 || d < 0) return -1;
  return (a << 12) | (b << 8) | (c << 4) | d;
}

/**
 * jsonparser's Unescape of s[start, end): null when an escape is invalid.
 * A UTF-16 surrogate pair is combined the way it does (without checking the
 * low half's range); a code point past U+10FFFF becomes U+FFFD.
 */
export function unescapeJSON(s: string, start: number, end: number): string | null {
  let out = '';
  let run = start;
  let i = s.indexOf('\\', start);
  if (i === -1 || i >= end) return s.slice(start, end);
  while (i !== -1 && i < end) {
    out += s.slice(run, i);
    if (i + 1 >= end) return null;
    const e = s.charCodeAt(i + 1);
    switch (e) {
      case 0x22:
        out += '"';
        i += 2;
        break;
      case 0x5c:
        out += '\\';
        i += 2;
        break;
      case 0x2f:
        out += '/';
        i += 2;
        break;
      case 0x62:
        out += '\b';
        i += 2;
        break;
      case 0x66:
        out += '\f';
        i += 2;
        break;
      case 0x6e:
        out += '\n';
        i += 2;
        break;
      case 0x72:
        out += '\r';
        i += 2;
        break;
      case 0x74:
        out += '\t';
        i += 2;
        break;
      case 0x75: {
        const r = hex4(s, i, end);
        if (r < 0) return null;
        if (r < 0xd800 || r > 0xdfff) {
          out += String.fromCharCode(r);
          i += 6;
          break;
        }
        const r2 = hex4(s, i + 6, end);
        if (r2 < 0xdc00) return null;
        const cp = 0x10000 + ((r - 0xd800) << 10) + (r2 - 0xdc00);
        out += cp > 0x10ffff ? '\ufffd' : String.fromCodePoint(cp);
        i += 12;
        break;
      }
      default:
        return null;
    }
    run = i;
    i = s.indexOf('\\', i);
  }
  return out + s.slice(run, end);
}

/**
 * Loki's treatment of decoded JSON strings: characters that did not decode
 * (U+FFFD) are replaced with a space, as Prometheus rejects them.
 */
export function replaceInvalidRunes(s: string): string {
  return s.indexOf('\ufffd') === -1 ? s : s.replaceAll('\ufffd', ' ');
}
