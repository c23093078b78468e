// Go's time.Time, time.Location, layout formatting/parsing and
// time.ParseDuration, as far as template functions need them.
//
// Instants are whole Unix seconds plus nanoseconds, so the full range of Go's
// zero time (year 1) and nanosecond precision survive. Named zones are
// resolved through Intl (the ICU time zone database bundled with Node);
// Go reads the same IANA data from the system.

const SECONDS_PER_DAY = 86400;

export interface ZoneInfo {
  /** Seconds east of UTC. */
  offset: number;
  /** Abbreviation such as "UTC", "CET", "PDT" or "+03". */
  abbrev: string;
}

/** A Go *time.Location. */
export class GoLocation {
  private cache = new Map<number, ZoneInfo>();

  private constructor(
    /** The name Go's Location.String() reports ("UTC", "Local", "Europe/Paris", or a fixed zone's name). */
    readonly name: string,
    private readonly fixed: ZoneInfo | undefined,
    private readonly iana: string | undefined,
  ) {}

  /** time.FixedZone; `abbrev` differs from the name only for a UTC-backed Local. */
  static fixedZone(name: string, offset: number, abbrev: string = name): GoLocation {
    return new GoLocation(name, { offset, abbrev }, undefined);
  }

  static zone(name: string, iana: string): GoLocation {
    return new GoLocation(name, undefined, iana);
  }

  /** The zone in effect at a Unix second. */
  lookup(unixSec: number): ZoneInfo {
    if (this.fixed) return this.fixed;
    // Transitions fall on quarter-hour boundaries in practice; cache per 15 minutes.
    const bucket = Math.floor(unixSec / 900);
    let info = this.cache.get(bucket);
    if (!info) {
      info = ianaZoneAt(this.iana!, bucket * 900);
      if (this.cache.size > 4096) this.cache.clear();
      this.cache.set(bucket, info);
    }
    return info;
  }

  /** Location.lookupName: the offset of a zone abbreviation in effect near `unixSec`. */
  lookupName(abbrev: string, unixSec: number): number | undefined {
    const at = this.lookup(unixSec);
    if (at.abbrev === abbrev) return at.offset;
    // Also try the other side of a daylight-saving change within half a year.
    for (const delta of [-182 * SECONDS_PER_DAY, 182 * SECONDS_PER_DAY]) {
      const z = this.lookup(unixSec + delta);
      if (z.abbrev === abbrev) return z.offset;
    }
    return undefined;
  }
}

