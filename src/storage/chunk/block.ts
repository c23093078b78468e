// Blocks: the unit of compression inside a chunk.
//
// A block holds up to `chunk_block_size` bytes of log lines of one stream,
// sorted by time, stored as separately compressed columns:
//   - index:    timestamp deltas (uvarint ns) then line lengths (uvarint)
//   - metadata: structured metadata per entry (optional)
//   - lines:    the line bytes back to back
// so that count and byte-size queries never decompress the lines, and a line
// filter scans one contiguous buffer. See docs/chunk-format.md.
import { crc32 } from 'node:zlib';
import type { Label } from '../../util/labels.js';
import { ByteReader, ByteWriter, CorruptDataError } from '../../util/varint.js';
import { type Codec, compress, decompress } from './compression.js';

const EMPTY_LABELS: readonly Label[] = [];

/** A compressed block and what a reader needs to know without decompressing it. */
export interface StoredBlock {
  /** Earliest and latest entry, in ns relative to the chunk's base. */
  readonly minOff: number;
  readonly maxOff: number;
  readonly count: number;
  /** Sum of the line lengths (what bytes_over_time counts). */
  readonly linesSize: number;
  readonly index: Buffer;
  readonly indexCrc: number;
  readonly metadata: Buffer | null;
  readonly metadataCrc: number;
  readonly lines: Buffer;
  readonly linesCrc: number;
}

/** Entries of one block, decoded into columns. Entry i's time is baseNs + ts[i]. */
export interface DecodedBlock {
  readonly count: number;
  readonly baseNs: bigint;
  /** Nanoseconds relative to baseNs, ascending. */
  readonly ts: Float64Array;
  /** count+1 offsets: line i is lines[offsets[i], offsets[i+1]). */
  readonly offsets: Uint32Array;
  readonly lines: Buffer;
  /** Structured metadata per entry, or null when no entry of the block has any. */
  readonly metadata: ReadonlyArray<readonly Label[]> | null;
}

export class ChunkCorruptError extends Error {
  override name = 'ChunkCorruptError';
}

/**
 * The block being appended to. Entries usually arrive in time order; an entry
 * older than the newest is accepted (Loki's unordered writes) and the block is
 * sorted when it is cut or read.
 */
export class HeadBlock {
  count = 0;
  /** Bytes of line data (what counts against chunk_block_size). */
  size = 0;
  minOff = Number.POSITIVE_INFINITY;
  maxOff = Number.NEGATIVE_INFINITY;
  // Appends only write past any view handed out, and growing or sorting moves to new
  // arrays, so a view stays valid while the head keeps growing.
  private ts: Float64Array;
  private offsets: Uint32Array;
  private lines: Buffer;
  private metadata: Array<readonly Label[]> | null = null;
  private sorted = true;

  /**
   * `expectedBytes` and `expectedEntries` size the first allocation: a busy
   * stream's next head fills about as much as its last one did, and starting
   * there saves the garbage of growing step by step.
   */
  constructor(expectedBytes = 4096, expectedEntries = 64) {
    this.ts = new Float64Array(Math.max(64, expectedEntries));
    this.offsets = new Uint32Array(Math.max(64, expectedEntries) + 1);
    this.lines = Buffer.allocUnsafe(Math.max(4096, expectedBytes));
  }

  append(off: number, line: Uint8Array, metadata: readonly Label[]): void {
    const n = this.count;
    if (n === this.ts.length) this.growEntries();
    const end = this.size + line.length;
    if (end > this.lines.length) this.growLines(end);
    this.lines.set(line, this.size);
    this.ts[n] = off;
    this.offsets[n + 1] = end;
    if (metadata.length > 0) {
      if (!this.metadata) this.metadata = new Array(n).fill(EMPTY_LABELS);
      this.metadata.push(metadata);
    } else if (this.metadata) {
      this.metadata.push(EMPTY_LABELS);
    }
    if (off < this.maxOff) this.sorted = false;
    if (off > this.maxOff) this.maxOff = off;
    if (off < this.minOff) this.minOff = off;
    this.count = n + 1;
    this.size = end;
  }

