// The ingester service's messages (proto/skald/ingester.proto) and how
// Skald's objects map onto them. Field names match Skald's own objects
// (a StoredBlock, a PushEntry, an IngestStream encode as they are), so the
// push path and the chunk path convert nothing but the head block.
import { endianness } from 'node:os';
import { status as Status } from '@grpc/grpc-js';
import type { PushEntry } from '../../distributor/push-request.js';
import type { InMemoryChunk } from '../../querier/sources.js';
import { methodSpec } from '../../server/grpc/proto.js';
import { grpcError } from '../../server/grpc/server.js';
import type { DecodedBlock, StoredBlock } from '../../storage/chunk/block.js';
import type { Codec } from '../../storage/chunk/compression.js';
import type { Label, Labels } from '../../util/labels.js';
import { type CompiledMatcher, compileMatcher, type LabelMatcher, type MatchOp } from '../../util/matchers.js';
import { NS_PER_SEC } from '../../util/time.js';
import type { IngestStream, StreamView } from '../ingester.js';

// Head blocks travel as raw float64/uint32 columns; both ends are Node on
// little-endian hardware, which this asserts rather than byte-swapping.
if (endianness() !== 'LE') throw new Error('Skald’s ingester protocol needs a little-endian machine');

export interface LabelMsg {
  name: string;
  value: string;
}

export interface PushRequestMsg {
  tenant: string;
  streams: ReadonlyArray<{ key: string; labels: Labels; entries: readonly PushEntry[] }>;
}

export interface TimestampMsg {
  seconds: number;
  nanos: number;
}

export interface SelectRequestMsg {
  tenant: string;
  matchers: LabelMatcher[];
  from?: TimestampMsg | null;
  through?: TimestampMsg | null;
}

/** A block as sent (StoredBlock) or received (metadata is an empty buffer when absent). */
export interface BlockMsg {
  minOff: number;
  maxOff: number;
  count: number;
  linesSize: number;
  index: Buffer;
  indexCrc: number;
  metadata: Buffer | null;
  metadataCrc: number;
  lines: Buffer;
  linesCrc: number;
}

export interface HeadMsg {
  ts: Buffer;
  offsets: Buffer;
  lines: Buffer;
  metadata: Array<{ labels: LabelMsg[] }>;
}

export interface ChunkMsg {
  baseSec: number;
  codec: number;
  minOff: number;
  maxOff: number;
  storeKey: string;
  size: number;
  blocks: readonly BlockMsg[];
  head?: HeadMsg | null;
}

export interface StreamChunksMsg {
  key: string;
  labels: Labels;
  fp: string;
  chunks: ChunkMsg[];
}

export interface SelectResponseMsg {
  streams: StreamChunksMsg[];
}

export interface SeriesResponseMsg {
  streams: Array<{ key: string; labels: Labels }>;
}

export interface TailRequestMsg {
  tenant: string;
  matchers: LabelMatcher[];
}

export interface TailResponseMsg {
  streams: Array<{ key: string; labels: Labels; entries: PushEntry[] }>;
  droppedEntries: number;
}

// biome-ignore lint/complexity/noBannedTypes: the empty message has no fields.
export type EmptyMsg = {};

const FILE = 'ingester.proto';
const PKG = 'skald.ingester.v1';

export const IngesterMethods = {
  Push: methodSpec<PushRequestMsg, EmptyMsg>(FILE, PKG, 'Ingester', 'Push', 'PushRequest', 'PushResponse', false),
  Select: methodSpec<SelectRequestMsg, SelectResponseMsg>(
    FILE,
    PKG,
    'Ingester',
    'Select',
    'SelectRequest',
    'SelectResponse',
    true,
  ),
  Series: methodSpec<SelectRequestMsg, SeriesResponseMsg>(
    FILE,
    PKG,
    'Ingester',
    'Series',
    'SelectRequest',
    'SeriesResponse',
    false,
  ),
  Tail: methodSpec<TailRequestMsg, TailResponseMsg>(FILE, PKG, 'Ingester', 'Tail', 'TailRequest', 'TailResponse', true),
} as const;

