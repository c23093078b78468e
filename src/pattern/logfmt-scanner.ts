// A logfmt key/value scanner over byte strings with the acceptance rules of
// Loki's logfmt decoder (the one its pattern tokenizer uses): a bare word is a
// key without a value, `key=` has an empty value, quoted values may carry
// JSON-style escapes, and anything else (a stray `=` or `"`, an unterminated
// or badly escaped quote, a key with invalid UTF-8) is a syntax error that
// makes the pattern tokenizer skip the whole line.
import { decodeRune, encodeRune, RUNE_ERROR, runeOf, widthOf } from './byte-string.js';

export const SCAN_END = 0;
export const SCAN_PAIR = 1;
export const SCAN_ERROR = 2;
export type ScanResult = typeof SCAN_END | typeof SCAN_PAIR | typeof SCAN_ERROR;

const SPACE = 0x20;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export class LogfmtScanner {
  private line = '';
  private pos = 0;
  /** The key of the last pair. */
  key = '';
  /** The value of the last pair; '' when the key had none. */
  value = '';

  reset(line: string): void {
    this.line = line;
    this.pos = 0;
  }

  atEnd(): boolean {
    return this.pos >= this.line.length;
  }

  /** Reads the next pair into `key` / `value`. */
  next(): ScanResult {
    const line = this.line;
    const n = line.length;
    this.key = '';
    this.value = '';

    let p = this.pos;
    while (p < n && line.charCodeAt(p) <= SPACE) p++;
    if (p >= n) {
      this.pos = n;
      return SCAN_END;
    }

    // The key runs up to `=`, whitespace or the end of the line.
    const keyStart = p;
    let multibyte = false;
    for (; p < n; p++) {
      const c = line.charCodeAt(p);
      if (c === EQUALS) break;
      if (c === QUOTE) return this.fail(p);
      if (c <= SPACE) {
        this.pos = p;
        return this.setKey(keyStart, p, multibyte) ? SCAN_PAIR : SCAN_ERROR;
      }
      if (c >= 0x80) multibyte = true;
    }
    if (p >= n) {
      this.pos = n;
      return this.setKey(keyStart, n, multibyte) ? SCAN_PAIR : SCAN_ERROR;
    }
    if (p === keyStart || !this.setKey(keyStart, p, multibyte)) return this.fail(p);

    // After `=`: nothing, a bare value, or a quoted one.
    p++;
    if (p >= n) {
      this.pos = n;
      return SCAN_PAIR;
    }
    const first = line.charCodeAt(p);
    if (first <= SPACE) {
      this.pos = p;
      return SCAN_PAIR;
    }
    if (first === QUOTE) return this.quotedValue(p);

    const valueStart = p;
    for (; p < n; p++) {
      const c = line.charCodeAt(p);
      if (c === EQUALS || c === QUOTE) return this.fail(p);
      if (c <= SPACE) break;
    }
    this.value = line.slice(valueStart, p);
    this.pos = p;
    return SCAN_PAIR;
  }

  private setKey(start: number, end: number, multibyte: boolean): boolean {
    const key = this.line.slice(start, end);
    if (multibyte && containsRuneError(key)) return false;
    this.key = key;
    return true;
  }

  /** Skips the rest of the bad pair; the error ends scanning. */
  private fail(p: number): ScanResult {
    const n = this.line.length;
    while (p < n && this.line.charCodeAt(p) > SPACE) p++;
    this.pos = p;
    return SCAN_ERROR;
  }

  private quotedValue(open: number): ScanResult {
    const line = this.line;
    const n = line.length;
    let escaped = false;
    let hasEscape = false;
    for (let p = open + 1; p < n; p++) {
      const c = line.charCodeAt(p);
      if (escaped) {
        escaped = false;
      } else if (c === BACKSLASH) {
        escaped = true;
        hasEscape = true;
      } else if (c === QUOTE) {
        this.pos = p + 1;
        if (!hasEscape) {
          this.value = line.slice(open + 1, p);
          return SCAN_PAIR;
        }
        const unquoted = unescapeQuoted(line, open + 1, p);
        if (unquoted === null) return SCAN_ERROR;
        this.value = unquoted;
        return SCAN_PAIR;
      }
    }
    this.pos = n;
    return SCAN_ERROR;
  }
}

/** Whether a byte string holds invalid UTF-8 or an encoded U+FFFD (Go's `ContainsRune(s, RuneError)`). */
function containsRuneError(s: string): boolean {
  for (let i = 0; i < s.length; ) {
    if (s.charCodeAt(i) < 0x80) {
      i++;
      continue;
    }
    const d = decodeRune(s, i);
    if (runeOf(d) === RUNE_ERROR) return true;
    i += widthOf(d);
  }
  return false;
}

function hex4(s: string, i: number): number {
  if (i + 4 > s.length) return -1;
  let v = 0;
  for (let k = i; k < i + 4; k++) {
    const c = s.charCodeAt(k);
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x61 + 10;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x41 + 10;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

/** `\uXXXX` at `i`, or -1. */
function unicodeEscapeAt(s: string, i: number, end: number): number {
  if (i + 6 > end || s.charCodeAt(i) !== BACKSLASH || s.charCodeAt(i + 1) !== 0x75) return -1;
  return hex4(s, i + 2);
}

const simpleEscapes: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  "'": "'",
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * The content of a quoted value between `start` and `end` with its escapes
 * resolved (as UTF-8 bytes), or null for an escape logfmt does not accept.
 * Invalid UTF-8 in the value becomes U+FFFD.
 */
function unescapeQuoted(s: string, start: number, end: number): string | null {
  let out = '';
  let i = start;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH) {
      if (i + 1 >= end) return null;
      const e = s[i + 1]!;
      if (e === 'u') {
        let cp = unicodeEscapeAt(s, i, end);
        if (cp < 0) return null;
        i += 6;
        if (cp >= 0xd800 && cp < 0xe000) {
          const lo = unicodeEscapeAt(s, i, end);
          if (cp < 0xdc00 && lo >= 0xdc00 && lo < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i += 6;
          } else {
            cp = RUNE_ERROR;
          }
        }
        out += encodeRune(cp);
        continue;
      }
      const replacement = simpleEscapes[e];
      if (replacement === undefined) return null;
      out += replacement;
      i += 2;
      continue;
    }
    if (c === QUOTE) return null;
    if (c < 0x80) {
      out += s[i];
      i++;
      continue;
    }
    const d = decodeRune(s, i);
    const w = widthOf(d);
    out += runeOf(d) === RUNE_ERROR && w === 1 ? encodeRune(RUNE_ERROR) : s.slice(i, i + w);
    i += w;
  }
  return out;
}
