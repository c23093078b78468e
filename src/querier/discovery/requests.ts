// Parameters of the discovery endpoints, parsed and validated in Loki's order
// with Loki's messages (pkg/loghttp: ParseIndexStatsQuery,
// ParseVolumeInstantQuery/ParseVolumeRangeQuery, ParseDetectedFieldsQuery,
// ParseDetectedLabelsQuery), plus the per-tenant time range limits the
// querier applies before reading.
import type { LimitsConfig } from '../../config/index.js';
import { formatPromDuration } from '../../config/index.js';
import {
  type LogSelectorExpr,
  type Matcher,
  ParseError,
  parseExpr,
  parseLogSelector,
  parseMatchers,
  QueryKindError,
} from '../../logql/syntax/index.js';
import { formatGoDuration } from '../../logql/syntax/units.js';
import { Messages } from '../../messages.js';
import { badRequest, HttpError } from '../../server/http-error.js';
import {
  bounds,
  defaultStepNs,
  goParseInt,
  limitParam,
  type Params,
  parseInstantQuery,
  parseRangeQuery,
  parseSecondsOrDuration,
} from '../../server/params.js';
import { nowNs } from '../../util/time.js';
import type { VolumeAggregation } from './volume.js';

export const DiscoveryMessages = {
  invalidAggregation: 'invalid aggregation option',
  /** index/volume when `volume_enabled` is off for the tenant. */
  volumeDisabled: 'not found',
  queryTooOld: (lookback: string) =>
    `this data is no longer available, it is past now - max_query_lookback (${lookback})`,
} as const;

const NS_PER_MS = 1_000_000n;
const DEFAULT_VOLUME_LIMIT = 100;
const DEFAULT_LINE_LIMIT = 100;
const DEFAULT_FIELD_LIMIT = 1000;
const MAX_POINTS = 11000n;
/** The selector index/volume accepts as "every stream". */
export const MATCH_ANY = '{}';

export interface TimeRange {
  startNs: bigint;
  endNs: bigint;
}

/** Loki's `util.RoundToMilliseconds`: the start rounded down, the end up, to a millisecond. */
export function toMsRange(r: TimeRange): { fromMs: number; throughMs: number } {
  const fromMs = r.startNs / NS_PER_MS;
  const throughMs = (r.endNs + NS_PER_MS - 1n) / NS_PER_MS;
  return { fromMs: Number(fromMs), throughMs: Number(throughMs) };
}

function asBadRequest<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof ParseError || err instanceof QueryKindError) throw new HttpError(400, err.message);
    throw err;
  }
}

/** A bare selector (`syntax.ParseMatchers` with validation), 400 when it is not one. */
export function parseSelector(query: string): Matcher[] {
  return asBadRequest(() => parseMatchers(query));
}

/** A log query for field detection: any LogQL must parse, and it must be a log selector with its pipeline. */
export function parseLogQuery(query: string): LogSelectorExpr {
  return asBadRequest(() => {
    parseExpr(query);
    return parseLogSelector(query);
  });
}

// ---------------------------------------------------------------------------
// index/stats

export interface IndexStatsParams extends TimeRange {
  query: string;
}

/** index/stats takes every query_range parameter and validates them all. */
export function parseIndexStatsParams(p: Params, now = nowNs()): IndexStatsParams {
  const q = parseRangeQuery(p, now);
  return { query: q.query, startNs: q.startNs, endNs: q.endNs };
}

// ---------------------------------------------------------------------------
// index/volume, index/volume_range

export interface VolumeParams extends TimeRange {
  query: string;
  /** 0 for index/volume. */
  stepNs: bigint;
  limit: number;
  targetLabels: string[];
  aggregateBy: VolumeAggregation;
}

/** Loki's `volumeLimit`: limit 0 means the default; a negative one is refused before anything else. */
function withVolumeLimit(p: Params): Params {
  const v = p.get('limit');
  if (!v) return p;
  const n = goParseInt('Atoi', v);
  if (typeof n === 'string') throw badRequest(n);
  if (n < 0n) throw badRequest(Messages.limitNotPositive);
  if (n > 0n) return p;
  const copy = new URLSearchParams(p);
  copy.set('limit', String(DEFAULT_VOLUME_LIMIT));
  return copy;
}

function aggregateByParam(p: Params): VolumeAggregation {
  const v = p.get('aggregateBy');
  if (!v) return 'series';
  if (v === 'series' || v === 'labels') return v;
  throw badRequest(DiscoveryMessages.invalidAggregation);
}

/** `targetLabels=a,b`; blank names are ignored. */
function targetLabelsParam(p: Params): string[] {
  return (p.get('targetLabels') ?? '').split(',').filter((l) => l !== '');
}