export const UTC = GoLocation.fixedZone('UTC', 0);

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string, locale: string): Intl.DateTimeFormat {
  const key = `${locale}|${zone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      timeZoneName: 'short',
    });
    formatters.set(key, f);
  }
  return f;
}

/** Intl only formats dates within ±8.64e15 ms; clamp far-away instants to the edge. */
const MAX_INTL_SECONDS = 8.64e12;

function ianaZoneAt(zone: string, unixSec: number): ZoneInfo {
  const sec = Math.max(-MAX_INTL_SECONDS, Math.min(MAX_INTL_SECONDS, unixSec));
  const parts = formatterFor(zone, 'en-US').formatToParts(sec * 1000);
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  let abbrev = '';
  for (const p of parts) {
    switch (p.type) {
      case 'year':
        year = Number(p.value);
        break;
      case 'month':
        month = Number(p.value);
        break;
      case 'day':
        day = Number(p.value);
        break;
      case 'hour':
        hour = Number(p.value);
        break;
      case 'minute':
        minute = Number(p.value);
        break;
      case 'second':
        second = Number(p.value);
        break;
      case 'era':
        bc = p.value.startsWith('B');
        break;
      case 'timeZoneName':
        abbrev = p.value;
        break;
    }
  }
  if (bc) year = 1 - year;
  const local = daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second;
  const offset = local - sec;
  return { offset, abbrev: goAbbreviation(zone, sec, abbrev, offset) };
}

/**
 * Intl's short names are locale conventions ("GMT+1"), while Go prints the
 * tz database abbreviation ("CET"). British English knows the European
 * names; anything still unnamed is printed as the tz database does, "+03"
 * or "+0530".
 */
function goAbbreviation(zone: string, sec: number, intlName: string, offset: number): string {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 'UTC';
  if (!/^GMT[+-]/.test(intlName)) return intlName;
  const gb = formatterFor(zone, 'en-GB')
    .formatToParts(sec * 1000)
    .find((p) => p.type === 'timeZoneName')?.value;
  if (gb && !/^(GMT|UTC)[+-]/.test(gb)) return gb;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  return `${sign}${pad(h, 2)}${m ? pad(m, 2) : ''}`;
}

/** A Location named "Local" backed by an IANA zone (the process's zone by default). */
export function localLocation(iana: string = Intl.DateTimeFormat().resolvedOptions().timeZone): GoLocation {
  if (iana === 'UTC' || iana === 'Etc/UTC') return GoLocation.fixedZone('Local', 0, 'UTC');
  return GoLocation.zone('Local', iana);
}

/**
 * time.LoadLocation. Returns undefined where Go returns an error. Go reads
 * zone files by exact (case-sensitive) name; Intl is case-insensitive, so a
 * name that only matches by case is refused.
 */
export function loadLocation(name: string, local: GoLocation): GoLocation | undefined {
  if (name === '' || name === 'UTC') return UTC;
  if (name === 'Local') return local;
  if (name.includes('..') || name[0] === '/' || name[0] === '\\') return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) return undefined;
  return GoLocation.zone(name, name);
}

// ---- civil calendar arithmetic (proleptic Gregorian) ----

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): [year: number, month: number, day: number] {
  z += 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

function daysIn(month: number, year: number): number {
  if (month === 2 && isLeap(year)) return 29;
  return DAYS_BEFORE[month]! - DAYS_BEFORE[month - 1]!;
}

export const LONG_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const SHORT_MONTHS = LONG_MONTHS.map((m) => m.slice(0, 3));
const SHORT_DAYS = LONG_DAYS.map((d) => d.slice(0, 3));

function pad(n: number, width: number): string {
  const neg = n < 0;
  const s = String(Math.abs(n)).padStart(width, '0');
  return neg ? `-${s}` : s;
}

/** The reading of the process's monotonic clock at load time; now() readings are relative to it. */
const processStart = process.hrtime.bigint();

/** A Go time.Time. */
export class GoTime {
  constructor(
    /** Whole seconds since the Unix epoch. */
    readonly sec: number,
    /** Nanoseconds within the second, 0..999999999. */
    readonly nsec: number,
    readonly loc: GoLocation,
    /** Monotonic clock reading in nanoseconds, only for times from now(). */
    readonly mono?: bigint,
  ) {}

  /** time.Unix(0, ns) in a location. */
  static fromUnixNano(ns: bigint, loc: GoLocation): GoTime {
    let sec = ns / 1_000_000_000n;
    let nsec = ns % 1_000_000_000n;
    if (nsec < 0n) {
      nsec += 1_000_000_000n;
      sec -= 1n;
    }
    return new GoTime(Number(sec), Number(nsec), loc);
  }

  /** time.Now() in a location, with a monotonic reading as Go attaches. */
  static now(loc: GoLocation): GoTime {
    const ms = Date.now();
    const mono = process.hrtime.bigint() - processStart;
    const sec = Math.floor(ms / 1000);
    return new GoTime(sec, (ms - sec * 1000) * 1_000_000 + Number(mono % 1_000_000n), loc, mono);
  }

  /** The zero Time: January 1, year 1, 00:00:00 UTC. */
  static zero(): GoTime {
    return new GoTime(daysFromCivil(1, 1, 1) * SECONDS_PER_DAY, 0, UTC);
  }

  /** time.Date, normalising out-of-range fields as Go does. */
  static date(
    year: number,
    month: number,
    day: number,
    hour: number,
    min: number,
    sec: number,
    nsec: number,
    loc: GoLocation,
  ): GoTime {
    // Normalise month and sub-day fields into the larger units.
    let m = month - 1;
    year += Math.floor(m / 12);
    m -= Math.floor(m / 12) * 12;
    sec += Math.floor(nsec / 1e9);
    nsec -= Math.floor(nsec / 1e9) * 1e9;
    const unixLocal = (daysFromCivil(year, m + 1, 1) + day - 1) * SECONDS_PER_DAY + hour * 3600 + min * 60 + sec;
    let offset = loc.lookup(unixLocal).offset;
    if (offset !== 0) {
      const second = loc.lookup(unixLocal - offset).offset;
      if (second !== offset) offset = second;
    }
    return new GoTime(unixLocal - offset, nsec, loc);
  }

  isZero(): boolean {
    return this.sec === daysFromCivil(1, 1, 1) * SECONDS_PER_DAY && this.nsec === 0;
  }

  zone(): ZoneInfo {
    return this.loc.lookup(this.sec);
  }

  in(loc: GoLocation): GoTime {
    return new GoTime(this.sec, this.nsec, loc);
  }

  unixMilli(): bigint {
    return BigInt.asIntN(64, BigInt(this.sec) * 1000n + BigInt(Math.floor(this.nsec / 1e6)));
  }

  unixMicro(): bigint {
    return BigInt.asIntN(64, BigInt(this.sec) * 1_000_000n + BigInt(Math.floor(this.nsec / 1e3)));
  }

  unixNano(): bigint {
    return BigInt.asIntN(64, BigInt(this.sec) * 1_000_000_000n + BigInt(this.nsec));
  }

  /** Local wall-clock fields. */
  fields(): {
    year: number;
    month: number;
    day: number;
    hour: number;
    min: number;
    sec: number;
    weekday: number;
    yday: number;
    zone: ZoneInfo;
  } {
    const zone = this.zone();
    const local = this.sec + zone.offset;
    const days = Math.floor(local / SECONDS_PER_DAY);
    const rem = local - days * SECONDS_PER_DAY;
    const [year, month, day] = civilFromDays(days);
    return {
      year,
      month,
      day,
      hour: Math.floor(rem / 3600),
      min: Math.floor((rem % 3600) / 60),
      sec: rem % 60,
      weekday: (((days + 4) % 7) + 7) % 7,
      yday: days - daysFromCivil(year, 1, 1) + 1,
      zone,
    };
  }

  format(layout: string): string {
    return formatTime(this, layout);
  }

  /** Time.String(), including the monotonic reading when present. */
  toString(): string {
    let s = this.format('2006-01-02 15:04:05.999999999 -0700 MST');
    if (this.mono !== undefined) {
      let m = this.mono;
      const sign = m < 0n ? '-' : '+';
      if (m < 0n) m = -m;
      const m2 = m % 1_000_000_000n;
      const m1 = (m / 1_000_000_000n) % 1_000_000_000n;
      const m0 = m / 1_000_000_000_000_000_000n;
      s += ` m=${sign}`;
      s += m0 !== 0n ? `${m0}${String(m1).padStart(9, '0')}` : String(m1);
      s += `.${String(m2).padStart(9, '0')}`;
    }
    return s;
  }

  /** Time.GoString(), as %#v prints it. */
  goString(): string {
    const f = this.fields();
    let loc: string;
    if (this.loc === UTC) loc = 'time.UTC';
    else if (this.loc.name === 'Local') loc = 'time.Local';
    else loc = `time.Location(${JSON.stringify(this.loc.name)})`;
    return `time.Date(${f.year}, time.${LONG_MONTHS[f.month - 1]}, ${f.day}, ${f.hour}, ${f.min}, ${f.sec}, ${this.nsec}, ${loc})`;
  }
}

// ---- layouts ----

enum Std {
  None = 0,
  LongMonth,
  Month,
  NumMonth,
  ZeroMonth,
  LongWeekDay,
  WeekDay,
  Day,
  UnderDay,
  ZeroDay,
  UnderYearDay,
  ZeroYearDay,
  Hour,
  Hour12,
  ZeroHour12,
  Minute,
  ZeroMinute,
  Second,
  ZeroSecond,
  LongYear,
  Year,
  PM,
  pm,
  TZ,
  ISO8601TZ,
  ISO8601SecondsTZ,
  ISO8601ShortTZ,
  ISO8601ColonTZ,
  ISO8601ColonSecondsTZ,
  NumTZ,
  NumSecondsTz,
  NumShortTZ,
  NumColonTZ,
  NumColonSecondsTZ,
  FracSecond0,
  FracSecond9,
}

interface Chunk {
  prefix: string;
  std: Std;
  /** Digits of a fractional-second element. */
  digits: number;
  /** Separator of a fractional-second element: "." or ",". */
  sep: string;
  suffix: string;
}

const STD_0X = [Std.ZeroMonth, Std.ZeroDay, Std.ZeroHour12, Std.ZeroMinute, Std.ZeroSecond, Std.Year];

function startsWithLowerCase(s: string): boolean {
  const c = s.charCodeAt(0);
  return c >= 0x61 && c <= 0x7a;
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}

/** Go's nextStdChunk: the text before the first layout element, the element, and the rest. */
function nextStdChunk(layout: string): Chunk {
  const chunk = (i: number, std: Std, len: number, digits = 0, sep = '.'): Chunk => ({
    prefix: layout.slice(0, i),
    std,
    digits,
    sep,
    suffix: layout.slice(i + len),
  });
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i];
    switch (c) {
      case 'J':
        if (layout.startsWith('Jan', i)) {
          if (layout.startsWith('January', i)) return chunk(i, Std.LongMonth, 7);
          if (!startsWithLowerCase(layout.slice(i + 3))) return chunk(i, Std.Month, 3);
        }
        break;
      case 'M':
        if (layout.startsWith('Mon', i)) {
          if (layout.startsWith('Monday', i)) return chunk(i, Std.LongWeekDay, 6);
          if (!startsWithLowerCase(layout.slice(i + 3))) return chunk(i, Std.WeekDay, 3);
        }
        if (layout.startsWith('MST', i)) return chunk(i, Std.TZ, 3);
        break;
      case '0': {
        const n = layout.charCodeAt(i + 1);
        if (n >= 0x31 && n <= 0x36) return chunk(i, STD_0X[n - 0x31]!, 2);
        if (layout.startsWith('002', i)) return chunk(i, Std.ZeroYearDay, 3);
        break;
      }
      case '1':
        if (layout[i + 1] === '5') return chunk(i, Std.Hour, 2);
        return chunk(i, Std.NumMonth, 1);
      case '2':
        if (layout.startsWith('2006', i)) return chunk(i, Std.LongYear, 4);
        return chunk(i, Std.Day, 1);
      case '_':
        if (layout[i + 1] === '2') {
          // _2006 is a literal underscore followed by the long year.
          if (layout.startsWith('2006', i + 1)) return { ...chunk(i + 1, Std.LongYear, 4) };
          return chunk(i, Std.UnderDay, 2);
        }
        if (layout.startsWith('__2', i)) return chunk(i, Std.UnderYearDay, 3);
        break;
      case '3':
        return chunk(i, Std.Hour12, 1);
      case '4':
        return chunk(i, Std.Minute, 1);
      case '5':
        return chunk(i, Std.Second, 1);
      case 'P':
        if (layout[i + 1] === 'M') return chunk(i, Std.PM, 2);
        break;
      case 'p':
        if (layout[i + 1] === 'm') return chunk(i, Std.pm, 2);
        break;
      case '-':
        if (layout.startsWith('-070000', i)) return chunk(i, Std.NumSecondsTz, 7);
        if (layout.startsWith('-07:00:00', i)) return chunk(i, Std.NumColonSecondsTZ, 9);
        if (layout.startsWith('-0700', i)) return chunk(i, Std.NumTZ, 5);
        if (layout.startsWith('-07:00', i)) return chunk(i, Std.NumColonTZ, 6);
        if (layout.startsWith('-07', i)) return chunk(i, Std.NumShortTZ, 3);
        break;
      case 'Z':
        if (layout.startsWith('Z070000', i)) return chunk(i, Std.ISO8601SecondsTZ, 7);
        if (layout.startsWith('Z07:00:00', i)) return chunk(i, Std.ISO8601ColonSecondsTZ, 9);
        if (layout.startsWith('Z0700', i)) return chunk(i, Std.ISO8601TZ, 5);
        if (layout.startsWith('Z07:00', i)) return chunk(i, Std.ISO8601ColonTZ, 6);
        if (layout.startsWith('Z07', i)) return chunk(i, Std.ISO8601ShortTZ, 3);
        break;
      case '.':
      case ',': {
        const ch = layout[i + 1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          // The run of digits must end here: only a fractional second is all digits.
          if (!isDigitAt(layout, j)) {
            return chunk(i, ch === '9' ? Std.FracSecond9 : Std.FracSecond0, j - i, j - (i + 1), c);
          }
        }
        break;
      }
    }
  }
  return { prefix: layout, std: Std.None, digits: 0, sep: '.', suffix: '' };
}

function isISO(std: Std): boolean {
  return (
    std === Std.ISO8601TZ ||
    std === Std.ISO8601ColonTZ ||
    std === Std.ISO8601SecondsTZ ||
    std === Std.ISO8601ShortTZ ||
    std === Std.ISO8601ColonSecondsTZ
  );
}

function appendNano(nsec: number, digits: number, sep: string, trim: boolean): string {
  if (trim && (digits === 0 || nsec === 0)) return '';
  let s = sep + String(nsec).padStart(9, '0');
  if (digits < 9) s = s.slice(0, 1 + digits);
  if (trim) {
    s = s.replace(/0+$/, '');
    if (s === sep) s = '';
  }
  return s;
}

/** Time.Format. */
export function formatTime(t: GoTime, layout: string): string {
  const f = t.fields();
  const offset = f.zone.offset;
  let out = '';
  while (layout !== '') {
    const c = nextStdChunk(layout);
    out += c.prefix;
    if (c.std === Std.None) break;
    layout = c.suffix;
    switch (c.std) {
      case Std.Year:
        out += pad(Math.abs(f.year) % 100, 2);
        break;
      case Std.LongYear:
        out += pad(f.year, 4);
        break;
      case Std.Month:
        out += SHORT_MONTHS[f.month - 1];
        break;
      case Std.LongMonth:
        out += LONG_MONTHS[f.month - 1];
        break;
      case Std.NumMonth:
        out += f.month;
        break;
      case Std.ZeroMonth:
        out += pad(f.month, 2);
        break;
      case Std.WeekDay:
        out += SHORT_DAYS[f.weekday];
        break;
      case Std.LongWeekDay:
        out += LONG_DAYS[f.weekday];
        break;
      case Std.Day:
        out += f.day;
        break;
      case Std.UnderDay:
        out += (f.day < 10 ? ' ' : '') + f.day;
        break;
      case Std.ZeroDay:
        out += pad(f.day, 2);
        break;
      case Std.UnderYearDay:
        out += (f.yday < 100 ? (f.yday < 10 ? '  ' : ' ') : '') + f.yday;
        break;
      case Std.ZeroYearDay:
        out += pad(f.yday, 3);
        break;
      case Std.Hour:
        out += pad(f.hour, 2);
        break;
      case Std.Hour12:
        out += f.hour % 12 === 0 ? 12 : f.hour % 12;
        break;
      case Std.ZeroHour12:
        out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, 2);
        break;
      case Std.Minute:
        out += f.min;
        break;
      case Std.ZeroMinute:
        out += pad(f.min, 2);
        break;
      case Std.Second:
        out += f.sec;
        break;
      case Std.ZeroSecond:
        out += pad(f.sec, 2);
        break;
      case Std.PM:
        out += f.hour >= 12 ? 'PM' : 'AM';
        break;
      case Std.pm:
        out += f.hour >= 12 ? 'pm' : 'am';
        break;
      case Std.ISO8601TZ:
      case Std.ISO8601ColonTZ:
      case Std.ISO8601SecondsTZ:
      case Std.ISO8601ShortTZ:
      case Std.ISO8601ColonSecondsTZ:
      case Std.NumTZ:
      case Std.NumColonTZ:
      case Std.NumSecondsTz:
      case Std.NumShortTZ:
      case Std.NumColonSecondsTZ: {
        if (offset === 0 && isISO(c.std)) {
          out += 'Z';
          break;
        }
        let zone = Math.trunc(offset / 60);
        let absoffset = offset;
        if (zone < 0) {
          out += '-';
          zone = -zone;
          absoffset = -absoffset;
        } else out += '+';
        out += pad(Math.floor(zone / 60), 2);
        const colon =
          c.std === Std.ISO8601ColonTZ ||
          c.std === Std.NumColonTZ ||
          c.std === Std.ISO8601ColonSecondsTZ ||
          c.std === Std.NumColonSecondsTZ;
        if (colon) out += ':';
        if (c.std !== Std.NumShortTZ && c.std !== Std.ISO8601ShortTZ) out += pad(zone % 60, 2);
        if (
          c.std === Std.ISO8601SecondsTZ ||
          c.std === Std.NumSecondsTz ||
          c.std === Std.NumColonSecondsTZ ||
          c.std === Std.ISO8601ColonSecondsTZ
        ) {
          if (c.std === Std.NumColonSecondsTZ || c.std === Std.ISO8601ColonSecondsTZ) out += ':';
          out += pad(absoffset % 60, 2);
        }
        break;
      }
      case Std.TZ: {
        if (f.zone.abbrev !== '') {
          out += f.zone.abbrev;
          break;
        }
        let zone = Math.trunc(offset / 60);
        if (zone < 0) {
          out += '-';
          zone = -zone;
        } else out += '+';
        out += pad(Math.floor(zone / 60), 2) + pad(zone % 60, 2);
        break;
      }
      case Std.FracSecond0:
      case Std.FracSecond9:
        out += appendNano(t.nsec, c.digits, c.sep, c.std === Std.FracSecond9);
        break;
    }
  }
  return out;
}

// ---- parsing ----

/** A time.ParseError, with Go's message. */
export class TimeParseError extends Error {
  override name = 'TimeParseError';
}

/** time's own quote(): ASCII kept, everything else as \x bytes. */
export function timeQuote(s: string): string {
  let out = '"';
  for (const byte of Buffer.from(s, 'utf8')) {
    if (byte >= 0x80 || byte < 0x20) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else {
      if (byte === 0x22 || byte === 0x5c) out += '\\';
      out += String.fromCharCode(byte);
    }
  }
  return `${out}"`;
}

