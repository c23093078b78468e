// Timestamp parsers for the timestamp stage: Go reference layouts
// ("2006-01-02 15:04:05"), Go's named layouts (RFC3339, RFC1123, ...) and
// Promtail's Unix, UnixMs, UnixUs and UnixNs. A layout without a year
// ("Jan _2 15:04:05", syslog style) gets the current year, or the adjacent
// one around New Year, exactly as Promtail decides.
import { type GoLocation, GoTime, loadLocation, localLocation, parseTime, UTC } from '../../logql/template/gotime.js';
import type { Timestamp } from './clock.js';

export type TimestampParser = (text: string) => Timestamp;

export class TimestampFormatError extends Error {
  override name = 'TimestampFormatError';
}

const NAMED_LAYOUTS: Readonly<Record<string, string>> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
};

/**
 * The process's zone, looked up on first use: that goes through Intl, whose
 * time zone data (about 6 MB of resident memory) an agent parsing only
 * timestamps with their offsets never needs.
 */
let local: GoLocation | undefined;

/** time.LoadLocation for the `location` option; throws with Promtail's message. */
export function loadTimestampLocation(name: string): GoLocation {
  local ??= localLocation();
  const loc = loadLocation(name, local);
  if (!loc) throw new TimestampFormatError(`invalid location specified: unknown time zone ${name}`);
  return loc;
}

function fromGoTime(t: GoTime): Timestamp {
  return { sec: t.sec, nanos: t.nsec };
}

const INT = /^[-+]?\d+$/;

function parseInt64(text: string): bigint {
  if (!INT.test(text)) throw new TimestampFormatError(`strconv.ParseInt: parsing "${text}": invalid syntax`);
  const n = BigInt(text);
  if (n > 9223372036854775807n || n < -9223372036854775808n) {
    throw new TimestampFormatError(`strconv.ParseInt: parsing "${text}": value out of range`);
  }
  return n;
}

function fromNanos(ns: bigint): Timestamp {
  let sec = ns / 1_000_000_000n;
  let rem = ns % 1_000_000_000n;
  if (rem < 0n) {
    sec -= 1n;
    rem += 1_000_000_000n;
  }
  return { sec: Number(sec), nanos: Number(rem) };
}

/** `Unix`: seconds, optionally with a fraction ("1562708916.414123"). */
function parseUnix(text: string): Timestamp {
  const parts = text.split('.');
  if (parts.length === 2) {
    const sec = parseInt64(parts[0]!);
    const frac = parseInt64(parts[1]!);
    // Promtail scales the fraction through a float64, as here.
    const nsec = Math.trunc(Number(frac) * 10 ** (9 - parts[1]!.length));
    return fromNanos(sec * 1_000_000_000n + BigInt(nsec));
  }
  return fromNanos(parseInt64(text) * 1_000_000_000n);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * RFC 3339 without going through the general layout parser: this runs for
 * every line of the cri and docker stages. Anything unusual falls back to
 * Go's full rules.
 */
function parseRfc3339(text: string, fallback: TimestampParser): Timestamp {
  const m = RFC3339.exec(text);
  if (!m) return fallback(text);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const min = Number(m[5]);
  const sec = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]! || hour > 23 || min > 59 || sec > 59) {
    return fallback(text);
  }
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return fallback(text);
  let offset = 0;
  if (m[8] !== undefined) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return fallback(text);
    offset = (oh * 60 + om) * 60 * (m[8] === '-' ? -1 : 1);
  }
  const frac = m[7];
  const nanos = frac === undefined ? 0 : Number(frac.slice(0, 9).padEnd(9, '0'));
  return { sec: daysFromCivil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec - offset, nanos };
}

function digits(buf: Buffer, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * `2006-01-02T15:04:05.999999999Z` read straight from bytes, for the cri
 * stage's hot path. Returns undefined for anything else (including offsets
 * other than Z); callers then use the full parser.
 */
