// Entry counts and byte sizes of a query's data, read from chunk metadata
// without decompressing anything, the way Loki's index answers index/stats and
// volume requests: a chunk that lies partly outside the requested range
// contributes the share of its entries and bytes that its time span inside
// the range represents.
import type { ChunkHandle, StreamData } from '../sources.js';

const NS_PER_MS = 1_000_000n;

/** A part of a chunk whose entries, line bytes and time bounds (ms, inclusive) are known. */
export interface ChunkPiece {
  readonly fromMs: number;
  readonly throughMs: number;
  readonly entries: number;
  /** Uncompressed bytes of the lines. */
  readonly bytes: number;
}

/** A chunk's pieces: stored chunks are one piece (their index entry); in-memory chunks one per block. */
export interface ChunkSummary {
  readonly fromMs: number;
  readonly throughMs: number;
  readonly pieces: readonly ChunkPiece[];
}

export interface StreamSummary {
  readonly stream: StreamData;
  readonly chunks: readonly ChunkSummary[];
}

export interface RangeStats {
  chunks: number;
  entries: number;
  bytes: number;
}

function nsToMs(ns: bigint): number {
  return Number(ns / NS_PER_MS);
}

/**
 * The pieces of a chunk. In-memory chunks are opened (their blocks are
 * already in memory, so this reads no data) and summarised block by block,
 * which keeps the time-share estimate close for chunks still being written.
 */
export async function summarizeChunk(handle: ChunkHandle, signal?: AbortSignal): Promise<ChunkSummary> {
  const fromMs = nsToMs(handle.minNs);
  const throughMs = nsToMs(handle.maxNs);
  if (!handle.fromIngester) {
    const wire = handle.wire();
    if (wire.kind === 'store') {
      const { ref } = wire;
      return { fromMs, throughMs, pieces: [{ fromMs, throughMs, entries: ref.entries, bytes: ref.linesSize }] };
    }
  }
  const chunk = await handle.open(signal);
  const pieces: ChunkPiece[] = [];
  for (const b of chunk.blocks) {
    pieces.push({
      fromMs: nsToMs(chunk.baseNs + BigInt(Math.trunc(b.minOff))),
      throughMs: nsToMs(chunk.baseNs + BigInt(Math.trunc(b.maxOff))),
      entries: b.count,
      bytes: b.linesSize,
    });
  }
  const head = chunk.head;
  if (head && head.count > 0) {
    pieces.push({
      fromMs: nsToMs(head.baseNs + BigInt(Math.trunc(head.ts[0]!))),
      throughMs: nsToMs(head.baseNs + BigInt(Math.trunc(head.ts[head.count - 1]!))),
      entries: head.count,
      bytes: head.offsets[head.count]! - head.offsets[0]!,
    });
  }
  return { fromMs, throughMs, pieces };
}

export async function summarizeStreams(streams: readonly StreamData[], signal?: AbortSignal): Promise<StreamSummary[]> {
  const out: StreamSummary[] = [];
  for (const stream of streams) {
    const chunks: ChunkSummary[] = [];
    for (const handle of stream.chunks) chunks.push(await summarizeChunk(handle, signal));
    out.push({ stream, chunks });
  }
  return out;
}

/**
 * Loki's `GetFactorOfTime`: the share of [minMs, maxMs] that lies inside
 * [fromMs, throughMs]. A single-instant span counts whole when it overlaps.
 */
export function timeShare(fromMs: number, throughMs: number, minMs: number, maxMs: number): number {
  if (fromMs > maxMs || throughMs < minMs) return 0;
  if (minMs === maxMs) return 1;
  const total = maxMs - minMs;
  const leading = Math.max(0, fromMs - minMs);
  const trailing = Math.max(0, maxMs - throughMs);
  return (total - (leading + trailing)) / total;
}

/** Whether a chunk's [min, max] overlaps [from, through) (the index's rule: `through` is exclusive). */
export function overlaps(fromMs: number, throughMs: number, minMs: number, maxMs: number): boolean {
  return fromMs <= maxMs && throughMs > minMs;
}

/**
 * A stream's chunks, entries and bytes in [fromMs, throughMs), each piece
 * scaled by its time share and rounded down as Loki's index does.
 */
export function streamStatsInRange(stream: StreamSummary, fromMs: number, throughMs: number): RangeStats {
  const stats: RangeStats = { chunks: 0, entries: 0, bytes: 0 };
  for (const chunk of stream.chunks) {
    if (!overlaps(fromMs, throughMs, chunk.fromMs, chunk.throughMs)) continue;
    stats.chunks++;
    for (const p of chunk.pieces) {
      const share = timeShare(fromMs, throughMs, p.fromMs, p.throughMs);
      if (share <= 0) continue;
      stats.entries += Math.floor(p.entries * share);
      stats.bytes += Math.floor(p.bytes * share);
    }
  }
  return stats;
}
