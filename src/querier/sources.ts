// Where a query's data comes from: the ingester's in-memory chunks and the
// store's flushed chunks, gathered per stream. A chunk the ingester has
// flushed but still holds appears once (by its store key).
import type { DecodedBlock, StoredBlock } from '../storage/chunk/block.js';
import { chunkKey, decodeChunk } from '../storage/chunk/chunk.js';
import type { Codec } from '../storage/chunk/compression.js';
import type { ChunkRef } from '../storage/index/index-file.js';
import type { Store } from '../storage/store.js';
import { fingerprint, type Labels } from '../util/labels.js';
import { getOrCreate } from '../util/maps.js';
import type { CompiledMatcher } from '../util/matchers.js';
import { msToNs, NS_PER_MS } from '../util/time.js';
import { isMultiTenant, selectTenants, tenantLabelled } from './multi-tenant.js';

/** A chunk's blocks, ready to decode. */
export interface OpenChunk {
  readonly baseNs: bigint;
  readonly codec: Codec;
  readonly blocks: readonly StoredBlock[];
  /** The ingester's head block (sorted), for chunks still being written. */
  readonly head: DecodedBlock | null;
}

/**
 * What identifies a chunk's data, in a form that can be posted to a query
 * worker: in-memory chunks carry their blocks (stored blocks live in shared
 * memory, so posting them copies nothing), stored chunks their index reference.
 */
export type WireChunk =
  | {
      kind: 'memory';
      minNs: bigint;
      maxNs: bigint;
      storeKey: string | undefined;
      size: number;
      chunk: OpenChunk;
    }
  | {
      kind: 'store';
      minNs: bigint;
      maxNs: bigint;
      storeKey: string;
      size: number;
      tenant: string;
      fp: string;
      ref: ChunkRef;
    };

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
  /** The chunk as data, for a query worker. */
  wire(): WireChunk;
  /**
   * For an in-memory chunk whose head block does not overlap its stored blocks
   * in time: the stored blocks and the head as two handles, so that the blocks
   * (in shared memory) go to a worker and the head is read where it lives.
   */
  splitHead?(): { blocks: ChunkHandle | null; head: ChunkHandle } | null;
}

export interface StreamData {
  labels: Labels;
  /** Canonical `{a="b"}` form. */
  key: string;
  fp: string;
  chunks: ChunkHandle[];
}

/** What a query reads of an ingester's chunk: the in-process MemChunk, or one received from another process. */
export interface InMemoryChunk {
  readonly baseNs: bigint;
  readonly codec: Codec;
  readonly blocks: readonly StoredBlock[];
  readonly minNs: bigint;
  readonly maxNs: bigint;
  readonly memorySize: number;
  headView(): DecodedBlock | null;
}

/** One ingester stream as a query sees it. */
export interface IngesterStream {
  labels: Labels;
  key: string;
  fp: string;
  chunks: Array<{ chunk: InMemoryChunk; storeKey?: string }>;
}

/**
 * The ingesters a querier reads: the local ingester (answers at once) or
 * ingesters in other processes (answer with a promise). Each stream key
 * appears once in an answer.
 */
export interface IngesterReader {
  select(
    tenant: string,
    matchers: readonly CompiledMatcher[],
    fromNs: bigint,
    throughNs: bigint,
  ): IngesterStream[] | Promise<IngesterStream[]>;
  /** Label sets only (labels and series APIs), when cheaper than `select`. */
  streamLabels?(
    tenant: string,
    matchers: readonly CompiledMatcher[],
    fromNs: bigint,
    throughNs: bigint,
  ): Promise<Array<{ labels: Labels; key: string }>>;
}

export function memoryChunkHandle(chunk: InMemoryChunk, storeKey: string | undefined): ChunkHandle {
  // Capture now: blocks are immutable and a head view is stable against later appends.
  const opened: OpenChunk = {
    baseNs: chunk.baseNs,
    codec: chunk.codec,
    blocks: [...chunk.blocks],
    head: chunk.headView(),
  };
  return openedChunkHandle({
    kind: 'memory',
    minNs: chunk.minNs,
    maxNs: chunk.maxNs,
    storeKey,
    size: chunk.memorySize,
    chunk: opened,
  });
}

