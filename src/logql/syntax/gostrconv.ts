// Go's string and number conversions, as LogQL text depends on them.
//
// Loki prints queries with Go's `strconv.Quote` and `fmt` float verbs and reads
// literals with `strconv.ParseFloat` and Prometheus' `strutil.Unquote`. Any
// difference in these shows up in `format_query` output, in error messages
// and in cache keys, so they are reproduced here rather than approximated
// with JSON.stringify or Number().

const printableAscii = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and U+0020.
const printableRune = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const hexDigits = '0123456789abcdef';

function hex(n: number, width: number): string {
  let s = n.toString(16);
  while (s.length < width) s = `0${s}`;
  return s;
}

function escapeRune(cp: number, quote: number): string {
  if (cp === quote) return `\\${String.fromCharCode(quote)}`;
  switch (cp) {
    case 0x5c:
      return '\\\\';
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
  }
  if (cp < 0x80) {
    if (cp >= 0x20 && cp !== 0x7f) return String.fromCharCode(cp);
    return `\\x${hexDigits[cp >> 4]}${hexDigits[cp & 15]}`;
  }
  const ch = String.fromCodePoint(cp);
  if (printableRune.test(ch)) return ch;
  return cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
}

function quoteWith(s: string, quote: number): string {
  let out = String.fromCharCode(quote);
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const full = s.codePointAt(i)!;
      if (full > 0xffff) i++;
      // A lone surrogate has no UTF-8 form; Go would see U+FFFD in its place.
      cp = full >= 0xd800 && full <= 0xdfff ? 0xfffd : full;
    }
    out += escapeRune(cp, quote);
  }
  return out + String.fromCharCode(quote);
}

/** Go's `strconv.Quote`: a double-quoted string with Go escapes. */
export function goQuote(s: string): string {
  if (printableAscii.test(s)) return `"${s}"`;
  return quoteWith(s, 0x22);
}

/** Go's `strconv.QuoteRune` (the `%q` verb on a rune), e.g. `'e'`. */
export function goQuoteRune(cp: number): string {
  return quoteWith(String.fromCodePoint(cp), 0x27);
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * Prometheus' `strutil.Unquote` (Go's rules for `"..."`, `'...'` and raw
 * strings). Returns null for Go's "invalid syntax". Byte escapes (`\xff`,
 * `\377`) that do not form valid UTF-8 decode to U+FFFD.
 */
export function goUnquote(s: string): string | null {
  const n = s.length;
  if (n < 2) return null;
  const quote = s.charCodeAt(0);
  if (quote !== s.charCodeAt(n - 1)) return null;
  const body = s.slice(1, n - 1);
  if (quote === 0x60) return body.includes('`') ? null : body;
  if (quote !== 0x22 && quote !== 0x27) return null;
  if (body.includes('\n')) return null;
  if (!body.includes('\\') && !body.includes(String.fromCharCode(quote))) return body;

  let out = '';
  let bytes: number[] | null = null; // pending raw bytes from \x and octal escapes
  const flushBytes = () => {
    if (bytes) {
      out += Buffer.from(bytes).toString('utf8');
      bytes = null;
    }
  };
  let i = 0;
  while (i < body.length) {
    const c = body.charCodeAt(i);
    if (c === quote) return null;
    if (c !== 0x5c) {
      flushBytes();
      out += body[i];
      i++;
      continue;
    }
    if (i + 1 >= body.length) return null;
    const e = body.charCodeAt(i + 1);
    i += 2;
    let value = -1;
    let isByte = false;
    switch (e) {
      case 0x61:
        value = 7;
        break;
      case 0x62:
        value = 8;
        break;
      case 0x66:
        value = 12;
        break;
      case 0x6e:
        value = 10;
        break;
      case 0x72:
        value = 13;
        break;
      case 0x74:
        value = 9;
        break;
      case 0x76:
        value = 11;
        break;
      case 0x78: // \xNN
      case 0x75: // \uNNNN
      case 0x55: {
        // \UNNNNNNNN
        const len = e === 0x78 ? 2 : e === 0x75 ? 4 : 8;
        if (i + len > body.length) return null;
        let v = 0;
        for (let j = 0; j < len; j++) {
          const x = unhex(body.charCodeAt(i + j));
          if (x < 0) return null;
          v = v * 16 + x;
        }
        i += len;
        if (e === 0x78) {
          value = v;
          isByte = true;
        } else {
          if (v > 0x10ffff) return null;
          value = v;
        }
        break;
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
        if (i + 2 > body.length) return null;
        for (let j = 0; j < 2; j++) {
          const x = body.charCodeAt(i + j) - 0x30;
          if (x < 0 || x > 7) return null;
          v = (v << 3) | x;
        }
        i += 2;
        if (v > 255) return null;
        value = v;
        isByte = true;
        break;
      }
      case 0x5c:
        value = 0x5c;
        break;
      case 0x27:
      case 0x22:
        if (e !== quote) return null;
        value = e;
        break;
      default:
        return null;
    }
    if (isByte && value >= 0x80) {
      if (!bytes) bytes = [];
      bytes.push(value);
      continue;
    }
    flushBytes();
    // Surrogate code points cannot be encoded; Go writes U+FFFD.
    out += value >= 0xd800 && value <= 0xdfff ? '\ufffd' : String.fromCodePoint(value);
  }
  flushBytes();
  return out;
}

