// The layout of an LZ4 frame stream (the `Content-Encoding: lz4` body), read
// without decompressing: where each frame starts and ends, and the most bytes
// its blocks can expand to. The native decoder takes one frame at a time and
// has no output limit, so the body is split here and a decompression bomb is
// refused from its headers before any memory is spent on it.
//
// Format: https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md

const FRAME_MAGIC = 0x184d2204;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const LEGACY_MAGIC = 0x184c2102;
const UNCOMPRESSED_BLOCK = 0x80000000;
/** An LZ4 sequence expands at most ~255 times (a run coded as length bytes of 255). */
const MAX_EXPANSION = 255;

const BLOCK_MAX_SIZES: Readonly<Record<number, number>> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };

export class Lz4FormatError extends Error {
  override name = 'Lz4FormatError';
}

export interface Lz4Frame {
  readonly start: number;
  readonly end: number;
  /** Upper bound of the frame's decompressed size. */
  readonly maxOutput: number;
}

function need(buf: Buffer, pos: number, n: number): void {
  if (pos + n > buf.length) throw new Lz4FormatError('unexpected EOF');
}

function walkFrame(buf: Buffer, start: number): Lz4Frame {
  let pos = start + 4;
  need(buf, pos, 2);
  const flg = buf[pos]!;
  const bd = buf[pos + 1]!;
  if (flg >> 6 !== 1) throw new Lz4FormatError('lz4: unsupported frame version');
  const blockMax = BLOCK_MAX_SIZES[(bd >> 4) & 7];
  if (blockMax === undefined) throw new Lz4FormatError('lz4: invalid block max size');
  const blockChecksum = (flg & 0x10) !== 0;
  const contentSize = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  const dictId = (flg & 0x01) !== 0;
  pos += 2 + (contentSize ? 8 : 0) + (dictId ? 4 : 0) + 1;
  need(buf, pos, 0);

  let maxOutput = 0;
  for (;;) {
    need(buf, pos, 4);
    const word = buf.readUInt32LE(pos);
    pos += 4;
    if (word === 0) break;
    const size = word & ~UNCOMPRESSED_BLOCK;
    if (size > blockMax) throw new Lz4FormatError('lz4: invalid block size');
    need(buf, pos, size + (blockChecksum ? 4 : 0));
    pos += size + (blockChecksum ? 4 : 0);
    maxOutput += (word & UNCOMPRESSED_BLOCK) !== 0 ? size : Math.min(blockMax, size * MAX_EXPANSION);
  }
  if (contentChecksum) {
    need(buf, pos, 4);
    pos += 4;
  }
  return { start, end: pos, maxOutput };
}

/**
 * The frames of a body, in order, skippable frames left out. Throws
 * Lz4FormatError for anything that is not a complete LZ4 frame stream.
 */
export function lz4Frames(buf: Buffer): Lz4Frame[] {
  const frames: Lz4Frame[] = [];
  let pos = 0;
  while (pos < buf.length) {
    need(buf, pos, 4);
    const magic = buf.readUInt32LE(pos);
    if (magic === FRAME_MAGIC) {
      const frame = walkFrame(buf, pos);
      frames.push(frame);
      pos = frame.end;
    } else if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      need(buf, pos + 4, 4);
      const size = buf.readUInt32LE(pos + 4);
      need(buf, pos + 8, size);
      pos += 8 + size;
    } else if (magic === LEGACY_MAGIC) {
      throw new Lz4FormatError('lz4: the legacy frame format is not supported');
    } else {
      throw new Lz4FormatError('lz4: bad magic number');
    }
  }
  return frames;
}