function parseError(layout: string, value: string, layoutElem: string, valueElem: string, message: string): never {
  if (message === '') {
    throw new TimeParseError(
      `parsing time ${timeQuote(value)} as ${timeQuote(layout)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`,
    );
  }
  throw new TimeParseError(`parsing time ${timeQuote(value)}${message}`);
}

const BAD = Symbol('bad');

/** getnum: one or two digits (exactly two when fixed). */
function getnum(s: string, fixed: boolean): [number, string] | typeof BAD {
  if (!isDigitAt(s, 0)) return BAD;
  if (!isDigitAt(s, 1)) {
    if (fixed) return BAD;
    return [s.charCodeAt(0) - 0x30, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 0x30) * 10 + (s.charCodeAt(1) - 0x30), s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] | typeof BAD {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, i); i++) n = n * 10 + (s.charCodeAt(i) - 0x30);
  if (i === 0 || (fixed && i !== 3)) return BAD;
  return [n, s.slice(i)];
}

/** atoi of time's: optional sign, then digits only. */
function atoi(s: string): number | typeof BAD {
  let neg = false;
  if (s.length > 0 && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s.length === 0 || !/^[0-9]+$/.test(s)) return s.length === 0 ? 0 : BAD;
  const v = Number(s);
  return neg ? -v : v;
}