export function parseRfc3339Utc(buf: Buffer, start: number, end: number): Timestamp | undefined {
  if (end - start < 20 || buf[end - 1] !== 0x5a) return undefined;
  if (buf[start + 4] !== 0x2d || buf[start + 7] !== 0x2d || buf[start + 10] !== 0x54) return undefined;
  if (buf[start + 13] !== 0x3a || buf[start + 16] !== 0x3a) return undefined;
  const year = digits(buf, start, 4);
  const month = digits(buf, start + 5, 2);
  const day = digits(buf, start + 8, 2);
  const hour = digits(buf, start + 11, 2);
  const min = digits(buf, start + 14, 2);
  const sec = digits(buf, start + 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]!) return undefined;
  if (hour < 0 || hour > 23 || min < 0 || min > 59 || sec < 0 || sec > 59) return undefined;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return undefined;
  let nanos = 0;
  const fracStart = start + 19;
  const fracEnd = end - 1;
  if (fracEnd > fracStart) {
    if (buf[fracStart] !== 0x2e || fracEnd - fracStart < 2) return undefined;
    let scale = 100_000_000;
    for (let i = fracStart + 1; i < fracEnd; i++) {
      const d = buf[i]! - 0x30;
      if (d < 0 || d > 9) return undefined;
      nanos += d * scale;
      scale = Math.floor(scale / 10);
    }
  }
  return { sec: daysFromCivil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec, nanos };
}

function goParser(layout: string, loc: GoLocation): TimestampParser {
  return (text) => {
    try {
      return fromGoTime(parseTime(layout, text, loc));
    } catch (err) {
      throw new TimestampFormatError((err as Error).message);
    }
  };
}

/**
 * A layout without a year: parse, then move the result into the current
 * year, or the previous/next one when the log and the clock straddle New Year.
 */
function withoutYearParser(layout: string, loc: GoLocation, now: () => Date): TimestampParser {
  const parse = goParser(layout, loc);
  return (text) => {
    const parsed = parse(text);
    const t = new GoTime(parsed.sec, parsed.nanos, loc);
    const f = t.fields();
    if (f.year !== 0)
      throw new TimestampFormatError(`timestamp '${text}' is expected to not contain the year date component`);
    const clock = now();
    const nowYear = clock.getUTCFullYear();
    const nowMonth = clock.getUTCMonth() + 1;
    let year = nowYear;
    if (f.month === 12 && nowMonth === 1) year = nowYear - 1;
    else if (f.month === 1 && nowMonth === 12) year = nowYear + 1;
    const moved = GoTime.date(year, f.month, f.day, f.hour, f.min, f.sec, parsed.nanos, loc);
    return fromGoTime(moved);
  };
}

export interface FormatOptions {
  /** `location`: the zone for layouts without one. */
  readonly location?: GoLocation;
  /** The clock deciding the year of year-less layouts (tests pin it). */
  readonly now?: () => Date;
}

/** A parser for one `format` (or fallback format) of the timestamp stage. */
export function timestampParser(format: string, options: FormatOptions = {}): TimestampParser {
  const named = NAMED_LAYOUTS[format];
  if (named !== undefined) {
    const parse = goParser(named, UTC);
    if (format === 'RFC3339' || format === 'RFC3339Nano') return (text) => parseRfc3339(text, parse);
    return parse;
  }
  switch (format) {
    case 'Unix':
      return parseUnix;
    case 'UnixMs':
      return (text) => fromNanos(parseInt64(text) * 1_000_000n);
    case 'UnixUs':
      return (text) => fromNanos(parseInt64(text) * 1_000n);
    case 'UnixNs':
      return (text) => fromNanos(parseInt64(text));
  }
  const loc = options.location ?? UTC;
  if (!format.includes('06') && !format.includes('2006')) {
    return withoutYearParser(format, loc, options.now ?? (() => new Date()));
  }
  return goParser(format, loc);
}

/** RFC 3339 with nanoseconds, the format of the cri and docker stages. */
export const parseRfc3339Nano: TimestampParser = timestampParser('RFC3339Nano');
