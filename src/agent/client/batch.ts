// A batch of entries for one tenant, grouped into streams by their labels,
// encoded as Loki's push request (protobuf, snappy-compressed). It keeps
// the entries' acknowledgements, completed once the batch was sent or given up.
//
// Each entry is written into one buffer owned by the batch as it arrives,
// already in its wire form (a logproto.EntryAdapter with its field tag and
// length), so an entry costs the batch its encoded bytes and nothing else:
// the read buffer and per-line objects it came with can be collected at
// once instead of living (and being promoted by the garbage collector) until
// the batch has been sent. Entries of different streams interleave in that
// buffer; each stream keeps the runs of it that are its own, which are long
// (a tailer hands on a whole read of one file at a time). Sending writes the
// push request, stream by stream, into a scratch buffer shared by every
// batch (encoding is synchronous) with one copy per run, not one per line,
// and no protobuf library: that would build several objects per line,
// megabytes of them per batch, all alive at once. The buffers of sent
// batches are reused.
import snappy from 'snappy';
import type { Label } from '../../util/labels.js';
import type { Ack } from '../pipeline/ack.js';

/** Bytes an entry counts for in batch sizes (Promtail: the line plus its structured metadata). */
export function entrySize(lineLength: number, metadata: readonly Label[]): number {
  let n = lineLength;
  for (let i = 0; i < metadata.length; i++)
    n += Buffer.byteLength(metadata[i]!.name) + Buffer.byteLength(metadata[i]!.value);
  return n;
}

/** The uncompressed push request being encoded; grown as needed and reused. */
let scratch = Buffer.allocUnsafe(0);
/** Scratch buffers above this size are let go after use (one huge batch must not pin its memory). */
const MAX_KEPT_SCRATCH = 8 << 20;

/**
 * Entry buffers of finished batches, kept for the next ones. Flow control
 * bounds how many batches exist at once, so keeping every buffer given back
 * (up to a limit) means none is allocated again under steady load: a buffer
 * let go would stay allocated until a full garbage collection found it,
 * several of them at a time. Buffers not needed for a while are let go.
 */
const spareArenas: Buffer[] = [];
const MAX_SPARE_ARENAS = 8;
const SPARE_IDLE_MS = 30_000;
let lastTaken = 0;
let trimTimer: NodeJS.Timeout | undefined;

function takeArena(size: number): Buffer {
  lastTaken = Date.now();
  for (let i = spareArenas.length - 1; i >= 0; i--) {
    if (spareArenas[i]!.length >= size) return spareArenas.splice(i, 1)[0]!;
  }
  return Buffer.allocUnsafe(size);
}

function keepArena(arena: Buffer): void {
  if (arena.length === 0 || arena.length > MAX_KEPT_SCRATCH || spareArenas.length >= MAX_SPARE_ARENAS) return;
  spareArenas.push(arena);
  if (trimTimer === undefined) {
    trimTimer = setInterval(() => {
      if (Date.now() - lastTaken < SPARE_IDLE_MS) return;
      spareArenas.length = 0;
      if (scratch.length > 0) scratch = Buffer.allocUnsafe(0);
      clearInterval(trimTimer);
      trimTimer = undefined;
    }, SPARE_IDLE_MS);
    trimTimer.unref();
  }
}

/** Bytes of `v` as a protobuf varint (0 <= v < 2^53). */
function varintSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

