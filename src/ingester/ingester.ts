// The ingester: keeps recent entries of every stream in memory as compressed
// chunks, makes each push durable in the WAL before acknowledging it, and
// flushes chunks to the store when they are full, idle or old enough.
import { Counter, Gauge, type Registry } from 'prom-client';
import { entrySize, type PushEntry } from '../distributor/push-request.js';
import { type DiscardMetrics, Reason } from '../limits/discarded.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import { Messages } from '../messages.js';
import { decodeChunk, MemChunk } from '../storage/chunk/chunk.js';
import { type Codec, codecName } from '../storage/chunk/compression.js';
import type { Store } from '../storage/store.js';
import type { Labels } from '../util/labels.js';
import type { Logger } from '../util/log.js';
import type { CompiledMatcher } from '../util/matchers.js';
import { formatGoTime, secNanosToNs } from '../util/time.js';
import { ByteWriter } from '../util/varint.js';
import { TenantInstance } from './instance.js';
import type { ChunkDesc, FailedEntry, Stream, StreamRateLimit } from './stream.js';
import { TailHub } from './tail-hub.js';
import { RECORD_ENTRIES, type WalStreamEntries, writeEntriesRecord, writeSeriesRecord } from './wal/record.js';
import { WriteAheadLog } from './wal/wal.js';

export interface IngesterConfig {
  codec: Codec;
  blockSize: number;
  targetSize: number;
  maxChunkAgeMs: number;
  chunkIdlePeriodMs: number;
  chunkRetainPeriodMs: number;
  flushCheckPeriodMs: number;
  flushOpTimeoutMs: number;
  concurrentFlushes: number;
  /** Failed entries listed in a push error before the summary line (Loki: max_returned_stream_errors). */
  maxReturnedStreamErrors: number;
  /** How often flushed chunk references are written to the index. */
  indexShipIntervalMs: number;
  wal: {
    enabled: boolean;
    dir: string;
    checkpointDurationMs: number;
  };
  /** Parses canonical stream labels (WAL replay). */
  parseLabels: (text: string) => Labels;
}

export interface IngestStream {
  labels: Labels;
  /** Canonical `{a="b"}` form. */
  key: string;
  entries: PushEntry[];
}

