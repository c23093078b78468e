// The parts of Go's strconv package that templates depend on: literal
// unquoting, integer and float parsing with Go's syntax (base prefixes,
// underscores), quoting with Go's escaping rules and float formatting with
// Go's exact digit and exponent conventions.
//
// Strings are JavaScript strings; where Go works on UTF-8 bytes (byte escapes
// such as "\xff") the bytes are decoded as UTF-8, invalid sequences becoming
// U+FFFD.

/** strconv.ErrSyntax's message. */
export const SYNTAX_ERROR = 'invalid syntax';

export class StrconvError extends Error {
  override name = 'StrconvError';
}

const MAX_RUNE = 0x10ffff;

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

function isValidRune(r: number): boolean {
  return (r >= 0 && r < 0xd800) || (r > 0xdfff && r <= MAX_RUNE);
}

/** Appends the UTF-8 encoding of a code point to a byte list. */
function pushUtf8(out: number[], r: number): void {
  if (r < 0x80) out.push(r);
  else if (r < 0x800) out.push(0xc0 | (r >> 6), 0x80 | (r & 0x3f));
  else if (r < 0x10000) out.push(0xe0 | (r >> 12), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f));
  else out.push(0xf0 | (r >> 18), 0x80 | ((r >> 12) & 0x3f), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f));
}

export interface UnquotedChar {
  /** The code point, or the byte value when `isByte`. */
  value: number;
  /** True for \x and octal escapes, which denote a single byte rather than a rune. */
  isByte: boolean;
  /** Index just past the character in the input. */
  next: number;
}

/**
 * Go's strconv.UnquoteChar: decodes the character or escape at `i` of a
 * literal delimited by `quote`. Throws StrconvError("invalid syntax").
 */
export function unquoteChar(s: string, i: number, quote: number): UnquotedChar {
  const c = s.codePointAt(i);
  if (c === undefined) throw new StrconvError(SYNTAX_ERROR);
  if (c === quote && (quote === 0x27 || quote === 0x22)) throw new StrconvError(SYNTAX_ERROR);
  if (c !== 0x5c) return { value: c, isByte: false, next: i + (c > 0xffff ? 2 : 1) };
  if (i + 1 >= s.length) throw new StrconvError(SYNTAX_ERROR);
  const e = s.charCodeAt(i + 1);
  let j = i + 2;
  switch (e) {
    case 0x61:
      return { value: 7, isByte: false, next: j };
    case 0x62:
      return { value: 8, isByte: false, next: j };
    case 0x66:
      return { value: 12, isByte: false, next: j };
    case 0x6e:
      return { value: 10, isByte: false, next: j };
    case 0x72:
      return { value: 13, isByte: false, next: j };
    case 0x74:
      return { value: 9, isByte: false, next: j };
    case 0x76:
      return { value: 11, isByte: false, next: j };
    case 0x78: // \xhh
    case 0x75: // \uhhhh
    case 0x55: {
      // \Uhhhhhhhh
      const n = e === 0x78 ? 2 : e === 0x75 ? 4 : 8;
      if (j + n > s.length) throw new StrconvError(SYNTAX_ERROR);
      let v = 0;
      for (let k = 0; k < n; k++) {
        const d = hexVal(s.charCodeAt(j + k));
        if (d < 0) throw new StrconvError(SYNTAX_ERROR);
        v = v * 16 + d;
      }
      j += n;
      if (e === 0x78) return { value: v, isByte: true, next: j };
      if (!isValidRune(v)) throw new StrconvError(SYNTAX_ERROR);
      return { value: v, isByte: false, next: j };
    }
    case 0x30:
    case 0x31:
    case 0x32:
    case 0x33:
    case 0x34:
    case 0x35:
    case 0x36:
    case 0x37: {
      let v = e - 0x30;
      if (j + 2 > s.length) throw new StrconvError(SYNTAX_ERROR);
      for (let k = 0; k < 2; k++) {
        const d = s.charCodeAt(j + k) - 0x30;
        if (d < 0 || d > 7) throw new StrconvError(SYNTAX_ERROR);
        v = v * 8 + d;
      }
      if (v > 255) throw new StrconvError(SYNTAX_ERROR);
      return { value: v, isByte: true, next: j + 2 };
    }
    case 0x5c:
      return { value: 0x5c, isByte: false, next: j };
    case 0x27:
    case 0x22:
      if (e !== quote) throw new StrconvError(SYNTAX_ERROR);
      return { value: e, isByte: false, next: j };
    default:
      throw new StrconvError(SYNTAX_ERROR);
  }
}

