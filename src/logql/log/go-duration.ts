// Go's time.ParseDuration, with its exact error texts: Loki applies it to label
// values in duration label filters and in `unwrap duration(...)`. Values are
// nanoseconds; arithmetic runs in doubles while it is exact (below 2^53) and
// falls back to BigInt to keep Go's int64 overflow rules beyond that.

const UNITS: ReadonlyMap<string, number> = new Map([
  ['ns', 1],
  ['us', 1e3],
  ['µs', 1e3], // U+00B5 micro sign
  ['μs', 1e3], // U+03BC Greek mu
  ['ms', 1e6],
  ['s', 1e9],
  ['m', 60e9],
  ['h', 3600e9],
]);

const EXACT = 2 ** 53;

/** Nanoseconds, or Go's error text when `s` is not a duration. */
export function parseGoDuration(s: string): number | string {
  const fast = parseExact(s);
  return fast === undefined ? parseWithBigInt(s) : fast;
}

/** Go's Duration.Seconds(): whole seconds plus the nanosecond remainder. */
export function durationToSeconds(ns: number): number {
  const sec = Math.trunc(ns / 1e9);
  return sec + (ns - sec * 1e9) / 1e9;
}

function invalid(orig: string): string {
  return `time: invalid duration ${timeQuote(orig)}`;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

// One pass of Go's algorithm in doubles; undefined when a value leaves the exact range.
function parseExact(orig: string): number | string | undefined {
  let i = 0;
  let neg = false;
  if (orig.length > 0 && (orig[0] === '-' || orig[0] === '+')) {
    neg = orig[0] === '-';
    i = 1;
  }
  if (orig.length - i === 1 && orig[i] === '0') return 0;
  if (i === orig.length) return invalid(orig);
  let d = 0;
  while (i < orig.length) {
    let c = orig.charCodeAt(i);
    if (!(c === 0x2e || isDigit(c))) return invalid(orig);
    let v = 0;
    const intStart = i;
    for (; i < orig.length && isDigit(orig.charCodeAt(i)); i++) {
      v = v * 10 + (orig.charCodeAt(i) - 0x30);
      if (v > EXACT) return undefined;
    }
    const pre = i > intStart;
    let f = 0;
    let scale = 1;
    let post = false;
    if (i < orig.length && orig.charCodeAt(i) === 0x2e) {
      i++;
      const fracStart = i;
      for (; i < orig.length && isDigit(orig.charCodeAt(i)); i++) {
        if (f > EXACT / 10) return undefined;
        f = f * 10 + (orig.charCodeAt(i) - 0x30);
        scale *= 10;
      }
      post = i > fracStart;
    }
    if (!pre && !post) return invalid(orig);
    const unitStart = i;
    for (; i < orig.length; i++) {
      c = orig.charCodeAt(i);
      if (c === 0x2e || isDigit(c)) break;
    }
    if (i === unitStart) return `time: missing unit in duration ${timeQuote(orig)}`;
    const u = orig.slice(unitStart, i);
    const unit = UNITS.get(u);
    if (unit === undefined) return `time: unknown unit ${timeQuote(u)} in duration ${timeQuote(orig)}`;
    v *= unit;
    if (v > EXACT) return undefined;
    if (f > 0) v += Math.trunc(f * (unit / scale));
    d += v;
    if (d > EXACT) return undefined;
  }
  return neg && d !== 0 ? -d : d;
}

const U63 = 1n << 63n;

function parseWithBigInt(orig: string): number | string {
  let s = orig;
  let neg = false;
  if (s.length > 0 && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return invalid(orig);
  let d = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0]! >= '0' && s[0]! <= '9'))) return invalid(orig);
    let i = 0;
    let v = 0n;
    for (; i < s.length && s[i]! >= '0' && s[i]! <= '9'; i++) {
      if (v > U63 / 10n) return invalid(orig);
      v = v * 10n + BigInt(s.charCodeAt(i) - 0x30);
      if (v > U63) return invalid(orig);
    }
    const pre = i > 0;
    s = s.slice(i);
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      let overflow = false;
      i = 0;
      for (; i < s.length && s[i]! >= '0' && s[i]! <= '9'; i++) {
        if (overflow) continue;
        if (f > (U63 - 1n) / 10n) {
          overflow = true;
          continue;
        }
        const y = f * 10n + BigInt(s.charCodeAt(i) - 0x30);
        if (y > U63) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = i > 0;
      s = s.slice(i);
    }
    if (!pre && !post) return invalid(orig);
    i = 0;
    for (; i < s.length; i++) {
      const c = s[i]!;
      if (c === '.' || (c >= '0' && c <= '9')) break;
    }
    if (i === 0) return `time: missing unit in duration ${timeQuote(orig)}`;
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = UNITS.get(u);
    if (unit === undefined) return `time: unknown unit ${timeQuote(u)} in duration ${timeQuote(orig)}`;
    const bigUnit = BigInt(unit);
    if (v > U63 / bigUnit) return invalid(orig);
    v *= bigUnit;
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (unit / scale)));
      if (v > U63) return invalid(orig);
    }
    d += v;
    if (d > U63) return invalid(orig);
  }
  if (neg) return d === 0n ? 0 : -Number(d);
  if (d > U63 - 1n) return invalid(orig);
  return Number(d);
}

/**
 * The time package's own quote(): ASCII is kept (with `"` and `\` escaped) and
 * every byte of a non-ASCII or control character is written as \xNN.
 */
export function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x80 || c < 0x20) {
      for (const byte of Buffer.from(ch, 'utf8')) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return `${out}"`;
}
