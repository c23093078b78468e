// The function map of Loki's line_format and label_format
// (pkg/logql/log/fmt.go): Loki's own functions, the sprig functions it
// imports, and __line__/__timestamp__. Each function declares Go's parameter
// types so that argument conversion and its errors match Loki's.
import { compileGoRegexp, RegexpSyntaxError } from '../../util/regexp.js';
import { base64Decode, base64Encode, CorruptInputError, parseBytes } from './encodings.js';
import { type FunctionMap, fn, type TemplateFunction, TemplateFunctionError } from './functions.js';
import * as gs from './gostrings.js';
import { type GoLocation, GoTime, loadLocation, localLocation, parseDuration, parseTime, UTC } from './gotime.js';
import { decimalAdd, decimalDiv, decimalFold, decimalMul, decimalSub, toFloat64, toInt64 } from './numeric.js';
import { countMatches, replaceAllLiteralString, replaceAllString } from './regexp-replace.js';
import { quote } from './strconv.js';
import { queryEscape, queryUnescape } from './urlcodec.js';
import { GoInt, type GoValue, int64, isTrue, Kind, kindOf } from './values.js';

export interface LokiFunctionOptions {
  /**
   * IANA name of the zone Go's time.Local stands for (used by now, date,
   * toDate, __timestamp__, unixToTime). Defaults to the process's zone, as
   * Loki uses the server's.
   */
  localTimeZone?: string;
  /** The clock behind `now`, in milliseconds since the epoch; for tests. */
  now?: () => number;
}

function fail(msg: string): never {
  throw new TemplateFunctionError(msg);
}

function str(v: GoValue): string {
  return v as string;
}

function int(v: GoValue): number {
  const n = v as bigint;
  // Go ints are 64-bit; beyond ±2^53 the exact value no longer matters for string sizes.
  return Number(n);
}

function compile(pattern: string): ReturnType<typeof compileGoRegexp> {
  try {
    return compileGoRegexp(pattern);
  } catch (err) {
    if (err instanceof RegexpSyntaxError) fail(err.message);
    throw err;
  }
}

/** sprig's `empty`: zero values, empty collections, no value. */
function isEmpty(v: GoValue): boolean {
  if (v === undefined || v === null) return true;
  if (kindOf(v) === Kind.Struct) return false;
  return !isTrue(v);
}

/** encoding/json into interface{}: objects become maps, numbers float64; invalid JSON gives nil. */
function fromJson(s: string): GoValue {
  try {
    // A number out of float64 range fails only that value in Go's decoder.
    return JSON.parse(s, (_k, value: unknown) =>
      typeof value === 'number' && !Number.isFinite(value) ? null : value,
    ) as GoValue;
  } catch {
    return null;
  }
}

/** strconv.ParseInt(s, 10, 64) with its NumError text. */
function parseInt10(s: string): bigint {
  if (!/^[+-]?[0-9]+$/.test(s)) fail(`strconv.ParseInt: parsing ${quote(s)}: invalid syntax`);
  const v = BigInt(s);
  if (v < -(1n << 63n) || v >= 1n << 63n) fail(`strconv.ParseInt: parsing ${quote(s)}: value out of range`);
  return v;
}

/** Loki's unixToTime: the number of digits tells days, seconds, ms, µs or ns. */
function unixToTime(epoch: string, local: GoLocation): GoTime {
  let i: bigint;
  try {
    i = parseInt10(epoch);
  } catch (err) {
    return fail(`unable to parse time '${epoch}': ${(err as Error).message}`);
  }
  switch (Buffer.byteLength(epoch, 'utf8')) {
    case 5:
      return new GoTime(Number(i * 86400n), 0, local);
    case 10:
      return new GoTime(Number(i), 0, local);
    case 13:
      return GoTime.fromUnixNano(i * 1_000_000n, local);
    case 16:
      return GoTime.fromUnixNano(i * 1000n, local);
    case 19:
      return GoTime.fromUnixNano(i, local);
    default:
      // Loki wraps a nil error here, which Go prints as %!w(<nil>).
      return fail(`unable to parse time '${epoch}': %!w(<nil>)`);
  }
}

