// LogQL `ip("...")`: matching text against a single address, a CIDR prefix
// or an address range, IPv4 or IPv6, as Loki's pkg/logql/log/ip.go does.
//
// Loki does not parse a line (or label value) as one address: it scans it
// for stretches that look like addresses and matches when one of them parses
// and lies inside the pattern. A stretch starts where an IPv4 hint (a digit
// with a '.' within the next three bytes) or an IPv6 hint (up to four hex
// digits then ':', or '::' then a hex digit) begins, and spans the bytes of
// the matching charset ("0-9." or "0-9a-fA-F:."). After a stretch that does
// not match, the scan resumes two bytes past its end. This is reproduced
// exactly, quirks included: "911.2.3.4" holds no address, and "10.0.0.1:80"
// holds 10.0.0.1.
import { goQuote } from './go-quote.js';
import { compareWords, IPV4, IPV6, IPV6_ZONED, NOT_AN_ADDRESS, parseAddr, samePrefix } from './ip-addr.js';

/** An `ip()` pattern Loki would reject; the message reads `ip: invalid pattern: "..."`. */
export class IpPatternError extends Error {
  override name = 'IpPatternError';
}

export interface IpMatcher {
  /**
   * Label filter semantics (`| addr = ip("...")`): Loki scans the label value
   * exactly like a line, so this is the same test as matchesLineString;
   * "10.0.0.1:8080" matches 10.0.0.0/8.
   */
  matchesAddr(addr: string): boolean;
  /** Whether the line buf[start..end) holds an address inside the pattern. */
  matchesLineBytes(buf: Buffer, start: number, end: number): boolean;
  matchesLineString(line: string): boolean;
}

export function compileIpMatcher(pattern: string): IpMatcher {
  return compileIpPattern(pattern);
}

const DIGIT = 1;
const HEX = 2;
const COLON = 4;
const DOT = 8;
const CHARS = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) CHARS[c] = DIGIT | HEX;
for (let c = 0x61; c <= 0x66; c++) CHARS[c] = HEX;
for (let c = 0x41; c <= 0x46; c++) CHARS[c] = HEX;
CHARS[0x3a] = COLON;
CHARS[0x2e] = DOT;
const V4_CHARSET = DIGIT | DOT;
const V6_CHARSET = HEX | COLON | DOT;
const SEPARATOR = COLON | DOT;

type Family = typeof IPV4 | typeof IPV6;

/** A parsed pattern. Internal to the filter package; others use the IpMatcher view. */
export class IpPattern implements IpMatcher {
  /** Text every matching line contains (the fixed leading IPv4 octets), or null. */
  readonly requiredText: string | null;
  private readonly candidate = new Uint16Array(8);

  private constructor(
    private readonly kind: 'addr' | 'prefix' | 'range',
    private readonly family: Family,
    /** The address, prefix address or range start. */
    private readonly low: Uint16Array,
    /** The range end. */
    private readonly high: Uint16Array,
    private readonly bits: number,
    /** A zoned single address: equal to nothing found in text, which never carries a zone. */
    private readonly zoned: boolean,
  ) {
    this.requiredText = family === IPV4 ? fixedOctets(kind, low, high, bits) : null;
  }

  static parse(pattern: string): IpPattern {
    const bytes = Buffer.from(pattern);
    const low = new Uint16Array(8);
    const high = new Uint16Array(8);
    // A single address?
    const single = parseAddr(bytes, 0, bytes.length, low);
    if (single !== NOT_AN_ADDRESS) {
      return new IpPattern('addr', single === IPV4 ? IPV4 : IPV6, low, low, 0, single === IPV6_ZONED);
    }
    // A CIDR prefix (zones not allowed)?
    const slash = bytes.lastIndexOf(0x2f);
    if (slash >= 0) {
      const family = parseAddr(bytes, 0, slash, low);
      const bits = parsePrefixBits(pattern.slice(pattern.lastIndexOf('/') + 1));
      if ((family === IPV4 && bits >= 0 && bits <= 32) || (family === IPV6 && bits >= 0 && bits <= 128)) {
        return new IpPattern('prefix', family, low, low, bits, false);
      }
    }
    // A range `from-to` of one family, from <= to (zones ignored)?
    const dash = bytes.indexOf(0x2d);
    if (dash >= 0) {
      const from = familyOf(parseAddr(bytes, 0, dash, low));
      const to = familyOf(parseAddr(bytes, dash + 1, bytes.length, high));
      if (from !== null && from === to && compareWords(low, high, 0) <= 0) {
        return new IpPattern('range', from, low, high, 0, false);
      }
    }
    throw new IpPatternError(`ip: invalid pattern: ${goQuote(pattern)}`);
  }