/** Go's strconv.Unquote for "...", `...` and '...' literals. Throws StrconvError. */
export function unquote(s: string): string {
  const n = s.length;
  if (n < 2) throw new StrconvError(SYNTAX_ERROR);
  const quote = s.charCodeAt(0);
  if (quote !== s.charCodeAt(n - 1)) throw new StrconvError(SYNTAX_ERROR);
  const body = s.slice(1, n - 1);
  if (quote === 0x60) {
    if (body.includes('`')) throw new StrconvError(SYNTAX_ERROR);
    // Raw strings drop carriage returns, as Go source does.
    return body.includes('\r') ? body.replaceAll('\r', '') : body;
  }
  if (quote !== 0x22 && quote !== 0x27) throw new StrconvError(SYNTAX_ERROR);
  if (body.includes('\n')) throw new StrconvError(SYNTAX_ERROR);
  if (!body.includes('\\') && !body.includes(String.fromCharCode(quote))) {
    if (quote === 0x22) return body;
    const cp = body.codePointAt(0);
    if (cp !== undefined && body.length === (cp > 0xffff ? 2 : 1)) return body;
    throw new StrconvError(SYNTAX_ERROR);
  }
  const bytes: number[] = [];
  let i = 1;
  const end = n - 1;
  let chars = 0;
  while (i < end) {
    const ch = unquoteChar(s, i, quote);
    if (ch.next > end) throw new StrconvError(SYNTAX_ERROR);
    i = ch.next;
    if (ch.isByte) bytes.push(ch.value);
    else pushUtf8(bytes, ch.value);
    chars++;
    if (quote === 0x27 && chars > 1) throw new StrconvError(SYNTAX_ERROR);
  }
  if (quote === 0x27 && chars !== 1) throw new StrconvError(SYNTAX_ERROR);
  return Buffer.from(bytes).toString('utf8');
}

// ---- integers ----

/** Result of a Go integer parse: the value, or the strconv error kind. */
export type IntParse = { ok: true; value: bigint } | { ok: false; range: boolean };

const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

function lower(c: string): string {
  return c.toLowerCase();
}

/** Go's underscoreOK: underscores only between digits (or after a base prefix). */
export function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && (lower(s[1]!) === 'b' || lower(s[1]!) === 'o' || lower(s[1]!) === 'x')) {
    i = 2;
    saw = '0';
    hex = lower(s[1]!) === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** Go's strconv.ParseUint(s, 0, 64). */
export function parseUint(s0: string): IntParse {
  if (s0.length === 0) return { ok: false, range: false };
  let s = s0;
  let base = 10;
  if (s[0] === '0') {
    const p = s.length >= 3 ? lower(s[1]!) : '';
    if (p === 'b') {
      base = 2;
      s = s.slice(2);
    } else if (p === 'o') {
      base = 8;
      s = s.slice(2);
    } else if (p === 'x') {
      base = 16;
      s = s.slice(2);
    } else {
      base = 8;
      s = s.slice(1);
    }
  }
  const bigBase = BigInt(base);
  let n = 0n;
  let underscores = false;
  let overflow = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5f) {
      underscores = true;
      continue;
    }
    const d = hexVal(c);
    if (d < 0 || d >= base) return { ok: false, range: false };
    n = n * bigBase + BigInt(d);
    if (n > UINT64_MAX) overflow = true;
  }
  if (underscores && !underscoreOK(s0)) return { ok: false, range: false };
  if (overflow) return { ok: false, range: true };
  return { ok: true, value: n };
}

