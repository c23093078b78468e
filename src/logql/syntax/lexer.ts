// The LogQL lexer.
//
// It reproduces Loki's tokenisation rules, which sit on Go's text/scanner:
// - identifiers are Go identifiers (Unicode letters allowed); keywords are
//   case-insensitive, and function names (`rate`, `sum`, `bytes`, `ip`, ...)
//   are only keywords when a `(` follows, possibly after `by (...)`;
// - a number immediately followed by unit characters becomes a DURATION
//   (`5m`, `1.5s`) or BYTES (`20MB`) token, `-` followed by units a negative
//   DURATION, and `[...]` a RANGE whose contents must be a Prometheus duration;
// - `#` starts a comment to the end of the line, and Go's `//` and `/* */`
//   comments are skipped too;
// - strings are Go strings: "..." with escapes, `...` raw.
// Characters that form no token become one-character IDENTIFIERs, which is
// why Loki reports `unexpected IDENTIFIER` for a stray `!` or `@`.
//
// Errors throw a ParseError positioned as Loki positions them, including the
// quirk that tokens completed character by character have line 0.
import { ParseError } from './errors.js';
import { goQuoteRune, goUnquote } from './gostrconv.js';
import { functionTokens, keywordTokens, Tok, type TokenKind } from './tokens.js';
import { tryParseBytes, tryParseLokiDuration, tryParsePromDuration } from './units.js';

export interface Token {
  kind: TokenKind;
  /** Offset of the first character in the query. */
  start: number;
  /** Offset just past the last character. */
  end: number;
  /** IDENTIFIER and FUNCTION_FLAG text, unquoted STRING, NUMBER as written. */
  text: string;
  /** DURATION and RANGE value in nanoseconds. */
  ns: bigint;
  /** BYTES value. */
  bytes: number;
  /**
   * False when Loki's scanner has forgotten the token's line (it was
   * completed with Scanner.Next); errors at it then report line 0.
   */
  lineKnown: boolean;
}

const EOF = -1;

const letterRe = /\p{L}/u;
const digitRe = /\p{Nd}/u;
const numberRe = /\p{N}/u;

function isLetter(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a);
  return letterRe.test(String.fromCodePoint(cp));
}

function isIdentStart(cp: number): boolean {
  return cp === 0x5f || isLetter(cp);
}

function isIdentPart(cp: number): boolean {
  if (cp < 0x80) {
    return cp === 0x5f || (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x30 && cp <= 0x39);
  }
  const ch = String.fromCodePoint(cp);
  return letterRe.test(ch) || digitRe.test(ch);
}

function isDecimal(cp: number): boolean {
  return cp >= 0x30 && cp <= 0x39;
}

function isHex(cp: number): boolean {
  return isDecimal(cp) || ((cp | 0x20) >= 0x61 && (cp | 0x20) <= 0x66);
}

function isUnicodeNumber(cp: number): boolean {
  if (cp < 0x80) return isDecimal(cp);
  return numberRe.test(String.fromCodePoint(cp));
}

/** Go's unicode.IsSpace. */
function isSpace(cp: number): boolean {
  switch (cp) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x20:
    case 0x85:
    case 0xa0:
      return true;
  }
  return cp > 0xff && /\s/u.test(String.fromCodePoint(cp));
}

function isDurationRune(cp: number): boolean {
  switch (cp) {
    case 0x6e: // n
    case 0x75: // u
    case 0xb5: // µ
    case 0x6d: // m
    case 0x73: // s
    case 0x68: // h
    case 0x64: // d
    case 0x77: // w
    case 0x79: // y
      return true;
  }
  return false;
}

function isBytesRune(cp: number): boolean {
  switch (cp) {
    case 0x42: // B
    case 0x69: // i
    case 0x6b: // k
    case 0x4b: // K
    case 0x4d: // M
    case 0x47: // G
    case 0x54: // T
    case 0x50: // P
      return true;
  }
  return false;
}

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const parserFlags = new Set(['--strict', '--keep-empty']);