/** A push the ingester refused entries of; the other entries were stored. */
export class IngesterPushError extends Error {
  override name = 'IngesterPushError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** What a query sees of one in-memory stream. */
export interface StreamView {
  labels: Labels;
  key: string;
  fp: string;
  /** Chunks overlapping the queried range, with the store key of those already flushed. */
  chunks: Array<{ chunk: MemChunk; storeKey?: string }>;
}

interface IngesterMetrics {
  memoryStreams: Gauge;
  streamsCreated: Counter;
  streamsRemoved: Counter;
  memoryChunks: Gauge;
  chunksCreated: Counter;
  chunksFlushed: Counter;
  chunkFlushFailures: Counter;
  chunkEntries: Counter;
  chunkBytesStored: Counter;
  walRecordsLogged: Counter;
  walBytes: Counter;
  walReplayedEntries: Counter;
  walCorruptions: Counter;
  checkpoints: Counter;
  checkpointFailures: Counter;
}

function metrics(registry: Registry): IngesterMetrics {
  const r = [registry];
  return {
    memoryStreams: new Gauge({
      name: 'loki_ingester_memory_streams',
      help: 'The total number of streams in memory per tenant.',
      labelNames: ['tenant'],
      registers: r,
    }),
    streamsCreated: new Counter({
      name: 'loki_ingester_streams_created_total',
      help: 'The total number of streams created per tenant.',
      labelNames: ['tenant'],
      registers: r,
    }),
    streamsRemoved: new Counter({
      name: 'loki_ingester_streams_removed_total',
      help: 'The total number of streams removed per tenant.',
      labelNames: ['tenant'],
      registers: r,
    }),
    memoryChunks: new Gauge({
      name: 'loki_ingester_memory_chunks',
      help: 'The total number of chunks in memory.',
      registers: r,
    }),
    chunksCreated: new Counter({
      name: 'loki_ingester_chunks_created_total',
      help: 'The total number of chunks created in the ingester.',
      registers: r,
    }),
    chunksFlushed: new Counter({
      name: 'loki_ingester_chunks_flushed_total',
      help: 'Total flushed chunks per reason.',
      labelNames: ['reason'],
      registers: r,
    }),
    chunkFlushFailures: new Counter({
      name: 'loki_ingester_chunks_flush_failures_total',
      help: 'Total number of flush failures.',
      registers: r,
    }),
    chunkEntries: new Counter({
      name: 'loki_ingester_chunk_entries_total',
      help: 'Entries in flushed chunks.',
      registers: r,
    }),
    chunkBytesStored: new Counter({
      name: 'loki_ingester_chunk_stored_bytes_total',
      help: 'Total bytes stored in chunks per tenant.',
      labelNames: ['tenant'],
      registers: r,
    }),
    walRecordsLogged: new Counter({
      name: 'loki_ingester_wal_records_logged_total',
      help: 'Total number of WAL records logged.',
      registers: r,
    }),
    walBytes: new Counter({
      name: 'loki_ingester_wal_logged_bytes_total',
      help: 'Total bytes written to the WAL.',
      registers: r,
    }),
    walReplayedEntries: new Counter({
      name: 'loki_ingester_wal_recovered_entries_total',
      help: 'Total number of entries recovered from the WAL.',
      registers: r,
    }),
    walCorruptions: new Counter({
      name: 'loki_ingester_wal_corruptions_total',
      help: 'Total number of WAL corruptions encountered.',
      registers: r,
    }),
    checkpoints: new Counter({
      name: 'loki_ingester_checkpoint_creations_total',
      help: 'Total number of checkpoints created.',
      registers: r,
    }),
    checkpointFailures: new Counter({
      name: 'loki_ingester_checkpoint_creations_failed_total',
      help: 'Total number of checkpoint creations that failed.',
      registers: r,
    }),
  };
}

/** The per-tenant limits the ingester enforces (from `limits_config` and its overrides). */
export interface IngesterLimits {
  /** Bytes per second one stream may take, and the burst above it. */
  per_stream_rate_limit: number;
  per_stream_rate_limit_burst: number;
  /** Active streams per tenant in this ingester, and across all ingesters (0: no limit). */
  max_streams_per_user: number;
  max_global_streams_per_user: number;
}

export interface IngesterDeps {
  store: Store;
  registry: Registry;
  logger: Logger;
  discarded: DiscardMetrics;
  /** Limits of a tenant; none enforced when absent. */
  limits?: (tenant: string) => IngesterLimits;
}

/**
 * The stream limit of this ingester: the smaller non-zero of the local limit
 * and the global one shared among ingesters (one ingester, replication one, so
 * the global limit applies whole). Zero means no limit.
 */
function streamCountLimit(l: IngesterLimits): number {
  const local = l.max_streams_per_user;
  const global = l.max_global_streams_per_user;
  if (local > 0 && global > 0) return Math.min(local, global);
  return local > 0 ? local : global > 0 ? global : 0;
}

export class Ingester {
  private readonly instances = new Map<string, TenantInstance>();
  /** Live tailers of pushed entries. */
  readonly tails = new TailHub();
  private readonly m: IngesterMetrics;
  private wal: WriteAheadLog | null = null;
  private readonly walWriter = new ByteWriter(1 << 20);
  private timers: NodeJS.Timeout[] = [];
  private flushing: Promise<void> | null = null;
  private awaitingIndex: ChunkDesc[] = [];
  private lastIndexShipMs = 0;
  private checkpointing: Promise<void> | null = null;
  private stopped = false;
  private isReady = false;

  constructor(
    private readonly cfg: IngesterConfig,
    private readonly deps: IngesterDeps,
  ) {
    this.m = metrics(deps.registry);
  }

  get ready(): boolean {
    return this.isReady;
  }

  private newChunk = (baseSec: number): MemChunk => {
    this.m.chunksCreated.inc();
    this.m.memoryChunks.inc();
    return new MemChunk(this.cfg.codec, this.cfg.blockSize, this.cfg.targetSize, baseSec);
  };

  private instance(tenant: string): TenantInstance {
    let inst = this.instances.get(tenant);
    if (!inst) {
      inst = new TenantInstance(tenant, this.newChunk, this.cfg.maxChunkAgeMs);
      this.instances.set(tenant, inst);
    }
    return inst;
  }

  private stream(inst: TenantInstance, labels: Labels, key: string): Stream {
    let s = inst.get(key);
    if (!s) {
      s = inst.create(labels, key);
      this.m.streamsCreated.inc({ tenant: inst.tenant });
      this.m.memoryStreams.inc({ tenant: inst.tenant });
    }
    return s;
  }

