// Conversions of extracted values, with Promtail's rules: numbers print in
// plain decimal notation (Go's strconv.FormatFloat(f, 'f', -1, 64)), booleans
// as true/false, and null or structured values cannot become strings.
import { parseGoDurationNs } from '../../config/values/duration.js';

export class ValueConversionError extends Error {
  override name = 'ValueConversionError';
}

/** The shortest decimal that reads back as `f`, never in exponent notation. */
export function formatFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (Object.is(f, -0)) return '-0';
  const s = String(f);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const negative = s[0] === '-';
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exponent = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const pointAt = (dot < 0 ? mantissa.length : dot) + exponent;
  let out: string;
  if (pointAt <= 0) out = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return negative ? `-${out}` : out;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Promtail's getString. */
export function toStringValue(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return formatFloat(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      throw new ValueConversionError(`can't convert ${describe(v)} to string`);
  }
}

/** toStringValue, or undefined when the value cannot be converted. */
export function tryString(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return formatFloat(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return undefined;
  }
}

const GO_FLOAT = /^[-+]?(?:(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][-+]?\d+)?|inf(?:inity)?|nan)$/i;

/** Promtail's getFloat: numbers, numeric strings, duration strings (in seconds) and booleans. */
export function toFloatValue(v: unknown): number {
  switch (typeof v) {
    case 'number':
      return v;
    case 'bigint':
      return Number(v);
    case 'boolean':
      return v ? 1 : 0;
    case 'string': {
      if (GO_FLOAT.test(v)) {
        const t = v.replaceAll('_', '').toLowerCase();
        if (/inf/.test(t)) return t.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
        if (t.endsWith('nan')) return Number.NaN;
        const n = Number(t);
        if (!Number.isNaN(n)) return n;
      }
      try {
        return Number(parseGoDurationNs(v)) / 1e9;
      } catch (err) {
        throw new ValueConversionError((err as Error).message);
      }
    }
    default:
      throw new ValueConversionError(`can't convert ${describe(v)} to float64`);
  }
}