export function toTimestamp(ns: bigint): TimestampMsg {
  let seconds = ns / NS_PER_SEC;
  let nanos = ns - seconds * NS_PER_SEC;
  if (nanos < 0n) {
    seconds -= 1n;
    nanos += NS_PER_SEC;
  }
  return { seconds: Number(seconds), nanos: Number(nanos) };
}

export function fromTimestamp(t: TimestampMsg | null | undefined): bigint {
  if (!t) return 0n;
  return BigInt(t.seconds) * NS_PER_SEC + BigInt(t.nanos);
}

const OPS: ReadonlySet<string> = new Set(['=', '!=', '=~', '!~']);

/** Compiles the matchers of a request; a malformed one is the caller's error. */
export function compileRequestMatchers(matchers: readonly LabelMatcher[]): CompiledMatcher[] {
  return matchers.map((m) => {
    if (!OPS.has(m.op)) throw grpcError(Status.INVALID_ARGUMENT, `unknown matcher operator "${m.op}"`);
    try {
      return compileMatcher({ name: m.name, op: m.op as MatchOp, value: m.value });
    } catch (err) {
      throw grpcError(Status.INVALID_ARGUMENT, err instanceof Error ? err.message : String(err));
    }
  });
}

export function matchersOf(matchers: readonly LabelMatcher[]): LabelMatcher[] {
  return matchers.map((m) => ({ name: m.name, op: m.op, value: m.value }));
}

/** Plain label objects (decoded messages carry protobufjs prototypes). */
export function plainLabels(labels: readonly LabelMsg[]): Label[] {
  return labels.map((l) => ({ name: l.name, value: l.value }));
}

/** The streams of a decoded push, ready for the ingester. */
export function pushStreams(req: PushRequestMsg): IngestStream[] {
  return req.streams.map((s) => ({ key: s.key, labels: plainLabels(s.labels), entries: s.entries as PushEntry[] }));
}

/** The head block's columns as message fields (views, no copy: encoding copies them). */
function headMsg(h: DecodedBlock): HeadMsg {
  const ts = Buffer.from(h.ts.buffer, h.ts.byteOffset, h.count * 8);
  const offsets = Buffer.from(h.offsets.buffer, h.offsets.byteOffset, (h.count + 1) * 4);
  const lines = h.lines.subarray(0, h.offsets[h.count]!);
  const metadata = h.metadata ? h.metadata.slice(0, h.count).map((labels) => ({ labels: [...labels] })) : [];
  return { ts, offsets, lines, metadata };
}

/** Rough encoded size of a chunk message, to batch a response under the message size limit. */
function chunkBytes(c: ChunkMsg): number {
  let n = 64 + c.storeKey.length;
  for (const b of c.blocks) n += 64 + b.index.length + (b.metadata?.length ?? 0) + b.lines.length;
  if (c.head) n += c.head.ts.length + c.head.offsets.length + c.head.lines.length + c.head.metadata.length * 32;
  return n;
}

export interface ChunkSource {
  chunk: InMemoryChunk & { readonly baseSec: number; readonly minOff: number; readonly maxOff: number };
  storeKey?: string;
}

/**
 * The select answer as messages of about `batchBytes` each (a stream's
 * chunks may span messages; the receiver joins them by stream key).
 */