function skip(value: string, prefix: string): string | typeof BAD {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') return BAD;
      prefix = prefix.replace(/^ +/, '');
      value = value.replace(/^ +/, '');
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) return BAD;
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

function lookupName(tab: readonly string[], val: string): [number, string] | typeof BAD {
  for (let i = 0; i < tab.length; i++) {
    const v = tab[i]!;
    if (val.length >= v.length && val.slice(0, v.length).toLowerCase() === v.toLowerCase()) {
      // Go's match() folds ASCII letters only; the names are ASCII, so a
      // non-ASCII value cannot match through toLowerCase either.
      if (/^[\x20-\x7e]*$/.test(val.slice(0, v.length))) return [i, val.slice(v.length)];
    }
  }
  return BAD;
}

function leadingInt(s: string): [number, string] | typeof BAD {
  let i = 0;
  let x = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    x = x * 10 + (c - 0x30);
    if (x > 2 ** 63) return BAD;
  }
  return [x, s.slice(i)];
}

function parseSignedOffset(value: string): number {
  const sign = value[0];
  if (sign !== '-' && sign !== '+') return 0;
  const r = leadingInt(value.slice(1));
  if (r === BAD || r[1] === value.slice(1)) return 0;
  if (r[0] > 23) return 0;
  return value.length - r[1].length;
}

