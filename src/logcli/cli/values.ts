// Flag values read as logcli's flag parser (kingpin) reads them, with its
// error wording: integers through strconv.ParseFloat (so `1e3` and `2.9` are
// accepted and truncated), durations through time.ParseDuration, booleans
// through strconv.ParseBool, enums against their list.
import { parseGoFloat } from '../../logql/syntax/gostrconv.js';
import { tryParseGoDuration } from '../../logql/syntax/units.js';

/** A command line that cannot be used; reported as `skald query: error: <message>, try --help`. */
export class UsageError extends Error {}

export function parseIntFlag(text: string): number {
  const r = parseGoFloat(text);
  if (!r.ok) throw new UsageError(r.error);
  return Math.trunc(r.value);
}

/** Nanoseconds. */
export function parseDurationFlag(text: string): bigint {
  const r = tryParseGoDuration(text);
  if (typeof r === 'string') throw new UsageError(r);
  return r;
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go's strconv.ParseBool. */
export function parseBoolFlag(text: string): boolean {
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  throw new UsageError(`strconv.ParseBool: parsing ${JSON.stringify(text)}: invalid syntax`);
}

export function parseEnumFlag<T extends string>(text: string, options: readonly T[]): T {
  if ((options as readonly string[]).includes(text)) return text as T;
  throw new UsageError(`enum value must be one of ${options.join(',')}, got '${text}'`);
}

export function isBoolText(text: string): boolean {
  return TRUE.has(text) || FALSE.has(text);
}
