// Loki's background cache: stores to a remote cache (memcached) are queued
// and written by `background.writeback_goroutines` workers, so that whoever
// stores (a query that read chunks, a flush) never waits for the network.
// The queue is bounded by `writeback_buffer` batches of up to 100 keys and by
// `writeback_size_limit` bytes; a store that does not fit is dropped and
// counted, as Loki drops it. Fetches go straight to the wrapped cache.
import type { Logger } from '../../util/log.js';
import type { Cache } from './cache.js';
import type { CacheMetrics } from './metrics.js';

export interface BackgroundCacheOptions {
  /** writeback_goroutines */
  concurrency: number;
  /** writeback_buffer: batches queued at most. */
  maxBatches: number;
  /** writeback_size_limit: bytes queued at most. */
  maxBytes: number;
  metrics?: CacheMetrics;
  logger?: Logger;
}

type Entries = ReadonlyArray<readonly [string, Buffer]>;

/** Loki's keysPerBatch. */
const KEYS_PER_BATCH = 100;

function sizeOf(entries: Entries): number {
  let n = 0;
  for (const [, v] of entries) n += v.length;
  return n;
}

export class BackgroundCache implements Cache {
  readonly name: string;
  private readonly queue: Entries[] = [];
  private queuedBytes = 0;
  private active = 0;
  private stopped = false;
  private idle: Array<() => void> = [];
  /** When a failed write was last logged: a down server fails every write, and one line per 10 s says enough. */
  private lastWarnMs = 0;

  constructor(
    private readonly inner: Cache,
    private readonly opts: BackgroundCacheOptions,
  ) {
    this.name = inner.name;
  }

  fetch(keys: readonly string[], signal?: AbortSignal): Promise<Map<string, Buffer>> {
    return this.inner.fetch(keys, signal);
  }

  /** Queues the entries and returns at once; what does not fit in the queue is dropped. */
  async store(entries: Entries): Promise<void> {
    const m = this.opts.metrics;
    const name = this.name;
    for (let i = 0; i < entries.length && !this.stopped; i += KEYS_PER_BATCH) {
      const batch = entries.slice(i, i + KEYS_PER_BATCH);
      const size = sizeOf(batch);
      if (this.queuedBytes + size > this.opts.maxBytes || this.queue.length >= this.opts.maxBatches) {
        // Loki gives up on the rest of the call once one batch does not fit.
        m?.backgroundDropped.inc({ name }, batch.length);
        m?.backgroundDroppedBytes.inc({ name }, size);
        return;
      }
      this.queue.push(batch);
      this.queuedBytes += size;
      m?.backgroundQueueLength.inc({ name }, batch.length);
      m?.backgroundQueueBytes.set({ name }, this.queuedBytes);
      m?.backgroundEnqueuedBytes.inc({ name }, size);
    }
    this.pump();
  }

  /** Resolves when the queue is empty and no write is in flight (tests, orderly shutdown). */
  drained(): Promise<void> {
    if (this.queue.length === 0 && this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Drops what is still queued (as Loki's Stop does), waits for writes in flight, stops the wrapped cache. */
  async stop(): Promise<void> {
    this.stopped = true;
    const m = this.opts.metrics;
    for (const batch of this.queue.splice(0)) {
      m?.backgroundQueueLength.dec({ name: this.name }, batch.length);
    }
    this.queuedBytes = 0;
    m?.backgroundQueueBytes.set({ name: this.name }, 0);
    await this.drained();
    await this.inner.stop();
  }

  private pump(): void {
    while (this.active < Math.max(1, this.opts.concurrency) && this.queue.length > 0) {
      this.active++;
      void this.work().finally(() => {
        this.active--;
        if (this.queue.length > 0) this.pump();
        else if (this.active === 0) for (const resolve of this.idle.splice(0)) resolve();
      });
    }
  }

  private async work(): Promise<void> {
    const m = this.opts.metrics;
    const name = this.name;
    for (let batch = this.queue.shift(); batch; batch = this.queue.shift()) {
      const size = sizeOf(batch);
      this.queuedBytes -= size;
      m?.backgroundQueueLength.dec({ name }, batch.length);
      m?.backgroundQueueBytes.set({ name }, this.queuedBytes);
      m?.backgroundDequeuedBytes.inc({ name }, size);
      try {
        await this.inner.store(batch);
      } catch (err) {
        const now = Date.now();
        if (now - this.lastWarnMs >= 10_000) {
          this.lastWarnMs = now;
          this.opts.logger?.warn('background cache store failed', { cache: name, err });
        }
      }
    }
  }
}
