// One stream in the ingester: a tenant's entries for one label set, as a list
// of chunks of which the last takes new entries. Mirrors Loki's rules for
// what a stream accepts: exact duplicates of the last entry are dropped
// silently, entries older than the newest minus half of max_chunk_age are
// rejected ("entry too far behind"), everything else is accepted in any order.

import { formatByteSize } from '../config/values/bytesize.js';
import { entrySize, type PushEntry } from '../distributor/push-request.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { MemChunk } from '../storage/chunk/chunk.js';
import type { ChunkRef } from '../storage/index/index-file.js';
import type { Label, Labels } from '../util/labels.js';
import { formatRFC3339 } from '../util/time.js';

export interface ChunkDesc {
  chunk: MemChunk;
  /** No more appends: cut for size, age or idleness, or flushed. */
  closed: boolean;
  /** Wall-clock ms of the last append (for chunk_idle_period). */
  lastUpdatedMs: number;
  /** Set once the chunk object is in the store. */
  ref?: ChunkRef;
  /** The object key once flushed. */
  key?: string;
  /** Wall-clock ms when the index entry for the flushed chunk was shipped. */
  indexedAtMs?: number;
  /** A flush of this chunk is queued or running. */
  flushing?: boolean;
  /** Why the chunk was flushed (metrics): full, idle, max_age, forced. */
  flushReason?: string;
}

export interface FailedEntry {
  sec: number;
  nanos: number;
  /** Line plus structured metadata bytes (for discard metrics). */
  size: number;
  reason: string;
  /** Refused by the per-stream rate limit (a 429) rather than for its time (a 400). */
  rateLimited: boolean;
}

/** The per-stream rate limit and the text of its error (Loki's ErrStreamRateLimit). */
export interface StreamRateLimit {
  limiter: RateLimiter;
  /** Bytes per second, for the message. */
  limit: number;
}

export interface StreamPushResult {
  accepted: PushEntry[];
  failed: FailedEntry[];
  bytes: number;
}

export type ChunkFactory = (baseSec: number) => MemChunk;

function metadataEqual(a: readonly Label[], b: readonly Label[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.name !== b[i]!.name || a[i]!.value !== b[i]!.value) return false;
  return true;
}

function streamRateLimitReason(limit: number, stream: string, bytes: number): string {
  return `Per stream rate limit exceeded (limit: ${formatByteSize(limit)}/sec) while attempting to ingest for stream '${stream}' totaling ${formatByteSize(bytes)}, consider splitting a stream via additional labels or contact your Loki administrator to see if the limit can be increased`;
}

export class Stream {
  /** The stream's own rate limiter (per_stream_rate_limit), created on first use. */
  rateLimiter: RateLimiter | null = null;
  chunks: ChunkDesc[] = [];
  /** Entries appended since the stream was created (or replayed). */
  entryCount = 0;
  private highestSec = Number.NEGATIVE_INFINITY;
  private highestNanos = 0;
  private lastSec = Number.NaN;
  private lastNanos = 0;
  private lastLine: Uint8Array | null = null;
  private lastMetadata: readonly Label[] = [];

  constructor(
    readonly tenant: string,
    readonly labels: Labels,
    /** Canonical `{a="b"}` form. */
    readonly key: string,
    readonly fp: string,
    private readonly newChunk: ChunkFactory,
    private readonly maxChunkAgeMs: number,
  ) {}

