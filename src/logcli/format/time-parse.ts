// `--from`, `--to` and `--now` are read with Go's time.Parse and the RFC3339Nano
// layout. This follows that parser step by step so that both what it accepts
// (one-digit hours, any number of fraction digits) and its error messages
// (`parsing time "x" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse
// "x" as "2006"`) are the same.

export const RFC3339_NANO_LAYOUT = '2006-01-02T15:04:05.999999999Z07:00';

export type TimeParseResult = { ok: true; ns: bigint } | { ok: false; error: string };

/** Go's time package quoting: control and non-ASCII bytes as \xNN. */
function timeQuote(s: string): string {
  let out = '"';
  for (const byte of Buffer.from(s, 'utf8')) {
    if (byte >= 0x80 || byte < 0x20) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}

class LayoutMismatch {
  constructor(
    readonly valueElem: string,
    readonly layoutElem: string,
  ) {}
}

class OutOfRange {
  constructor(readonly message: string) {}
}

const isDigit = (s: string, i: number) => i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39;

/** Go's getnum: one or two digits (exactly two when `fixed`). */
function getnum(s: string, fixed: boolean): { n: number; rest: string } | null {
  if (!isDigit(s, 0)) return null;
  if (!isDigit(s, 1)) {
    if (fixed) return null;
    return { n: s.charCodeAt(0) - 0x30, rest: s.slice(1) };
  }
  return { n: (s.charCodeAt(0) - 0x30) * 10 + (s.charCodeAt(1) - 0x30), rest: s.slice(2) };
}

function daysIn(month: number, year: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  offsetSec: number;
}

/** Reads the value against the layout's elements in order; throws at the first mismatch. */
function readFields(value: string): { fields: Fields; rest: string } {
  const f: Fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, nanos: 0, offsetSec: 0 };
  let v = value;
  const literal = (lit: string) => {
    if (!v.startsWith(lit)) throw new LayoutMismatch(v, lit);
    v = v.slice(lit.length);
  };
  const number = (elem: string, fixed: boolean, range: [number, number], name: string): number => {
    const r = getnum(v, fixed);
    if (!r) throw new LayoutMismatch(v, elem);
    if (r.n < range[0] || r.n > range[1]) throw new OutOfRange(`${name} out of range`);
    v = r.rest;
    return r.n;
  };

  if (v.length < 4 || ![0, 1, 2, 3].every((i) => isDigit(v, i))) throw new LayoutMismatch(v, '2006');
  f.year = Number(v.slice(0, 4));
  v = v.slice(4);
  literal('-');
  f.month = number('01', true, [1, 12], 'month');
  literal('-');
  // Any two digits here; the day is checked against the month at the end.
  f.day = number('02', true, [0, 99], 'day');
  literal('T');
  f.hour = number('15', false, [0, 23], 'hour');
  literal(':');
  f.minute = number('04', true, [0, 59], 'minute');
  literal(':');
  f.second = number('05', true, [0, 59], 'second');

  // .999999999: optional; any number of digits, the first nine count.
  if (v.length >= 2 && (v[0] === '.' || v[0] === ',') && isDigit(v, 1)) {
    let end = 1;
    while (isDigit(v, end)) end++;
    f.nanos = Number(v.slice(1, Math.min(end, 10)).padEnd(9, '0'));
    v = v.slice(end);
  }

  // Z07:00
  if (v.startsWith('Z')) {
    v = v.slice(1);
  } else {
    if (v.length < 6 || v[3] !== ':') throw new LayoutMismatch(v, 'Z07:00');
    const sign = v[0];
    const hh = getnum(v.slice(1, 3), true);
    const mm = getnum(v.slice(4, 6), true);
    if (!hh || !mm || (sign !== '+' && sign !== '-')) throw new LayoutMismatch(v, 'Z07:00');
    if (hh.n > 24) throw new OutOfRange('time zone offset hour out of range');
    if (mm.n > 60) throw new OutOfRange('time zone offset minute out of range');
    f.offsetSec = (sign === '-' ? -1 : 1) * (hh.n * 3600 + mm.n * 60);
    v = v.slice(6);
  }
  return { fields: f, rest: v };
}

/** Go's `time.Parse(time.RFC3339Nano, value)`, as nanoseconds since the epoch. */
export function parseRFC3339NanoGo(value: string): TimeParseResult {
  const prefix = `parsing time ${timeQuote(value)}`;
  let read: { fields: Fields; rest: string };
  try {
    read = readFields(value);
  } catch (err) {
    if (err instanceof LayoutMismatch) {
      return {
        ok: false,
        error: `${prefix} as ${timeQuote(RFC3339_NANO_LAYOUT)}: cannot parse ${timeQuote(err.valueElem)} as ${timeQuote(err.layoutElem)}`,
      };
    }
    if (err instanceof OutOfRange) return { ok: false, error: `${prefix}: ${err.message}` };
    throw err;
  }
  const { fields: f, rest } = read;
  if (rest !== '') return { ok: false, error: `${prefix}: extra text: ${timeQuote(rest)}` };
  if (f.day < 1 || f.day > daysIn(f.month, f.year)) return { ok: false, error: `${prefix}: day out of range` };
  const wall = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  // Date.UTC maps years 0-99 onto 1900-1999; Go does not.
  const epochMs = f.year < 100 ? new Date(wall).setUTCFullYear(f.year) : wall;
  const sec = BigInt(epochMs / 1000 - f.offsetSec);
  return { ok: true, ns: sec * 1_000_000_000n + BigInt(f.nanos) };
}
