// The time series of one pattern: how many lines matched it per sample
// interval (10s by default), in chunks spanning at most `max_chunk_age`, as
// Loki's pattern ingester keeps them. Timestamps are milliseconds since the
// epoch, truncated to the sample interval.

export interface SampleSettings {
  readonly sampleIntervalMs: number;
  readonly maxChunkAgeMs: number;
}

/** Receives one (timestamp ms, count) sample. */
export type SampleSink = (tsMs: number, count: number) => void;

/** `ts` rounded down to a multiple of `step` (as Go's `ts - ts%step`). */
export function truncateTimestamp(ts: number, step: number): number {
  return ts - (ts % step);
}

/** Samples of one chunk, oldest first. */
interface Chunk {
  readonly ts: number[];
  readonly counts: number[];
}

/** The first index in ascending `ts` whose timestamp is >= `t`. */
function lowerBound(ts: readonly number[], t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Emits a chunk's samples in [startMs, endMs). When the step equals the
 * sample interval the samples go out as stored; otherwise they are summed
 * into step-aligned buckets, with zero buckets for empty steps between the
 * first and the last sample (none before or after).
 */
export function emitChunkRange(
  ts: readonly number[],
  counts: readonly number[],
  startMs: number,
  endMs: number,
  stepMs: number,
  sampleIntervalMs: number,
  sink: SampleSink,
): void {
  const n = ts.length;
  if (n === 0) return;
  const first = ts[0]!;
  const last = ts[n - 1]!;
  if (startMs >= endMs || first >= endMs || last < startMs) return;
  const lo = startMs > first ? lowerBound(ts, startMs) : 0;
  const hi = endMs < last ? lowerBound(ts, endMs) : n;
  if (lo >= hi || ts[lo]! > ts[hi - 1]!) return;

  if (stepMs === sampleIntervalMs) {
    for (let i = lo; i < hi; i++) sink(ts[i]!, counts[i]!);
    return;
  }

  let bucket = truncateTimestamp(ts[lo]!, stepMs);
  let value = 0;
  for (let i = lo; i < hi; i++) {
    const t = ts[i]!;
    if (t >= bucket + stepMs) {
      const target = truncateTimestamp(t, stepMs);
      sink(bucket, value);
      for (let empty = bucket + stepMs; empty < target; empty += stepMs) sink(empty, 0);
      bucket = target;
      value = 0;
    }
    value += counts[i]!;
  }
  sink(bucket, value);
}

export class SampleChunks {
  private chunks: Chunk[] = [];

  constructor(private readonly settings: SampleSettings) {}

  /**
   * Counts one line at `tsMs`. A line older than the newest sample is not
   * counted (streams are ordered; Loki drops such lines here).
   */
  add(tsMs: number): void {
    const { sampleIntervalMs, maxChunkAgeMs } = this.settings;
    const t = truncateTimestamp(tsMs, sampleIntervalMs);
    const chunks = this.chunks;
    const last = chunks[chunks.length - 1];
    if (last === undefined) {
      chunks.push({ ts: [t], counts: [1] });
      return;
    }
    const end = last.ts.length - 1;
    const newest = last.ts[end]!;
    if (newest === t) {
      last.counts[end]!++;
      return;
    }
    if (t - last.ts[0]! >= maxChunkAgeMs) {
      chunks.push({ ts: [t], counts: [1] });
      return;
    }
    if (tsMs < newest) return;
    last.ts.push(t);
    last.counts.push(1);
  }

  /** Emits the samples in [startMs, endMs), chunk after chunk, re-bucketed to `stepMs`. */
  emitRange(startMs: number, endMs: number, stepMs: number, sink: SampleSink): void {
    for (const chunk of this.chunks) {
      emitChunkRange(chunk.ts, chunk.counts, startMs, endMs, stepMs, this.settings.sampleIntervalMs, sink);
    }
  }

  /**
   * Drops the chunks whose newest sample is more than `retainMs` before
   * `nowMs`; returns the number of lines still counted.
   */
  prune(retainMs: number, nowMs: number): number {
    this.chunks = this.chunks.filter((c) => nowMs - c.ts[c.ts.length - 1]! <= retainMs);
    return this.total();
  }

  /** Lines counted over all chunks. */
  total(): number {
    let sum = 0;
    for (const c of this.chunks) for (const v of c.counts) sum += v;
    return sum;
  }

  get chunkCount(): number {
    return this.chunks.length;
  }
}
