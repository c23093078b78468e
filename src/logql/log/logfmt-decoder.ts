// A logfmt scanner with the rules of the decoder Loki uses (go-logfmt as
// adapted by Loki): keys run to `=` or a blank, values are bare or
// double-quoted with JSON-style escapes, a key without `=` has no value, and a
// malformed pair is skipped up to the next blank while the error is kept for
// `--strict`. Keys and values are reported as ranges of the line; the key's
// hash is computed while scanning so callers can intern it without slicing.

const INVALID_KEY = 'invalid key';
const UNTERMINATED_QUOTE = 'unterminated quoted value';
const INVALID_QUOTE = 'invalid quoted value';

export class LogfmtDecoder {
  private line = '';
  private pos = 0;
  keyStart = 0;
  keyEnd = 0;
  /**
   * Two independent hashes of the key's characters, computed while scanning.
   * Together with the length they identify a key (see KeyTable in
   * logfmt-parser.ts) without comparing it to interned keys.
   */
  keyHash = 0;
  keyHash2 = 0;
  /** The value's range; valueStart < 0 means the key has no value. */
  valueStart = -1;
  valueEnd = -1;
  /** The decoded value of a quoted value that held escapes (otherwise null). */
  unquoted: string | null = null;
  private errMsg: string | null = null;
  private errPos = 0;

  reset(line: string): void {
    this.line = line;
    this.pos = 0;
    this.errMsg = null;
  }

  /** The whole line has been consumed. */
  eol(): boolean {
    return this.pos >= this.line.length;
  }

  /** The key of the last pair (slices the line). */
  key(): string {
    return this.line.slice(this.keyStart, this.keyEnd);
  }

  /** The value of the last pair, "" when it had none. */
  value(): string {
    if (this.unquoted !== null) return this.unquoted;
    return this.valueStart < 0 ? '' : this.line.slice(this.valueStart, this.valueEnd);
  }

  /** Loki's error text for the last syntax error (byte position, 1-based), or null. */
  error(): string | null {
    if (this.errMsg === null) return null;
    const bytePos = Buffer.byteLength(this.line.slice(0, this.errPos), 'utf8') + 1;
    return `logfmt syntax error at pos ${bytePos} : ${this.errMsg}`;
  }

  private fail(msg: string): void {
    this.errMsg = msg;
    this.errPos = this.pos;
  }

  private unexpected(c: number): void {
    this.fail(`unexpected ${goQuoteByte(c)}`);
  }

