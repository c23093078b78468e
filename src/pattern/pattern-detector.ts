// Pattern detection for all tenants, fed from the push path and read by
// `GET /loki/api/v1/patterns`: what Loki's pattern ingester does in memory.
import { getLabel, type Label, type Labels } from '../util/labels.js';
import { NS_PER_SEC } from '../util/time.js';
import { lineToByteString } from './byte-string.js';
import { DEFAULT_PATTERN_DETECTOR_CONFIG, type PatternDetectorConfig } from './config.js';
import { patternLevel } from './levels.js';
import { detectLogFormat } from './log-format.js';
import { PatternStream } from './pattern-stream.js';
import { type PatternSeries, queryPatterns } from './query.js';

/** Streams Loki itself writes (aggregated metrics, persisted patterns) are never mined. */
const INTERNAL_STREAM_LABELS = new Set(['__aggregated_metric__', '__pattern__']);

/** The structured metadata entry Loki groups patterns by. */
export const LEVEL_METADATA = 'detected_level';

/** A pushed entry as the push path holds it (the distributor's PushEntry fits). */
export interface PatternEntry {
  /** Whole seconds since the epoch. */
  readonly sec: number;
  /** Nanoseconds within the second. */
  readonly nanos: number;
  /** The line's UTF-8 bytes, or its text. */
  readonly line: Buffer | string;
  readonly structuredMetadata: readonly Label[];
}

function isInternalStream(labels: Labels): boolean {
  for (const l of labels) if (INTERNAL_STREAM_LABELS.has(l.name)) return true;
  return false;
}

export class PatternDetector {
  private readonly tenants = new Map<string, Map<string, PatternStream>>();

  constructor(
    private readonly config: PatternDetectorConfig = DEFAULT_PATTERN_DETECTOR_CONFIG,
    /** Wall clock in ms; the eviction limiter's pause runs on it. */
    private readonly clock: () => number = Date.now,
  ) {
    if (!(config.sampleIntervalMs > 0)) throw new Error('pattern sample interval must be positive');
    if (!(config.maxChunkAgeMs >= config.sampleIntervalMs)) {
      throw new Error('pattern chunk age must be at least the sample interval');
    }
  }

  /**
   * Feeds one pushed entry; the cheapest way in from the push path (no bigint,
   * no decoding of the line). `streamKey` is the stream's canonical label
   * string. The entry's `detected_level` metadata picks the level.
   */
  observeEntry(tenant: string, streamKey: string, labels: Labels, entry: PatternEntry): void {
    const stream = this.streamFor(tenant, streamKey, labels, entry.line);
    if (stream === undefined) return;
    const level =
      entry.structuredMetadata.length === 0 ? undefined : getLabel(entry.structuredMetadata, LEVEL_METADATA);
    stream.push(entry.sec, entry.nanos, entry.line, patternLevel(level));
  }

  /**
   * Feeds one pushed line seen at `tsNs`. `detectedLevel` is the entry's
   * `detected_level` structured metadata, if any. A stream's first line fixes
   * its tokenizer (JSON, logfmt or plain).
   */
  observe(
    tenant: string,
    streamKey: string,
    labels: Labels,
    tsNs: bigint,
    line: string | Buffer,
    detectedLevel?: string,
  ): void {
    const stream = this.streamFor(tenant, streamKey, labels, line);
    if (stream === undefined) return;
    stream.push(Number(tsNs / NS_PER_SEC), Number(tsNs % NS_PER_SEC), line, patternLevel(detectedLevel));
  }

  /**
   * The tenant's patterns over the streams whose labels `matchStream`
   * accepts, in [fromNs, throughNs] by `stepNs`, with Loki's limits.
   */
  query(
    tenant: string,
    matchStream: (labels: Labels) => boolean,
    fromNs: bigint,
    throughNs: bigint,
    stepNs: bigint,
  ): PatternSeries[] {
    const streams = this.tenants.get(tenant);
    if (streams === undefined) return [];
    const matching: PatternStream[] = [];
    for (const stream of streams.values()) if (matchStream(stream.labels)) matching.push(stream);
    return queryPatterns(matching, fromNs, throughNs, stepNs);
  }

  /**
   * Forgets what is older than `retain_for` at `nowMs`: samples, clusters left
   * without samples, and streams left without clusters. Loki runs this every
   * `flush_check_period`.
   */
  prune(nowMs: number): void {
    for (const [tenant, streams] of this.tenants) {
      for (const [key, stream] of streams) {
        if (stream.prune(nowMs)) streams.delete(key);
      }
      if (streams.size === 0) this.tenants.delete(tenant);
    }
  }

  /** The tenant's stream, if it has seen lines and has not been pruned away. */
  stream(tenant: string, streamKey: string): PatternStream | undefined {
    return this.tenants.get(tenant)?.get(streamKey);
  }

  /** Streams held for the tenant. */
  streamCount(tenant: string): number {
    return this.tenants.get(tenant)?.size ?? 0;
  }

  /** The stream to train, created on its first line; undefined for streams that are not mined. */
  private streamFor(
    tenant: string,
    streamKey: string,
    labels: Labels,
    firstLine: string | Buffer,
  ): PatternStream | undefined {
    let streams = this.tenants.get(tenant);
    const existing = streams?.get(streamKey);
    if (existing !== undefined) return existing;
    if (isInternalStream(labels)) return undefined;
    if (streams === undefined) {
      streams = new Map();
      this.tenants.set(tenant, streams);
    }
    const stream = new PatternStream(
      streamKey,
      labels,
      detectLogFormat(lineToByteString(firstLine)),
      this.config,
      this.config.jsonMessageFields(tenant),
      this.clock,
    );
    streams.set(streamKey, stream);
    return stream;
  }
}
