// Builds the store (schema periods, their object clients and the chunk
// cache) from the loaded configuration; shared by the server and the query
// workers.
import type { Registry } from 'prom-client';
import { dayTimeToMs, type SkaldConfig } from '../config/index.js';
import type { Logger } from '../util/log.js';
import { type ChunkCacheClient, createChunkCache } from './chunk-cache.js';
import { Schema, type SchemaPeriod } from './index/schema.js';
import type { ObjectClient } from './objstore/client.js';
import type { StorageConfig } from './objstore/config.js';
import { createObjectClient } from './objstore/factory.js';
import { Store } from './store.js';

export function schemaOf(config: SkaldConfig): Schema {
  const periods: SchemaPeriod[] = config.schema_config.configs.map((p) => ({
    fromMs: dayTimeToMs(p.from),
    store: p.store,
    objectStore: p.object_store,
    schema: p.schema,
    indexPrefix: p.index.prefix,
    indexPeriodMs: p.index.period || 24 * 3600 * 1000,
  }));
  return new Schema(periods);
}

export interface CreateStoreOptions {
  registry?: Registry;
  logger?: Logger;
  /**
   * The chunk cache: absent builds the one `chunk_store_config` configures;
   * a query worker passes the main thread's (chunk-cache-port.ts); null for
   * none (a store that only rewrites or deletes chunks).
   */
  chunkCache?: ChunkCacheClient | null;
}

export async function createStore(cfg: SkaldConfig, opts: CreateStoreOptions = {}): Promise<Store> {
  const schema = schemaOf(cfg);
  // First: a cache block Skald refuses stops start-up before any connection is made.
  const chunkCache =
    opts.chunkCache !== undefined
      ? opts.chunkCache
      : createChunkCache(cfg, { registry: opts.registry, logger: opts.logger?.child({ component: 'chunk-cache' }) });
  const clients = new Map<string, ObjectClient>();
  for (const p of schema.periods) {
    if (!clients.has(p.objectStore)) {
      clients.set(
        p.objectStore,
        await createObjectClient(p.objectStore, cfg.storage_config as StorageConfig, { registry: opts.registry }),
      );
    }
  }
  return new Store({
    schema,
    clients,
    chunkCache,
    nodeName: cfg.ingester.lifecycler.id || 'skald',
    index: {
      listTtlMs: Math.min(cfg.storage_config.tsdb_shipper.resync_interval || 60_000, 60_000),
      cacheBytes: 256 << 20,
      onBadFile: (key, err) => opts.logger?.warn('skipping unreadable index file', { key, err }),
    },
  });
}
