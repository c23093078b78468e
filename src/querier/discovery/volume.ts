// index/volume and index/volume_range: bytes of log data per group of streams,
// which Logs Drilldown uses to list services by volume and Grafana to size
// queries. Groups follow Loki's rules: by the labels the selector names (or
// the requested target labels), or by label name when aggregating by labels.
// Volumes come from chunk metadata and are taken per step bucket, each bucket
// keeping its own top `limit` groups, as Loki's frontend splits the request.
import type { Labels } from '../../util/labels.js';
import { labelsToString, sortLabels } from '../../util/labels.js';
import { type CompiledMatcher, compileMatcher, type LabelMatcher } from '../../util/matchers.js';
import { gatherStreams, type SourceDeps } from '../sources.js';
import { type StreamSummary, streamStatsInRange, summarizeStreams } from './chunk-stats.js';

export type VolumeAggregation = 'series' | 'labels';

export interface VolumeRequest {
  tenant: string;
  /** The selector's matchers; null for the match-everything selector `{}`. */
  matchers: readonly LabelMatcher[] | null;
  /** Request range in ms (Loki rounds the start down and the end up to a millisecond). */
  fromMs: number;
  throughMs: number;
  /** 0 for index/volume (one bucket over the whole range). */
  stepMs: number;
  limit: number;
  targetLabels: readonly string[];
  aggregateBy: VolumeAggregation;
  /** limits_config.volume_max_series: most groups a bucket may have. */
  maxSeries: number;
}

/** How streams are grouped: the label names kept, or every label when `includeAll`. */
export interface VolumeGrouping {
  readonly labels: ReadonlySet<string>;
  readonly includeAll: boolean;
  /** The matchers to select streams with (target labels add `<label>=~".+"`). */
  readonly matchers: readonly LabelMatcher[];
  readonly hasTargets: boolean;
}

export class VolumeMaxSeriesError extends Error {
  override name = 'VolumeMaxSeriesError';
  constructor(readonly limit: number) {
    super(`the query hit the max number of series limit (limit: ${limit} series)`);
  }
}

/** Loki's `PrepareLabelsAndMatchers`. */
export function volumeGrouping(
  matchers: readonly LabelMatcher[] | null,
  targetLabels: readonly string[],
): VolumeGrouping {
  const given = matchers ?? [];
  if (targetLabels.length > 0) {
    const named = new Set(given.map((m) => m.name));
    const added = targetLabels
      .filter((t) => !named.has(t))
      .map((t): LabelMatcher => ({ name: t, op: '=~', value: '.+' }));
    return { labels: new Set(targetLabels), includeAll: false, matchers: [...given, ...added], hasTargets: true };
  }
  return {
    labels: new Set(given.map((m) => m.name)),
    // `{}` selects every stream and groups by all of its labels.
    includeAll: given.length === 0,
    matchers: given,
    hasTargets: false,
  };
}

/** The group names (and their metric labels) a stream's volume is added to. */
export function streamGroups(
  labels: Labels,
  grouping: VolumeGrouping,
  aggregateBy: VolumeAggregation,
): Array<{ name: string; metric: Labels }> {
  if (aggregateBy === 'series') {
    const kept = sortLabels(labels.filter((l) => grouping.includeAll || grouping.labels.has(l.name)));
    return [{ name: labelsToString(kept), metric: kept }];
  }
  // By labels: every label of the stream, or only the target labels when given.
  return labels
    .filter((l) => !grouping.hasTargets || grouping.labels.has(l.name))
    .map((l) => ({ name: l.name, metric: [{ name: l.name, value: '' }] }));
}

export interface VolumeBucket {
  /** The sample's time: the bucket's end. */
  timestampMs: number;
  /** What the bucket reads (Loki queries each bucket at whole seconds). */
  fromMs: number;
  throughMs: number;
}

const floorSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

/**
 * Loki's step buckets (`util.ForInterval` with inclusive ends): aligned to
 * multiples of the step, the first starting at the request's start, each
 * ending 1ms before the next and the last at the request's end.
 */