/** Go's strconv.ParseInt(s, 0, 64). */
export function parseInt64(s: string): IntParse {
  if (s.length === 0) return { ok: false, range: false };
  let neg = false;
  let body = s;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    body = s.slice(1);
  }
  const u = parseUint(body);
  if (!u.ok) return u;
  const v = neg ? -u.value : u.value;
  if (v < INT64_MIN || v > INT64_MAX) return { ok: false, range: true };
  return { ok: true, value: v };
}

// ---- floats ----

export type FloatParse = { ok: true; value: number } | { ok: false; range: boolean };

const DECIMAL_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/;
const SPECIAL_FLOAT = /^([+-]?)(inf|infinity|nan)$/i;

/** Go's strconv.ParseFloat(s, 64). Out-of-range values report `range`. */
export function parseFloat64(s: string): FloatParse {
  const special = SPECIAL_FLOAT.exec(s);
  if (special) {
    if (special[2]!.toLowerCase() === 'nan') return special[1] ? { ok: false, range: false } : { ok: true, value: NaN };
    return { ok: true, value: special[1] === '-' ? -Infinity : Infinity };
  }
  let t = s;
  if (t.includes('_')) {
    if (!underscoreOK(t)) return { ok: false, range: false };
    t = t.replaceAll('_', '');
  }
  let value: number;
  const hex = HEX_FLOAT.exec(t);
  if (hex) {
    const intPart = hex[2] ?? '';
    const frac = hex[3] ?? '';
    if (intPart.length + frac.length === 0) return { ok: false, range: false };
    const mant = BigInt(`0x${intPart}${frac}` === '0x' ? '0' : `0x${intPart}${frac}`);
    const exp = Number(hex[4]) - 4 * frac.length;
    value = Number(mant) * 2 ** exp;
    if (hex[1] === '-') value = -value;
  } else if (DECIMAL_FLOAT.test(t)) {
    value = Number(t);
  } else {
    return { ok: false, range: false };
  }
  if (!Number.isFinite(value)) return { ok: false, range: true };
  return { ok: true, value };
}

// ---- quoting ----

const LOWER_HEX = '0123456789abcdef';

/** Go's unicode.IsPrint (letters, marks, numbers, punctuation, symbols and ASCII space). */
export function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  return PRINTABLE.test(String.fromCodePoint(r));
}
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's unicode.IsGraphic: IsPrint plus the Zs space separators. */
function isGraphic(r: number): boolean {
  return isPrint(r) || (r >= 0x80 && /^\p{Zs}$/u.test(String.fromCodePoint(r)));
}

function appendEscapedRune(r: number, quote: number, asciiOnly: boolean, graphicOnly: boolean): string {
  if (r === quote || r === 0x5c) return `\\${String.fromCodePoint(r)}`;
  if (asciiOnly) {
    if (r < 0x80 && isPrint(r)) return String.fromCodePoint(r);
  } else if (isPrint(r) || (graphicOnly && isGraphic(r))) {
    return String.fromCodePoint(r);
  }
  switch (r) {
    case 7:
      return '\\a';
    case 8:
      return '\\b';
    case 12:
      return '\\f';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 11:
      return '\\v';
  }
  if (r < 0x20 || r === 0x7f) return `\\x${LOWER_HEX[r >> 4]}${LOWER_HEX[r & 15]}`;
  if (!isValidRune(r)) r = 0xfffd;
  if (r < 0x10000) return `\\u${r.toString(16).padStart(4, '0')}`;
  return `\\U${r.toString(16).padStart(8, '0')}`;
}

function quoteWith(s: string, quote: number, asciiOnly: boolean, graphicOnly: boolean): string {
  let out = String.fromCharCode(quote);
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    // Lone surrogates stand for bytes that are not UTF-8; Go escapes those as \x.
    if (r >= 0xd800 && r <= 0xdfff) out += '\\ufffd';
    else out += appendEscapedRune(r, quote, asciiOnly, graphicOnly);
  }
  return out + String.fromCharCode(quote);
}

/** strconv.Quote. */
export function quote(s: string): string {
  return quoteWith(s, 0x22, false, false);
}