/** Loki's alignLeft/alignRight, counted in runes. */
function align(count: number, src: string, left: boolean): string {
  const runes = Array.from(src);
  const l = runes.length;
  if (count < 0 || count === l) return src;
  const pad = count - l;
  if (pad > 0) return left ? src + ' '.repeat(pad) : ' '.repeat(pad) + src;
  return left ? runes.slice(0, count).join('') : runes.slice(l - count).join('');
}

/** sprig's trunc: byte-based; a negative count keeps the tail. */
function trunc(c: number, s: string): string {
  const len = gs.byteLen(s);
  if (c < 0 && len + c > 0) return gs.sliceBytes(s, len + c, undefined, true);
  if (c >= 0 && len > c) return gs.sliceBytes(s, 0, c, false);
  return s;
}

/** sprig's substr: byte-based, panicking on out-of-range bounds as Go slicing does. */
function substr(start: number, end: number, s: string): string {
  if (start < 0) return gs.sliceBytes(s, 0, end, false);
  if (end < 0 || end > gs.byteLen(s)) return gs.sliceBytes(s, start, undefined, true);
  return gs.sliceBytes(s, start, end, true);
}

/** Loki's base64Decode: pads missing "=" first and returns the decoder's error text instead of failing. */
function lokiB64dec(v: string): string {
  const rem = Buffer.byteLength(v, 'utf8') % 4;
  if (rem !== 0 && rem !== 1) v += '='.repeat(4 - rem);
  try {
    return base64Decode(v).toString('utf8');
  } catch (err) {
    if (err instanceof CorruptInputError) return err.message;
    throw err;
  }
}

/** sprig's round(a, places, roundOn = .5). */
function round(a: GoValue, p: bigint, rest: readonly GoValue[]): number {
  const roundOn = rest.length > 0 ? (rest[0] as number) : 0.5;
  const val = toFloat64(a);
  const pow = 10 ** Number(p);
  const digit = pow * val;
  const frac = digit - Math.trunc(digit);
  const r = frac >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return r / pow;
}

/** sprig's dateInZone argument handling: times, or integers as Unix seconds; anything else means now. */
function dateOf(v: GoValue, local: GoLocation, now: () => GoTime): GoTime {
  if (v instanceof GoTime) return v;
  if (typeof v === 'bigint') return new GoTime(Number(v), 0, local);
  if (v instanceof GoInt && (v.type === 'int64' || v.type === 'int32')) return new GoTime(Number(v.value), 0, local);
  return now();
}

function int64Fold(values: readonly GoValue[], op: (a: bigint, b: bigint) => bigint, initial: bigint): GoInt {
  let acc = initial;
  for (const v of values) acc = BigInt.asIntN(64, op(acc, toInt64(v)));
  return int64(acc);
}

function intDiv(a: bigint, b: bigint, what: (a: bigint, b: bigint) => bigint): bigint {
  if (b === 0n) fail('runtime error: integer divide by zero');
  return BigInt.asIntN(64, what(a, b));
}

