// Reading one stream's entries block by block, in time order. Chunks that
// overlap in time (a flushed copy and a replayed copy after a crash, or
// out-of-order writes spread over blocks) are merged and exact duplicates
// (same time, same line, same metadata) dropped, so every entry is seen once.
import {
  ChunkCorruptError,
  DECODE_ALL,
  type DecodedBlock,
  type DecodeOptions,
  decodeBlock,
  type StoredBlock,
} from '../storage/chunk/block.js';
import { shouldYield, yieldToEventLoop } from '../util/cooperative.js';
import type { Label } from '../util/labels.js';
import type { ChunkHandle, OpenChunk, StreamData } from './sources.js';

export type Direction = 'forward' | 'backward';

export interface BlockReadOptions {
  fromNs: bigint;
  /** Exclusive end. */
  throughNs: bigint;
  direction: Direction;
  decode: DecodeOptions;
  signal?: AbortSignal;
  /** Chunk groups opened ahead of the one being read. */
  prefetch?: number;
}

interface Piece {
  minNs: bigint;
  maxNs: bigint;
  /** Names the chunk in errors. */
  source: string;
  load(decode: DecodeOptions): DecodedBlock;
}

function sourceOf(c: ChunkHandle): string {
  return c.storeKey ?? `in ingester memory of stream ${c.minNs}-${c.maxNs}`;
}

/** Decodes a piece; a checksum failure names the chunk, so operators can find it. */
function loadPiece(p: Piece, decode: DecodeOptions): DecodedBlock {
  try {
    return p.load(decode);
  } catch (err) {
    if (err instanceof ChunkCorruptError) throw new ChunkCorruptError(`chunk ${p.source} is corrupt: ${err.message}`);
    throw err;
  }
}