  matchesAddr(addr: string): boolean {
    return this.matchesLineString(addr);
  }

  matchesLineString(line: string): boolean {
    const bytes = Buffer.from(line);
    return this.matchesLineBytes(bytes, 0, bytes.length);
  }

  matchesLineBytes(buf: Buffer, start: number, end: number): boolean {
    // Every hint at position i needs a '.' or ':' within i..i+4, so positions
    // more than four bytes before the next one are skipped in bulk; the rest
    // are visited in order, exactly as Loki's scan visits them.
    let sep = -1;
    let i = start;
    while (i < end) {
      if (sep < i) {
        sep = i;
        while (sep < end && (CHARS[buf[sep]!]! & SEPARATOR) === 0) sep++;
        if (sep === end) return false;
      }
      if (i < sep - 4) i = sep - 4;
      const c = CHARS[buf[i]!]!;
      // IPv4 hint: a digit, then a dot within the next three bytes.
      if (c & DIGIT && i + 3 < end && (buf[i + 1] === 0x2e || buf[i + 2] === 0x2e || buf[i + 3] === 0x2e)) {
        const stop = spanEnd(buf, i, end, V4_CHARSET);
        if (this.containsText(buf, i, stop)) return true;
        i = stop + 1;
        continue;
      }
      if (c !== 0 && ipv6Hint(buf, i, end)) {
        const stop = spanEnd(buf, i, end, V6_CHARSET);
        if (this.containsText(buf, i, stop)) return true;
        i = stop + 1;
        continue;
      }
      i++;
    }
    return false;
  }

  /** Whether buf[start..end) is an address inside the pattern. */
  private containsText(buf: Buffer, start: number, end: number): boolean {
    const addr = this.candidate;
    const parsed = parseAddr(buf, start, end, addr);
    if (parsed !== this.family) return false;
    const first = this.family === IPV4 ? 6 : 0;
    switch (this.kind) {
      case 'addr':
        return !this.zoned && compareWords(addr, this.low, first) === 0;
      case 'prefix':
        return samePrefix(addr, this.low, first, this.bits);
      case 'range':
        return compareWords(this.low, addr, first) <= 0 && compareWords(addr, this.high, first) <= 0;
    }
  }
}

/** The parsed pattern with the extras the line filter uses. Throws IpPatternError. */
export function compileIpPattern(pattern: string): IpPattern {
  return IpPattern.parse(pattern);
}

function familyOf(parsed: number): Family | null {
  if (parsed === IPV4) return IPV4;
  if (parsed === IPV6 || parsed === IPV6_ZONED) return IPV6;
  return null;
}

/** Go's prefix length rules: decimal, no sign, no leading zero. -1 when invalid. */
function parsePrefixBits(text: string): number {
  if (!/^(0|[1-9][0-9]{0,3})$/.test(text)) return -1;
  return Number(text);
}

/** End of the run of bytes from `charset` starting at i. */
function spanEnd(buf: Buffer, i: number, end: number, charset: number): number {
  while (i < end && (CHARS[buf[i]!]! & charset) !== 0) i++;
  return i;
}

function isHexAt(buf: Buffer, i: number, end: number): boolean {
  return i < end && (CHARS[buf[i]!]! & HEX) !== 0;
}

function isColonAt(buf: Buffer, i: number, end: number): boolean {
  return i < end && buf[i] === 0x3a;
}

/** "::" then a hex digit, or one to four hex digits then ':'. */
function ipv6Hint(buf: Buffer, i: number, end: number): boolean {
  if (isColonAt(buf, i, end)) return isColonAt(buf, i + 1, end) && isHexAt(buf, i + 2, end);
  for (let k = 1; k <= 4; k++) {
    if (!isHexAt(buf, i + k - 1, end)) return false;
    if (isColonAt(buf, i + k, end)) return true;
  }
  return false;
}

/** For IPv4 patterns: the dotted text of the octets every address inside shares. */
function fixedOctets(
  kind: 'addr' | 'prefix' | 'range',
  low: Uint16Array,
  high: Uint16Array,
  bits: number,
): string | null {
  const octets = [low[6]! >> 8, low[6]! & 0xff, low[7]! >> 8, low[7]! & 0xff];
  let fixed: number;
  if (kind === 'addr') fixed = 4;
  else if (kind === 'prefix') fixed = Math.floor(bits / 8);
  else {
    const top = [high[6]! >> 8, high[6]! & 0xff, high[7]! >> 8, high[7]! & 0xff];
    fixed = 0;
    while (fixed < 4 && octets[fixed] === top[fixed]) fixed++;
  }
  if (fixed === 0) return null;
  const text = octets.slice(0, fixed).join('.');
  return fixed === 4 ? text : `${text}.`;
}
