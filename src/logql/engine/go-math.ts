// Go's float64 arithmetic where it differs from JavaScript's.
//
// Loki computes `^` with Go's math.Pow, whose special cases differ from
// `Math.pow` (Go: Pow(1, NaN) = 1 and Pow(-1, ±Inf) = 1; JavaScript: NaN) and
// whose integer powers are built by repeated squaring, so `1.1 ^ 10` can round
// differently from V8. `%` is math.Mod, which JavaScript's `%` already matches
// (truncated remainder, sign of the dividend, exact), and rates divide by
// time.Duration.Seconds(), reproduced here to the bit.

const scratch = new DataView(new ArrayBuffer(8));

function bitsOf(x: number): bigint {
  scratch.setFloat64(0, x);
  return scratch.getBigUint64(0);
}

function fromBits(b: bigint): number {
  scratch.setBigUint64(0, b);
  return scratch.getFloat64(0);
}

const expMask = 0x7ffn;
const expShift = 52n;
const bias = 1023;
/** 2^52: scales a subnormal into the normal range. */
const smallestNormalScale = 4503599627370496;
/** 2^63: exponents from here on are even integers beyond int64. */
const twoTo63 = 2 ** 63;

/** Go's math.Frexp: x = frac × 2^exp with |frac| in [0.5, 1). */
export function frexp(x: number): [frac: number, exp: number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = 0;
  if (Math.abs(x) < 2.2250738585072014e-308) {
    x *= smallestNormalScale;
    e = -52;
  }
  const b = bitsOf(x);
  e += Number((b >> expShift) & expMask) - bias + 1;
  const frac = fromBits((b & ~(expMask << expShift)) | (BigInt(bias - 1) << expShift));
  return [frac, e];
}

/** Go's math.Ldexp: frac × 2^exp, rounding into the subnormal range as Go does. */
export function ldexp(frac: number, exp: number): number {
  if (frac === 0 || !Number.isFinite(frac)) return frac;
  if (Math.abs(frac) < 2.2250738585072014e-308) {
    frac *= smallestNormalScale;
    exp -= 52;
  }
  let b = bitsOf(frac);
  exp += Number((b >> expShift) & expMask) - bias;
  if (exp < -1075) return frac < 0 ? -0 : 0;
  if (exp > 1023) return frac < 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  let m = 1;
  if (exp < -1022) {
    // Build the value as a normal number and let the final multiplication round it.
    exp += 53;
    m = 1 / 9007199254740992;
  }
  b &= ~(expMask << expShift);
  b |= BigInt(exp + bias) << expShift;
  return m * fromBits(b);
}

function isOddInt(x: number): boolean {
  if (Math.abs(x) >= 9007199254740992) return false;
  return Number.isInteger(x) && Math.abs(x % 2) === 1;
}

/** Go's math.Pow, special cases and algorithm included. */
export function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (y === 1) return x;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x === 0) {
    const negZero = Object.is(x, -0);
    if (y < 0) return negZero && isOddInt(y) ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    return negZero && isOddInt(y) ? x : 0;
  }
  if (!Number.isFinite(y)) {
    if (x === -1) return 1;
    return Math.abs(x) < 1 === y > 0 ? 0 : Number.POSITIVE_INFINITY;
  }
  if (!Number.isFinite(x)) {
    if (x < 0) return goPow(1 / x, -y);
    return y < 0 ? 0 : Number.POSITIVE_INFINITY;
  }
  if (y === 0.5) return Math.sqrt(x);
  if (y === -0.5) return 1 / Math.sqrt(x);

  const ay = Math.abs(y);
  let yi = Math.trunc(ay);
  let yf = ay - yi;
  if (yf !== 0 && x < 0) return Number.NaN;
  if (yi >= twoTo63) {
    // A huge even integer: the result over- or underflows for every x but -1.
    if (x === -1) return 1;
    return Math.abs(x) < 1 === y > 0 ? 0 : Number.POSITIVE_INFINITY;
  }

  // The answer is a1 × 2^ae.
  let a1 = 1;
  let ae = 0;
  if (yf !== 0) {
    if (yf > 0.5) {
      yf--;
      yi++;
    }
    a1 = Math.exp(yf * Math.log(x));
  }
  // x^yi by repeated squaring, keeping the mantissa and exponent apart so
  // that intermediate results cannot overflow.
  let [x1, xe] = frexp(x);
  for (let i = yi; i !== 0; i = Math.floor(i / 2)) {
    if (xe < -4096 || 4096 < xe) {
      ae += xe;
      break;
    }
    if (i % 2 === 1) {
      a1 *= x1;
      ae += xe;
    }
    x1 *= x1;
    xe *= 2;
    if (x1 < 0.5) {
      x1 += x1;
      xe--;
    }
  }
  if (y < 0) {
    a1 = 1 / a1;
    ae = -ae;
  }
  return ldexp(a1, ae);
}

/** Go's math.Mod: truncated remainder with the dividend's sign; NaN for a zero divisor. */
export function goMod(x: number, y: number): number {
  return x % y;
}

/** Go's time.Duration.Seconds(): whole seconds plus the nanosecond remainder, as Go rounds it. */
export function durationSeconds(ns: bigint): number {
  const sec = ns / 1_000_000_000n;
  const rem = ns % 1_000_000_000n;
  return Number(sec) + Number(rem) / 1e9;
}