function parseTimeZone(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT')) {
    const rest = value.slice(3);
    return rest.length === 0 ? 3 : 3 + parseSignedOffset(rest);
  }
  if (value[0] === '+' || value[0] === '-') return parseSignedOffset(value);
  let nUpper = 0;
  for (; nUpper < 6; nUpper++) {
    if (nUpper >= value.length) break;
    const c = value.charCodeAt(nUpper);
    if (c < 0x41 || c > 0x5a) break;
  }
  switch (nUpper) {
    case 5:
      return value[4] === 'T' ? 5 : 0;
    case 4:
      return value[3] === 'T' || value.startsWith('WITA') ? 4 : 0;
    case 3:
      return 3;
    default:
      return 0;
  }
}

function parseNanoseconds(value: string, nbytes: number): { ns: number; range: string } | typeof BAD {
  if (value[0] !== '.' && value[0] !== ',') return BAD;
  if (nbytes > 10) nbytes = 10;
  const n = atoi(value.slice(1, nbytes));
  if (n === BAD) return BAD;
  if (n < 0) return { ns: 0, range: 'fractional second' };
  return { ns: n * 10 ** (10 - nbytes), range: '' };
}

/** time.ParseInLocation. Throws TimeParseError with Go's message. */
export function parseTime(layout: string, value: string, loc: GoLocation): GoTime {
  const alayout = layout;
  const avalue = value;
  let rangeErr = '';
  let amSet = false;
  let pmSet = false;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let z: GoLocation | undefined;
  let zoneOffset = -1;
  let zoneName = '';

  for (;;) {
    const c = nextStdChunk(layout);
    const stdstr = layout.slice(c.prefix.length, layout.length - c.suffix.length);
    const skipped = skip(value, c.prefix);
    if (skipped === BAD) parseError(alayout, avalue, c.prefix, value, '');
    value = skipped;
    if (c.std === Std.None) {
      if (value.length !== 0) parseError(alayout, avalue, '', value, `: extra text: ${timeQuote(value)}`);
      break;
    }
    layout = c.suffix;
    const hold = value;
    let bad = false;
    const take = <T>(r: [T, string] | typeof BAD): T | undefined => {
      if (r === BAD) {
        bad = true;
        return undefined;
      }
      value = r[1];
      return r[0];
    };
    switch (c.std) {
      case Std.Year: {
        if (value.length < 2) {
          bad = true;
          break;
        }
        const y = atoi(value.slice(0, 2));
        value = value.slice(2);
        if (y === BAD) {
          bad = true;
          break;
        }
        year = y >= 69 ? y + 1900 : y + 2000;
        break;
      }
      case Std.LongYear: {
        if (value.length < 4 || !isDigitAt(value, 0)) {
          bad = true;
          break;
        }
        const y = atoi(value.slice(0, 4));
        value = value.slice(4);
        if (y === BAD) bad = true;
        else year = y;
        break;
      }
      case Std.Month: {
        const m = take(lookupName(SHORT_MONTHS, value));
        if (m !== undefined) month = m + 1;
        break;
      }
      case Std.LongMonth: {
        const m = take(lookupName(LONG_MONTHS, value));
        if (m !== undefined) month = m + 1;
        break;
      }
      case Std.NumMonth:
      case Std.ZeroMonth: {
        const m = take(getnum(value, c.std === Std.ZeroMonth));
        if (m !== undefined) {
          month = m;
          if (m <= 0 || m > 12) rangeErr = 'month';
        }
        break;
      }
      case Std.WeekDay:
        take(lookupName(SHORT_DAYS, value));
        break;
      case Std.LongWeekDay:
        take(lookupName(LONG_DAYS, value));
        break;
      case Std.Day:
      case Std.UnderDay:
      case Std.ZeroDay: {
        if (c.std === Std.UnderDay && value[0] === ' ') value = value.slice(1);
        const d = take(getnum(value, c.std === Std.ZeroDay));
        if (d !== undefined) day = d;
        break;
      }
      case Std.UnderYearDay:
      case Std.ZeroYearDay: {
        for (let i = 0; i < 2; i++) if (c.std === Std.UnderYearDay && value[0] === ' ') value = value.slice(1);
        const d = take(getnum3(value, c.std === Std.ZeroYearDay));
        if (d !== undefined) yday = d;
        break;
      }
      case Std.Hour: {
        const h = take(getnum(value, false));
        hour = h ?? 0;
        if (hour < 0 || hour >= 24) rangeErr = 'hour';
        break;
      }
      case Std.Hour12:
      case Std.ZeroHour12: {
        const h = take(getnum(value, c.std === Std.ZeroHour12));
        hour = h ?? 0;
        if (hour < 0 || hour > 12) rangeErr = 'hour';
        break;
      }
      case Std.Minute:
      case Std.ZeroMinute: {
        const m = take(getnum(value, c.std === Std.ZeroMinute));
        min = m ?? 0;
        if (min < 0 || min >= 60) rangeErr = 'minute';
        break;
      }
      case Std.Second:
      case Std.ZeroSecond: {
        const s = take(getnum(value, c.std === Std.ZeroSecond));
        if (s === undefined) break;
        sec = s;
        if (sec < 0 || sec >= 60) {
          rangeErr = 'second';
          break;
        }
        // A fractional second in the input that the layout does not mention.
        if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigitAt(value, 1)) {
          const next = nextStdChunk(layout).std;
          if (next === Std.FracSecond0 || next === Std.FracSecond9) break;
          let n = 2;
          while (n < value.length && isDigitAt(value, n)) n++;
          const r = parseNanoseconds(value, n);
          if (r === BAD) bad = true;
          else {
            nsec = r.ns;
            rangeErr = r.range;
          }
          value = value.slice(n);
        }
        break;
      }
      case Std.PM:
      case Std.pm: {
        if (value.length < 2) {
          bad = true;
          break;
        }
        const p = value.slice(0, 2);
        value = value.slice(2);
        const [pmText, amText] = c.std === Std.PM ? ['PM', 'AM'] : ['pm', 'am'];
        if (p === pmText) pmSet = true;
        else if (p === amText) amSet = true;
        else bad = true;
        break;
      }
      case Std.ISO8601TZ:
      case Std.ISO8601ShortTZ:
      case Std.ISO8601ColonTZ:
      case Std.ISO8601SecondsTZ:
      case Std.ISO8601ColonSecondsTZ:
      case Std.NumTZ:
      case Std.NumShortTZ:
      case Std.NumColonTZ:
      case Std.NumSecondsTz:
      case Std.NumColonSecondsTZ: {
        if (isISO(c.std) && value[0] === 'Z') {
          value = value.slice(1);
          z = UTC;
          break;
        }
        let sign: string;
        let hh: string;
        let mm: string;
        let ss: string;
        if (c.std === Std.ISO8601ColonTZ || c.std === Std.NumColonTZ) {
          if (value.length < 6 || value[3] !== ':') {
            bad = true;
            break;
          }
          [sign, hh, mm, ss] = [value[0]!, value.slice(1, 3), value.slice(4, 6), '00'];
          value = value.slice(6);
        } else if (c.std === Std.NumShortTZ || c.std === Std.ISO8601ShortTZ) {
          if (value.length < 3) {
            bad = true;
            break;
          }
          [sign, hh, mm, ss] = [value[0]!, value.slice(1, 3), '00', '00'];
          value = value.slice(3);
        } else if (c.std === Std.ISO8601ColonSecondsTZ || c.std === Std.NumColonSecondsTZ) {
          if (value.length < 9 || value[3] !== ':' || value[6] !== ':') {
            bad = true;
            break;
          }
          [sign, hh, mm, ss] = [value[0]!, value.slice(1, 3), value.slice(4, 6), value.slice(7, 9)];
          value = value.slice(9);
        } else if (c.std === Std.ISO8601SecondsTZ || c.std === Std.NumSecondsTz) {
          if (value.length < 7) {
            bad = true;
            break;
          }
          [sign, hh, mm, ss] = [value[0]!, value.slice(1, 3), value.slice(3, 5), value.slice(5, 7)];
          value = value.slice(7);
        } else {
          if (value.length < 5) {
            bad = true;
            break;
          }
          [sign, hh, mm, ss] = [value[0]!, value.slice(1, 3), value.slice(3, 5), '00'];
          value = value.slice(5);
        }
        const h = getnum(hh, true);
        const m = h === BAD ? BAD : getnum(mm, true);
        const s = m === BAD ? BAD : getnum(ss, true);
        if (h === BAD || m === BAD || s === BAD) {
          bad = true;
          break;
        }
        if (h[0] > 24) rangeErr = 'time zone offset hour';
        if (m[0] > 60) rangeErr = 'time zone offset minute';
        if (s[0] > 60) rangeErr = 'time zone offset second';
        zoneOffset = (h[0] * 60 + m[0]) * 60 + s[0];
        if (sign === '-') zoneOffset = -zoneOffset;
        else if (sign !== '+') bad = true;
        break;
      }
      case Std.TZ: {
        if (value.startsWith('UTC')) {
          z = UTC;
          value = value.slice(3);
          break;
        }
        const n = parseTimeZone(value);
        if (n === 0) {
          bad = true;
          break;
        }
        zoneName = value.slice(0, n);
        value = value.slice(n);
        break;
      }
      case Std.FracSecond0: {
        const ndigit = 1 + c.digits;
        if (value.length < ndigit) {
          bad = true;
          break;
        }
        const r = parseNanoseconds(value, ndigit);
        if (r === BAD) bad = true;
        else {
          nsec = r.ns;
          rangeErr = r.range;
        }
        value = value.slice(ndigit);
        break;
      }
      case Std.FracSecond9: {
        if (value.length < 2 || (value[0] !== '.' && value[0] !== ',') || !isDigitAt(value, 1)) break;
        let i = 0;
        while (i + 1 < value.length && isDigitAt(value, i + 1)) i++;
        const r = parseNanoseconds(value, 1 + i);
        if (r === BAD) bad = true;
        else {
          nsec = r.ns;
          rangeErr = r.range;
        }
        value = value.slice(1 + i);
        break;
      }
    }
    if (rangeErr !== '') parseError(alayout, avalue, stdstr, value, `: ${rangeErr} out of range`);
    if (bad) parseError(alayout, avalue, stdstr, hold, '');
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;

  if (yday >= 0) {
    let d = 0;
    let m = 0;
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) yday--;
    }
    if (yday < 1 || yday > 365) parseError(alayout, avalue, '', value, ': day-of-year out of range');
    if (m === 0) {
      m = Math.floor((yday - 1) / 31) + 1;
      if (DAYS_BEFORE[m]! < yday) m++;
      d = yday - DAYS_BEFORE[m - 1]!;
    }
    if (month >= 0 && month !== m) parseError(alayout, avalue, '', value, ': day-of-year does not match month');
    month = m;
    if (day >= 0 && day !== d) parseError(alayout, avalue, '', value, ': day-of-year does not match day');
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) parseError(alayout, avalue, '', value, ': day out of range');

  if (z) return GoTime.date(year, month, day, hour, min, sec, nsec, z);
  if (zoneOffset !== -1) {
    const utc = GoTime.date(year, month, day, hour, min, sec, nsec, UTC);
    const unix = utc.sec - zoneOffset;
    const local = loc.lookup(unix);
    if (local.offset === zoneOffset && (zoneName === '' || local.abbrev === zoneName)) {
      return new GoTime(unix, nsec, loc);
    }
    return new GoTime(unix, nsec, GoLocation.fixedZone(zoneName, zoneOffset));
  }
  if (zoneName !== '') {
    const utc = GoTime.date(year, month, day, hour, min, sec, nsec, UTC);
    const offset = loc.lookupName(zoneName, utc.sec);
    if (offset !== undefined) return new GoTime(utc.sec - offset, nsec, loc);
    let fake = 0;
    if (zoneName.length > 3 && zoneName.startsWith('GMT')) {
      const n = atoi(zoneName.slice(3));
      fake = n === BAD ? 0 : n * 3600;
    }
    return new GoTime(utc.sec, nsec, GoLocation.fixedZone(zoneName, fake));
  }
  return GoTime.date(year, month, day, hour, min, sec, nsec, loc);
}