/** Builds Loki's function map; `lokiFunctions` is this with the process's zone. */
export function createLokiFunctions(options: LokiFunctionOptions = {}): FunctionMap {
  const local = localLocation(options.localTimeZone);
  const clock = options.now;
  const now = (): GoTime => {
    if (!clock) return GoTime.now(local);
    const ms = clock();
    return GoTime.fromUnixNano(BigInt(Math.floor(ms)) * 1_000_000n, local);
  };
  const location = (zone: string): GoLocation => loadLocation(zone, local) ?? UTC;
  const parseIn = (layout: string, value: string, loc: GoLocation): GoTime => {
    try {
      return parseTime(layout, value, loc);
    } catch {
      return GoTime.zero();
    }
  };
  const timeIn = (v: GoValue): GoTime => v as GoTime;
  const S = 'string' as const;
  const I = 'int' as const;
  const ANY = 'interface {}' as const;
  const T = 'time.Time' as const;

  const functions: Record<string, TemplateFunction> = {
    __line__: fn([], (_a, ctx) => ctx.line),
    __timestamp__: fn([], (_a, ctx) => GoTime.fromUnixNano(ctx.timestampNs, local)),

    // Go's strings package, under Loki's legacy names.
    ToLower: fn([S], (a) => gs.toLower(str(a[0]))),
    ToUpper: fn([S], (a) => gs.toUpper(str(a[0]))),
    Replace: fn([S, S, S, I], (a) => gs.replace(str(a[0]), str(a[1]), str(a[2]), a[3] as bigint)),
    Trim: fn([S, S], (a) => gs.trim(str(a[0]), str(a[1]))),
    TrimLeft: fn([S, S], (a) => gs.trimLeft(str(a[0]), str(a[1]))),
    TrimRight: fn([S, S], (a) => gs.trimRight(str(a[0]), str(a[1]))),
    TrimPrefix: fn([S, S], (a) => gs.trimPrefix(str(a[0]), str(a[1]))),
    TrimSuffix: fn([S, S], (a) => gs.trimSuffix(str(a[0]), str(a[1]))),
    TrimSpace: fn([S], (a) => gs.trimSpace(str(a[0]))),

    // Loki's own functions.
    regexReplaceAll: fn([S, S, S], (a) => replaceAllString(compile(str(a[0])), str(a[1]), str(a[2]))),
    regexReplaceAllLiteral: fn([S, S, S], (a) => replaceAllLiteralString(compile(str(a[0])), str(a[1]), str(a[2]))),
    count: fn([S, S], (a) => BigInt(countMatches(compile(str(a[0])), str(a[1])))),
    urldecode: fn([S], (a) => {
      try {
        return queryUnescape(str(a[0]));
      } catch (err) {
        return fail((err as Error).message);
      }
    }),
    urlencode: fn([S], (a) => queryEscape(str(a[0]))),
    bytes: fn([S], (a) => {
      try {
        return parseBytes(str(a[0]));
      } catch (err) {
        return fail((err as Error).message);
      }
    }),
    duration: fn([S], (a) => durationSeconds(str(a[0]))),
    duration_seconds: fn([S], (a) => durationSeconds(str(a[0]))),
    unixEpochMillis: fn([T], (a) => String(timeIn(a[0]).unixMilli())),
    unixEpochNanos: fn([T], (a) => String(timeIn(a[0]).unixNano())),
    toDateInZone: fn([S, S, S], (a) => parseIn(str(a[0]), str(a[2]), location(str(a[1])))),
    unixToTime: fn([S], (a) => unixToTime(str(a[0]), local)),
    alignLeft: fn([I, S], (a) => align(int(a[0]), str(a[1]), true)),
    alignRight: fn([I, S], (a) => align(int(a[0]), str(a[1]), false)),
    b64dec: fn([S], (a) => lokiB64dec(str(a[0]))),

    // sprig: strings.
    b64enc: fn([S], (a) => base64Encode(str(a[0]))),
    lower: fn([S], (a) => gs.toLower(str(a[0]))),
    upper: fn([S], (a) => gs.toUpper(str(a[0]))),
    title: fn([S], (a) => gs.title(str(a[0]))),
    trunc: fn([I, S], (a) => trunc(int(a[0]), str(a[1]))),
    substr: fn([I, I, S], (a) => substr(int(a[0]), int(a[1]), str(a[2]))),
    contains: fn([S, S], (a) => str(a[1]).includes(str(a[0]))),
    hasPrefix: fn([S, S], (a) => str(a[1]).startsWith(str(a[0]))),
    hasSuffix: fn([S, S], (a) => str(a[1]).endsWith(str(a[0]))),
    indent: fn([I, S], (a) => indent(a[0] as bigint, str(a[1]))),
    nindent: fn([I, S], (a) => `\n${indent(a[0] as bigint, str(a[1]))}`),
    replace: fn([S, S, S], (a) => gs.replace(str(a[2]), str(a[0]), str(a[1]), -1)),
    repeat: fn([I, S], (a) => gs.repeat(str(a[1]), a[0] as bigint)),
    trim: fn([S], (a) => gs.trimSpace(str(a[0]))),
    trimAll: fn([S, S], (a) => gs.trim(str(a[1]), str(a[0]))),
    trimSuffix: fn([S, S], (a) => gs.trimSuffix(str(a[1]), str(a[0]))),
    trimPrefix: fn([S, S], (a) => gs.trimPrefix(str(a[1]), str(a[0]))),

    // sprig: numbers.
    int: fn([ANY], (a) => toInt64(a[0])),
    float64: fn([ANY], (a) => toFloat64(a[0])),
    add: fn([], (a) => int64Fold(a, (x, y) => x + y, 0n), ANY),
    sub: fn([ANY, ANY], (a) => int64(toInt64(a[0]) - toInt64(a[1]))),
    mul: fn([ANY], (a) => int64Fold(a.slice(1), (x, y) => x * y, toInt64(a[0])), ANY),
    div: fn([ANY, ANY], (a) => int64(intDiv(toInt64(a[0]), toInt64(a[1]), (x, y) => x / y))),
    mod: fn([ANY, ANY], (a) => int64(intDiv(toInt64(a[0]), toInt64(a[1]), (x, y) => x % y))),
    addf: fn([], (a) => decimalFold(0, a, decimalAdd), ANY),
    subf: fn([ANY], (a) => decimalFold(a[0], a.slice(1), decimalSub), ANY),
    mulf: fn([ANY], (a) => decimalFold(a[0], a.slice(1), decimalMul), ANY),
    divf: fn([ANY], (a) => decimalFold(a[0], a.slice(1), decimalDiv), ANY),
    max: fn([ANY], (a) => int64Fold(a.slice(1), (x, y) => (y > x ? y : x), toInt64(a[0])), ANY),
    min: fn([ANY], (a) => int64Fold(a.slice(1), (x, y) => (y < x ? y : x), toInt64(a[0])), ANY),
    maxf: fn([ANY], (a) => a.slice(1).reduce<number>((x, y) => Math.max(x, toFloat64(y)), toFloat64(a[0])), ANY),
    minf: fn([ANY], (a) => a.slice(1).reduce<number>((x, y) => Math.min(x, toFloat64(y)), toFloat64(a[0])), ANY),
    ceil: fn([ANY], (a) => Math.ceil(toFloat64(a[0]))),
    floor: fn([ANY], (a) => Math.floor(toFloat64(a[0]))),
    round: fn([ANY, I], (a) => round(a[0], a[1] as bigint, a.slice(2)), 'float64'),

    // sprig: data, dates, defaults.
    fromJson: fn([S], (a) => fromJson(str(a[0]))),
    date: fn([S, ANY], (a) => dateOf(a[1], local, now).in(local).format(str(a[0]))),
    toDate: fn([S, S], (a) => parseIn(str(a[0]), str(a[1]), local)),
    now: fn([], () => now()),
    unixEpoch: fn([T], (a) => String(timeIn(a[0]).sec)),
    default: fn([ANY], (a) => (a.length < 2 || isEmpty(a[1]) ? a[0] : a[1]), ANY),
  };
  return functions;
}

function indent(spaces: bigint, v: string): string {
  const pad = gs.repeat(' ', spaces);
  return pad + gs.replace(v, '\n', `\n${pad}`, -1);
}

/** Loki's convertDuration: time.ParseDuration in seconds. */
function durationSeconds(s: string): number {
  let d: bigint;
  try {
    d = parseDuration(s);
  } catch (err) {
    return fail((err as Error).message);
  }
  const sec = d / 1_000_000_000n;
  const nsec = d % 1_000_000_000n;
  return Number(sec) + Number(nsec) / 1e9;
}

/** Loki's template functions, with time.Local as the process's time zone. */
export const lokiFunctions: FunctionMap = createLokiFunctions();
