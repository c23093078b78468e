// Durations and byte sizes as LogQL reads and prints them.
//
// Three dialects meet in a query:
// - range selectors (`[5m]`) use Prometheus' `model.ParseDuration`: integer
//   amounts, units ms/s/m/h/d/w/y from largest to smallest, no sign;
// - offsets and duration label filters (`| latency > 1.5s`) try Prometheus
//   first and fall back to Go's `time.ParseDuration`, which adds fractions,
//   a sign and ns/us/µs;
// - byte sizes (`| size > 20MB`) use go-humanize's `ParseBytes`.
// Durations are nanoseconds as `bigint`, exact like Go's `time.Duration`.
// Errors carry the exact Go/Prometheus wording because Loki surfaces it (in
// parse errors and in `__error_details__`).
import { goQuote } from './gostrconv.js';

const MAX_INT64 = 9223372036854775807n;
const NS_PER_MS = 1_000_000n;

/** Thrown by the parsing helpers; the message is Go's or Prometheus' own. */
export class UnitParseError extends Error {
  override name = 'UnitParseError';
}

const promUnits: Record<string, { pos: number; mult: bigint }> = {
  ms: { pos: 7, mult: 1_000_000n },
  s: { pos: 6, mult: 1_000_000_000n },
  m: { pos: 5, mult: 60_000_000_000n },
  h: { pos: 4, mult: 3_600_000_000_000n },
  d: { pos: 3, mult: 86_400_000_000_000n },
  w: { pos: 2, mult: 604_800_000_000_000n },
  y: { pos: 1, mult: 31_536_000_000_000_000n },
};

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Prometheus' duration parser; returns nanoseconds or an error message. */
export function tryParsePromDuration(s: string): bigint | string {
  if (s === '0') return 0n;
  if (s === '') return 'empty duration string';
  const invalid = `not a valid duration string: ${goQuote(s)}`;
  let dur = 0n;
  let lastUnitPos = 0;
  let i = 0;
  while (i < s.length) {
    if (!isDigit(s.charCodeAt(i))) return invalid;
    const numStart = i;
    while (i < s.length && isDigit(s.charCodeAt(i))) i++;
    const v = BigInt(s.slice(numStart, i));
    if (v > 18446744073709551615n) return invalid; // ParseUint overflow
    const unitStart = i;
    while (i < s.length && !isDigit(s.charCodeAt(i))) i++;
    if (i === unitStart) return invalid;
    const u = s.slice(unitStart, i);
    const unit = promUnits[u];
    if (!unit) return `unknown unit ${goQuote(u)} in duration ${goQuote(s)}`;
    if (unit.pos <= lastUnitPos) return invalid;
    lastUnitPos = unit.pos;
    if (v > (1n << 63n) / unit.mult) return 'duration out of range';
    dur += v * unit.mult;
    if (dur > MAX_INT64) return 'duration out of range';
  }
  return dur;
}

/** Prometheus' `model.ParseDuration`, in nanoseconds. */
export function parsePromDuration(s: string): bigint {
  const r = tryParsePromDuration(s);
  if (typeof r === 'string') throw new UnitParseError(r);
  return r;
}

const goUnits: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Go's `time` package quoting used in its duration errors (non-ASCII as \x escapes). */
function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x80 || cp < 0x20) {
      for (const b of Buffer.from(ch, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`;
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return `${out}"`;
}

/** Go's duration parser; returns nanoseconds or Go's error message. */
export function tryParseGoDuration(orig: string): bigint | string {
  const invalid = () => `time: invalid duration ${timeQuote(orig)}`;
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return invalid();
  let d = 0n;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (!(c === 0x2e || isDigit(c))) return invalid();
    const intStart = i;
    while (i < s.length && isDigit(s.charCodeAt(i))) i++;
    let v = i > intStart ? BigInt(s.slice(intStart, i)) : 0n;
    if (v > 1n << 63n) return invalid(); // leadingInt overflow
    const pre = i > intStart;
    let frac = 0n;
    let scale = 1;
    let post = false;
    if (i < s.length && s[i] === '.') {
      i++;
      const fracStart = i;
      let overflow = false;
      while (i < s.length && isDigit(s.charCodeAt(i))) {
        if (!overflow) {
          const next = frac * 10n + BigInt(s.charCodeAt(i) - 0x30);
          if (next > 1n << 63n) overflow = true;
          else {
            frac = next;
            scale *= 10;
          }
        }
        i++;
      }
      post = i > fracStart;
    }
    if (!pre && !post) return invalid();
    const unitStart = i;
    while (i < s.length) {
      const u = s.charCodeAt(i);
      if (u === 0x2e || isDigit(u)) break;
      i++;
    }
    if (i === unitStart) return `time: missing unit in duration ${timeQuote(orig)}`;
    const u = s.slice(unitStart, i);
    const unit = goUnits[u];
    if (unit === undefined) return `time: unknown unit ${timeQuote(u)} in duration ${timeQuote(orig)}`;
    if (v > (1n << 63n) / unit) return invalid();
    v *= unit;
    if (frac > 0n) {
      // Go computes the fraction in float64, truncating toward zero.
      v += BigInt(Math.trunc(Number(frac) * (Number(unit) / scale)));
      if (v > 1n << 63n) return invalid();
    }
    d += v;
    if (d > 1n << 63n) return invalid();
  }
  if (neg) return -d;
  if (d > MAX_INT64) return invalid();
  return d;
}

/** Go's `time.ParseDuration`, in nanoseconds. */
export function parseGoDuration(s: string): bigint {
  const r = tryParseGoDuration(s);
  if (typeof r === 'string') throw new UnitParseError(r);
  return r;
}

/** Go's `time.ParseDuration(s).Seconds()`, as `unwrap duration(label)` needs. */
export function parseGoDurationSeconds(s: string): number {
  const ns = parseGoDuration(s);
  const whole = ns / 1_000_000_000n;
  return Number(whole) + Number(ns - whole * 1_000_000_000n) / 1e9;
}

/**
 * Loki's duration rule for offsets and label filters: Prometheus syntax
 * first (so `1d` works), then Go's. Null when neither accepts the text.
 */
export function tryParseLokiDuration(s: string): bigint | null {
  const prom = tryParsePromDuration(s);
  if (typeof prom !== 'string') return prom;
  const go = tryParseGoDuration(s);
  return typeof go === 'string' ? null : go;
}

/** Prometheus' `model.Duration.String()`: `1h30m`, `90d`, `1w`, `0s` (milliseconds precision). */
export function formatPromDuration(ns: bigint): string {
  let ms = ns / NS_PER_MS;
  if (ms === 0n) return '0s';
  let out = '';
  if (ms < 0n) {
    out = '-';
    ms = -ms;
  }
  const part = (unit: string, mult: bigint, exact: boolean) => {
    if (exact && ms % mult !== 0n) return;
    const v = ms / mult;
    if (v > 0n) {
      out += `${v}${unit}`;
      ms -= v * mult;
    }
  };
  // Years and weeks only when they divide evenly: 90d reads better than 12w6d.
  part('y', 31_536_000_000n, true);
  part('w', 604_800_000n, true);
  part('d', 86_400_000n, false);
  part('h', 3_600_000n, false);
  part('m', 60_000n, false);
  part('s', 1_000n, false);
  part('ms', 1n, false);
  return out;
}

function fraction(v: bigint, prec: number): { text: string; rest: bigint } {
  let text = '';
  let printed = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    printed = printed || digit !== 0n;
    if (printed) text = `${digit}${text}`;
    v /= 10n;
  }
  return { text: printed ? `.${text}` : '', rest: v };
}