function openedChunkHandle(w: Extract<WireChunk, { kind: 'memory' }>): ChunkHandle {
  const { chunk } = w;
  return {
    minNs: w.minNs,
    maxNs: w.maxNs,
    storeKey: w.storeKey,
    size: w.size,
    fromIngester: true,
    open: () => Promise.resolve(chunk),
    // Stored blocks live in shared memory and post without a copy; the head does not.
    wire: () => ({ ...w, chunk: { ...chunk, head: chunk.head && copyBlock(chunk.head) } }),
    splitHead() {
      const head = chunk.head;
      if (!head || head.count === 0) return null;
      let blocksMax = Number.NEGATIVE_INFINITY;
      for (const b of chunk.blocks) if (b.maxOff > blocksMax) blocksMax = b.maxOff;
      if (head.ts[0]! <= blocksMax) return null;
      const headMin = head.baseNs + BigInt(head.ts[0]!);
      const headSize = head.offsets[head.count]! - head.offsets[0]!;
      const headPart = openedChunkHandle({
        ...w,
        minNs: headMin,
        storeKey: undefined,
        size: headSize,
        chunk: { ...chunk, blocks: [] },
      });
      if (chunk.blocks.length === 0) return { blocks: null, head: headPart };
      const blocksPart = openedChunkHandle({
        ...w,
        maxNs: chunk.baseNs + BigInt(blocksMax),
        size: Math.max(0, w.size - headSize),
        chunk: { ...chunk, head: null },
      });
      return { blocks: blocksPart, head: headPart };
    },
  };
}

/** An exact-size copy of a decoded block (a view may sit in a much larger buffer). */
function copyBlock(b: DecodedBlock): DecodedBlock {
  return {
    count: b.count,
    baseNs: b.baseNs,
    ts: b.ts.slice(0, b.count),
    offsets: b.offsets.slice(0, b.count + 1),
    lines: Buffer.from(b.lines),
    metadata: b.metadata ? b.metadata.slice(0, b.count) : null,
  };
}

export function storedChunkHandle(store: Store, tenant: string, fp: string, ref: ChunkRef): ChunkHandle {
  const w: Extract<WireChunk, { kind: 'store' }> = {
    kind: 'store',
    minNs: msToNs(ref.fromMs),
    maxNs: msToNs(ref.throughMs),
    storeKey: chunkKey(tenant, fp, ref.fromMs, ref.throughMs, ref.checksum),
    size: ref.size,
    tenant,
    fp,
    ref,
  };
  return {
    minNs: w.minNs,
    maxNs: w.maxNs,
    storeKey: w.storeKey,
    size: w.size,
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
    wire: () => w,
  };
}

/** Rebuilds a chunk handle from its wire form (in a query worker). */
export function handleFromWire(w: WireChunk, store: Store | undefined): ChunkHandle {
  if (w.kind === 'memory') {
    const blocks = w.chunk.blocks.map((b) => ({
      ...b,
      index: asBuffer(b.index),
      lines: asBuffer(b.lines),
      metadata: b.metadata && asBuffer(b.metadata),
    }));
    const head = w.chunk.head && { ...w.chunk.head, lines: asBuffer(w.chunk.head.lines) };
    return openedChunkHandle({ ...w, chunk: { ...w.chunk, blocks, head } });
  }
  if (!store) throw new Error('a query worker without a store was given a stored chunk');
  return storedChunkHandle(store, w.tenant, w.fp, w.ref);
}

/** Posting a Buffer delivers a plain Uint8Array; give it Buffer's methods back without copying. */
function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

export interface SourceDeps {
  ingester?: IngesterReader;
  store?: Store;
}

/**
 * Streams matching the matchers with data in [fromNs, throughNs], from every
 * source; for a cross-tenant query, those of each tenant with `__tenant_id__`.
 */
export async function gatherStreams(
  deps: SourceDeps,
  tenant: string,
  matchers: readonly CompiledMatcher[],
  fromNs: bigint,
  throughNs: bigint,
): Promise<StreamData[]> {
  if (!isMultiTenant(tenant)) return gatherTenantStreams(deps, tenant, matchers, fromNs, throughNs);
  const out: StreamData[] = [];
  for (const sel of selectTenants(tenant, matchers)) {
    for (const s of await gatherTenantStreams(deps, sel.tenant, sel.matchers, fromNs, throughNs)) {
      const { labels, key } = tenantLabelled(s.labels, sel.tenant);
      out.push({ ...s, labels, key, fp: fingerprint(key) });
    }
  }
  return out;
}

async function gatherTenantStreams(
  deps: SourceDeps,
  tenant: string,
  matchers: readonly CompiledMatcher[],
  fromNs: bigint,
  throughNs: bigint,
): Promise<StreamData[]> {
  const byKey = new Map<string, StreamData>();
  const seenKeys = new Set<string>();
  if (deps.ingester) {
    // The local ingester answers synchronously; only a remote answer costs an await.
    const selected = deps.ingester.select(tenant, matchers, fromNs, throughNs);
    for (const s of Array.isArray(selected) ? selected : await selected) {
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