export function volumeBuckets(fromMs: number, throughMs: number, stepMs: number): VolumeBucket[] {
  const bucket = (start: number, end: number): VolumeBucket => ({
    timestampMs: end,
    fromMs: floorSecond(start),
    throughMs: floorSecond(end),
  });
  if (stepMs <= 0) return [bucket(fromMs, throughMs)];
  const out: VolumeBucket[] = [];
  let first = true;
  for (let start = fromMs - (fromMs % stepMs); start < throughMs; start += stepMs) {
    let end = start + stepMs;
    end = end >= throughMs ? throughMs : end - 1;
    out.push(bucket(first ? fromMs : start, end));
    first = false;
  }
  return out;
}

export interface GroupVolume {
  name: string;
  metric: Labels;
  bytes: number;
}

/** One bucket's groups, largest first (ties by name), at most `limit`. */
export function bucketVolumes(
  streams: readonly StreamSummary[],
  bucket: VolumeBucket,
  grouping: VolumeGrouping,
  req: Pick<VolumeRequest, 'aggregateBy' | 'limit' | 'maxSeries'>,
): GroupVolume[] {
  const groups = new Map<string, GroupVolume>();
  for (const s of streams) {
    const stats = streamStatsInRange(s, bucket.fromMs, bucket.throughMs);
    if (stats.entries === 0) continue;
    for (const { name, metric } of streamGroups(s.stream.labels, grouping, req.aggregateBy)) {
      const g = groups.get(name);
      if (g) g.bytes += stats.bytes;
      else groups.set(name, { name, metric, bytes: stats.bytes });
      if (groups.size > req.maxSeries) throw new VolumeMaxSeriesError(req.maxSeries);
    }
  }
  return [...groups.values()].sort(byVolume).slice(0, req.limit);
}

function byVolume(a: GroupVolume, b: GroupVolume): number {
  if (a.bytes !== b.bytes) return b.bytes - a.bytes;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export interface VolumeSeries {
  name: string;
  metric: Labels;
  /** [time in ms, bytes], oldest first. */
  samples: Array<[number, number]>;
}

export interface VolumeResult {
  /** `vector` unless some group has more than one sample. */
  resultType: 'vector' | 'matrix';
  series: VolumeSeries[];
  buckets: number;
}

/** The volumes of a request, per bucket, as Loki's frontend assembles them. */
export async function queryVolume(
  sources: SourceDeps,
  req: VolumeRequest,
  signal?: AbortSignal,
): Promise<VolumeResult> {
  const grouping = volumeGrouping(req.matchers, req.targetLabels);
  const compiled: CompiledMatcher[] = grouping.matchers.map(compileMatcher);
  // Buckets read from whole seconds, so the first may start before the request does.
  const streams = await gatherStreams(
    sources,
    req.tenant,
    compiled,
    BigInt(floorSecond(req.fromMs)) * 1_000_000n,
    BigInt(req.throughMs) * 1_000_000n,
  );
  const summaries = await summarizeStreams(streams, signal);
  const bySeries = new Map<string, VolumeSeries>();
  const buckets = volumeBuckets(req.fromMs, req.throughMs, req.stepMs);
  for (const bucket of buckets) {
    for (const v of bucketVolumes(summaries, bucket, grouping, req)) {
      let s = bySeries.get(v.name);
      if (!s) {
        s = { name: v.name, metric: v.metric, samples: [] };
        bySeries.set(v.name, s);
      }
      s.samples.push([bucket.timestampMs, v.bytes]);
    }
  }
  const series = [...bySeries.values()];
  for (const s of series) s.samples.sort((a, b) => a[0] - b[0]);
  // Loki sorts by the first sample only (what matters for an instant answer), then by name.
  series.sort((a, b) => {
    const d = b.samples[0]![1] - a.samples[0]![1];
    if (d !== 0) return d;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  const resultType = series.some((s) => s.samples.length > 1) ? 'matrix' : 'vector';
  return { resultType, series, buckets: buckets.length };
}
