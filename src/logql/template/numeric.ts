// Number conversions and arithmetic of sprig's math functions:
// spf13/cast's ToInt64/ToFloat64 (which silently yield 0 on failure) and
// shopspring/decimal's exact decimal arithmetic behind addf/subf/mulf/divf.
import { TemplateFunctionError } from './functions.js';
import { GoTime } from './gotime.js';
import { parseFloat64, parseInt64 } from './strconv.js';
import { GoInt, type GoValue } from './values.js';

const INT64_MIN = -(1n << 63n);

/** Go's float64 -> int64 conversion; out-of-range values give MinInt64 as on amd64. */
function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f) || f >= 2 ** 63 || f < -(2 ** 63)) return INT64_MIN;
  return BigInt(Math.trunc(f));
}

/** cast's trimDecimal: "12.5" -> "12", "-.5" -> "-0", "." -> "0"; other strings unchanged. */
function trimDecimal(s: string): string {
  if (!s.includes('.')) return s;
  const m = /^([-+]?[0-9]*)(\.[0-9]*)?$/.exec(s);
  if (!m) return s;
  const int = m[1]!;
  if (int === '-' || int === '+') return `${int}0`;
  return int === '' ? '0' : int;
}

/** cast.ToInt64: numbers convert, numeric strings parse (base prefixes allowed), anything else is 0. */
export function toInt64(v: GoValue): bigint {
  switch (typeof v) {
    case 'bigint':
      return v;
    case 'number':
      return floatToInt64(v);
    case 'boolean':
      return v ? 1n : 0n;
    case 'string': {
      if (v === '') return 0n;
      const r = parseInt64(trimDecimal(v));
      return r.ok ? r.value : 0n;
    }
  }
  if (v instanceof GoInt) return BigInt.asIntN(64, v.value);
  return 0n;
}

/** cast.ToFloat64. */
export function toFloat64(v: GoValue): number {
  switch (typeof v) {
    case 'bigint':
      return Number(v);
    case 'number':
      return v;
    case 'boolean':
      return v ? 1 : 0;
    case 'string': {
      if (v === '') return 0;
      const r = parseFloat64(v);
      return r.ok ? r.value : 0;
    }
  }
  if (v instanceof GoInt) return Number(v.value);
  if (v instanceof GoTime) return 0;
  return 0;
}

// ---- shopspring/decimal ----

/** An exact decimal: coef × 10^exp. */
export interface Decimal {
  coef: bigint;
  exp: number;
}

/** Precision of decimal division (decimal.DivisionPrecision). */
const DIVISION_PRECISION = 16;

/** decimal.NewFromFloat: the shortest decimal that round-trips to f. */
export function decimalFromFloat(f: number): Decimal {
  if (!Number.isFinite(f)) {
    throw new TemplateFunctionError(
      `Cannot create a Decimal from ${Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf'}`,
    );
  }
  if (f === 0) return { coef: 0n, exp: 0 };
  const e = f.toExponential();
  const at = e.indexOf('e');
  const mantissa = e.slice(0, at);
  const dot = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const fracDigits = dot < 0 ? 0 : mantissa.length - dot - 1;
  return { coef: BigInt(digits), exp: Number(e.slice(at + 1)) - fracDigits };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.coef * 10n ** BigInt(a.exp - exp), b.coef * 10n ** BigInt(b.exp - exp), exp];
}

export function decimalAdd(a: Decimal, b: Decimal): Decimal {
  const [x, y, exp] = align(a, b);
  return { coef: x + y, exp };
}

export function decimalSub(a: Decimal, b: Decimal): Decimal {
  const [x, y, exp] = align(a, b);
  return { coef: x - y, exp };
}

export function decimalMul(a: Decimal, b: Decimal): Decimal {
  return { coef: a.coef * b.coef, exp: a.exp + b.exp };
}

/** decimal.Div: rounded half away from zero to 16 decimal places. */
export function decimalDiv(a: Decimal, b: Decimal): Decimal {
  if (b.coef === 0n) throw new TemplateFunctionError('decimal division by zero');
  const k = a.exp - b.exp + DIVISION_PRECISION;
  let num = a.coef;
  let den = b.coef;
  if (k >= 0) num *= 10n ** BigInt(k);
  else den *= 10n ** BigInt(-k);
  let q = num / den;
  const rem = num - q * den;
  const twice = 2n * (rem < 0n ? -rem : rem);
  const absDen = den < 0n ? -den : den;
  if (twice >= absDen) q += num < 0n !== den < 0n ? -1n : 1n;
  return { coef: q, exp: -DIVISION_PRECISION };
}

/** decimal.Float64: the nearest float64. */
export function decimalToFloat(d: Decimal): number {
  if (d.coef === 0n) return 0;
  return Number(`${d.coef}e${d.exp}`);
}

/** sprig's execDecimalOp: folds `rest` into `first` with a decimal operation. */
export function decimalFold(first: GoValue, rest: readonly GoValue[], op: (a: Decimal, b: Decimal) => Decimal): number {
  let acc = decimalFromFloat(toFloat64(first));
  for (const x of rest) acc = op(acc, decimalFromFloat(toFloat64(x)));
  return decimalToFloat(acc);
}
