// A batch of entries for one tenant, grouped into streams by their labels,
// encoded as Loki's push request (protobuf, snappy-compressed). It keeps
// the entries' acknowledgements, completed once the batch was sent or given up.
//
// Lines are copied into one buffer owned by the batch and entries are kept
// as columns of numbers, so that an entry costs the batch a few bytes
// besides its line: the read buffers and per-line objects the entry came
// with can be collected at once instead of living (and being promoted by
// the garbage collector) until the batch has been sent. The buffers of sent
// batches are reused.
import snappy from 'snappy';
import { encodePushRequestProto } from '../../distributor/decode-protobuf.js';
import type { PushEntry, PushStream } from '../../distributor/push-request.js';
import type { Label } from '../../util/labels.js';
import type { Ack } from '../pipeline/ack.js';

/** Bytes an entry counts for in batch sizes (Promtail: the line plus its structured metadata). */
export function entrySize(line: Buffer, metadata: readonly Label[]): number {
  let n = line.length;
  for (let i = 0; i < metadata.length; i++)
    n += Buffer.byteLength(metadata[i]!.name) + Buffer.byteLength(metadata[i]!.value);
  return n;
}

const NO_METADATA: readonly Label[] = [];

/** Line buffers of finished batches, kept for the next ones (a few per process are enough). */
const spareArenas: Buffer[] = [];
const MAX_SPARE_ARENAS = 3;

function takeArena(size: number): Buffer {
  for (let i = spareArenas.length - 1; i >= 0; i--) {
    if (spareArenas[i]!.length >= size) return spareArenas.splice(i, 1)[0]!;
  }
  return Buffer.allocUnsafe(size);
}

interface StreamRows {
  readonly labels: string;
  rows: number[];
}

export class Batch {
  private readonly streams = new Map<string, StreamRows>();
  private readonly acks: Ack[] = [];
  private arena: Buffer;
  private used = 0;
  /** Per entry: seconds, nanoseconds, offset and length of the line in the arena. */
  private cols = new Float64Array(1024 * 4);
  private metadata: Map<number, readonly Label[]> | undefined;
  private size = 0;
  private count = 0;
  readonly createdAt = Date.now();

  constructor(
    readonly tenant: string,
    private readonly maxStreams: number,
    expectedBytes: number,
  ) {
    this.arena = takeArena(Math.max(expectedBytes, 64 * 1024));
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
    const bigger = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.used + extra));
    this.arena.copy(bigger, 0, 0, this.used);
    this.arena = bigger;
  }

  /** Adds an entry to its stream; false when a new stream would exceed `max_streams`. */
  add(
    streamKey: string,
    sec: number,
    nanos: number,
    line: Buffer,
    metadata: readonly Label[],
    size: number,
    ack: Ack,
  ): boolean {
    let stream = this.streams.get(streamKey);
    if (stream === undefined) {
      if (this.maxStreams > 0 && this.streams.size >= this.maxStreams) return false;
      stream = { labels: streamKey, rows: [] };
      this.streams.set(streamKey, stream);
    }
    const row = this.count++;
    let cols = this.cols;
    if ((row + 1) * 4 > cols.length) {
      const grown = new Float64Array(cols.length * 2);
      grown.set(cols);
      this.cols = grown;
      cols = grown;
    }
    this.ensureArena(line.length);
    line.copy(this.arena, this.used);
    cols[row * 4] = sec;
    cols[row * 4 + 1] = nanos;
    cols[row * 4 + 2] = this.used;
    cols[row * 4 + 3] = line.length;
    this.used += line.length;
    if (metadata.length > 0) {
      this.metadata ??= new Map();
      this.metadata.set(row, metadata);
    }
    stream.rows.push(row);
    this.acks.push(ack);
    this.size += size;
    return true;
  }

  /** The streams as push request data (the lines are views of the batch's buffer). */
  pushStreams(): PushStream[] {
    const cols = this.cols;
    const out: PushStream[] = [];
    for (const s of this.streams.values()) {
      const entries: PushEntry[] = new Array(s.rows.length);
      for (let i = 0; i < s.rows.length; i++) {
        const r = s.rows[i]!;
        const off = cols[r * 4 + 2]!;
        entries[i] = {
          sec: cols[r * 4]!,
          nanos: cols[r * 4 + 1]!,
          line: this.arena.subarray(off, off + cols[r * 4 + 3]!),
          structuredMetadata: this.metadata?.get(r) ?? NO_METADATA,
        };
      }
      out.push({ labels: s.labels, entries });
    }
    return out;
  }

  /** The snappy-compressed protobuf PushRequest. */
  encode(): Buffer {
    return snappy.compressSync(encodePushRequestProto({ streams: this.pushStreams() }));
  }

  /** Completes every entry's acknowledgement (sent, or given up on) and recycles the line buffer. */
  settle(): void {
    for (const a of this.acks) a.done();
    this.acks.length = 0;
    this.release();
  }

  /** Gives the line buffer back without acknowledging anything (abandoned at shutdown). */
  release(): void {
    if (this.arena.length > 0 && spareArenas.length < MAX_SPARE_ARENAS) spareArenas.push(this.arena);
    this.arena = Buffer.alloc(0);
    this.streams.clear();
  }
}
