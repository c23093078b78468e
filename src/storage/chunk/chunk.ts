// Chunks: the unit of storage. A chunk holds a run of one stream's entries as
// a list of compressed blocks; the ingester builds it in memory (MemChunk) and
// flushes it to object storage as one object (see docs/chunk-format.md).
import { crc32 } from 'node:zlib';
import type { Label } from '../../util/labels.js';
import { NS_PER_MS, NS_PER_SEC } from '../../util/time.js';
import { ByteReader, ByteWriter } from '../../util/varint.js';
import { ChunkCorruptError, type DecodedBlock, HeadBlock, type StoredBlock } from './block.js';
import { Codec } from './compression.js';

const MAGIC = 0x31434b53; // "SKC1" little-endian
const FORMAT_VERSION = 1;
const HEADER_SIZE = 8;
const FOOTER_SIZE = 12;

/**
 * Entries are stored as nanosecond offsets from the chunk's base second; the
 * offsets are doubles, exact within ±2^52 ns. A chunk refuses entries further
 * than this many seconds from its base so that the bound always holds.
 */
export const MAX_OFFSET_SECONDS = 4_000_000;

export class MemChunk {
  readonly baseNs: bigint;
  blocks: StoredBlock[] = [];
  head = new HeadBlock();
  /** Compressed bytes of the cut blocks. */
  blocksSize = 0;
  entries = 0;
  /** Uncompressed line bytes of all entries. */
  linesSize = 0;
  minOff = Number.POSITIVE_INFINITY;
  maxOff = Number.NEGATIVE_INFINITY;

  constructor(
    readonly codec: Codec,
    readonly blockSize: number,
    readonly targetSize: number,
    readonly baseSec: number,
  ) {
    this.baseNs = BigInt(baseSec) * NS_PER_SEC;
  }

  /** Offset of a timestamp from the chunk base, or NaN when it is too far to represent. */
  offsetOf(sec: number, nanos: number): number {
    const d = sec - this.baseSec;
    if (d > MAX_OFFSET_SECONDS || d < -MAX_OFFSET_SECONDS) return Number.NaN;
    return d * 1e9 + nanos;
  }

  /**
   * Whether a line of this size still fits, as Loki decides it: with a target
   * size, compressed blocks plus the uncompressed head must stay below it;
   * without one, a chunk holds at most 10 blocks.
   */
  spaceFor(lineSize: number): boolean {
    if (this.targetSize > 0) return this.blocksSize + this.head.size + lineSize < this.targetSize;
    return this.blocks.length < 10;
  }

  append(off: number, line: Uint8Array, metadata: readonly Label[]): void {
    this.head.append(off, line, metadata);
    this.entries++;
    this.linesSize += line.length;
    if (off < this.minOff) this.minOff = off;
    if (off > this.maxOff) this.maxOff = off;
    if (this.head.size >= this.blockSize) this.cutHead();
  }

  /** True when an entry with this exact time and line sits in the head block. */
  headContains(off: number, line: Uint8Array): boolean {
    return this.head.contains(off, line);
  }

  /** Compresses the head into a block. `closing`: no more appends will come (flush, checkpoint). */
  cutHead(closing = false): void {
    if (this.head.count === 0) return;
    const block = this.head.encode(this.codec);
    this.blocks.push(block);
    this.blocksSize += block.index.length + block.lines.length + (block.metadata?.length ?? 0);
    // A full head is followed by one that likely fills alike: size it so from the start.
    this.head = closing
      ? new HeadBlock()
      : new HeadBlock(Math.ceil(this.head.size * 1.1), Math.ceil(this.head.count * 1.1));
  }

  get isEmpty(): boolean {
    return this.entries === 0;
  }

  get minNs(): bigint {
    return this.baseNs + BigInt(this.minOff);
  }

  get maxNs(): bigint {
    return this.baseNs + BigInt(this.maxOff);
  }

  /** Bytes this chunk holds in memory (compressed blocks plus the raw head). */
  get memorySize(): number {
    return this.blocksSize + this.head.size;
  }

  /** The head block's entries, sorted, or null when it is empty. */
  headView(): DecodedBlock | null {
    return this.head.count > 0 ? this.head.view(this.baseNs) : null;
  }