/** Shortest round-trip decimal digits and exponent of a finite, non-zero |v|. */
function shortestDigits(v: number): { digits: string; exp: number } {
  const [mant, e] = Math.abs(v).toExponential().split('e');
  return { digits: mant.replace('.', ''), exp: Number(e) };
}

function special(v: number): string | null {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return null;
}

function plainDecimal(digits: string, exp: number): string {
  // Value is 0.digits * 10^(exp+1).
  const point = exp + 1;
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits, never an exponent. */
export function formatGoFloatF(v: number): string {
  const sp = special(v);
  if (sp) return sp;
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const { digits, exp } = shortestDigits(v);
  return (v < 0 ? '-' : '') + plainDecimal(digits, exp);
}

/** Go's `%v` (and `fmt.Sprint`) for a float64, e.g. `0.5`, `100000`, `1e+06`. */
export function formatGoFloatV(v: number): string {
  const sp = special(v);
  if (sp) return sp;
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const { digits, exp } = shortestDigits(v);
  const sign = v < 0 ? '-' : '';
  // %v is %g with the shortest digits, and Go switches to an exponent when the
  // decimal exponent is below -4 or at least 6 (the "shortest" precision).
  if (exp >= -4 && exp < 6) return sign + plainDecimal(digits, exp);
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const absExp = Math.abs(exp);
  return `${sign}${mant}e${exp < 0 ? '-' : '+'}${absExp < 10 ? `0${absExp}` : absExp}`;
}

/** Go's `%f`: six decimals, never an exponent. */
export function formatGoFloatFixed6(v: number): string {
  const sp = special(v);
  if (sp) return sp;
  // Exact decimal ties cannot occur at six decimals for a float64, so
  // toFixed's rounding agrees with Go's; it only differs past 1e21, where it
  // switches to an exponent.
  if (Math.abs(v) < 1e21) return v.toFixed(6);
  return `${BigInt(v).toString()}.000000`;
}

/** Result of a Go-style numeric conversion: the value, or Go's error text. */
export type GoParseResult = { ok: true; value: number } | { ok: false; error: string };

function underscoreOK(s: string): boolean {
  // Underscores may only separate digits, or follow a base prefix.
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hexMode = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1])) {
    i = 2;
    saw = '0';
    hexMode = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= '0' && c <= '9') || (hexMode && /[a-fA-F]/.test(c))) {
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

const decimalFloat = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const hexFloat = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/;
const specialFloat = /^[+-]?(?:inf|infinity|nan)$/i;

/** Go's `strconv.ParseFloat(s, 64)`, with its error wording. */
export function parseGoFloat(s: string): GoParseResult {
  const syntaxError = (): GoParseResult => ({
    ok: false,
    error: `strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax`,
  });
  let text = s;
  if (text.includes('_')) {
    if (!underscoreOK(text)) return syntaxError();
    text = text.replaceAll('_', '');
  }
  let value: number;
  if (decimalFloat.test(text)) {
    value = Number(text);
  } else if (specialFloat.test(text)) {
    const lower = text.toLowerCase();
    value = lower.includes('nan')
      ? Number.NaN
      : lower.startsWith('-')
        ? Number.NEGATIVE_INFINITY
        : Number.POSITIVE_INFINITY;
    return { ok: true, value };
  } else {
    const m = hexFloat.exec(text);
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) return syntaxError();
    const intPart = m[2];
    const frac = m[3] ?? '';
    let mant = 0;
    for (const c of intPart + frac) mant = mant * 16 + Number.parseInt(c, 16);
    value = mant * 2 ** (Number(m[4]) - 4 * frac.length);
    if (m[1] === '-') value = -value;
  }
  if (!Number.isFinite(value)) {
    return { ok: false, error: `strconv.ParseFloat: parsing ${goQuote(s)}: value out of range` };
  }
  return { ok: true, value };
}

/** Go's `strconv.Atoi` for a 64-bit int: a base-10 integer or null. */
export function parseGoInt(s: string): number | null {
  if (!/^[+-]?\d+$/.test(s)) return null;
  const big = BigInt(s);
  if (big > 9223372036854775807n || big < -9223372036854775808n) return null;
  return Number(big);
}
