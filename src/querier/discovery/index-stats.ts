// index/stats: how much data a selector covers in a time range (streams,
// chunks, entries, bytes), which Grafana shows before running a query and uses
// to size log volume queries. Answered from chunk metadata only.
import type { CompiledMatcher } from '../../util/matchers.js';
import { gatherStreams, type SourceDeps } from '../sources.js';
import { streamStatsInRange, summarizeStreams } from './chunk-stats.js';

/** Loki's IndexStatsResponse, field for field. */
export interface IndexStats {
  streams: number;
  chunks: number;
  bytes: number;
  entries: number;
}

export interface IndexStatsRequest {
  tenant: string;
  matchers: readonly CompiledMatcher[];
  /** The range in ms: from inclusive, through exclusive (the index's rule). */
  fromMs: number;
  throughMs: number;
}

export async function indexStats(
  sources: SourceDeps,
  req: IndexStatsRequest,
  signal?: AbortSignal,
): Promise<IndexStats> {
  const streams = await gatherStreams(
    sources,
    req.tenant,
    req.matchers,
    BigInt(req.fromMs) * 1_000_000n,
    BigInt(req.throughMs) * 1_000_000n,
  );
  const result: IndexStats = { streams: 0, chunks: 0, bytes: 0, entries: 0 };
  for (const s of await summarizeStreams(streams, signal)) {
    const stats = streamStatsInRange(s, req.fromMs, req.throughMs);
    // A stream counts only when some of its entries fall in the range, as in Loki's index.
    if (stats.entries === 0) continue;
    result.streams++;
    result.chunks += stats.chunks;
    result.entries += stats.entries;
    result.bytes += stats.bytes;
  }
  return result;
}