  /** Opens the WAL, replays it, and starts the flush and checkpoint loops. */
  async start(): Promise<void> {
    if (this.cfg.wal.enabled) {
      const { wal, replay } = await WriteAheadLog.open(this.cfg.wal.dir, { onWrite: (n) => this.m.walBytes.inc(n) });
      const started = Date.now();
      let entries = 0;
      for await (const rec of replay.records) {
        const inst = this.instance(rec.tenant);
        if (rec.type === RECORD_ENTRIES) {
          for (const s of rec.streams) {
            const stream = this.stream(inst, this.cfg.parseLabels(s.labels), s.labels);
            const res = stream.push(
              s.entries.map((e) => ({ ...e, line: Buffer.from(e.line) })),
              Date.now(),
              true,
            );
            entries += res.accepted.length;
          }
        } else {
          const stream = this.stream(inst, this.cfg.parseLabels(rec.labels), rec.labels);
          const chunks = rec.chunks.map((c) =>
            MemChunk.fromParsed(decodeChunk(Buffer.from(c)), this.cfg.blockSize, this.cfg.targetSize),
          );
          this.m.chunksCreated.inc(chunks.length);
          this.m.memoryChunks.inc(chunks.length);
          stream.restore(chunks, rec.lastChunkOpen, Date.now());
          for (const c of chunks) entries += c.entries;
        }
      }
      for (const p of replay.problems) {
        this.m.walCorruptions.inc();
        this.deps.logger.warn('WAL ends with a torn or corrupt record; dropped what follows it (never acknowledged)', {
          file: p.file,
          err: p.error,
        });
      }
      this.m.walReplayedEntries.inc(entries);
      this.deps.logger.info('WAL replayed', {
        entries,
        streams: this.streamCount(),
        duration: `${Date.now() - started}ms`,
      });
      this.wal = wal;
      this.timers.push(setInterval(() => void this.checkpoint(), this.cfg.wal.checkpointDurationMs).unref());
    }
    this.timers.push(setInterval(() => void this.sweep(false), this.cfg.flushCheckPeriodMs).unref());
    this.isReady = true;
  }

  streamCount(): number {
    let n = 0;
    for (const inst of this.instances.values()) n += inst.streams.size;
    return n;
  }

  /**
   * Appends the streams of one push for a tenant. Entries the streams refuse
   * are reported in an IngesterPushError after everything else was appended
   * and logged; the caller decides the response.
   */
  async push(tenant: string, streams: readonly IngestStream[]): Promise<void> {
    if (this.stopped) throw new IngesterPushError(503, 'Ingester is shutting down');
    const inst = this.instance(tenant);
    const now = Date.now();
    const limits = this.deps.limits?.(tenant);
    const logged: WalStreamEntries[] = [];
    let lastError: IngesterPushError | null = null;
    for (const s of streams) {
      let stream = inst.get(s.key);
      if (!stream) {
        // A new stream beyond the tenant's limit is refused whole; the other streams go on.
        const max = limits ? streamCountLimit(limits) : 0;
        if (max > 0 && inst.streams.size >= max) {
          let bytes = 0;
          for (const e of s.entries) bytes += entrySize(e);
          this.deps.discarded.add(Reason.StreamLimit, tenant, s.entries.length, bytes);
          lastError = new IngesterPushError(429, Messages.streamLimit(s.key, tenant));
          continue;
        }
        stream = this.stream(inst, s.labels, s.key);
      }
      const res = stream.push(s.entries, now, false, limits ? this.streamRate(stream, limits, now) : null);
      if (res.accepted.length > 0) {
        logged.push({ labels: s.key, entries: res.accepted });
        if (this.tails.active) this.tails.notify(tenant, stream.labels, stream.key, res.accepted);
      }
      if (res.failed.length > 0) {
        let rateLimited = 0;
        let rateLimitedBytes = 0;
        let behindBytes = 0;
        for (const f of res.failed) {
          if (f.rateLimited) {
            rateLimited++;
            rateLimitedBytes += f.size;
          } else behindBytes += f.size;
        }
        if (rateLimited > 0) this.deps.discarded.add(Reason.StreamRateLimit, tenant, rateLimited, rateLimitedBytes);
        if (rateLimited < res.failed.length)
          this.deps.discarded.add(Reason.TooFarBehind, tenant, res.failed.length - rateLimited, behindBytes);
        // As Loki: the last refused entry decides between 429 (rate) and 400 (too far behind).
        lastError = new IngesterPushError(
          res.failed.at(-1)!.rateLimited ? 429 : 400,
          this.failedEntriesMessage(tenant, stream.key, res.failed, s.entries.length),
        );
      }
    }
    if (this.wal && logged.length > 0) {
      const w = this.walWriter;
      w.reset();
      writeEntriesRecord(w, tenant, logged);
      this.m.walRecordsLogged.inc();
      await this.wal.append(w.toBuffer());
    }
    if (lastError) throw lastError;
  }