export function parseVolumeInstantParams(p: Params, now = nowNs()): VolumeParams {
  const form = withVolumeLimit(p);
  const q = parseInstantQuery(form, now);
  const aggregateBy = aggregateByParam(form);
  const { startNs, endNs } = bounds(form, now);
  if (endNs < startNs) throw badRequest(Messages.endBeforeStart);
  return {
    query: q.query,
    startNs,
    endNs,
    stepNs: 0n,
    limit: q.limit,
    targetLabels: targetLabelsParam(form),
    aggregateBy,
  };
}

export function parseVolumeRangeParams(p: Params, now = nowNs()): VolumeParams {
  const form = withVolumeLimit(p);
  const q = parseRangeQuery(form, now);
  const aggregateBy = aggregateByParam(form);
  return {
    query: q.query,
    startNs: q.startNs,
    endNs: q.endNs,
    stepNs: q.stepNs,
    limit: q.limit,
    targetLabels: targetLabelsParam(form),
    aggregateBy,
  };
}

// ---------------------------------------------------------------------------
// detected_fields, detected_field/{name}/values

export interface DetectedFieldsParams extends TimeRange {
  query: string;
  lineLimit: number;
  limit: number;
  stepNs: bigint;
}

export function parseDetectedFieldsParams(p: Params, now = nowNs()): DetectedFieldsParams {
  const query = p.get('query') ?? '';
  const { startNs, endNs } = bounds(p, now);
  if (endNs < startNs) throw badRequest(Messages.endBeforeStart);
  const lineLimit = limitParam(p, 'line_limit', DEFAULT_LINE_LIMIT);
  // `field_limit` is the older name of `limit`, read only when `limit` is absent.
  let limitForm = p;
  if (!p.get('limit') && p.get('field_limit')) {
    limitForm = new URLSearchParams(p);
    limitForm.set('limit', p.get('field_limit')!);
  }
  const limit = limitParam(limitForm, 'limit', DEFAULT_FIELD_LIMIT);
  const stepText = p.get('step');
  const stepNs = stepText ? parseSecondsOrDuration(stepText) : defaultStepNs(startNs, endNs);
  // Loki keeps the step in whole milliseconds, so anything under 1ms counts as zero.
  if (stepNs / NS_PER_MS <= 0n) throw badRequest(Messages.zeroStep);
  if ((endNs - startNs) / stepNs > MAX_POINTS) throw badRequest(Messages.tooManyPoints);
  return { query, startNs, endNs, lineLimit, limit, stepNs };
}

// ---------------------------------------------------------------------------
// detected_labels

export interface DetectedLabelsParams extends TimeRange {
  query: string;
}

export function parseDetectedLabelsParams(p: Params, now = nowNs()): DetectedLabelsParams {
  const { startNs, endNs } = bounds(p, now);
  if (endNs < startNs) throw badRequest(Messages.endBeforeStart);
  return { query: p.get('query') ?? '', startNs, endNs };
}

// ---------------------------------------------------------------------------
// Tenant limits on the range

/**
 * Loki's `ValidateQueryTimeRangeLimits`: the start moves up to
 * `now - max_query_lookback`, and a range longer than `max_query_length` is
 * refused.
 */
export function limitTimeRange(
  r: TimeRange,
  limits: Pick<LimitsConfig, 'max_query_lookback' | 'max_query_length'>,
  now = nowNs(),
): TimeRange {
  let { startNs } = r;
  const lookbackNs = BigInt(Math.trunc(limits.max_query_lookback)) * NS_PER_MS;
  if (lookbackNs > 0n && startNs < now - lookbackNs) startNs = now - lookbackNs;
  const maxLengthNs = BigInt(Math.trunc(limits.max_query_length)) * NS_PER_MS;
  if (maxLengthNs > 0n && r.endNs - startNs > maxLengthNs) {
    throw badRequest(
      Messages.queryLength(formatGoDuration(r.endNs - startNs), formatPromDuration(limits.max_query_length)),
    );
  }
  if (r.endNs < startNs) throw badRequest(DiscoveryMessages.queryTooOld(formatPromDuration(limits.max_query_lookback)));
  return { startNs, endNs: r.endNs };
}

/** detected_fields reads `line_limit` lines: the same cap as a log query's `limit`. */
export function checkLineLimit(lineLimit: number, limits: Pick<LimitsConfig, 'max_entries_limit_per_query'>): void {
  const max = limits.max_entries_limit_per_query;
  if (max > 0 && lineLimit > max) throw badRequest(Messages.maxEntriesLimit(lineLimit, max));
}