/** Go's `time.Duration.String()`: `1h0m0s`, `1.5s`, `250ms`, `1µs`, `0s`. */
export function formatGoDuration(ns: bigint): string {
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return '0s';
    let unit: string;
    let prec: number;
    if (u < 1_000n) {
      unit = 'ns';
      prec = 0;
    } else if (u < 1_000_000n) {
      unit = 'µs';
      prec = 3;
    } else {
      unit = 'ms';
      prec = 6;
    }
    const f = fraction(u, prec);
    out = `${f.rest}${f.text}${unit}`;
  } else {
    const f = fraction(u, 9);
    u = f.rest;
    out = `${u % 60n}${f.text}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

const bytesUnits: Record<string, number> = {
  b: 1,
  kib: 1024,
  kb: 1000,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
  tib: 1024 ** 4,
  tb: 1000 ** 4,
  pib: 1024 ** 5,
  pb: 1000 ** 5,
  eib: 1024 ** 6,
  eb: 1000 ** 6,
  '': 1,
  ki: 1024,
  k: 1000,
  mi: 1024 ** 2,
  m: 1000 ** 2,
  gi: 1024 ** 3,
  g: 1000 ** 3,
  ti: 1024 ** 4,
  t: 1000 ** 4,
  pi: 1024 ** 5,
  p: 1000 ** 5,
  ei: 1024 ** 6,
  e: 1000 ** 6,
};

const decimalDigit = /^\p{Nd}$/u;

/** go-humanize's `ParseBytes`; returns the byte count or its error message. */
export function tryParseBytes(s: string): number | string {
  let end = 0;
  let hasComma = false;
  for (const ch of s) {
    if (!(decimalDigit.test(ch) || ch === '.' || ch === ',')) break;
    if (ch === ',') hasComma = true;
    end += ch.length;
  }
  let num = s.slice(0, end);
  if (hasComma) num = num.replaceAll(',', '');
  const f = /^(?:\d+\.?\d*|\.\d+)$/.test(num) ? Number(num) : Number.NaN;
  if (Number.isNaN(f)) return `strconv.ParseFloat: parsing ${goQuote(num)}: invalid syntax`;
  const extra = s.slice(end).trim().toLowerCase();
  const mult = bytesUnits[extra];
  if (mult === undefined) return `unhandled size name: ${extra}`;
  const total = f * mult;
  // Go compares with math.MaxUint64 converted to float64, i.e. 2^64.
  if (total >= 2 ** 64) return `too large: ${s}`;
  return Math.trunc(total);
}

/** go-humanize's `ParseBytes`: `20MB`, `1KiB`, `1.5 GB`. */
export function parseBytes(s: string): number {
  const r = tryParseBytes(s);
  if (typeof r === 'string') throw new UnitParseError(r);
  return r;
}

/** go-humanize's `Bytes` (SI units) without the space: `20MB`, `1.0kB`, `5B`. */
export function formatBytes(n: number): string {
  if (n < 10) return `${n}B`;
  const sizes = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const e = Math.floor(Math.log(n) / Math.log(1000));
  const val = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  return `${val < 10 ? val.toFixed(1) : val.toFixed(0)}${sizes[e]}`;
}