  /**
   * Appends entries. On replay (`isReplay`) the too-far-behind rule is not
   * applied: those entries were accepted before the restart.
   */
  push(
    entries: readonly PushEntry[],
    nowMs: number,
    isReplay = false,
    rate: StreamRateLimit | null = null,
  ): StreamPushResult {
    const accepted: PushEntry[] = [];
    const failed: FailedEntry[] = [];
    let bytes = 0;
    const halfAgeSec = this.maxChunkAgeMs / 2000;
    for (const e of entries) {
      if (
        e.sec === this.lastSec &&
        e.nanos === this.lastNanos &&
        this.lastLine &&
        Buffer.compare(e.line, this.lastLine) === 0 &&
        metadataEqual(e.structuredMetadata, this.lastMetadata)
      ) {
        continue;
      }
      if (!isReplay && rate) {
        const size = entrySize(e);
        if (!rate.limiter.allowN(nowMs, size)) {
          failed.push({
            sec: e.sec,
            nanos: e.nanos,
            size,
            reason: streamRateLimitReason(rate.limit, this.key, size),
            rateLimited: true,
          });
          continue;
        }
      }
      if (!isReplay && this.highestSec !== Number.NEGATIVE_INFINITY && this.isTooFarBehind(e, halfAgeSec)) {
        failed.push({
          sec: e.sec,
          nanos: e.nanos,
          size: entrySize(e),
          reason: this.tooFarBehindReason(e, halfAgeSec),
          rateLimited: false,
        });
        continue;
      }
      let desc = this.chunks.at(-1);
      let off = desc ? desc.chunk.offsetOf(e.sec, e.nanos) : Number.NaN;
      if (!desc || desc.closed || Number.isNaN(off) || !desc.chunk.spaceFor(e.line.length)) {
        if (desc && !desc.closed) this.close(desc, 'full');
        desc = { chunk: this.newChunk(e.sec), closed: false, lastUpdatedMs: nowMs };
        this.chunks.push(desc);
        off = desc.chunk.offsetOf(e.sec, e.nanos);
      }
      const chunk = desc.chunk;
      // Out of order: an identical entry may sit in the head block already.
      if (off <= chunk.head.maxOff && chunk.headContains(off, e.line)) continue;
      chunk.append(off, e.line, e.structuredMetadata);
      desc.lastUpdatedMs = nowMs;
      this.entryCount++;
      this.lastSec = e.sec;
      this.lastNanos = e.nanos;
      this.lastLine = e.line;
      this.lastMetadata = e.structuredMetadata;
      if (e.sec > this.highestSec || (e.sec === this.highestSec && e.nanos > this.highestNanos)) {
        this.highestSec = e.sec;
        this.highestNanos = e.nanos;
      }
      bytes += e.line.length;
      accepted.push(e);
    }
    return { accepted, failed, bytes };
  }

  private isTooFarBehind(e: PushEntry, halfAgeSec: number): boolean {
    // cutoff = highest - maxChunkAge/2, compared to the nanosecond without overflowing doubles.
    const wholeSec = Math.floor(halfAgeSec);
    const fracNanos = Math.round((halfAgeSec - wholeSec) * 1e9);
    let cutSec = this.highestSec - wholeSec;
    let cutNanos = this.highestNanos - fracNanos;
    if (cutNanos < 0) {
      cutSec -= 1;
      cutNanos += 1e9;
    }
    return e.sec < cutSec || (e.sec === cutSec && e.nanos < cutNanos);
  }

  private tooFarBehindReason(e: PushEntry, halfAgeSec: number): string {
    const entryNs = BigInt(e.sec) * 1_000_000_000n + BigInt(e.nanos);
    const cutoffNs =
      BigInt(this.highestSec) * 1_000_000_000n + BigInt(this.highestNanos) - BigInt(Math.round(halfAgeSec * 1e9));
    return `entry too far behind, entry timestamp is: ${formatRFC3339(entryNs)}, oldest acceptable timestamp is: ${formatRFC3339(cutoffNs)}`;
  }

  /** Closes a chunk for appends and compresses its head block. */
  close(desc: ChunkDesc, reason: string): void {
    if (desc.closed) return;
    desc.closed = true;
    desc.flushReason = reason;
    desc.chunk.cutHead(true);
  }

  /** Restores chunks from a checkpoint. */
  restore(chunks: MemChunk[], lastOpen: boolean, nowMs: number): void {
    chunks.forEach((chunk, i) => {
      const open = lastOpen && i === chunks.length - 1;
      this.chunks.push({ chunk, closed: !open, lastUpdatedMs: nowMs, flushReason: open ? undefined : 'full' });
      if (chunk.entries > 0) {
        const maxNs = chunk.maxNs;
        const sec = Number(maxNs / 1_000_000_000n);
        const nanos = Number(maxNs % 1_000_000_000n);
        if (sec > this.highestSec || (sec === this.highestSec && nanos > this.highestNanos)) {
          this.highestSec = sec;
          this.highestNanos = nanos;
        }
      }
      this.entryCount += chunk.entries;
    });
  }

  /** Bytes held in memory by the stream's chunks. */
  get memorySize(): number {
    let n = 0;
    for (const c of this.chunks) n += c.chunk.memorySize;
    return n;
  }
}