export function selectResponses(
  views: ReadonlyArray<Omit<StreamView, 'chunks'> & { chunks: readonly ChunkSource[] }>,
  batchBytes: number,
): SelectResponseMsg[] {
  const out: SelectResponseMsg[] = [];
  let cur: StreamChunksMsg[] = [];
  let size = 0;
  for (const v of views) {
    let entry: StreamChunksMsg | null = null;
    for (const { chunk, storeKey } of v.chunks) {
      const head = chunk.headView();
      const msg: ChunkMsg = {
        baseSec: chunk.baseSec,
        codec: chunk.codec,
        minOff: chunk.minOff,
        maxOff: chunk.maxOff,
        storeKey: storeKey ?? '',
        size: chunk.memorySize,
        // Captured now: blocks are immutable and a head view is stable against later appends.
        blocks: [...chunk.blocks],
        head: head && head.count > 0 ? headMsg(head) : null,
      };
      const bytes = chunkBytes(msg);
      if (size > 0 && size + bytes > batchBytes) {
        out.push({ streams: cur });
        cur = [];
        size = 0;
        entry = null;
      }
      if (!entry) {
        entry = { key: v.key, labels: v.labels, fp: v.fp, chunks: [] };
        cur.push(entry);
        size += 64 + v.key.length * 2;
      }
      entry.chunks.push(msg);
      size += bytes;
    }
  }
  if (cur.length > 0) out.push({ streams: cur });
  return out;
}

export interface RemoteStream {
  labels: Labels;
  key: string;
  fp: string;
  chunks: Array<{ chunk: InMemoryChunk; storeKey?: string }>;
}

/**
 * Rebuilds the chunks of a select answer. Every byte the chunks keep is
 * copied into one shared buffer per message: the message buffer can go, and
 * the blocks reach query workers without another copy.
 */
export function decodeSelectResponse(msg: SelectResponseMsg): RemoteStream[] {
  let total = 0;
  for (const s of msg.streams) {
    for (const c of s.chunks) {
      for (const b of c.blocks) total += b.index.length + (b.metadata?.length ?? 0) + b.lines.length;
      if (c.head) total += c.head.lines.length;
    }
  }
  const shared = Buffer.from(new SharedArrayBuffer(Math.max(1, total)));
  let pos = 0;
  const take = (src: Buffer): Buffer => {
    const dst = shared.subarray(pos, pos + src.length);
    src.copy(dst);
    pos += src.length;
    return dst;
  };
  return msg.streams.map((s) => ({
    labels: plainLabels(s.labels),
    key: s.key,
    fp: s.fp,
    chunks: s.chunks.map((c) => {
      const blocks: StoredBlock[] = c.blocks.map((b) => ({
        minOff: b.minOff,
        maxOff: b.maxOff,
        count: b.count,
        linesSize: b.linesSize,
        index: take(b.index),
        indexCrc: b.indexCrc,
        metadata: b.metadata && b.metadata.length > 0 ? take(b.metadata) : null,
        metadataCrc: b.metadataCrc,
        lines: take(b.lines),
        linesCrc: b.linesCrc,
      }));
      const baseNs = BigInt(c.baseSec) * NS_PER_SEC;
      const head = c.head ? decodeHead(c.head, baseNs, take) : null;
      const chunk: InMemoryChunk = {
        baseNs,
        codec: c.codec as Codec,
        blocks,
        minNs: baseNs + BigInt(c.minOff),
        maxNs: baseNs + BigInt(c.maxOff),
        memorySize: c.size,
        headView: () => head,
      };
      return c.storeKey ? { chunk, storeKey: c.storeKey } : { chunk };
    }),
  }));
}

function decodeHead(h: HeadMsg, baseNs: bigint, take: (b: Buffer) => Buffer): DecodedBlock | null {
  const count = h.ts.length / 8;
  if (count === 0) return null;
  // Typed arrays need aligned memory; the message's bytes are not.
  const ts = new Float64Array(count);
  new Uint8Array(ts.buffer).set(h.ts);
  const offsets = new Uint32Array(count + 1);
  new Uint8Array(offsets.buffer).set(h.offsets);
  const metadata = h.metadata.length === count ? h.metadata.map((m) => plainLabels(m.labels)) : null;
  return { count, baseNs, ts, offsets, lines: take(h.lines), metadata };
}

/** Entries of a tail message as the ingester's tail subscribers see them. */
export function tailEntries(entries: readonly PushEntry[]): PushEntry[] {
  return entries.map((e) => ({
    sec: e.sec,
    nanos: e.nanos,
    line: e.line,
    structuredMetadata: e.structuredMetadata.length > 0 ? plainLabels(e.structuredMetadata) : [],
  }));
}