  /** True if an entry with exactly this time and line is already in the block. */
  contains(off: number, line: Uint8Array): boolean {
    for (let i = this.count - 1; i >= 0; i--) {
      if (this.ts[i] !== off) continue;
      const start = this.offsets[i]!;
      const len = this.offsets[i + 1]! - start;
      if (len === line.length && this.lines.compare(line, 0, len, start, start + len) === 0) return true;
    }
    return false;
  }

  private growEntries(): void {
    const ts = new Float64Array(this.ts.length * 2);
    ts.set(this.ts);
    this.ts = ts;
    const offsets = new Uint32Array(this.offsets.length * 2);
    offsets.set(this.offsets);
    this.offsets = offsets;
  }

  private growLines(min: number): void {
    let size = this.lines.length * 2;
    while (size < min) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.lines.copy(next, 0, 0, this.size);
    this.lines = next;
  }

  /** The entries, sorted by time, as a decoded block (copies when the block is out of order). */
  view(baseNs: bigint): DecodedBlock {
    if (!this.sorted) this.sortInPlace();
    return {
      count: this.count,
      baseNs,
      ts: this.ts.subarray(0, this.count),
      offsets: this.offsets.subarray(0, this.count + 1),
      lines: this.lines.subarray(0, this.size),
      metadata: this.metadata,
    };
  }

  private sortInPlace(): void {
    const n = this.count;
    const order = Array.from({ length: n }, (_, i) => i);
    const ts = this.ts;
    // Stable: entries with equal times keep their arrival order.
    order.sort((a, b) => ts[a]! - ts[b]! || a - b);
    const newTs = new Float64Array(this.ts.length);
    const newOffsets = new Uint32Array(this.offsets.length);
    const newLines = Buffer.allocUnsafe(this.lines.length);
    const newMeta = this.metadata ? new Array<readonly Label[]>(n) : null;
    let pos = 0;
    for (let i = 0; i < n; i++) {
      const j = order[i]!;
      newTs[i] = ts[j]!;
      const start = this.offsets[j]!;
      const end = this.offsets[j + 1]!;
      this.lines.copy(newLines, pos, start, end);
      pos += end - start;
      newOffsets[i + 1] = pos;
      if (newMeta) newMeta[i] = this.metadata![j]!;
    }
    this.ts = newTs;
    this.offsets = newOffsets;
    this.lines = newLines;
    this.metadata = newMeta;
    this.sorted = true;
  }

  /** Compresses the (sorted) entries into a stored block. */
  encode(codec: Codec): StoredBlock {
    const view = this.view(0n);
    return encodeBlock(view, codec);
  }
}

const indexWriter = new ByteWriter(16 * 1024);
const metadataWriter = new ByteWriter(4 * 1024);

export function encodeBlock(block: DecodedBlock, codec: Codec): StoredBlock {
  const { count, ts, offsets } = block;
  const w = indexWriter;
  w.reset();
  let prev = count > 0 ? ts[0]! : 0;
  for (let i = 0; i < count; i++) {
    const t = ts[i]!;
    w.uvarint(t - prev);
    prev = t;
  }
  for (let i = 0; i < count; i++) w.uvarint(offsets[i + 1]! - offsets[i]!);
  const index = compress(codec, w.view());
  let metadata: Buffer | null = null;
  if (block.metadata) {
    const m = metadataWriter;
    m.reset();
    for (let i = 0; i < count; i++) {
      const labels = block.metadata[i] ?? EMPTY_LABELS;
      m.uvarint(labels.length);
      for (const l of labels) {
        m.string(l.name);
        m.string(l.value);
      }
    }
    metadata = compress(codec, m.view());
  }
  const raw = block.lines.subarray(offsets[0]!, offsets[count]!);
  const lines = compress(codec, raw);
  // The columns are copied into one shared buffer: it owns them (the writers and the
  // input are reused), and query workers read them without another copy.
  const total = index.length + (metadata?.length ?? 0) + lines.length;
  const shared = Buffer.from(new SharedArrayBuffer(total));
  const sIndex = shared.subarray(0, index.length);
  index.copy(sIndex);
  let pos = index.length;
  let sMeta: Buffer | null = null;
  if (metadata) {
    sMeta = shared.subarray(pos, pos + metadata.length);
    metadata.copy(sMeta);
    pos += metadata.length;
  }
  const sLines = shared.subarray(pos, pos + lines.length);
  lines.copy(sLines);
  return {
    minOff: count > 0 ? ts[0]! : 0,
    maxOff: count > 0 ? ts[count - 1]! : 0,
    count,
    linesSize: raw.length,
    index: sIndex,
    indexCrc: crc32(sIndex),
    metadata: sMeta,
    metadataCrc: sMeta ? crc32(sMeta) : 0,
    lines: sLines,
    linesCrc: crc32(sLines),
  };
}

