// The chunk cache for query worker threads. Workers read stored chunks
// through their own Store; rather than each worker keeping its own embedded
// cache (N copies of the hot chunks, or N small caches that a chunk misses
// whenever another worker read it) and its own memcached connections, DNS
// discovery and metrics that /metrics never shows, every worker asks the
// main thread's ChunkCache over a MessagePort. A hit costs one copy of the
// chunk into the worker, far less than reading it from the object store,
// and the cache, its size limit and its metrics stay one per process.
import { MessageChannel, type MessagePort, type TransferListItem } from 'node:worker_threads';
import type { ChunkCacheClient } from './chunk-cache.js';

type Request =
  | { op: 'fetch'; id: number; key: string; fromMs: number }
  | { op: 'store'; key: string; fromMs: number; value: Uint8Array }
  | { op: 'corrupt'; key: string };

interface Reply {
  id: number;
  value: Uint8Array | null;
}

/** Posting a Buffer delivers a plain Uint8Array; give it Buffer's methods back without copying. */
function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** Answers a worker's chunk cache requests from `cache` until the port closes. */
export function serveChunkCache(cache: ChunkCacheClient, port: MessagePort): void {
  port.on('message', (m: Request) => {
    switch (m.op) {
      case 'fetch':
        // fetch never rejects without a signal; a failure of the cache is a miss.
        void cache.fetch(m.key, m.fromMs).then(
          (value) => port.postMessage({ id: m.id, value } satisfies Reply),
          () => port.postMessage({ id: m.id, value: null } satisfies Reply),
        );
        break;
      case 'store':
        cache.store(m.key, m.fromMs, asBuffer(m.value));
        break;
      case 'corrupt':
        cache.corrupt(m.key);
        break;
    }
  });
  // The port must not keep the process alive once everything else has stopped.
  port.unref();
}

/** A chunk cache in a worker thread: the main thread's, asked over `port`. */
export class PortChunkCache implements ChunkCacheClient {
  private nextId = 1;
  private readonly waiting = new Map<number, (value: Buffer | null) => void>();
  private closed = false;

  constructor(private readonly port: MessagePort) {
    port.on('message', (r: Reply) => {
      const done = this.waiting.get(r.id);
      this.waiting.delete(r.id);
      done?.(r.value && asBuffer(r.value));
    });
    // The main thread gone (shutting down): whatever was asked misses.
    port.on('close', () => this.closeAll());
  }

  fetch(key: string, fromMs: number, signal?: AbortSignal): Promise<Buffer | null> {
    if (this.closed) return Promise.resolve(null);
    signal?.throwIfAborted();
    const id = this.nextId++;
    return new Promise<Buffer | null>((resolve, reject) => {
      const onAbort = () => {
        this.waiting.delete(id);
        reject(signal!.reason instanceof Error ? signal!.reason : new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(id, (value) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      });
      this.port.postMessage({ op: 'fetch', id, key, fromMs } satisfies Request);
    });
  }

  store(key: string, fromMs: number, value: Buffer): void {
    // Copied, not transferred: the worker is about to decode this very buffer.
    if (!this.closed) this.port.postMessage({ op: 'store', key, fromMs, value } satisfies Request);
  }

  corrupt(key: string): void {
    if (!this.closed) this.port.postMessage({ op: 'corrupt', key } satisfies Request);
  }

  async stop(): Promise<void> {
    this.closeAll();
    this.port.close();
  }

  private closeAll(): void {
    this.closed = true;
    for (const done of this.waiting.values()) done(null);
    this.waiting.clear();
  }
}

/**
 * For a WorkerPool: gives each worker it starts a port served by `cache`,
 * as `chunkCachePort` in its workerData.
 */
export function chunkCacheWorkerData(cache: ChunkCacheClient): () => {
  data: { chunkCachePort: MessagePort };
  transferList: TransferListItem[];
} {
  return () => {
    const { port1, port2 } = new MessageChannel();
    serveChunkCache(cache, port1);
    return { data: { chunkCachePort: port2 }, transferList: [port2] };
  };
}