  /** The stream's rate limiter, following the tenant's current per-stream limits. */
  private streamRate(stream: Stream, limits: IngesterLimits, nowMs: number): StreamRateLimit {
    const limit = limits.per_stream_rate_limit;
    const burst = limits.per_stream_rate_limit_burst;
    if (stream.rateLimiter) stream.rateLimiter.setLimits(limit, burst);
    else stream.rateLimiter = new RateLimiter(limit, burst, nowMs);
    return { limiter: stream.rateLimiter, limit };
  }

  private failedEntriesMessage(tenant: string, stream: string, failed: FailedEntry[], total: number): string {
    let msg = '';
    const max = this.cfg.maxReturnedStreamErrors;
    for (const f of max > 0 ? failed.slice(0, max) : failed) {
      msg += `entry with timestamp ${formatGoTime(secNanosToNs(f.sec, f.nanos))} ignored, reason: '${f.reason}',\n`;
    }
    return `${msg}user '${tenant}', total ignored: ${failed.length} out of ${total} for stream: ${stream}`;
  }

  /** In-memory streams of a tenant matching the matchers, with their chunks overlapping [fromNs, throughNs]. */
  select(tenant: string, matchers: readonly CompiledMatcher[], fromNs: bigint, throughNs: bigint): StreamView[] {
    const inst = this.instances.get(tenant);
    if (!inst) return [];
    const out: StreamView[] = [];
    for (const s of inst.select(matchers)) {
      const chunks: StreamView['chunks'] = [];
      for (const d of s.chunks) {
        const c = d.chunk;
        if (c.isEmpty || c.maxNs < fromNs || c.minNs > throughNs) continue;
        chunks.push({ chunk: c, storeKey: d.key });
      }
      if (chunks.length > 0) out.push({ labels: s.labels, key: s.key, fp: s.fp, chunks });
    }
    return out;
  }

  /** Label sets of in-memory streams with data in [fromNs, throughNs] (labels and series APIs). */
  series(tenant: string, matchers: readonly CompiledMatcher[], fromNs: bigint, throughNs: bigint): Labels[] {
    return this.select(tenant, matchers, fromNs, throughNs).map((v) => v.labels);
  }

  /** Flushes every chunk now and writes the index (POST /flush, shutdown). */
  async flushAll(): Promise<void> {
    await this.sweep(true);
  }

  /**
   * One pass of the flush loop: flush chunks that are full, idle or too old
   * (or all of them when forced), ship the index, release indexed chunks.
   */
  private sweep(force: boolean): Promise<void> {
    const run = async (): Promise<void> => {
      const now = Date.now();
      const todo: Array<{ tenant: string; stream: Stream; desc: ChunkDesc }> = [];
      for (const [tenant, inst] of this.instances) {
        for (const stream of inst.streams.values()) {
          for (const desc of stream.chunks) {
            if (desc.ref || desc.flushing || desc.chunk.isEmpty) continue;
            const reason = force ? 'forced' : this.flushReason(desc, now);
            if (!reason) continue;
            stream.close(desc, desc.flushReason ?? reason);
            desc.flushing = true;
            todo.push({ tenant, stream, desc });
          }
        }
      }
      await runLimited(todo, this.cfg.concurrentFlushes, (t) => this.flushChunk(t.tenant, t.stream, t.desc));
      await this.shipIndex(force);
      this.release(Date.now());
    };
    // One sweep at a time; a forced sweep waits for a running one and then runs.
    const prev = this.flushing ?? Promise.resolve();
    const next = prev.then(run, run).finally(() => {
      if (this.flushing === next) this.flushing = null;
    });
    this.flushing = next;
    return next;
  }

  private flushReason(desc: ChunkDesc, now: number): string | null {
    if (desc.closed) return desc.flushReason ?? 'full';
    if (now - desc.lastUpdatedMs > this.cfg.chunkIdlePeriodMs) return 'idle';
    const c = desc.chunk;
    if ((c.maxOff - c.minOff) / 1e6 > this.cfg.maxChunkAgeMs) return 'max_age';
    return null;
  }

