// Where a query's data comes from: the ingester's in-memory chunks and the
// store's flushed chunks, gathered per stream. A chunk the ingester has
// flushed but still holds appears once (by its store key).
import type { DecodedBlock, StoredBlock } from '../storage/chunk/block.js';
import { chunkKey, decodeChunk, type MemChunk } from '../storage/chunk/chunk.js';
import type { Codec } from '../storage/chunk/compression.js';
import type { ChunkRef } from '../storage/index/index-file.js';
import type { Store } from '../storage/store.js';
import type { Labels } from '../util/labels.js';
import { getOrCreate } from '../util/maps.js';
import type { CompiledMatcher } from '../util/matchers.js';
import { msToNs, NS_PER_MS } from '../util/time.js';

/** A chunk's blocks, ready to decode. */
export interface OpenChunk {
  readonly baseNs: bigint;
  readonly codec: Codec;
  readonly blocks: readonly StoredBlock[];
  /** The ingester's head block (sorted), for chunks still being written. */
  readonly head: DecodedBlock | null;
}

export interface ChunkHandle {
  /** Bounds of the chunk's entries (for stored chunks, the index's ms bounds). */
  readonly minNs: bigint;
  readonly maxNs: bigint;
  /** The store key when the chunk is (or came from) a stored object. */
  readonly storeKey: string | undefined;
  /** Compressed size, for statistics. */
  readonly size: number;
  readonly fromIngester: boolean;
  open(signal?: AbortSignal): Promise<OpenChunk>;
}

export interface StreamData {
  labels: Labels;
  /** Canonical `{a="b"}` form. */
  key: string;
  fp: string;
  chunks: ChunkHandle[];
}

export interface IngesterReader {
  select(
    tenant: string,
    matchers: readonly CompiledMatcher[],
    fromNs: bigint,
    throughNs: bigint,
  ): Array<{ labels: Labels; key: string; fp: string; chunks: Array<{ chunk: MemChunk; storeKey?: string }> }>;
}

export function memoryChunkHandle(chunk: MemChunk, storeKey: string | undefined): ChunkHandle {
  // Capture now: blocks are immutable and a head view is stable against later appends.
  const blocks = [...chunk.blocks];
  const head = chunk.headView();
  const opened: OpenChunk = { baseNs: chunk.baseNs, codec: chunk.codec, blocks, head };
  return {
    minNs: chunk.minNs,
    maxNs: chunk.maxNs,
    storeKey,
    size: chunk.memorySize,
    fromIngester: true,
    open: () => Promise.resolve(opened),
  };
}

export function storedChunkHandle(store: Store, tenant: string, fp: string, ref: ChunkRef): ChunkHandle {
  return {
    minNs: msToNs(ref.fromMs),
    maxNs: msToNs(ref.throughMs),
    storeKey: chunkKey(tenant, fp, ref.fromMs, ref.throughMs, ref.checksum),
    size: ref.size,
    fromIngester: false,
    async open(signal) {
      const parsed = decodeChunk(await store.getChunk(tenant, fp, ref, signal));
      return {
        baseNs: BigInt(parsed.baseSec) * 1_000_000_000n,
        codec: parsed.codec,
        blocks: parsed.blocks,
        head: null,
      };
    },
  };
}

export interface SourceDeps {
  ingester?: IngesterReader;
  store?: Store;
}

/** Streams matching the matchers with data in [fromNs, throughNs], from every source. */
export async function gatherStreams(
  deps: SourceDeps,
  tenant: string,
  matchers: readonly CompiledMatcher[],
  fromNs: bigint,
  throughNs: bigint,
): Promise<StreamData[]> {
  const byKey = new Map<string, StreamData>();
  const seenKeys = new Set<string>();
  if (deps.ingester) {
    for (const s of deps.ingester.select(tenant, matchers, fromNs, throughNs)) {
      const data: StreamData = { labels: s.labels, key: s.key, fp: s.fp, chunks: [] };
      for (const c of s.chunks) {
        data.chunks.push(memoryChunkHandle(c.chunk, c.storeKey));
        if (c.storeKey) seenKeys.add(c.storeKey);
      }
      byKey.set(s.key, data);
    }
  }
  if (deps.store) {
    const fromMs = Number(fromNs / NS_PER_MS);
    const throughMs = Number((throughNs + NS_PER_MS - 1n) / NS_PER_MS);
    for (const s of await deps.store.indexReader.series(tenant, fromMs, throughMs, matchers)) {
      const data = getOrCreate(
        byKey,
        s.key,
        (): StreamData => ({ labels: s.labels, key: s.key, fp: s.fp, chunks: [] }),
      );
      for (const ref of s.chunks) {
        const h = storedChunkHandle(deps.store, tenant, s.fp, ref);
        if (seenKeys.has(h.storeKey!)) continue;
        data.chunks.push(h);
      }
    }
  }
  return [...byKey.values()].filter((s) => s.chunks.length > 0);
}