function writeVarint(buf: Buffer, pos: number, v: number): number {
  while (v >= 128) {
    buf[pos++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

/** Bytes of an int64 field value (negative numbers take ten bytes, two's complement). */
function int64Size(v: number): number {
  return v < 0 ? 10 : varintSize(v);
}

function writeInt64(buf: Buffer, pos: number, v: number): number {
  if (v >= 0) return writeVarint(buf, pos, v);
  let x = BigInt.asUintN(64, BigInt(v));
  for (let i = 0; i < 9; i++) {
    buf[pos++] = Number(x & 127n) | 128;
    x >>= 7n;
  }
  buf[pos++] = Number(x);
  return pos;
}

/** Size of a length-delimited field with a one-byte tag: tag, length, body. */
function fieldSize(length: number): number {
  return 1 + varintSize(length) + length;
}

/** A string field; an empty one is left out, as proto3 encoders do. */
function stringFieldSize(text: string): number {
  return text === '' ? 0 : fieldSize(Buffer.byteLength(text));
}

function labelPairSize(l: Label): number {
  return stringFieldSize(l.name) + stringFieldSize(l.value);
}

/** Timestamp{seconds=1, nanos=2}, zero fields left out as proto3 encoders do. */
function timestampSize(sec: number, nanos: number): number {
  return (sec !== 0 ? 1 + int64Size(sec) : 0) + (nanos !== 0 ? 1 + varintSize(nanos) : 0);
}

function writeString(buf: Buffer, pos: number, tag: number, text: string): number {
  if (text === '') return pos;
  buf[pos++] = tag;
  const length = Buffer.byteLength(text);
  pos = writeVarint(buf, pos, length);
  return pos + buf.write(text, pos, length, 'utf8');
}

interface StreamRuns {
  readonly labels: string;
  /** [start, end) pairs of the arena holding this stream's encoded entries, in order. */
  readonly runs: number[];
  /** Encoded entry bytes (the sum of the runs). */
  bytes: number;
}

export class Batch {
  private readonly streams = new Map<string, StreamRuns>();
  /**
   * The entries' acknowledgements, run-length encoded: lines read together
   * share one, and a slot per line would be the one thing here growing with
   * the line count (and outliving young-generation collections).
   */
  private readonly acks: Ack[] = [];
  private readonly ackCounts: number[] = [];
  private arena: Buffer;
  private used = 0;
  private size = 0;
  private count = 0;
  readonly createdAt = Date.now();

  constructor(
    readonly tenant: string,
    private readonly maxStreams: number,
    expectedBytes: number,
  ) {
    // Room for the lines plus their framing (a dozen bytes or so each).
    this.arena = takeArena(Math.max(expectedBytes + (expectedBytes >> 3), 64 * 1024));
  }

  get bytes(): number {
    return this.size;
  }

  get entryCount(): number {
    return this.count;
  }

  get streamCount(): number {
    return this.streams.size;
  }

  private ensureArena(extra: number): void {
    if (this.used + extra <= this.arena.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.arena.length + (this.arena.length >> 1), this.used + extra));
    this.arena.copy(bigger, 0, 0, this.used);
    this.arena = bigger;
  }

  /**
   * Adds an entry whose line is src[start, start + length) to its stream;
   * false when a new stream would exceed `max_streams`.
   */
  add(
    streamKey: string,
    sec: number,
    nanos: number,
    src: Buffer,
    start: number,
    length: number,
    metadata: readonly Label[],
    size: number,
    ack: Ack,
  ): boolean {
    let stream = this.streams.get(streamKey);
    if (stream === undefined) {
      if (this.maxStreams > 0 && this.streams.size >= this.maxStreams) return false;
      stream = { labels: streamKey, runs: [], bytes: 0 };
      this.streams.set(streamKey, stream);
    }
    const ts = timestampSize(sec, nanos);
    let body = 1 + varintSize(ts) + ts + (length > 0 ? fieldSize(length) : 0);
    for (let i = 0; i < metadata.length; i++) body += fieldSize(labelPairSize(metadata[i]!));
    const record = 1 + varintSize(body) + body;
    this.ensureArena(record);
    const buf = this.arena;
    const at = this.used;
    let pos = at;
    buf[pos++] = 0x12; // StreamAdapter.entries
    pos = writeVarint(buf, pos, body);
    buf[pos++] = 0x0a; // EntryAdapter.timestamp
    pos = writeVarint(buf, pos, ts);
    if (sec !== 0) {
      buf[pos++] = 0x08;
      pos = writeInt64(buf, pos, sec);
    }
    if (nanos !== 0) {
      buf[pos++] = 0x10;
      pos = writeVarint(buf, pos, nanos);
    }
    if (length > 0) {
      buf[pos++] = 0x12; // EntryAdapter.line (an empty one left out, as proto3 encoders do)
      pos = writeVarint(buf, pos, length);
      pos += src.copy(buf, pos, start, start + length);
    }
    for (let i = 0; i < metadata.length; i++) {
      const l = metadata[i]!;
      buf[pos++] = 0x1a; // EntryAdapter.structuredMetadata
      pos = writeVarint(buf, pos, labelPairSize(l));
      pos = writeString(buf, pos, 0x0a, l.name);
      pos = writeString(buf, pos, 0x12, l.value);
    }
    this.used = pos;
    const runs = stream.runs;
    if (runs.length > 0 && runs[runs.length - 1] === at) runs[runs.length - 1] = pos;
    else runs.push(at, pos);
    stream.bytes += record;
    this.count++;
    const last = this.acks.length - 1;
    if (last >= 0 && this.acks[last] === ack) this.ackCounts[last]!++;
    else {
      this.acks.push(ack);
      this.ackCounts.push(1);
    }
    this.size += size;
    return true;
  }

  /** The uncompressed protobuf PushRequest (logproto.PushRequest), as a view of the shared scratch buffer. */
  encodeProto(): Buffer {
    let total = 0;
    for (const s of this.streams.values()) total += fieldSize(stringFieldSize(s.labels) + s.bytes);
    // Some room above this batch's size, so that the next, slightly bigger one does not reallocate.
    if (scratch.length < total) scratch = Buffer.allocUnsafe(total + (total >> 3));
    const buf = scratch;
    let pos = 0;
    for (const s of this.streams.values()) {
      buf[pos++] = 0x0a; // PushRequest.streams
      pos = writeVarint(buf, pos, stringFieldSize(s.labels) + s.bytes);
      pos = writeString(buf, pos, 0x0a, s.labels); // StreamAdapter.labels
      const runs = s.runs;
      for (let i = 0; i < runs.length; i += 2) pos += this.arena.copy(buf, pos, runs[i]!, runs[i + 1]!);
    }
    if (pos !== total) throw new Error(`push request encoding wrote ${pos} bytes, expected ${total}`);
    return buf.subarray(0, total);
  }

  /** The snappy-compressed protobuf PushRequest. */
  encode(): Buffer {
    const body = snappy.compressSync(this.encodeProto());
    if (scratch.length > MAX_KEPT_SCRATCH) scratch = Buffer.allocUnsafe(0);
    return body;
  }

  /** Completes every entry's acknowledgement (sent, or given up on) and recycles the entry buffer. */
  settle(): void {
    const acks = this.acks;
    for (let i = 0; i < acks.length; i++) for (let n = this.ackCounts[i]!; n > 0; n--) acks[i]!.done();
    acks.length = 0;
    this.ackCounts.length = 0;
    this.release();
  }

  /** Gives the entry buffer back without acknowledging anything (abandoned at shutdown). */
  release(): void {
    keepArena(this.arena);
    this.arena = Buffer.alloc(0);
    this.streams.clear();
  }
}
