// The store: chunks and index in object storage, per schema period. The
// ingester writes through it; queriers read through it. A write process and a
// read process configured with the same schema and object store see the same
// data. Chunk objects are read through the chunk cache when one is
// configured (chunk-cache.ts).
import { crc32 } from 'node:zlib';
import type { Labels } from '../util/labels.js';
import { chunkBoundsMs, chunkKey } from './chunk/chunk.js';
import type { ChunkCacheClient } from './chunk-cache.js';
import type { ChunkRef } from './index/index-file.js';
import { IndexReader, type IndexReaderOptions } from './index/reader.js';
import type { Schema, TableRef } from './index/schema.js';
import { IndexShipper } from './index/shipper.js';
import type { ObjectClient } from './objstore/client.js';

export interface StoreOptions {
  schema: Schema;
  /** Object clients by the names schema periods use in `object_store`. */
  clients: ReadonlyMap<string, ObjectClient>;
  /** Names this process in the index files it writes. */
  nodeName: string;
  index: IndexReaderOptions;
  /**
   * The chunk cache in front of chunk reads (and written through on flush
   * when it is a ChunkCache); stopped with the store.
   */
  chunkCache?: ChunkCacheClient | null;
}

export class Store {
  readonly schema: Schema;
  readonly indexReader: IndexReader;
  readonly indexShipper: IndexShipper;
  private readonly clients: ReadonlyMap<string, ObjectClient>;
  readonly chunkCache: ChunkCacheClient | null;

  constructor(opts: StoreOptions) {
    this.schema = opts.schema;
    this.clients = opts.clients;
    this.chunkCache = opts.chunkCache ?? null;
    for (const p of this.schema.periods) {
      if (!opts.clients.has(p.objectStore))
        throw new Error(`no object store configured for schema period object_store "${p.objectStore}"`);
    }
    const clientForTable = (t: TableRef): ObjectClient => this.clientNamed(t.period.objectStore);
    this.indexReader = new IndexReader(this.schema, clientForTable, opts.index);
    this.indexShipper = new IndexShipper(this.schema, clientForTable, opts.nodeName, (f) =>
      this.indexReader.addFile(f.table, f.tenant, f.key, f.file),
    );
  }

  private clientNamed(name: string): ObjectClient {
    const c = this.clients.get(name);
    if (!c) throw new Error(`no object store named "${name}"`);
    return c;
  }

  /** The object client holding chunks that start at `ms`. */
  clientAt(ms: number): ObjectClient {
    return this.clientNamed(this.schema.periodAt(ms).objectStore);
  }

  /** Uploads a chunk object and returns its index reference and key. */
  async putChunk(
    tenant: string,
    fp: string,
    obj: Buffer,
    minNs: bigint,
    maxNs: bigint,
    entries: number,
    linesSize: number,
  ): Promise<{ key: string; ref: ChunkRef }> {
    const checksum = crc32(obj);
    const { fromMs, throughMs } = chunkBoundsMs(minNs, maxNs);
    const key = chunkKey(tenant, fp, fromMs, throughMs, checksum);
    const ref: ChunkRef = { fromMs, throughMs, checksum, entries, size: obj.length, linesSize };
    const cache = this.chunkCache;
    // Loki's PutOne: a chunk the cache already holds was uploaded by another replica.
    if (await cache?.flushedBefore?.(key, obj.length)) return { key, ref };
    await this.clientAt(fromMs).putObject(key, obj);
    cache?.stored?.(key, fromMs, obj);
    return { key, ref };
  }

  /** Registers a flushed chunk for the next index upload. */
  indexChunk(tenant: string, fp: string, labels: Labels, ref: ChunkRef): void {
    this.indexShipper.add(tenant, fp, labels, ref);
  }

  /** A chunk object: from the chunk cache when it holds it intact, else from the object store (then cached). */
  async getChunk(tenant: string, fp: string, ref: ChunkRef, signal?: AbortSignal): Promise<Buffer> {
    const key = chunkKey(tenant, fp, ref.fromMs, ref.throughMs, ref.checksum);
    const cache = this.chunkCache;
    if (cache) {
      const hit = await cache.fetch(key, ref.fromMs, signal);
      // The key names the object's checksum: a value that does not match (a hash collision of
      // cache keys, a damaged entry) is never used.
      if (hit && crc32(hit) === ref.checksum >>> 0) return hit;
      if (hit) cache.corrupt(key);
    }
    const obj = await this.clientAt(ref.fromMs).getObject(key, signal);
    // Only an intact object is worth caching; a damaged one fails its decode below as before.
    if (cache && crc32(obj) === ref.checksum >>> 0) cache.store(key, ref.fromMs, obj);
    return obj;
  }

  /** Every table of the schema overlapping [fromMs, throughMs]. */
  tables(fromMs: number, throughMs: number): TableRef[] {
    return this.schema.tablesFor(fromMs, throughMs);
  }

  async stop(): Promise<void> {
    await this.chunkCache?.stop();
    for (const c of new Set(this.clients.values())) await c.stop();
  }
}
