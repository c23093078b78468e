// Query parameters of Loki's HTTP API, parsed with Loki's rules and error
// messages (pkg/loghttp/params.go, query.go): timestamps in ns, s or RFC3339,
// durations in float seconds or Prometheus form, limits, directions, steps.
import { tryParsePromDuration } from '../logql/syntax/units.js';
import { Messages } from '../messages.js';
import { NS_PER_SEC, nowNs, parseRFC3339Nano } from '../util/time.js';
import { badRequest, HttpError } from './http-error.js';

export type Params = URLSearchParams;

const DEFAULT_LIMIT = 100;
const DEFAULT_SINCE_NS = 3600n * NS_PER_SEC;
const INT64_MAX = 9_223_372_036_854_775_807n;
const INT64_MIN = -9_223_372_036_854_775_808n;

/** Go's strconv.Atoi/ParseInt on a decimal string; returns the error text on failure. */
export function goParseInt(fn: 'Atoi' | 'ParseInt', s: string): bigint | string {
  if (!/^[+-]?\d+$/.test(s)) return `strconv.${fn}: parsing ${JSON.stringify(s)}: invalid syntax`;
  const v = BigInt(s);
  if (v > INT64_MAX || v < INT64_MIN) return `strconv.${fn}: parsing ${JSON.stringify(s)}: value out of range`;
  return v;
}

const goFloat = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A timestamp parameter: a float with a dot is unix seconds (rounded to ms),
 * an integer of up to 10 digits is unix seconds, a longer one unix ns, else
 * RFC3339Nano. Returns ns, or the Go error text.
 */
export function parseTimestamp(value: string): bigint | string {
  if (value.includes('.') && goFloat.test(value)) {
    const f = Number(value);
    const s = Math.trunc(f);
    const frac = Math.round((f - s) * 1000) / 1000;
    return BigInt(s) * NS_PER_SEC + BigInt(Math.round(frac * 1e9));
  }
  const n = goParseInt('ParseInt', value);
  if (typeof n === 'string') {
    const t = parseRFC3339Nano(value);
    return t ?? n;
  }
  return value.replace(/^[+-]/, '').length <= 10 ? n * NS_PER_SEC : n;
}

function timestampParam(p: Params, name: string, def: bigint): bigint {
  const v = p.get(name);
  if (!v) return def;
  const t = parseTimestamp(v);
  if (typeof t === 'string') throw badRequest(Messages.badTimestamp(name, t));
  return t;
}

/** Float seconds or a Prometheus duration (step, interval); returns ns. */
export function parseSecondsOrDuration(value: string): bigint {
  if (goFloat.test(value)) {
    const ns = Number(value) * 1e9;
    if (!Number.isFinite(ns) || Math.abs(ns) > 9.2e18)
      throw badRequest(`cannot parse ${JSON.stringify(value)} to a valid duration. It overflows int64`);
    return BigInt(Math.trunc(ns));
  }
  const d = tryParsePromDuration(value);
  if (typeof d === 'bigint') return d;
  throw badRequest(Messages.badDuration(value));
}

export interface Bounds {
  startNs: bigint;
  endNs: bigint;
}

/** `start`, `end`, `since`: end defaults to now, start to min(end, now) - since (default 1h). */
export function bounds(p: Params, now = nowNs()): Bounds {
  let since = DEFAULT_SINCE_NS;
  const sinceText = p.get('since');
  if (sinceText) {
    const d = tryParsePromDuration(sinceText);
    if (typeof d !== 'bigint') throw badRequest(`could not parse 'since' parameter: ${d}`);
    since = d;
  }
  const endNs = timestampParam(p, 'end', now);
  const endOrNow = endNs > now ? now : endNs;
  const startNs = timestampParam(p, 'start', endOrNow - since);
  return { startNs, endNs };
}

export function limitParam(p: Params, name = 'limit', def = DEFAULT_LIMIT): number {
  const v = p.get(name);
  if (!v) return def;
  const n = goParseInt('Atoi', v);
  if (typeof n === 'string') throw badRequest(n);
  if (n <= 0n) throw badRequest(Messages.limitNotPositive);
  if (n > 4_294_967_295n) throw badRequest(`${name} value ${n} is out of range [0, 4294967295]`);
  return Number(n);
}

export type Direction = 'forward' | 'backward';

export function directionParam(p: Params): Direction {
  const v = p.get('direction');
  if (!v) return 'backward';
  const d = v.toUpperCase();
  if (d === 'FORWARD') return 'forward';
  if (d === 'BACKWARD') return 'backward';
  throw badRequest(Messages.invalidDirection(v));
}

export interface RangeQueryParams extends Bounds {
  query: string;
  limit: number;
  direction: Direction;
  stepNs: bigint;
  intervalNs: bigint;
}

export function parseRangeQuery(p: Params, now = nowNs()): RangeQueryParams {
  const query = p.get('query') ?? '';
  const { startNs, endNs } = bounds(p, now);
  if (endNs < startNs) throw badRequest(Messages.endBeforeStart);
  const limit = limitParam(p);
  const direction = directionParam(p);
  const stepText = p.get('step');
  const stepNs = stepText ? parseSecondsOrDuration(stepText) : defaultStepNs(startNs, endNs);
  if (stepNs <= 0n) throw badRequest(Messages.zeroStep);
  if ((endNs - startNs) / stepNs > 11000n) throw badRequest(Messages.tooManyPoints);
  const intervalText = p.get('interval');
  const intervalNs = intervalText ? parseSecondsOrDuration(intervalText) : 0n;
  if (intervalNs < 0n) throw badRequest(Messages.negativeInterval);
  return { query, startNs, endNs, limit, direction, stepNs, intervalNs };
}

/** Loki's default step: the range divided into 250 points, at least 1s, whole seconds. */
export function defaultStepNs(startNs: bigint, endNs: bigint): bigint {
  const secs = Math.floor(Number(endNs - startNs) / 1e9 / 250);
  return BigInt(Math.max(secs, 1)) * NS_PER_SEC;
}

export interface InstantQueryParams {
  query: string;
  timeNs: bigint;
  limit: number;
  direction: Direction;
}

export function parseInstantQuery(p: Params, now = nowNs()): InstantQueryParams {
  const query = p.get('query') ?? '';
  let timeNs = now;
  const t = p.get('time');
  if (t) {
    const v = parseTimestamp(t);
    if (typeof v === 'string') throw badRequest(v);
    timeNs = v;
  }
  return { query, timeNs, limit: limitParam(p), direction: directionParam(p) };
}

export { HttpError };
