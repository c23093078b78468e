// Go's strconv.ParseFloat(s, 64), the conversion Loki applies to label values
// in numeric label filters and `unwrap`. JavaScript's Number() accepts a
// different language ("0b1", " 1 ", "Infinity" but not "inf", "1_000"), so the
// syntax is checked here and only well-formed decimal text reaches Number(),
// which rounds exactly as Go does.
import { goQuote } from '../../util/labels.js';

const decimalSyntax = /^[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9][0-9_]*)?$/;
const hexSyntax = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[0-9][0-9_]*)$/;

/** Parses like Go's ParseFloat; returns the value, or the Go error text when it fails. */
export function parseGoFloat(s: string): number | string {
  const fast = parseSimpleDecimal(s);
  if (!Number.isNaN(fast)) return fast; // plain digits: the common case
  const special = parseSpecial(s);
  if (special !== undefined) return special;
  let value: number;
  if (decimalSyntax.test(s)) {
    if (!hasDigit(s) || !underscoresOK(s)) return syntaxError(s);
    value = Number(s.includes('_') ? s.replaceAll('_', '') : s);
  } else {
    const m = hexSyntax.exec(s);
    if (!m || !underscoresOK(s)) return syntaxError(s);
    const hex = parseHexFloat(m[1] === '-', m[2]!, m[3] ?? '', m[4]!);
    if (hex === undefined) return syntaxError(s);
    value = hex;
  }
  if (value === Number.POSITIVE_INFINITY || value === Number.NEGATIVE_INFINITY) {
    return `strconv.ParseFloat: parsing ${goQuote(s)}: value out of range`;
  }
  return value;
}

function syntaxError(s: string): string {
  return `strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax`;
}

/** Digits with at most one dot and no sign: the shape of nearly every label value. NaN otherwise. */
function parseSimpleDecimal(s: string): number {
  const n = s.length;
  if (n === 0 || n > 15) return Number.NaN;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e) {
      if (++dots > 1) return Number.NaN;
    } else if (c < 0x30 || c > 0x39) {
      return Number.NaN;
    }
  }
  if (dots === 1 && n === 1) return Number.NaN;
  return Number(s);
}

function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x65 || c === 0x45) return false; // digits must come before the exponent
    if (c >= 0x30 && c <= 0x39) return true;
  }
  return false;
}

// Go's "inf", "infinity" (signed) and "nan" (unsigned), case-insensitive.
function parseSpecial(s: string): number | undefined {
  const lower = s.length <= 9 ? s.toLowerCase() : '';
  switch (lower) {
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Number.POSITIVE_INFINITY;
    case '-inf':
    case '-infinity':
      return Number.NEGATIVE_INFINITY;
    case 'nan':
      return Number.NaN;
    default:
      return undefined;
  }
}

/** Go's underscoreOK: an underscore must sit between digits (a base prefix counts as a digit). */
function underscoresOK(s: string): boolean {
  if (!s.includes('_')) return true;
  let i = 0;
  if (s[0] === '+' || s[0] === '-') i = 1;
  let saw = '^';
  let hex = false;
  if (s.length - i >= 2 && s[i] === '0' && 'bBoOxX'.includes(s[i + 1]!)) {
    hex = s[i + 1] === 'x' || s[i + 1] === 'X';
    i += 2;
    saw = '0';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
    } else if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

function parseHexFloat(negative: boolean, intPart: string, fracPart: string, expPart: string): number | undefined {
  const digits = (intPart + fracPart).replaceAll('_', '');
  if (digits.length === 0) return undefined;
  const fracDigits = fracPart.replaceAll('_', '').length;
  const exponent = Number(expPart.replaceAll('_', '')) - 4 * fracDigits;
  const mantissa = Number(BigInt(`0x${digits}`));
  const value = mantissa === 0 ? 0 : mantissa * 2 ** exponent;
  return negative ? -value : value;
}