  private async flushChunk(tenant: string, stream: Stream, desc: ChunkDesc): Promise<void> {
    const c = desc.chunk;
    try {
      const obj = c.encode(tenant, stream.key);
      const { key, ref } = await withTimeout(
        this.deps.store.putChunk(tenant, stream.fp, obj, c.minNs, c.maxNs, c.entries, c.linesSize),
        this.cfg.flushOpTimeoutMs,
      );
      desc.key = key;
      desc.ref = ref;
      this.deps.store.indexChunk(tenant, stream.fp, stream.labels, ref);
      this.awaitingIndex.push(desc);
      this.m.chunksFlushed.inc({ reason: desc.flushReason ?? 'forced' });
      this.m.chunkEntries.inc(c.entries);
      this.m.chunkBytesStored.inc({ tenant }, obj.length);
    } catch (err) {
      this.m.chunkFlushFailures.inc();
      this.deps.logger.error('failed to flush chunk; will retry', { tenant, stream: stream.key, err });
    } finally {
      desc.flushing = false;
    }
  }

  private async shipIndex(force: boolean): Promise<void> {
    const shipper = this.deps.store.indexShipper;
    if (shipper.pendingRefs === 0) return;
    const now = Date.now();
    if (!force && now - this.lastIndexShipMs < this.cfg.indexShipIntervalMs) return;
    const shipped = this.awaitingIndex;
    this.awaitingIndex = [];
    try {
      await shipper.ship();
      this.lastIndexShipMs = now;
      for (const d of shipped) d.indexedAtMs = Date.now();
    } catch (err) {
      this.awaitingIndex.push(...shipped);
      this.deps.logger.error('failed to write index; will retry', { err });
    }
  }

  /** Drops chunks that are flushed and indexed (after the retain period), and streams left empty. */
  private release(now: number): void {
    for (const [tenant, inst] of this.instances) {
      for (const stream of [...inst.streams.values()]) {
        const keep = stream.chunks.filter(
          (d) => d.indexedAtMs === undefined || now - d.indexedAtMs < this.cfg.chunkRetainPeriodMs,
        );
        const dropped = stream.chunks.length - keep.length;
        if (dropped > 0) {
          stream.chunks = keep;
          this.m.memoryChunks.dec(dropped);
        }
        if (stream.chunks.length === 0) {
          inst.remove(stream);
          this.m.memoryStreams.dec({ tenant });
          this.m.streamsRemoved.inc({ tenant });
        }
      }
    }
  }

  /**
   * Writes a WAL checkpoint: rotates to a new segment and, in the same tick,
   * captures every chunk not yet safely in the store, so the checkpoint plus
   * the new segment describe everything acknowledged.
   */
  checkpoint(): Promise<void> {
    if (!this.wal || this.checkpointing) return this.checkpointing ?? Promise.resolve();
    const wal = this.wal;
    const segment = wal.rotate();
    const captured: Array<{ tenant: string; labels: string; chunks: MemChunk[]; open: boolean }> = [];
    for (const [tenant, inst] of this.instances) {
      for (const s of inst.streams.values()) {
        const descs = s.chunks.filter((d) => d.indexedAtMs === undefined && !d.chunk.isEmpty);
        if (descs.length === 0) continue;
        // Stored blocks never change and a head view is stable, so this is a consistent snapshot.
        captured.push({
          tenant,
          labels: s.key,
          chunks: descs.map((d) => d.chunk.snapshot()),
          open: !descs.at(-1)!.closed,
        });
      }
    }
    const run = async (): Promise<void> => {
      try {
        const parts: Buffer[] = [];
        const w = new ByteWriter(1 << 20);
        for (const c of captured) {
          w.reset();
          writeSeriesRecord(w, {
            tenant: c.tenant,
            labels: c.labels,
            chunks: c.chunks.map((ch) => ch.encode(c.tenant, c.labels)),
            lastChunkOpen: c.open,
          });
          parts.push(w.toBuffer());
          await new Promise((r) => setImmediate(r));
        }
        await wal.writeCheckpoint(segment, parts);
        this.m.checkpoints.inc();
      } catch (err) {
        this.m.checkpointFailures.inc();
        this.deps.logger.error('failed to write WAL checkpoint', { err });
      }
    };
    this.checkpointing = run().finally(() => {
      this.checkpointing = null;
    });
    return this.checkpointing;
  }

  /** Flushes everything, writes a final checkpoint and closes the WAL. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.isReady = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    try {
      await this.flushAll();
    } catch (err) {
      this.deps.logger.error('flush on shutdown failed; the WAL keeps the data', { err });
    }
    if (this.wal) {
      await this.checkpointing;
      await this.checkpoint();
      await this.wal.close();
    }
  }

  describe(): string {
    return `ingester (encoding=${codecName(this.cfg.codec)}, streams=${this.streamCount()})`;
  }
}

async function runLimited<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  if (!ms) return p;
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`flush timed out after ${ms}ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