function checked(buf: Buffer, crc: number, what: string): Buffer {
  if (crc32(buf) !== crc) throw new ChunkCorruptError(`${what} checksum mismatch`);
  return buf;
}

export interface DecodeOptions {
  /** Decompress the lines (not needed to count entries or sum their sizes). */
  lines: boolean;
  /** Decode structured metadata. */
  metadata: boolean;
}

export const DECODE_ALL: DecodeOptions = { lines: true, metadata: true };

const EMPTY_BUFFER: Buffer = Buffer.alloc(0);

/** Decompresses and decodes a stored block, verifying the checksum of every column it reads. */
export function decodeBlock(
  block: StoredBlock,
  codec: Codec,
  baseNs: bigint,
  opts: DecodeOptions = DECODE_ALL,
): DecodedBlock {
  const n = block.count;
  const ts = new Float64Array(n);
  const offsets = new Uint32Array(n + 1);
  try {
    const r = new ByteReader(decompress(codec, checked(block.index, block.indexCrc, 'block index')));
    let t = block.minOff;
    for (let i = 0; i < n; i++) {
      t += r.uvarint();
      ts[i] = t;
    }
    let pos = 0;
    for (let i = 0; i < n; i++) {
      pos += r.uvarint();
      offsets[i + 1] = pos;
    }
    if (pos !== block.linesSize) throw new ChunkCorruptError('block line lengths do not add up');
  } catch (err) {
    throw asCorrupt(err, 'block index');
  }
  let lines: Buffer = EMPTY_BUFFER;
  if (opts.lines) {
    try {
      lines = decompress(codec, checked(block.lines, block.linesCrc, 'block lines'));
    } catch (err) {
      throw asCorrupt(err, 'block lines');
    }
    if (lines.length !== block.linesSize) throw new ChunkCorruptError('block lines have the wrong size');
  }
  let metadata: Array<readonly Label[]> | null = null;
  if (opts.metadata && block.metadata) {
    try {
      const r = new ByteReader(decompress(codec, checked(block.metadata, block.metadataCrc, 'block metadata')));
      metadata = new Array(n);
      for (let i = 0; i < n; i++) {
        const k = r.uvarint();
        if (k === 0) {
          metadata[i] = EMPTY_LABELS;
          continue;
        }
        const labels: Label[] = new Array(k);
        for (let j = 0; j < k; j++) labels[j] = { name: r.string(), value: r.string() };
        metadata[i] = labels;
      }
    } catch (err) {
      throw asCorrupt(err, 'block metadata');
    }
  }
  return { count: n, baseNs, ts, offsets, lines, metadata };
}

function asCorrupt(err: unknown, what: string): ChunkCorruptError {
  if (err instanceof ChunkCorruptError) return err;
  if (err instanceof CorruptDataError) return new ChunkCorruptError(`${what}: ${err.message}`);
  return new ChunkCorruptError(`${what}: ${err instanceof Error ? err.message : String(err)}`);
}