  /** A copy of the chunk's current state that later appends cannot change (checkpoints). */
  snapshot(): MemChunk {
    const copy = new MemChunk(this.codec, this.blockSize, this.targetSize, this.baseSec);
    copy.blocks = [...this.blocks];
    copy.blocksSize = this.blocksSize;
    copy.entries = this.entries;
    copy.linesSize = this.linesSize;
    copy.minOff = this.minOff;
    copy.maxOff = this.maxOff;
    // Stored blocks are immutable; the head is copied entry by entry.
    const head = this.headView();
    if (head) {
      for (let i = 0; i < head.count; i++) {
        copy.head.append(
          head.ts[i]!,
          head.lines.subarray(head.offsets[i]!, head.offsets[i + 1]!),
          head.metadata?.[i] ?? [],
        );
      }
    }
    return copy;
  }

  /**
   * The chunk as a storage object. The head block is encoded as a last block
   * without being cut, so a snapshot (WAL checkpoint) leaves the chunk as is.
   */
  encode(tenant: string, labels: string): Buffer {
    const blocks = this.head.count > 0 ? [...this.blocks, this.head.encode(this.codec)] : this.blocks;
    return encodeChunk({ tenant, labels, codec: this.codec, baseSec: this.baseSec, blocks });
  }

  /** Rebuilds an in-memory chunk from a decoded chunk object (WAL checkpoint replay). */
  static fromParsed(parsed: ParsedChunk, blockSize: number, targetSize: number): MemChunk {
    const c = new MemChunk(parsed.codec, blockSize, targetSize, parsed.baseSec);
    for (const b of parsed.blocks) {
      c.blocks.push(b);
      c.blocksSize += b.index.length + b.lines.length + (b.metadata?.length ?? 0);
      c.entries += b.count;
      c.linesSize += b.linesSize;
      if (b.minOff < c.minOff) c.minOff = b.minOff;
      if (b.maxOff > c.maxOff) c.maxOff = b.maxOff;
    }
    return c;
  }
}

export interface ChunkContents {
  tenant: string;
  labels: string;
  codec: Codec;
  baseSec: number;
  blocks: readonly StoredBlock[];
}

export interface ParsedChunk extends ChunkContents {
  blocks: StoredBlock[];
  minNs: bigint;
  maxNs: bigint;
  entries: number;
  linesSize: number;
}

export function encodeChunk(c: ChunkContents): Buffer {
  let dataSize = 0;
  for (const b of c.blocks) dataSize += b.index.length + (b.metadata?.length ?? 0) + b.lines.length;
  const toc = new ByteWriter(256 + c.blocks.length * 48);
  toc.string(c.tenant);
  toc.string(c.labels);
  toc.varint(c.baseSec);
  toc.uvarint(c.blocks.length);
  for (const b of c.blocks) {
    toc.varint(b.minOff);
    toc.varint(b.maxOff);
    toc.uvarint(b.count);
    toc.uvarint(b.linesSize);
    toc.uvarint(b.index.length);
    toc.u32(b.indexCrc);
    toc.uvarint(b.metadata?.length ?? 0);
    toc.u32(b.metadataCrc);
    toc.uvarint(b.lines.length);
    toc.u32(b.linesCrc);
  }
  const tocBytes = toc.view();
  const out = Buffer.allocUnsafe(HEADER_SIZE + dataSize + tocBytes.length + FOOTER_SIZE);
  out.writeUInt32LE(MAGIC, 0);
  out[4] = FORMAT_VERSION;
  out[5] = c.codec;
  out[6] = 0;
  out[7] = 0;
  let pos = HEADER_SIZE;
  for (const b of c.blocks) {
    pos += b.index.copy(out, pos);
    if (b.metadata) pos += b.metadata.copy(out, pos);
    pos += b.lines.copy(out, pos);
  }
  const tocOffset = pos;
  pos += tocBytes.copy(out, pos);
  out.writeUInt32LE(tocOffset, pos);
  out.writeUInt32LE(tocBytes.length, pos + 4);
  // The checksum covers the header too, so no byte outside the blocks goes unchecked.
  out.writeUInt32LE(crc32(tocBytes, crc32(out.subarray(0, HEADER_SIZE))), pos + 8);
  return out;
}

