// Durations as Loki reads and prints them.
//
// Loki's config mixes two duration types: Go's `time.Duration` (units ns, us, µs, ms, s, m, h;
// fractions and signs allowed; printed as `1h0m0s`) and Prometheus' `model.Duration` (units ms, s,
// m, h, d, w, y in decreasing order, integers only; printed as `1d`, `1w`). Skald keeps both as
// milliseconds; the parsers throw with the exact messages of the Go libraries.

const NS_PER_MS = 1_000_000n;
const MAX_INT64 = (1n << 63n) - 1n;

const GO_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Go's `strconv.Quote` for the ASCII-printable strings found in configs. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Go's `time.ParseDuration`, in nanoseconds. */
export function parseGoDurationNs(input: string): bigint {
  const invalid = () => new Error(`time: invalid duration ${goQuote(input)}`);
  let s = input;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]!))) throw invalid();
    let i = 0;
    while (i < s.length && isDigit(s[i]!)) i++;
    const intDigits = s.slice(0, i);
    s = s.slice(i);
    let fracDigits = '';
    if (s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      while (j < s.length && isDigit(s[j]!)) j++;
      fracDigits = s.slice(0, j);
      s = s.slice(j);
    }
    if (intDigits === '' && fracDigits === '') throw invalid();
    let u = 0;
    while (u < s.length && s[u] !== '.' && !isDigit(s[u]!)) u++;
    if (u === 0) throw new Error(`time: missing unit in duration ${goQuote(input)}`);
    const unitName = s.slice(0, u);
    s = s.slice(u);
    const unit = GO_UNITS[unitName];
    if (unit === undefined) throw new Error(`time: unknown unit ${goQuote(unitName)} in duration ${goQuote(input)}`);
    const whole = intDigits === '' ? 0n : BigInt(intDigits);
    if (whole > (1n << 63n) / unit) throw invalid();
    let v = whole * unit;
    if (fracDigits !== '') {
      // Go scales the fraction in floating point, truncating toward zero.
      const frac = Number(`0.${fracDigits}`);
      v += BigInt(Math.trunc(frac * Number(unit)));
      if (v > 1n << 63n) throw invalid();
    }
    total += v;
    if (total > 1n << 63n) throw invalid();
  }
  if (neg) return -total;
  if (total > MAX_INT64) throw invalid();
  return total;
}

/** Go's `time.ParseDuration`, in milliseconds. */
export function parseGoDuration(input: string): number {
  return nsToMs(parseGoDurationNs(input));
}

export function nsToMs(ns: bigint): number {
  if (ns % NS_PER_MS === 0n) return Number(ns / NS_PER_MS);
  return Number(ns) / 1e6;
}

export function msToNs(ms: number): bigint {
  if (ms >= MAX_GO_DURATION_MS) return MAX_INT64;
  if (ms <= -MAX_GO_DURATION_MS) return -MAX_INT64 - 1n;
  if (Number.isInteger(ms)) return BigInt(ms) * NS_PER_MS;
  return BigInt(Math.round(ms * 1e6));
}

/** The largest Go duration (about 292 years), which Loki uses for "never". */
export const MAX_GO_DURATION_MS = Number(MAX_INT64) / 1e6;

/** Go's `time.Duration.String()` for a value held in milliseconds: `1h0m0s`, `1.5s`, `500ms`. */
export function formatGoDuration(ms: number): string {
  const d = msToNs(ms);
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return '0s';
    let prec: number;
    let unit: string;
    if (u < 1_000n) {
      prec = 0;
      unit = 'ns';
    } else if (u < 1_000_000n) {
      prec = 3;
      unit = 'µs';
    } else {
      prec = 6;
      unit = 'ms';
    }
    const [frac, rest] = formatFraction(u, prec);
    out = `${rest}${frac}${unit}`;
  } else {
    const [frac, secsTotal] = formatFraction(u, 9);
    u = secsTotal;
    out = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** Splits v into its integer part and the fraction of v / 10^prec without trailing zeros (".5", or ""). */
function formatFraction(v: bigint, prec: number): [string, bigint] {
  let digits = '';
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print = print || digit !== 0n;
    if (print) digits = `${digit}${digits}`;
    v /= 10n;
  }
  return [print ? `.${digits}` : '', v];
}

const PROM_UNITS: Readonly<Record<string, { pos: number; ms: number }>> = {
  ms: { pos: 7, ms: 1 },
  s: { pos: 6, ms: 1_000 },
  m: { pos: 5, ms: 60_000 },
  h: { pos: 4, ms: 3_600_000 },
  d: { pos: 3, ms: 86_400_000 },
  w: { pos: 2, ms: 604_800_000 },
  y: { pos: 1, ms: 31_536_000_000 },
};

/** Prometheus' `model.ParseDuration`, in milliseconds. */
export function parsePromDuration(input: string): number {
  if (input === '0') return 0;
  if (input === '') throw new Error('empty duration string');
  const invalid = () => new Error(`not a valid duration string: ${goQuote(input)}`);
  let s = input;
  let total = 0n;
  let lastPos = 0;
  while (s !== '') {
    if (!isDigit(s[0]!)) throw invalid();
    let i = 0;
    while (i < s.length && isDigit(s[i]!)) i++;
    const value = BigInt(s.slice(0, i));
    s = s.slice(i);
    let u = 0;
    while (u < s.length && !isDigit(s[u]!)) u++;
    if (u === 0) throw invalid();
    const unitName = s.slice(0, u);
    s = s.slice(u);
    const unit = PROM_UNITS[unitName];
    if (unit === undefined) throw new Error(`unknown unit ${goQuote(unitName)} in duration ${goQuote(input)}`);
    if (unit.pos <= lastPos) throw invalid();
    lastPos = unit.pos;
    const unitNs = BigInt(unit.ms) * NS_PER_MS;
    if (value > (1n << 63n) / unitNs) throw new Error('duration out of range');
    total += value * unitNs;
    if (total > MAX_INT64) throw new Error('duration out of range');
  }
  return nsToMs(total);
}

/** Prometheus' `model.Duration.String()`: `1w`, `90d`, `1h30m`, `0s`. */
export function formatPromDuration(ms: number): string {
  let rest = Math.trunc(ms);
  if (rest === 0) return '0s';
  let sign = '';
  if (rest < 0) {
    sign = '-';
    rest = -rest;
  }
  let out = '';
  const take = (unit: string, size: number, exactOnly: boolean) => {
    if (exactOnly && rest % size !== 0) return;
    const v = Math.floor(rest / size);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * size;
    }
  };
  // Years and weeks only when nothing smaller remains: 90d reads better than 12w6d.
  take('y', PROM_UNITS.y!.ms, true);
  take('w', PROM_UNITS.w!.ms, true);
  take('d', PROM_UNITS.d!.ms, false);
  take('h', PROM_UNITS.h!.ms, false);
  take('m', PROM_UNITS.m!.ms, false);
  take('s', PROM_UNITS.s!.ms, false);
  take('ms', 1, false);
  return sign + out;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
