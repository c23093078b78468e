// Loki's `chunk_store_config` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, dur, mdur } from './dsl.js';
import { cacheConfig } from './shared/cache.js';

export const chunkStoreConfigBlock = block('config.ChunkStoreConfig', {
  chunk_cache_config: cacheConfig('store.chunks-cache'),
  chunk_cache_config_l2: cacheConfig('store.chunks-cache-l2'),
  write_dedupe_cache_config: cacheConfig('store.index-cache-write'),
  skip_query_writeback_cache_older_than: dur('0s', 'store.skip-query-writeback-older-than'),
  l2_chunk_cache_handoff: dur('0s', 'store.chunks-cache-l2.handoff'),
  cache_lookups_older_than: mdur('0s', 'store.cache-lookups-older-than'),
});