/** Index of the first element >= x in an ascending array (binary search). */
export function lowerBound(a: Float64Array, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A bigint time as an offset from `base`, clamped into the range where doubles compare correctly. */
export function relativeOffset(ns: bigint, base: bigint): number {
  const d = ns - base;
  if (d > 4_000_000_000_000_000n) return 4e18;
  if (d < -4_000_000_000_000_000n) return -4e18;
  return Number(d);
}

function piecesOf(c: OpenChunk, source: string, fromNs: bigint, throughNs: bigint): Piece[] {
  const out: Piece[] = [];
  const lo = relativeOffset(fromNs, c.baseNs);
  const hi = relativeOffset(throughNs, c.baseNs);
  for (const b of c.blocks) {
    if (b.count === 0 || b.maxOff < lo || b.minOff >= hi) continue;
    out.push(storedPiece(b, c, source));
  }
  const h = c.head;
  if (h && h.count > 0 && h.ts[h.count - 1]! >= lo && h.ts[0]! < hi) {
    out.push({
      minNs: h.baseNs + BigInt(h.ts[0]!),
      maxNs: h.baseNs + BigInt(h.ts[h.count - 1]!),
      source,
      load: () => h,
    });
  }
  return out;
}

function storedPiece(b: StoredBlock, c: OpenChunk, source: string): Piece {
  return {
    minNs: c.baseNs + BigInt(b.minOff),
    maxNs: c.baseNs + BigInt(b.maxOff),
    source,
    load: (decode) => decodeBlock(b, c.codec, c.baseNs, decode),
  };
}

/** Groups items sorted by minNs into runs whose time ranges overlap. */
function overlapGroups<T extends { minNs: bigint; maxNs: bigint }>(sorted: T[]): T[][] {
  const groups: T[][] = [];
  let cur: T[] = [];
  let curMax = 0n;
  for (const it of sorted) {
    if (cur.length > 0 && it.minNs <= curMax) {
      cur.push(it);
      if (it.maxNs > curMax) curMax = it.maxNs;
      continue;
    }
    if (cur.length > 0) groups.push(cur);
    cur = [it];
    curMax = it.maxNs;
  }
  if (cur.length > 0) groups.push(cur);
  return groups;
}

const byMin = <T extends { minNs: bigint }>(a: T, b: T): number => (a.minNs < b.minNs ? -1 : a.minNs > b.minNs ? 1 : 0);

/** A decoded block and the index range [lo, hi) of its entries inside the queried time range. */
export interface BlockSlice {
  block: DecodedBlock;
  lo: number;
  hi: number;
}

export function sliceOf(block: DecodedBlock, fromNs: bigint, throughNs: bigint): BlockSlice {
  const lo = lowerBound(block.ts, relativeOffset(fromNs, block.baseNs));
  const hi = lowerBound(block.ts, relativeOffset(throughNs, block.baseNs), lo);
  return { block, lo, hi };
}

/**
 * Yields the stream's blocks overlapping [fromNs, throughNs), oldest first
 * for `forward` and newest first for `backward`, with the range of entries
 * inside the query. Entries inside a block are ascending; blocks never
 * overlap each other in time.
 */
export async function* streamBlocks(stream: StreamData, opts: BlockReadOptions): AsyncGenerator<BlockSlice> {
  const chunks = stream.chunks.filter((c) => c.maxNs >= opts.fromNs && c.minNs < opts.throughNs).sort(byMin);
  const groups = overlapGroups(chunks);
  if (opts.direction === 'backward') groups.reverse();
  const prefetch = Math.max(1, opts.prefetch ?? 2);
  const opening: Array<Promise<OpenChunk[]>> = [];
  const openGroup = (g: ChunkHandle[]): Promise<OpenChunk[]> =>
    Promise.all(
      g.map((c) =>
        c.open(opts.signal).catch((err: unknown) => {
          if (err instanceof ChunkCorruptError)
            throw new ChunkCorruptError(`chunk ${sourceOf(c)} is corrupt: ${err.message}`);
          throw err;
        }),
      ),
    );
  for (let i = 0; i < Math.min(prefetch, groups.length); i++) opening.push(openGroup(groups[i]!));
  for (let gi = 0; gi < groups.length; gi++) {
    const opened = await opening[gi]!;
    if (gi + prefetch < groups.length) opening.push(openGroup(groups[gi + prefetch]!));
    // Exact block bounds may show that chunks with overlapping ms bounds do not really overlap.
    const pieces: Piece[] = [];
    opened.forEach((c, i) => {
      pieces.push(...piecesOf(c, sourceOf(groups[gi]![i]!), opts.fromNs, opts.throughNs));
    });
    pieces.sort(byMin);
    const runs = overlapGroups(pieces);
    if (opts.direction === 'backward') runs.reverse();
    for (const run of runs) {
      if (shouldYield()) await yieldToEventLoop();
      opts.signal?.throwIfAborted();
      // Telling duplicates apart needs the lines, whatever the caller asked for.
      const block =
        run.length === 1 ? loadPiece(run[0]!, opts.decode) : mergeBlocks(run.map((p) => loadPiece(p, DECODE_ALL)));
      const slice = sliceOf(block, opts.fromNs, opts.throughNs);
      if (slice.hi > slice.lo) yield slice;
    }
  }
}

/** Merges blocks that overlap in time into one sorted block, dropping exact duplicates. */
export function mergeBlocks(blocks: DecodedBlock[]): DecodedBlock {
  const base = blocks.reduce((m, b) => (b.baseNs < m ? b.baseNs : m), blocks[0]!.baseNs);
  interface E {
    ts: number;
    b: DecodedBlock;
    i: number;
  }
  const all: E[] = [];
  for (const b of blocks) {
    const shift = Number(b.baseNs - base);
    for (let i = 0; i < b.count; i++) all.push({ ts: b.ts[i]! + shift, b, i });
  }
  all.sort((x, y) => x.ts - y.ts);
  const kept: E[] = [];
  for (const e of all) {
    // Duplicates share a timestamp; compare with every kept entry of the same time.
    let dup = false;
    for (let k = kept.length - 1; k >= 0 && kept[k]!.ts === e.ts; k--) {
      if (sameEntry(kept[k]!.b, kept[k]!.i, e.b, e.i)) {
        dup = true;
        break;
      }
    }
    if (!dup) kept.push(e);
  }
  let size = 0;
  for (const e of kept) size += e.b.offsets[e.i + 1]! - e.b.offsets[e.i]!;
  const ts = new Float64Array(kept.length);
  const offsets = new Uint32Array(kept.length + 1);
  const lines = Buffer.allocUnsafe(size);
  const hasMeta = blocks.some((b) => b.metadata);
  const metadata: Array<readonly Label[]> | null = hasMeta ? new Array(kept.length) : null;
  let pos = 0;
  kept.forEach((e, k) => {
    ts[k] = e.ts;
    const start = e.b.offsets[e.i]!;
    const end = e.b.offsets[e.i + 1]!;
    e.b.lines.copy(lines, pos, start, end);
    pos += end - start;
    offsets[k + 1] = pos;
    if (metadata) metadata[k] = e.b.metadata?.[e.i] ?? [];
  });
  return { count: kept.length, baseNs: base, ts, offsets, lines, metadata };
}

function sameEntry(a: DecodedBlock, i: number, b: DecodedBlock, j: number): boolean {
  const as = a.offsets[i]!;
  const ae = a.offsets[i + 1]!;
  const bs = b.offsets[j]!;
  const be = b.offsets[j + 1]!;
  if (ae - as !== be - bs) return false;
  if (a.lines.compare(b.lines, bs, be, as, ae) !== 0) return false;
  const am = a.metadata?.[i] ?? [];
  const bm = b.metadata?.[j] ?? [];
  if (am.length !== bm.length) return false;
  for (let k = 0; k < am.length; k++) if (am[k]!.name !== bm[k]!.name || am[k]!.value !== bm[k]!.value) return false;
  return true;
}