/** strconv.QuoteToASCII. */
export function quoteToASCII(s: string): string {
  return quoteWith(s, 0x22, true, false);
}

/** strconv.QuoteRune (invalid runes become U+FFFD). */
export function quoteRune(r: number): string {
  if (!isValidRune(r)) r = 0xfffd;
  return `'${appendEscapedRune(r, 0x27, false, false)}'`;
}

/** strconv.QuoteRuneToASCII. */
export function quoteRuneToASCII(r: number): string {
  if (!isValidRune(r)) r = 0xfffd;
  return `'${appendEscapedRune(r, 0x27, true, false)}'`;
}

/** strconv.CanBackquote. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (r === 0xfeff) return false;
    if (r < 0x20 && r !== 9) return false;
    if (r === 0x60 || r === 0x7f || r === 0xfffd) return false;
  }
  return true;
}

// ---- float formatting ----

/** Decimal digits of a non-negative float: value = 0.d1d2d3... × 10^dp. Zero has no digits. */
interface Digits {
  d: string;
  dp: number;
}

/** The shortest digits that round-trip, as Go's 'g'/'e'/'f' with precision -1 use. */
function shortestDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const e = x.toExponential();
  const at = e.indexOf('e');
  const d = e.slice(0, at).replace('.', '');
  return { d, dp: Number(e.slice(at + 1)) + 1 };
}

/** The exact decimal expansion of a finite non-negative double. */
function exactDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  // Trim trailing zeros as Go's decimal type does.
  let end = digits.length;
  while (end > 0 && digits.charCodeAt(end - 1) === 0x30) end--;
  return { d: digits.slice(0, end), dp };
}

/** Rounds exact digits to `nd` digits, ties to even (as Go's decimal.Round). */
function roundDigits(x: Digits, nd: number): Digits {
  if (nd < 0 || nd >= x.d.length) return x;
  const next = x.d.charCodeAt(nd) - 0x30;
  let up: boolean;
  if (next === 5 && nd + 1 === x.d.length) up = nd > 0 && (x.d.charCodeAt(nd - 1) - 0x30) % 2 === 1;
  else up = next >= 5;
  if (!up) {
    let end = nd;
    while (end > 0 && x.d.charCodeAt(end - 1) === 0x30) end--;
    return { d: x.d.slice(0, end), dp: x.dp };
  }
  let i = nd - 1;
  while (i >= 0 && x.d[i] === '9') i--;
  if (i < 0) return { d: '1', dp: x.dp + 1 };
  return { d: x.d.slice(0, i) + String.fromCharCode(x.d.charCodeAt(i) + 1), dp: x.dp };
}

function fmtE(neg: boolean, digs: Digits, prec: number, e: string): string {
  let out = neg ? '-' : '';
  out += digs.d.length === 0 ? '0' : digs.d[0];
  if (prec > 0) {
    out += '.';
    let i = 1;
    const m = Math.min(digs.d.length, prec + 1);
    if (i < m) {
      out += digs.d.slice(i, m);
      i = m;
    }
    for (; i <= prec; i++) out += '0';
  }
  out += e;
  let exp = digs.dp - 1;
  if (digs.d.length === 0) exp = 0;
  if (exp < 0) {
    out += '-';
    exp = -exp;
  } else out += '+';
  out += exp < 10 ? `0${exp}` : String(exp);
  return out;
}

function fmtF(neg: boolean, digs: Digits, prec: number): string {
  let out = neg ? '-' : '';
  if (digs.dp > 0) {
    const m = Math.min(digs.d.length, digs.dp);
    out += digs.d.slice(0, m);
    for (let k = m; k < digs.dp; k++) out += '0';
  } else out += '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) {
      const j = digs.dp + i - 1;
      out += j >= 0 && j < digs.d.length ? digs.d[j] : '0';
    }
  }
  return out;
}