/** 1-based line and column (in code points) of an offset, as Go's scanner counts them. */
export function positionOf(src: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (src.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  let col = 1;
  for (let i = lineStart; i < offset; i++) {
    const c = src.charCodeAt(i);
    // A surrogate pair is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < offset) {
      const d = src.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    col++;
  }
  return { line, col };
}

/** Builds the ParseError Loki reports for a problem at a token. */
export function errorAt(src: string, offset: number, lineKnown: boolean, reason: string): ParseError {
  const { line, col } = positionOf(src, offset);
  return new ParseError(reason, lineKnown ? line : 0, col);
}

export class Lexer {
  private pos: number;
  /** Where the previous token ended; see the `0b` case in scanNumber. */
  private lastEnd = 0;

  constructor(private readonly src: string) {
    this.pos = src.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  /** Code point at an offset, or EOF. */
  private at(i: number): number {
    if (i >= this.src.length) return EOF;
    const c = this.src.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) return c;
    return this.src.codePointAt(i)!;
  }

  private width(cp: number): number {
    return cp > 0xffff ? 2 : 1;
  }

  private fail(offset: number, lineKnown: boolean, reason: string): never {
    throw errorAt(this.src, offset, lineKnown, reason);
  }

  private token(kind: TokenKind, start: number, text = '', lineKnown = true): Token {
    return { kind, start, end: this.pos, text, ns: 0n, bytes: 0, lineKnown };
  }

  /** Reads the next token. */
  next(): Token {
    this.lastEnd = this.pos;
    for (;;) {
      const start = this.skipSpaceAndComments();
      const cp = this.at(start);
      if (cp === EOF) return this.token(Tok.EOF, start);
      if (cp === 0x23) {
        // `#` comments run to the end of the line.
        let i = start + 1;
        while (i < this.src.length && this.src.charCodeAt(i) !== 0x0a) i++;
        this.pos = i;
        continue;
      }
      return this.scanToken(start, cp);
    }
  }

  private skipSpaceAndComments(): number {
    const src = this.src;
    for (;;) {
      let i = this.pos;
      for (;;) {
        const c = src.charCodeAt(i);
        if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
        else break;
      }
      this.pos = i;
      if (src.charCodeAt(i) !== 0x2f) return i;
      const next = src.charCodeAt(i + 1);
      if (next === 0x2f) {
        let j = i + 2;
        while (j < src.length && src.charCodeAt(j) !== 0x0a) j++;
        this.pos = j;
      } else if (next === 0x2a) {
        const close = src.indexOf('*/', i + 2);
        if (close < 0) this.fail(i, true, 'comment not terminated');
        this.pos = close + 2;
      } else {
        return i;
      }
    }
  }

  private scanToken(start: number, cp: number): Token {
    if (cp === 0 || (cp >= 0xd800 && cp <= 0xdfff)) {
      this.fail(start, true, cp === 0 ? 'invalid character NUL' : 'invalid UTF-8 encoding');
    }
    if (isIdentStart(cp)) {
      let i = start + this.width(cp);
      for (;;) {
        const c = this.at(i);
        if (c === EOF || !isIdentPart(c)) break;
        i += this.width(c);
      }
      this.pos = i;
      return this.word(start, this.src.slice(start, i));
    }
    if (isDecimal(cp) || (cp === 0x2e && isDecimal(this.at(start + 1)))) {
      this.scanNumber(start);
      return this.number(start);
    }
    switch (cp) {
      case 0x22: // "
      case 0x60: // `
        return this.string(start, cp);
      case 0x27: {
        // '
        // Go's scanner reads a character literal; LogQL has no use for it,
        // so it ends up as an identifier as in Loki.
        this.scanQuoted(start, 0x27);
        return this.word(start, this.src.slice(start, this.pos));
      }
      case 0x5b: // [
        return this.range(start);
      case 0x2d: {
        // -
        this.pos = start + 1;
        if (this.src.charCodeAt(this.pos) === 0x2d) {
          const flag = this.tryFlag(start);
          if (flag) return flag;
        }
        const dur = this.tryDuration(start, '-');
        if (dur) return dur;
        return this.word(start, '-');
      }
    }
    this.pos = start + this.width(cp);
    return this.word(start, String.fromCodePoint(cp));
  }

  /** Keyword, function name, operator or identifier for a scanned word or character. */
  private word(start: number, text: string): Token {
    const lower = text.toLowerCase();
    const fn = functionTokens.get(lower);
    if (fn !== undefined) {
      return this.isFunctionCall() ? this.token(fn, start) : this.token(Tok.IDENTIFIER, start, text);
    }
    const next = this.at(this.pos);
    if (next !== EOF) {
      const pair = keywordTokens.get(lower + String.fromCodePoint(next).toLowerCase());
      if (pair !== undefined) {
        this.pos += this.width(next);
        return this.token(pair, start, '', false);
      }
    }
    const kw = keywordTokens.get(lower);
    if (kw !== undefined) return this.token(kw, start);
    return this.token(Tok.IDENTIFIER, start, text);
  }

  /** Whether `(` follows, or `by (` / `without (`, as Loki decides function calls. */
  private isFunctionCall(): boolean {
    const src = this.src;
    let i = this.skipUnicodeSpace(this.pos);
    if (src.charCodeAt(i) === 0x28) return true;
    let word: string | undefined;
    if (src.slice(i, i + 2).toLowerCase() === 'by') word = 'by';
    else if (src.slice(i, i + 7).toLowerCase() === 'without') word = 'without';
    if (!word) return false;
    i = this.skipUnicodeSpace(i + word.length);
    return src.charCodeAt(i) === 0x28;
  }

  private skipUnicodeSpace(i: number): number {
    for (;;) {
      const c = this.at(i);
      if (c === EOF || !isSpace(c)) return i;
      i += this.width(c);
    }
  }

  private tryFlag(start: number): Token | null {
    let i = this.pos;
    for (;;) {
      const c = this.at(i);
      if (c === 0x2d || (c !== EOF && isLetter(c))) i += this.width(c);
      else break;
    }
    const flag = this.src.slice(start, i);
    if (!parserFlags.has(flag)) return null;
    this.pos = i;
    return this.token(Tok.FUNCTION_FLAG, start, flag, false);
  }

  /** Extends a number (or `-`) with following unit characters into a DURATION, if they form one. */
  private tryDuration(start: number, prefix: string): Token | null {
    let i = this.pos;
    for (;;) {
      const c = this.at(i);
      if (c === EOF || !(isUnicodeNumber(c) || isDurationRune(c) || c === 0x2e)) break;
      i += this.width(c);
    }
    if (i === this.pos) return null;
    const ns = tryParseLokiDuration(prefix + this.src.slice(this.pos, i));
    if (ns === null) return null;
    this.pos = i;
    const tok = this.token(Tok.DURATION, start, '', false);
    tok.ns = ns;
    return tok;
  }

  private tryBytes(start: number, prefix: string): Token | null {
    let i = this.pos;
    for (;;) {
      const c = this.at(i);
      if (c === EOF || !(isUnicodeNumber(c) || isBytesRune(c) || c === 0x2e)) break;
      i += this.width(c);
    }
    if (i === this.pos) return null;
    const bytes = tryParseBytes(prefix + this.src.slice(this.pos, i));
    if (typeof bytes === 'string') return null;
    this.pos = i;
    const tok = this.token(Tok.BYTES, start, '', false);
    tok.bytes = bytes;
    return tok;
  }

  private number(start: number): Token {
    const text = this.src.slice(start, this.pos);
    return this.tryDuration(start, text) ?? this.tryBytes(start, text) ?? this.token(Tok.NUMBER, start, text);
  }

  private range(start: number): Token {
    const close = this.src.indexOf(']', start + 1);
    if (close < 0) {
      this.pos = this.src.length;
      this.fail(start, false, "missing closing ']' in duration");
    }
    this.pos = close + 1;
    const ns = tryParsePromDuration(this.src.slice(start + 1, close));
    if (typeof ns === 'string') this.fail(start, false, ns);
    const tok = this.token(Tok.RANGE, start, '', false);
    tok.ns = ns;
    return tok;
  }

  private string(start: number, quote: number): Token {
    if (quote === 0x60) {
      const close = this.src.indexOf('`', start + 1);
      if (close < 0) this.fail(start, true, 'literal not terminated');
      this.pos = close + 1;
    } else {
      this.scanQuoted(start, quote);
    }
    const raw = this.src.slice(start, this.pos);
    if (loneSurrogate.test(raw)) this.fail(start, true, 'invalid UTF-8 encoding');
    const value = goUnquote(raw);
    if (value === null) this.fail(start, true, 'invalid syntax');
    return this.token(Tok.STRING, start, value);
  }

  /** Scans a "..." or '...' literal the way Go's scanner validates it. */
  private scanQuoted(start: number, quote: number): void {
    const src = this.src;
    let i = start + 1;
    let chars = 0;
    for (;;) {
      const c = i < src.length ? src.charCodeAt(i) : EOF;
      if (c === quote) break;
      if (c === 0x0a || c === EOF) this.fail(start, true, 'literal not terminated');
      if (c === 0x5c) i = this.scanEscape(start, i + 1, quote);
      else i++;
      chars++;
    }
    this.pos = i + 1;
    if (quote === 0x27 && chars !== 1) this.fail(start, true, 'invalid char literal');
  }

  private scanEscape(start: number, i: number, quote: number): number {
    const c = i < this.src.length ? this.src.charCodeAt(i) : EOF;
    const digits = (from: number, base: number, n: number): number => {
      let j = from;
      for (; n > 0; n--, j++) {
        const d = j < this.src.length ? this.src.charCodeAt(j) : EOF;
        const v = isDecimal(d) ? d - 0x30 : isHex(d) ? (d | 0x20) - 0x61 + 10 : 16;
        if (v >= base) break;
      }
      if (n > 0) this.fail(start, true, 'invalid char escape');
      return j;
    };
    switch (c) {
      case 0x61:
      case 0x62:
      case 0x66:
      case 0x6e:
      case 0x72:
      case 0x74:
      case 0x76:
      case 0x5c:
        return i + 1;
      case 0x78:
        return digits(i + 1, 16, 2);
      case 0x75:
        return digits(i + 1, 16, 4);
      case 0x55:
        return digits(i + 1, 16, 8);
    }
    if (c === quote) return i + 1;
    if (c >= 0x30 && c <= 0x37) return digits(i, 8, 3);
    return this.fail(start, true, 'invalid char escape');
  }

  /** Go's scanNumber: integer, float, hex, octal or binary literal, with its errors. */
  private scanNumber(start: number): void {
    let i = start;
    let c = this.at(i);
    let base = 10;
    let prefix = 0; // 0 decimal, '0' legacy octal, 'x', 'o', 'b'
    let digsep = 0;
    let invalid = -1;
    let isFloat = false;
    const litName = (): string => {
      switch (prefix) {
        case 0x78:
          return 'hexadecimal literal';
        case 0x6f:
        case 0x30:
          return 'octal literal';
        case 0x62:
          return 'binary literal';
        default:
          return 'decimal literal';
      }
    };
    const digits = () => {
      if (base <= 10) {
        while (isDecimal(c) || c === 0x5f) {
          if (c === 0x5f) digsep |= 2;
          else {
            digsep |= 1;
            if (c >= 0x30 + base && invalid < 0) invalid = c;
          }
          c = this.at(++i);
        }
      } else {
        while (isHex(c) || c === 0x5f) {
          digsep |= c === 0x5f ? 2 : 1;
          c = this.at(++i);
        }
      }
    };
    if (c !== 0x2e) {
      if (c === 0x30) {
        c = this.at(++i);
        switch (c | 0x20) {
          case 0x78:
            c = this.at(++i);
            base = 16;
            prefix = 0x78;
            break;
          case 0x6f:
            c = this.at(++i);
            base = 8;
            prefix = 0x6f;
            break;
          case 0x62:
            // Loki's scanner checks its stale one-character lookahead here,
            // which is this literal's leading `0` only when nothing separates
            // it from the previous token: `x>0b1` is binary, `x > 0B` bytes.
            // Otherwise the literal is left without digits, an error in Loki too.
            if (start === this.lastEnd) {
              c = this.at(++i);
              base = 2;
              prefix = 0x62;
            }
            break;
          default:
            base = 8;
            prefix = 0x30;
            digsep = 1;
        }
      }
      digits();
      if (c === 0x2e) {
        c = this.at(++i);
        isFloat = true;
      }
    } else {
      c = this.at(++i);
      isFloat = true;
    }
    if (isFloat) {
      if (prefix === 0x6f || prefix === 0x62) this.fail(start, true, `invalid radix point in ${litName()}`);
      digits();
    }
    if ((digsep & 1) === 0) this.fail(start, true, `${litName()} has no digits`);
    const e = c | 0x20;
    if (e === 0x65 || (e === 0x70 && prefix === 0x78)) {
      if (e === 0x65 && prefix !== 0 && prefix !== 0x30) {
        this.fail(start, true, `${goQuoteRune(c)} exponent requires decimal mantissa`);
      }
      c = this.at(++i);
      isFloat = true;
      if (c === 0x2b || c === 0x2d) c = this.at(++i);
      const before = i;
      while (isDecimal(c) || c === 0x5f) {
        if (c === 0x5f) digsep |= 2;
        c = this.at(++i);
      }
      if (!/\d/.test(this.src.slice(before, i))) this.fail(start, true, 'exponent has no digits');
    } else if (prefix === 0x78 && isFloat) {
      this.fail(start, true, "hexadecimal mantissa requires a 'p' exponent");
    }
    if (!isFloat && invalid >= 0) this.fail(start, true, `invalid digit ${goQuoteRune(invalid)} in ${litName()}`);
    this.pos = i;
    if (digsep & 2 && invalidSeparator(this.src.slice(start, i))) {
      this.fail(start, true, "'_' must separate successive digits");
    }
  }
}

/** Whether a number literal misplaces `_` (Go's invalidSep). */
function invalidSeparator(x: string): boolean {
  let hexMode = false;
  let d = '.';
  let i = 0;
  if (x.length >= 2 && x[0] === '0') {
    const p = x[1].toLowerCase();
    if (p === 'x' || p === 'o' || p === 'b') {
      hexMode = p === 'x';
      d = '0';
      i = 2;
    }
  }
  for (; i < x.length; i++) {
    const prev = d;
    const ch = x[i];
    if (ch === '_') {
      if (prev !== '0') return true;
      d = '_';
    } else if (/[0-9]/.test(ch) || (hexMode && /[a-fA-F]/.test(ch))) {
      d = '0';
    } else {
      if (prev === '_') return true;
      d = '.';
    }
  }
  return d === '_';
}
