// Go time layouts that logcli prints with, for timestamps in nanoseconds since
// the epoch shown in a given zone.
import type { TimeZone } from './time-zone.js';

/** The values of `--output-timestamp-format`, and the layouts logcli uses elsewhere. */
export type TimestampLayout =
  | 'rfc3339'
  | 'rfc3339nano'
  | 'rfc822z'
  | 'rfc1123z'
  | 'stampmilli'
  | 'stampmicro'
  | 'stampnano'
  | 'unixdate'
  /** `2006/01/02 15:04:05`, the prefix of Go's standard logger. */
  | 'logprefix'
  /** `20060102T150405`, the times in part file names. */
  | 'compact'
  /** `2006-01-02 15:04:05.999999999 -0700 MST`, Go's `Time.String()`. */
  | 'gostring';

export const OUTPUT_TIMESTAMP_FORMATS = [
  'rfc3339',
  'rfc3339nano',
  'rfc822z',
  'rfc1123z',
  'stampmicro',
  'stampmilli',
  'stampnano',
  'unixdate',
] as const;

const NS_PER_SEC = 1_000_000_000n;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface WallClock {
  year: number;
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  offset: number;
  abbreviation: () => string;
}

function wallClock(ns: bigint, zone: TimeZone): WallClock {
  let sec = ns / NS_PER_SEC;
  let nanos = ns % NS_PER_SEC;
  if (nanos < 0n) {
    sec -= 1n;
    nanos += NS_PER_SEC;
  }
  const ms = Number(sec) * 1000;
  const offset = zone.offsetSeconds(ms);
  const d = new Date(ms + offset * 1000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth(),
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    nanos: Number(nanos),
    offset,
    abbreviation: () => zone.abbreviation(ms),
  };
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const pad4 = (n: number) => String(n).padStart(4, '0');

function offsetText(offsetSec: number, colon: boolean): string {
  const sign = offsetSec < 0 ? '-' : '+';
  const minutes = Math.floor(Math.abs(offsetSec) / 60);
  return `${sign}${pad2(Math.floor(minutes / 60))}${colon ? ':' : ''}${pad2(minutes % 60)}`;
}

/** `Z07:00`: `Z` for a zero offset, else `+01:00`. */
function isoOffset(offsetSec: number): string {
  return offsetSec === 0 ? 'Z' : offsetText(offsetSec, true);
}

/** `.999999999`: the fraction with trailing zeros dropped, nothing when zero. */
function trimmedFraction(nanos: number): string {
  if (nanos === 0) return '';
  return `.${String(nanos).padStart(9, '0').replace(/0+$/, '')}`;
}

/** `.000`, `.000000`, `.000000000`: a fixed number of fraction digits, truncated. */
function fixedFraction(nanos: number, digits: number): string {
  return `.${String(nanos).padStart(9, '0').slice(0, digits)}`;
}

function date(w: WallClock, sep: string): string {
  return `${pad4(w.year)}${sep}${pad2(w.month + 1)}${sep}${pad2(w.day)}`;
}

function clock(w: WallClock): string {
  return `${pad2(w.hour)}:${pad2(w.minute)}:${pad2(w.second)}`;
}

/** `Jan _2 15:04:05`: the day padded with a space. */
function stamp(w: WallClock): string {
  return `${MONTHS[w.month]} ${String(w.day).padStart(2, ' ')} ${clock(w)}`;
}

/** Formats `ns` in `zone` with one of Go's layouts. */
export function formatTimestamp(ns: bigint, zone: TimeZone, layout: TimestampLayout): string {
  const w = wallClock(ns, zone);
  switch (layout) {
    case 'rfc3339':
      return `${date(w, '-')}T${clock(w)}${isoOffset(w.offset)}`;
    case 'rfc3339nano':
      return `${date(w, '-')}T${clock(w)}${trimmedFraction(w.nanos)}${isoOffset(w.offset)}`;
    case 'rfc822z':
      return `${pad2(w.day)} ${MONTHS[w.month]} ${pad2(w.year % 100)} ${pad2(w.hour)}:${pad2(w.minute)} ${offsetText(w.offset, false)}`;
    case 'rfc1123z':
      return `${DAYS[w.weekday]}, ${pad2(w.day)} ${MONTHS[w.month]} ${pad4(w.year)} ${clock(w)} ${offsetText(w.offset, false)}`;
    case 'stampmilli':
      return `${stamp(w)}${fixedFraction(w.nanos, 3)}`;
    case 'stampmicro':
      return `${stamp(w)}${fixedFraction(w.nanos, 6)}`;
    case 'stampnano':
      return `${stamp(w)}${fixedFraction(w.nanos, 9)}`;
    case 'unixdate':
      return `${DAYS[w.weekday]} ${MONTHS[w.month]} ${String(w.day).padStart(2, ' ')} ${clock(w)} ${w.abbreviation()} ${pad4(w.year)}`;
    case 'logprefix':
      return `${date(w, '/')} ${clock(w)}`;
    case 'compact':
      return `${date(w, '')}T${pad2(w.hour)}${pad2(w.minute)}${pad2(w.second)}`;
    case 'gostring':
      return `${date(w, '-')} ${clock(w)}${trimmedFraction(w.nanos)} ${offsetText(w.offset, false)} ${w.abbreviation()}`;
  }
}