/** Parses a chunk object; block columns are views into `buf`. Throws ChunkCorruptError. */
export function decodeChunk(buf: Buffer): ParsedChunk {
  if (buf.length < HEADER_SIZE + FOOTER_SIZE) throw new ChunkCorruptError('chunk too short');
  if (buf.readUInt32LE(0) !== MAGIC) throw new ChunkCorruptError('not a chunk: bad magic number');
  if (buf[4] !== FORMAT_VERSION) throw new ChunkCorruptError(`unsupported chunk format version ${buf[4]}`);
  const codec = buf[5] as Codec;
  if (Codec[codec] === undefined) throw new ChunkCorruptError(`unknown chunk encoding ${buf[5]}`);
  const f = buf.length - FOOTER_SIZE;
  const tocOffset = buf.readUInt32LE(f);
  const tocLength = buf.readUInt32LE(f + 4);
  if (tocOffset < HEADER_SIZE || tocOffset + tocLength !== f)
    throw new ChunkCorruptError('chunk table of contents out of bounds');
  const tocBytes = buf.subarray(tocOffset, tocOffset + tocLength);
  if (crc32(tocBytes, crc32(buf.subarray(0, HEADER_SIZE))) !== buf.readUInt32LE(f + 8))
    throw new ChunkCorruptError('chunk table of contents checksum mismatch');
  try {
    const r = new ByteReader(tocBytes);
    const tenant = r.string();
    const labels = r.string();
    const baseSec = r.varint();
    const n = r.uvarint();
    const blocks: StoredBlock[] = [];
    let pos = HEADER_SIZE;
    let minOff = Number.POSITIVE_INFINITY;
    let maxOff = Number.NEGATIVE_INFINITY;
    let entries = 0;
    let linesSize = 0;
    const take = (len: number): Buffer => {
      if (pos + len > tocOffset) throw new ChunkCorruptError('block extends past the data section');
      const b = buf.subarray(pos, pos + len);
      pos += len;
      return b;
    };
    for (let i = 0; i < n; i++) {
      const bMin = r.varint();
      const bMax = r.varint();
      const count = r.uvarint();
      const bLines = r.uvarint();
      const indexLen = r.uvarint();
      const indexCrc = r.u32();
      const metaLen = r.uvarint();
      const metadataCrc = r.u32();
      const linesLen = r.uvarint();
      const linesCrc = r.u32();
      const index = take(indexLen);
      const metadata = metaLen > 0 ? take(metaLen) : null;
      const lines = take(linesLen);
      blocks.push({
        minOff: bMin,
        maxOff: bMax,
        count,
        linesSize: bLines,
        index,
        indexCrc,
        metadata,
        metadataCrc,
        lines,
        linesCrc,
      });
      if (bMin < minOff) minOff = bMin;
      if (bMax > maxOff) maxOff = bMax;
      entries += count;
      linesSize += bLines;
    }
    if (pos !== tocOffset) throw new ChunkCorruptError('chunk data section has unaccounted bytes');
    const baseNs = BigInt(baseSec) * NS_PER_SEC;
    return {
      tenant,
      labels,
      codec,
      baseSec,
      blocks,
      minNs: n > 0 ? baseNs + BigInt(minOff) : baseNs,
      maxNs: n > 0 ? baseNs + BigInt(maxOff) : baseNs,
      entries,
      linesSize,
    };
  } catch (err) {
    if (err instanceof ChunkCorruptError) throw err;
    throw new ChunkCorruptError(`chunk table of contents: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * The object key of a chunk, in Loki's v12+ layout:
 * `<tenant>/<fingerprint>/<from>:<through>:<checksum>` with times in hex
 * milliseconds (from rounded down, through rounded up) and the checksum of
 * the object in hex.
 */
export function chunkKey(tenant: string, fp: string, fromMs: number, throughMs: number, checksum: number): string {
  return `${tenant}/${fp}/${fromMs.toString(16)}:${throughMs.toString(16)}:${(checksum >>> 0).toString(16)}`;
}

/** The millisecond bounds Loki gives a chunk whose entries span [minNs, maxNs]. */
export function chunkBoundsMs(minNs: bigint, maxNs: bigint): { fromMs: number; throughMs: number } {
  return { fromMs: Number(minNs / NS_PER_MS), throughMs: Number((maxNs + NS_PER_MS - 1n) / NS_PER_MS) };
}