function fmtX(neg: boolean, x: number, prec: number, upper: boolean): string {
  // %x on floats: hexadecimal mantissa and binary exponent, as strconv's 'x'.
  let out = neg ? '-' : '';
  let mant = 0n;
  let exp = 0;
  if (x !== 0) {
    const buf = new DataView(new ArrayBuffer(8));
    buf.setFloat64(0, x);
    const hi = buf.getUint32(0);
    const lo = buf.getUint32(4);
    const biased = (hi >>> 20) & 0x7ff;
    mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    if (biased === 0) {
      exp = -1074;
      // Normalise subnormals so the leading bit sits at bit 52.
      while (mant < 1n << 52n) {
        mant <<= 1n;
        exp--;
      }
    } else {
      mant |= 1n << 52n;
      exp = biased - 1075;
    }
    exp += 52;
  }
  // Shift so that the mantissa is 1.xxxx with 60 fractional bits (15 hex digits).
  mant <<= 8n;
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(4 * (15 - prec));
    const extra = mant & ((1n << shift) - 1n);
    mant >>= shift;
    const half = 1n << (shift - 1n);
    if (extra > half || (extra === half && (mant & 1n) === 1n)) mant++;
    mant <<= shift;
    if (mant >= 1n << 61n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = upper ? '0123456789ABCDEF' : LOWER_HEX;
  out += upper ? '0X' : '0x';
  out += String(Number(mant >> 60n) & 1);
  let frac = '';
  let m = mant & ((1n << 60n) - 1n);
  for (let i = 0; i < 15; i++) {
    m <<= 4n;
    frac += hex[Number((m >> 60n) & 15n)];
    m &= (1n << 60n) - 1n;
  }
  if (prec < 0) frac = frac.replace(/0+$/, '');
  else frac = frac.slice(0, prec).padEnd(prec, '0');
  if (frac.length > 0) out += `.${frac}`;
  out += upper ? 'P' : 'p';
  out += exp >= 0 ? '+' : '-';
  const ae = Math.abs(exp);
  out += ae < 10 ? `0${ae}` : String(ae);
  return out;
}

/**
 * Go's strconv.FormatFloat(x, fmt, prec, 64) for fmt in e E f g G x X b.
 * A negative precision asks for the shortest representation that round-trips.
 */
export function formatFloat(x: number, fmt: string, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const abs = Math.abs(x);
  if (fmt === 'x' || fmt === 'X') return fmtX(neg, abs, prec, fmt === 'X');
  if (fmt === 'b') return formatBinaryExponent(neg, abs);
  const shortest = prec < 0;
  let digs: Digits;
  if (shortest) {
    digs = shortestDigits(abs);
    switch (fmt) {
      case 'e':
      case 'E':
        prec = Math.max(digs.d.length - 1, 0);
        break;
      case 'f':
        prec = Math.max(digs.d.length - digs.dp, 0);
        break;
      default:
        prec = digs.d.length;
    }
  } else {
    const exact = exactDigits(abs);
    switch (fmt) {
      case 'e':
      case 'E':
        digs = roundDigits(exact, prec + 1);
        break;
      case 'f':
        digs = roundDigits(exact, exact.dp + prec);
        // Rounding to fewer than zero digits leaves nothing but zero.
        if (exact.dp + prec < 0) digs = { d: '', dp: 0 };
        break;
      default:
        if (prec === 0) prec = 1;
        digs = roundDigits(exact, prec);
    }
  }
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(neg, digs, prec, fmt);
    case 'f':
      return fmtF(neg, digs, prec);
    default: {
      let eprec = prec;
      if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
      if (shortest) eprec = 6;
      const exp = digs.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > digs.d.length) prec = digs.d.length;
        return fmtE(neg, digs, prec - 1, fmt === 'G' ? 'E' : 'e');
      }
      if (prec > digs.dp) prec = digs.d.length;
      return fmtF(neg, digs, Math.max(prec - digs.dp, 0));
    }
  }
}

function formatBinaryExponent(neg: boolean, x: number): string {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp = biased - 1075;
  if (biased === 0) exp = -1074;
  else mant |= 1n << 52n;
  return `${neg ? '-' : ''}${mant}p${exp >= 0 ? '+' : ''}${exp}`;
}
