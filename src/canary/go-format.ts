// Text formatting the way loki-canary's Go code prints it, so that operators who grep the canary's
// standard error for Loki's messages find the same text: Go's `%v` of floats and times, `%.0f`
// rounding, `url.QueryEscape`, and go-kit's logfmt lines.

import { goQuote } from '../config/values/duration.js';
import { formatGoTime } from '../util/time.js';

/** Go's `%v` of a float64: the shortest representation, in exponent form below 1e-4 and from 1e6 on. */
export function goFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return '+Inf';
  if (x === Number.NEGATIVE_INFINITY) return '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  // strconv's 'g' with the shortest precision switches to %e when the exponent is < -4 or >= 6.
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return plainDecimal(mantissa, exp);
}

/** Writes mantissa digits (e.g. "-1.2345") scaled by 10^exp without an exponent. */
function plainDecimal(mantissa: string, exp: number): string {
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const point = exp + 1; // position of the decimal point within `digits`
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${out}` : out;
}

/** Go's `%.0f`: rounds to the nearest integer, halves to even. */
export function goRoundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** A duration in milliseconds as the `[...]` range loki-canary builds with `fmt.Sprintf("%.0fs", d.Seconds())`. */
export function goSecondsRange(ms: number): string {
  return `${goRoundHalfEven(ms / 1000)}s`;
}

/** Go's `%f` (six decimals). */
export function goFixed6(x: number): string {
  return x.toFixed(6);
}

/** Go's `%v` of a slice of times: `[t1 t2]`, each as time.Time.String() in UTC. */
export function goTimeList(list: readonly bigint[]): string {
  return `[${list.map(formatGoTime).join(' ')}]`;
}

/** Go's `url.QueryEscape`: everything but letters, digits and `-_.~` is percent-encoded, spaces become `+`. */
export function goQueryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%20', '+');
}

export type LogfmtValue = string | number | bigint | boolean;

/** One go-kit logfmt line (`key=value ...\n`); values are quoted only when logfmt requires it. */
export function logfmtLine(fields: ReadonlyArray<readonly [string, LogfmtValue]>): string {
  return `${fields.map(([key, value]) => `${key}=${logfmtValue(value)}`).join(' ')}\n`;
}

function logfmtValue(value: LogfmtValue): string {
  const text = String(value);
  // go-logfmt quotes empty values and anything with spaces, '=', '"' or control characters.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must be detected
  if (text === '' || /[\s="\u0000-\u001f\u007f]/.test(text)) return goQuote(text);
  return text;
}
