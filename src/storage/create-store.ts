// Builds the store (schema periods and their object clients) from the loaded
// configuration; shared by the server and the query workers.
import type { Registry } from 'prom-client';
import { dayTimeToMs, type SkaldConfig } from '../config/index.js';
import type { Logger } from '../util/log.js';
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

export async function createStore(
  cfg: SkaldConfig,
  opts: { registry?: Registry; logger?: Logger } = {},
): Promise<Store> {
  const schema = schemaOf(cfg);
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
    nodeName: cfg.ingester.lifecycler.id || 'skald',
    index: {
      listTtlMs: Math.min(cfg.storage_config.tsdb_shipper.resync_interval || 60_000, 60_000),
      cacheBytes: 256 << 20,
      onBadFile: (key, err) => opts.logger?.warn('skipping unreadable index file', { key, err }),
    },
  });
}
