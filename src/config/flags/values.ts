// Command-line values for config keys, parsed as the Go `flag.Value` behind each Loki flag does
// (including its error text): built-in Go types report "parse error" / "value out of range",
// Loki's and dskit's own types report their parser's message. List flags follow their Go type:
// `StringSlice` and `StringSliceCSVMulti` append on every occurrence, `StringSliceCSV` replaces.

import type { ScalarSpec } from '../schema/dsl.js';
import { parseBase2Bytes, parseByteSize } from '../values/bytesize.js';
import { parseDayTime, parseFlagTime } from '../values/daytime.js';
import {
  formatGoDuration,
  formatPromDuration,
  goQuote,
  nsToMs,
  parseGoDurationNs,
  parsePromDuration,
} from '../values/duration.js';

const PARSE_ERROR = 'parse error';
const RANGE_ERROR = 'value out of range';

/** Applies one occurrence of a flag to the current value; throws with Go's wording. */
export function parseFlagValue(spec: ScalarSpec, current: unknown, text: string): unknown {
  switch (spec.kind) {
    case 'string':
      if (spec.go === 'log.Level' && !['debug', 'info', 'warn', 'error'].includes(text)) {
        throw new Error(`unrecognized log level ${goQuote(text)}`);
      }
      return text;
    case 'secret':
    case 'url':
      return text;
    case 'bool':
      return parseGoBool(text);
    case 'int':
      return parseGoInt(text, spec.go);
    case 'float':
      return parseGoFloat(text);
    case 'duration':
      try {
        return nsToMs(parseGoDurationNs(text));
      } catch {
        throw new Error(PARSE_ERROR);
      }
    case 'model_duration':
      return parsePromDuration(text);
    case 'bytesize':
      return parseByteSize(text);
    case 'bytes':
      return parseBase2Bytes(text);
    case 'csv':
      if (spec.go === 'flagext.StringSliceCSVMulti') {
        return text === '' ? current : [...(current as string[]), ...text.split(',')];
      }
      return text.split(',');
    case 'strings':
      return [...(current as string[]), text];
    case 'string_map':
      return parseKeyValues(text);
    case 'daytime':
      return parseDayTime(text);
    case 'time':
      return parseFlagTime(text);
    default:
      throw new Error(PARSE_ERROR);
  }
}

/** The type word Go's -help output shows for a flag. */
export function flagTypeName(spec: ScalarSpec): string {
  switch (spec.kind) {
    case 'bool':
      return '';
    case 'int':
      return spec.go.startsWith('uint') ? 'uint' : 'int';
    case 'float':
      return 'float';
    case 'duration':
      return 'duration';
    case 'string':
      return spec.go === 'string' ? 'string' : 'value';
    default:
      return 'value';
  }
}

/** A default value as Go's flag package prints it (`1h0m0s`, `3MB`, `a,b`). */
export function formatFlagDefault(spec: ScalarSpec): string {
  const v = spec.default;
  switch (spec.kind) {
    case 'duration':
      return formatGoDuration(v as number);
    case 'model_duration':
      return formatPromDuration(v as number);
    case 'csv':
      return (v as string[]).join(',');
    case 'strings':
      return `[${(v as string[]).join(' ')}]`;
    case 'string_map':
      return '';
    default:
      return v === undefined ? '' : String(v);
  }
}

/** Go's strconv.ParseBool. */
export function parseGoBool(text: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw new Error(PARSE_ERROR);
}

/** Go's strconv.ParseInt / ParseUint with base 0 (decimal, 0x, 0o, 0b, leading-0 octal, underscores). */
function parseGoInt(text: string, goType: string): number {
  const m = /^([-+]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(text);
  if (!m || /__|_$|^[-+]?_/.test(text)) throw new Error(PARSE_ERROR);
  const digits = m[2]!.replaceAll('_', '');
  let n: bigint;
  if (/^0[oO]/.test(digits)) n = BigInt(`0o${digits.slice(2)}`);
  else if (/^0[0-7]+$/.test(digits)) n = BigInt(`0o${digits.slice(1)}`);
  else n = BigInt(digits);
  if (m[1] === '-') n = -n;
  const unsigned = goType.startsWith('uint');
  if (unsigned && m[1] === '-') throw new Error(PARSE_ERROR);
  const bits = BigInt(Number(goType.replace(/^u?int/, '')) || 64);
  const [min, max] = unsigned ? [0n, (1n << bits) - 1n] : [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
  if (n < min || n > max) throw new Error(RANGE_ERROR);
  return Number(n);
}

/** Go's strconv.ParseFloat(s, 64). */
function parseGoFloat(text: string): number {
  const t = text.replaceAll('_', '');
  if (/^[-+]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^nan$/i.test(t)) return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) && !/^[-+]?0[xX][0-9a-fA-F.]+[pP][-+]?\d+$/.test(t)) {
    throw new Error(PARSE_ERROR);
  }
  const n = Number(t);
  if (!Number.isFinite(n)) throw new Error(RANGE_ERROR);
  return n;
}

/** `key=value,key2=value2`, the form dskit's map flags take. */
function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(PARSE_ERROR);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}
