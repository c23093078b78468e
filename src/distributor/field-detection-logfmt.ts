// Finds one field of a logfmt line, straight from its bytes, with the rules
// of the logfmt decoder Loki's field detection uses: keys run to `=` or a
// blank, values are bare or double-quoted (with JSON escapes), a key without
// `=` has no value, and the first syntax error ends the scan. Of several
// wanted keys the one listed first wins wherever it appears in the line, so
// the whole line is read unless that first key turns up; keys compare with
// Unicode case folding, as Go's strings.EqualFold does.
import { isUtf8 } from 'node:buffer';

const EQUALS = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SPACE = 0x20;

interface WantedKey {
  /** The key lower-cased, as bytes, when it is pure ASCII (the fast comparison). */
  readonly ascii: Uint8Array | null;
  readonly text: string;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

export class LogfmtFieldFinder {
  private readonly keys: readonly WantedKey[];
  /** Byte lengths of the ASCII wanted keys: other lengths skip the byte comparison. */
  private readonly asciiLengths: ReadonlySet<number>;
  private readonly hasNonAsciiKey: boolean;

  // The value of the last successful find(): a range of the line, or the
  // decoded text when it was quoted with escapes.
  valueStart = 0;
  valueEnd = 0;
  unquoted: string | null = null;

  /**
   * `keys` in priority order. A key that folds to an earlier one can never
   * win, so it is dropped; then at most one wanted key matches any key of a
   * line, and finding it settles its priority.
   */
  constructor(keys: readonly string[]) {
    const kept: WantedKey[] = [];
    for (const text of keys) {
      if (kept.some((k) => equalFold(k.text, text))) continue;
      kept.push({ ascii: isAscii(text) ? Buffer.from(text.toLowerCase(), 'latin1') : null, text });
    }
    this.keys = kept;
    this.asciiLengths = new Set(kept.filter((k) => k.ascii !== null).map((k) => k.ascii!.length));
    this.hasNonAsciiKey = kept.some((k) => k.ascii === null);
  }

  /**
   * Looks for the wanted keys in `line`; true when one was found (its value
   * may be empty). The value is then `valueText()` or the range
   * [valueStart, valueEnd) when `unquoted` is null.
   */
  find(line: Uint8Array): boolean {
    const n = line.length;
    let best = this.keys.length;
    let pos = 0;
    while (pos < n) {
      // Blanks and control bytes before a key are skipped.
      while (pos < n && line[pos]! <= SPACE) pos++;
      if (pos >= n) break;

      // The key: up to `=`, a blank or the end; a quote in it is an error.
      const keyStart = pos;
      let multibyte = false;
      let c = 0;
      while (pos < n) {
        c = line[pos]!;
        if (c === EQUALS || c === QUOTE || c <= SPACE) break;
        if (c >= 0x80) multibyte = true;
        pos++;
      }
      const keyEnd = pos;
      if (multibyte && !validKey(line, keyStart, keyEnd)) return best < this.keys.length;
      if (pos >= n || c <= SPACE) {
        // A key without `=`: it matches with no value.
        const k = this.match(line, keyStart, keyEnd);
        if (k >= 0 && k < best) {
          best = k;
          this.setValue(0, 0, null);
          if (k === 0) return true;
        }
        continue;
      }
      if (c === QUOTE || keyEnd === keyStart) return best < this.keys.length;

      // `=`, then a bare value, a quoted value, or nothing.
      pos++;
      let vStart = pos;
      let vEnd = pos;
      let unquoted: string | null = null;
      if (pos < n && line[pos]! > SPACE) {
        if (line[pos] === QUOTE) {
          const close = closingQuote(line, pos + 1, n);
          if (close < 0) return best < this.keys.length;
          if (quotedHasEscapes) {
            unquoted = unquote(line, pos + 1, close);
            if (unquoted === null) return best < this.keys.length;
          }
          vStart = pos + 1;
          vEnd = close;
          pos = close + 1;
        } else {
          while (pos < n) {
            c = line[pos]!;
            if (c === EQUALS || c === QUOTE) return best < this.keys.length;
            if (c <= SPACE) break;
            pos++;
          }
          vEnd = pos;
        }
      }
      const k = this.match(line, keyStart, keyEnd);
      if (k >= 0 && k < best) {
        best = k;
        this.setValue(vStart, vEnd, unquoted);
        if (k === 0) return true;
      }
    }
    return best < this.keys.length;
  }

  /** The found value as text (decodes the line's bytes; for values kept as labels). */
  valueText(line: Uint8Array): string {
    if (this.unquoted !== null) return this.unquoted;
    return Buffer.from(line.buffer, line.byteOffset + this.valueStart, this.valueEnd - this.valueStart).toString(
      'utf8',
    );
  }

  private setValue(start: number, end: number, unquoted: string | null): void {
    this.valueStart = start;
    this.valueEnd = end;
    this.unquoted = unquoted;
  }

