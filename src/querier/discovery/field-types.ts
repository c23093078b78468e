// The type Loki reports for a detected field, inferred from one of its values
// by trying Go's parsers in Loki's order: int, float, boolean, duration, bytes,
// and string when none accepts it. Grafana uses the type to offer the right
// label filter (`| status >= 500`, `| duration > 1s`, `| size > 1KB`).
import { parseGoDuration, parseGoFloat, parseHumanBytes } from '../../logql/log/index.js';

export type DetectedFieldType = 'int' | 'float' | 'boolean' | 'duration' | 'bytes' | 'string';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const decimalInteger = /^[+-]?[0-9]+$/;

/** Go's strconv.ParseInt(value, 10, 64) succeeds. */
export function isGoInt64(value: string): boolean {
  if (!decimalInteger.test(value)) return false;
  // Short values cannot leave the int64 range; only long ones pay for a BigInt.
  if (value.length < 19) return true;
  const n = BigInt(value);
  return n >= INT64_MIN && n <= INT64_MAX;
}

/** The spellings Go's strconv.ParseBool accepts. */
const GO_BOOLS: ReadonlySet<string> = new Set([
  '1',
  't',
  'T',
  'TRUE',
  'true',
  'True',
  '0',
  'f',
  'F',
  'FALSE',
  'false',
  'False',
]);

export function isGoBool(value: string): boolean {
  return GO_BOOLS.has(value);
}

/** Loki's `determineType`: the first of Go's parsers that accepts the value names the type. */
export function determineFieldType(value: string): DetectedFieldType {
  if (isGoInt64(value)) return 'int';
  if (typeof parseGoFloat(value) === 'number') return 'float';
  if (isGoBool(value)) return 'boolean';
  if (typeof parseGoDuration(value) === 'number') return 'duration';
  if (typeof parseHumanBytes(value) === 'number') return 'bytes';
  return 'string';
}
