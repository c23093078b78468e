// Rewrites a stored chunk without the lines a delete request picks: every
// block is decoded, the surviving entries are encoded again with the chunk's
// encoding, and the result is a new chunk object (new checksum, and so a new
// key) for the same stream. The source chunk is left in place; the caller
// swaps the index entries and marks the source for deletion.
import { type DecodedBlock, decodeBlock, encodeBlock, type StoredBlock } from '../storage/chunk/block.js';
import { chunkBoundsMs, decodeChunk, encodeChunk } from '../storage/chunk/chunk.js';
import type { Label } from '../util/labels.js';
import type { LineFilter } from './delete-query.js';

const EMPTY: readonly Label[] = [];

export interface RewrittenChunk {
  /** The new chunk object, or null when no line survived. */
  object: Buffer | null;
  /** Lines removed (0: the chunk is unchanged and `object` is null). */
  removed: number;
  minNs: bigint;
  maxNs: bigint;
  entries: number;
  linesSize: number;
}

/** Filters a chunk object; `filter` returning true deletes the line. */
export function rewriteChunk(source: Buffer, filter: LineFilter): RewrittenChunk {
  const parsed = decodeChunk(source);
  const baseNs = BigInt(parsed.baseSec) * 1_000_000_000n;
  const blocks: StoredBlock[] = [];
  let removed = 0;
  let entries = 0;
  let linesSize = 0;
  let minOff = Number.POSITIVE_INFINITY;
  let maxOff = Number.NEGATIVE_INFINITY;
  for (const stored of parsed.blocks) {
    const b = decodeBlock(stored, parsed.codec, baseNs);
    const keep: number[] = [];
    for (let i = 0; i < b.count; i++) {
      const line = b.lines.toString('utf8', b.offsets[i]!, b.offsets[i + 1]!);
      if (filter(baseNs, b.ts[i]!, line, b.metadata?.[i] ?? EMPTY)) removed++;
      else keep.push(i);
    }
    if (keep.length === 0) continue;
    const block = keep.length === b.count ? stored : encodeBlock(subset(b, keep), parsed.codec);
    blocks.push(block);
    entries += block.count;
    linesSize += block.linesSize;
    if (block.minOff < minOff) minOff = block.minOff;
    if (block.maxOff > maxOff) maxOff = block.maxOff;
  }
  if (removed === 0) return { object: null, removed, minNs: parsed.minNs, maxNs: parsed.maxNs, entries, linesSize };
  if (blocks.length === 0) return { object: null, removed, minNs: 0n, maxNs: 0n, entries: 0, linesSize: 0 };
  const object = encodeChunk({
    tenant: parsed.tenant,
    labels: parsed.labels,
    codec: parsed.codec,
    baseSec: parsed.baseSec,
    blocks,
  });
  return {
    object,
    removed,
    minNs: baseNs + BigInt(minOff),
    maxNs: baseNs + BigInt(maxOff),
    entries,
    linesSize,
  };
}

/** The entries `keep` (ascending indexes) of a decoded block, as a block of their own. */
function subset(b: DecodedBlock, keep: readonly number[]): DecodedBlock {
  const ts = new Float64Array(keep.length);
  const offsets = new Uint32Array(keep.length + 1);
  let size = 0;
  for (const i of keep) size += b.offsets[i + 1]! - b.offsets[i]!;
  const lines = Buffer.allocUnsafe(size);
  let pos = 0;
  keep.forEach((i, k) => {
    ts[k] = b.ts[i]!;
    pos += b.lines.copy(lines, pos, b.offsets[i]!, b.offsets[i + 1]!);
    offsets[k + 1] = pos;
  });
  const metadata = b.metadata ? keep.map((i) => b.metadata![i] ?? EMPTY) : null;
  return { count: keep.length, baseNs: b.baseNs, ts, offsets, lines, metadata };
}

/** The index bounds of a rewritten chunk. */
export function rewrittenBounds(r: RewrittenChunk): { fromMs: number; throughMs: number } {
  return chunkBoundsMs(r.minNs, r.maxNs);
}