  /** The priority of the wanted key `line[start, end)` folds to, or -1. */
  private match(line: Uint8Array, start: number, end: number): number {
    const len = end - start;
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (line[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    const keys = this.keys;
    if (ascii) {
      // Between ASCII strings, Unicode folding is ASCII case folding.
      if (this.asciiLengths.has(len)) {
        for (let k = 0; k < keys.length; k++) {
          const want = keys[k]!.ascii;
          if (want === null || want.length !== len) continue;
          let i = 0;
          while (i < len && lowerAscii(line[start + i]!) === want[i]) i++;
          if (i === len) return k;
        }
      }
      if (!this.hasNonAsciiKey) return -1;
    }
    const text = Buffer.from(line.buffer, line.byteOffset + start, len).toString('utf8');
    for (let k = 0; k < keys.length; k++) {
      if (ascii && keys[k]!.ascii !== null) continue;
      if (equalFold(text, keys[k]!.text)) return k;
    }
    return -1;
  }
}

function lowerAscii(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** A key with non-ASCII bytes is invalid when it is not UTF-8 or holds U+FFFD, as in Loki's decoder. */
function validKey(line: Uint8Array, start: number, end: number): boolean {
  const key = line.subarray(start, end);
  if (!isUtf8(key)) return false;
  for (let i = start; i + 2 < end; i++) {
    if (line[i] === 0xef && line[i + 1] === 0xbf && line[i + 2] === 0xbd) return false;
  }
  return true;
}

/** Set by closingQuote: the quoted value it closed holds a backslash. */
let quotedHasEscapes = false;

/** The position of the quote closing a value opened just before `from`, or -1 (nothing allocated per value). */
function closingQuote(line: Uint8Array, from: number, n: number): number {
  quotedHasEscapes = false;
  for (let i = from; i < n; i++) {
    const c = line[i]!;
    if (c === BACKSLASH) {
      quotedHasEscapes = true;
      i++;
    } else if (c === QUOTE) {
      return i;
    }
  }
  return -1;
}

const SIMPLE_ESCAPES: Readonly<Record<number, string>> = {
  34: '"',
  92: '\\',
  47: '/',
  39: "'",
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
};

function hex4(line: Uint8Array, at: number, end: number): number {
  if (at + 6 > end || line[at] !== BACKSLASH || line[at + 1] !== 0x75) return -1;
  let v = 0;
  for (let i = at + 2; i < at + 6; i++) {
    const c = line[i]!;
    const d =
      c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/**
 * The text of a quoted value with escapes (`line[start, end)` between the
 * quotes), or null when an escape is invalid. Surrogate pairs combine; a lone
 * surrogate and malformed UTF-8 become U+FFFD.
 */
function unquote(line: Uint8Array, start: number, end: number): string | null {
  const parts: string[] = [];
  let run = start;
  let i = start;
  const flush = (to: number): void => {
    if (to > run) parts.push(Buffer.from(line.buffer, line.byteOffset + run, to - run).toString('utf8'));
  };
  while (i < end) {
    const c = line[i]!;
    if (c === QUOTE) return null;
    if (c !== BACKSLASH) {
      i++;
      continue;
    }
    flush(i);
    if (i + 1 >= end) return null;
    const e = line[i + 1]!;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      parts.push(simple);
      i += 2;
    } else if (e === 0x75) {
      const r = hex4(line, i, end);
      if (r < 0) return null;
      i += 6;
      if (r >= 0xd800 && r < 0xdc00) {
        const low = hex4(line, i, end);
        if (low >= 0xdc00 && low < 0xe000) {
          parts.push(String.fromCharCode(r, low));
          i += 6;
        } else parts.push('\ufffd');
      } else if (r >= 0xdc00 && r < 0xe000) parts.push('\ufffd');
      else parts.push(String.fromCharCode(r));
    } else return null;
    run = i;
  }
  flush(end);
  return parts.join('');
}

/**
 * Go's strings.EqualFold: equal under simple Unicode case folding. Code
 * points are compared one by one through their lower- and upper-case forms,
 * which covers the folds that matter for field names (ASCII, `ſ` ~ `s`,
 * the Kelvin sign ~ `k`).
 */
export function equalFold(a: string, b: string): boolean {
  if (a === b) return true;
  const ca = [...a];
  const cb = [...b];
  if (ca.length !== cb.length) return false;
  for (let i = 0; i < ca.length; i++) {
    const x = ca[i]!;
    const y = cb[i]!;
    if (x === y) continue;
    const xl = x.toLowerCase();
    const yl = y.toLowerCase();
    if (xl.length === 1 && xl === yl) continue;
    const xu = x.toUpperCase();
    if (xu.length === 1 && xu === y.toUpperCase()) continue;
    return false;
  }
  return true;
}
