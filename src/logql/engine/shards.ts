// Splitting a query's streams into shards of similar size for parallel
// evaluation. A shard unit is one stream's run of chunks that overlap in time
// (those must be read together, to drop duplicates); units are dealt largest
// first to the least loaded shard.
import type { StreamData, WireChunk } from '../../querier/sources.js';
import type { Labels } from '../../util/labels.js';

export interface WireStream {
  labels: Labels;
  key: string;
  fp: string;
  chunks: WireChunk[];
}

/** Work below this many bytes (compressed) is not worth a round trip to a worker. */
export const MIN_PARALLEL_BYTES = 1 << 20;

export function totalSize(streams: readonly StreamData[]): number {
  let n = 0;
  for (const s of streams) for (const c of s.chunks) n += c.size;
  return n;
}

interface Unit {
  stream: StreamData;
  chunks: StreamData['chunks'];
  size: number;
}

function unitsOf(stream: StreamData): Unit[] {
  const sorted = [...stream.chunks].sort((a, b) => (a.minNs < b.minNs ? -1 : a.minNs > b.minNs ? 1 : 0));
  const units: Unit[] = [];
  let cur: Unit | null = null;
  let curMax = 0n;
  for (const c of sorted) {
    if (cur && c.minNs <= curMax) {
      cur.chunks.push(c);
      cur.size += c.size;
      if (c.maxNs > curMax) curMax = c.maxNs;
      continue;
    }
    cur = { stream, chunks: [c], size: c.size };
    curMax = c.maxNs;
    units.push(cur);
  }
  return units;
}

export interface ShardPlan {
  /** Work for the query workers, one shard each. */
  shards: StreamData[][];
  /** Work read in this thread: the head blocks (not in shared memory) and a share of the rest. */
  local: StreamData[];
}

/**
 * Plans a query over `workers` worker threads plus this thread: in-memory
 * chunks are split into their stored blocks and their head block; heads stay
 * here, and everything else is dealt so that every thread gets a similar load.
 */
export function planShards(streams: readonly StreamData[], workers: number): ShardPlan {
  const remote: StreamData[] = [];
  const local: StreamData[] = [];
  for (const s of streams) {
    const far: StreamData['chunks'] = [];
    const near: StreamData['chunks'] = [];
    for (const c of s.chunks) {
      const parts = c.splitHead?.();
      // A head overlapping another chunk must be read with it, to drop duplicates.
      const overlaps =
        parts && s.chunks.some((o) => o !== c && o.maxNs >= parts.head.minNs && o.minNs <= parts.head.maxNs);
      if (!parts || overlaps) {
        far.push(c);
        continue;
      }
      near.push(parts.head);
      if (parts.blocks) far.push(parts.blocks);
    }
    if (far.length > 0) remote.push({ ...s, chunks: far });
    if (near.length > 0) local.push({ ...s, chunks: near });
  }
  // Shard 0 is this thread's, already loaded with the heads.
  const shards = splitStreams(remote, workers + 1, [totalSize(local)]);
  return { shards: shards.slice(1).filter((sh) => sh.length > 0), local: mergeStreams(local, shards[0] ?? []) };
}

/** Combines two lists of stream parts into one, a stream's chunks together. */
function mergeStreams(a: readonly StreamData[], b: readonly StreamData[]): StreamData[] {
  const byKey = new Map<string, StreamData>();
  for (const s of [...a, ...b]) {
    const cur = byKey.get(s.key);
    if (cur) cur.chunks.push(...s.chunks);
    else byKey.set(s.key, { ...s, chunks: [...s.chunks] });
  }
  return [...byKey.values()];
}

/**
 * Deals the streams' chunk runs into `n` shards of similar total size (some
 * may stay empty); `initial` gives shards a starting load.
 */
export function splitStreams(
  streams: readonly StreamData[],
  n: number,
  initial: readonly number[] = [],
): StreamData[][] {
  const units = streams.flatMap(unitsOf).sort((a, b) => b.size - a.size);
  const shards = Array.from({ length: Math.max(1, n) }, (_, i) => ({
    size: initial[i] ?? 0,
    byStream: new Map<StreamData, StreamData>(),
  }));
  for (const u of units) {
    let best = shards[0]!;
    for (const s of shards) if (s.size < best.size) best = s;
    best.size += u.size;
    let part = best.byStream.get(u.stream);
    if (!part) {
      part = { labels: u.stream.labels, key: u.stream.key, fp: u.stream.fp, chunks: [] };
      best.byStream.set(u.stream, part);
    }
    part.chunks.push(...u.chunks);
  }
  return shards.map((s) => [...s.byStream.values()]);
}

export function toWire(streams: readonly StreamData[]): WireStream[] {
  return streams.map((s) => ({ labels: s.labels, key: s.key, fp: s.fp, chunks: s.chunks.map((c) => c.wire()) }));
}

/** Runs tasks on query workers; the engine uses it when a query has enough data to share out. */
export interface QueryExecutor {
  readonly size: number;
  run<T>(task: unknown, signal?: AbortSignal): Promise<T>;
}