// ---- durations ----

const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1000n],
  ['\u00b5s', 1000n],
  ['\u03bcs', 1000n],
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const TWO_63 = 1n << 63n;

/** time.ParseDuration, in nanoseconds. Throws Error with Go's message. */
export function parseDuration(orig: string): bigint {
  const invalid = (): never => {
    throw new Error(`time: invalid duration ${timeQuote(orig)}`);
  };
  let s = orig;
  let d = 0n;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') invalid();
  while (s !== '') {
    if (!(s[0] === '.' || (s[0]! >= '0' && s[0]! <= '9'))) invalid();
    let i = 0;
    let v = 0n;
    while (i < s.length && s[i]! >= '0' && s[i]! <= '9') {
      v = v * 10n + BigInt(s.charCodeAt(i) - 0x30);
      if (v > TWO_63) invalid();
      i++;
    }
    const pre = i > 0;
    s = s.slice(i);
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      while (j < s.length && s[j]! >= '0' && s[j]! <= '9') {
        if (!overflow) {
          const y = f * 10n + BigInt(s.charCodeAt(j) - 0x30);
          if (f > (TWO_63 - 1n) / 10n || y > TWO_63) overflow = true;
          else {
            f = y;
            scale *= 10;
          }
        }
        j++;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) invalid();
    let u = 0;
    while (u < s.length && !(s[u] === '.' || (s[u]! >= '0' && s[u]! <= '9'))) u++;
    if (u === 0) throw new Error(`time: missing unit in duration ${timeQuote(orig)}`);
    const unitName = s.slice(0, u);
    s = s.slice(u);
    const unit = UNITS.get(unitName);
    if (unit === undefined) throw new Error(`time: unknown unit ${timeQuote(unitName)} in duration ${timeQuote(orig)}`);
    if (v > TWO_63 / unit) invalid();
    v *= unit;
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > TWO_63) invalid();
    }
    d += v;
    if (d > TWO_63) invalid();
  }
  if (neg) return -d;
  if (d > TWO_63 - 1n) invalid();
  return d;
}