  /**
   * Advances to the next key/value pair. Returns false at the end of the line
   * or on a malformed pair (the error is then recorded).
   */
  scanKeyval(): boolean {
    const line = this.line;
    const n = line.length;
    this.valueStart = -1;
    this.unquoted = null;
    let pos = this.pos;

    // Skip blanks (any control character counts as blank).
    while (pos < n && line.charCodeAt(pos) <= 0x20) pos++;
    if (pos >= n) {
      this.pos = n;
      return false;
    }

    // Key.
    const start = pos;
    let multibyte = false;
    let h = 0x811c9dc5;
    let h2 = 0x050c5d1f;
    for (; pos < n; pos++) {
      const c = line.charCodeAt(pos);
      if (c === 0x3d) {
        // '='
        this.pos = pos;
        if (pos === start) {
          this.unexpected(c);
          return this.skipValue();
        }
        this.setKey(start, pos, h, h2);
        if (multibyte && this.keyHasInvalidRune()) {
          this.fail(INVALID_KEY);
          return this.skipValue();
        }
        return this.scanValue();
      }
      if (c === 0x22) {
        this.pos = pos;
        this.unexpected(c);
        return this.skipValue();
      }
      if (c <= 0x20) {
        this.pos = pos;
        this.setKey(start, pos, h, h2);
        if (multibyte && this.keyHasInvalidRune()) {
          this.fail(INVALID_KEY);
          return false;
        }
        return true;
      }
      if (c >= 0x80) multibyte = true;
      h = Math.imul(h ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    this.pos = n;
    this.setKey(start, n, h, h2);
    if (multibyte && this.keyHasInvalidRune()) {
      this.fail(INVALID_KEY);
      return false;
    }
    return true;
  }

  private setKey(start: number, end: number, h: number, h2: number): void {
    this.keyStart = start;
    this.keyEnd = end;
    this.keyHash = h >>> 0;
    this.keyHash2 = h2 | 0;
  }

  private keyHasInvalidRune(): boolean {
    const i = this.line.indexOf('\ufffd', this.keyStart);
    return i !== -1 && i < this.keyEnd;
  }

  // After '=': a bare value, a quoted value or nothing.
  private scanValue(): boolean {
    const line = this.line;
    const n = line.length;
    let pos = this.pos + 1;
    this.pos = pos;
    if (pos >= n) return true;
    const first = line.charCodeAt(pos);
    if (first <= 0x20) return true;
    if (first === 0x22) return this.scanQuotedValue();
    const start = pos;
    for (; pos < n; pos++) {
      const c = line.charCodeAt(pos);
      if (c === 0x3d || c === 0x22) {
        this.pos = pos;
        this.unexpected(c);
        return this.skipValue();
      }
      if (c <= 0x20) {
        this.pos = pos;
        this.valueStart = start;
        this.valueEnd = pos;
        return true;
      }
    }
    this.pos = n;
    this.valueStart = start;
    this.valueEnd = n;
    return true;
  }

  private scanQuotedValue(): boolean {
    const line = this.line;
    const n = line.length;
    const start = this.pos;
    let hasEscape = false;
    let escaped = false;
    for (let p = start + 1; p < n; p++) {
      const c = line.charCodeAt(p);
      if (escaped) {
        escaped = false;
      } else if (c === 0x5c) {
        hasEscape = true;
        escaped = true;
      } else if (c === 0x22) {
        this.pos = p + 1;
        if (hasEscape) {
          const v = unquoteLogfmt(line, start + 1, p);
          if (v === null) {
            this.fail(INVALID_QUOTE);
            return false;
          }
          this.unquoted = v;
        } else if (p > start + 1) {
          this.valueStart = start + 1;
          this.valueEnd = p;
        }
        return true;
      }
    }
    this.pos = n;
    this.fail(UNTERMINATED_QUOTE);
    return false;
  }

  private skipValue(): boolean {
    const line = this.line;
    const n = line.length;
    for (let p = this.pos; p < n; p++) {
      if (line.charCodeAt(p) <= 0x20) {
        this.pos = p;
        return false;
      }
    }
    this.pos = n;
    return false;
  }
}

/** Go's %q of a byte: a single-quoted character literal such as '=' or '"'. */
function goQuoteByte(c: number): string {
  return `'${String.fromCharCode(c)}'`;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** `\uXXXX` at s[i], or -1. */
function getu4(s: string, i: number, end: number): number {
  if (end - i < 6 || s.charCodeAt(i) !== 0x5c || s.charCodeAt(i + 1) !== 0x75) return -1;
  let r = 0;
  for (let k = i + 2; k < i + 6; k++) {
    const d = hexDigit(s.charCodeAt(k));
    if (d < 0) return -1;
    r = (r << 4) | d;
  }
  return r;
}

/**
 * Decodes the content of a quoted value that contains escapes, as Go's
 * encoding/json unquote does (plus `\'`); null when an escape is invalid.
 * Unpaired surrogates become U+FFFD.
 */
export function unquoteLogfmt(s: string, start: number, end: number): string | null {
  let out = '';
  let run = start;
  let i = start;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === 0x22) return null;
    if (c !== 0x5c) {
      i++;
      continue;
    }
    out += s.slice(run, i);
    if (i + 1 >= end) return null;
    const e = s.charCodeAt(i + 1);
    switch (e) {
      case 0x22:
      case 0x5c:
      case 0x2f:
      case 0x27:
        out += String.fromCharCode(e);
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
        const r = getu4(s, i, end);
        if (r < 0) return null;
        i += 6;
        if (r >= 0xd800 && r <= 0xdfff) {
          const r2 = getu4(s, i, end);
          if (r <= 0xdbff && r2 >= 0xdc00 && r2 <= 0xdfff) {
            out += String.fromCharCode(r, r2);
            i += 6;
          } else {
            out += '\ufffd';
          }
        } else {
          out += String.fromCharCode(r);
        }
        break;
      }
      default:
        return null;
    }
    run = i;
  }
  return out + s.slice(run, end);
}
