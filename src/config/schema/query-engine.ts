// Loki's `query_engine` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, bytes, dur, int, privateNetworkInterfaces, str, strings, time } from './dsl.js';
import { cacheConfig } from './shared/cache.js';

export const queryEngineBlock = block('engine.Config', {
  enable: bool(false, 'query-engine.enable'),
  distributed: bool(false, 'query-engine.distributed'),
  instance_interface_names: strings(privateNetworkInterfaces(), 'query-engine.instance-interface-names'),
  batch_size: int(100, 'query-engine.batch-size'),
  prefetch_bytes: bytes('16KiB', 'query-engine.prefetch-bytes'),
  merge_prefetch_count: int(0, 'query-engine.merge-prefetch-count'),
  range_reads: block('rangeio.Config', {
    max_parallelism: int(10, 'query-engine.range-reads.max-parallelism'),
    coalesce_size: int(1048576, 'query-engine.range-reads.coalesce-size'),
    max_range_size: int(8388608, 'query-engine.range-reads.max-range-size'),
    min_range_size: int(1048576, 'query-engine.range-reads.min-range-size'),
  }),
  worker_threads: int(0, 'query-engine.worker-threads'),
  scheduler_lookup_address: str('', 'query-engine.scheduler-lookup-address'),
  scheduler_lookup_interval: dur('10s', 'query-engine.scheduler-lookup-interval'),
  storage_lag: dur('1h', 'query-engine.storage-lag'),
  storage_start_date: time('query-engine.storage-start-date'),
  storage_retention_days: int(0, 'query-engine.storage-retention-days', { go: 'int64' }),
  enable_engine_router: bool(false, 'query-engine.enable-engine-router'),
  downstream_address: str('', 'query-engine.downstream-address'),
  enable_delete_req_filtering: bool(true, 'query-engine.enable-delete-req-filtering'),
  enforce_retention_period: bool(false, 'query-engine.enforce-retention-period'),
  align_queries_with_step: bool(false, 'query-engine.align-queries-with-step'),
  enforce_max_query_series_limit: bool(false, 'query-engine.enforce-max-query-series-limit'),
  results_cache: block('queryrangebase.ResultsCacheConfig', {
    cache: cacheConfig('query-engine.results-cache'),
    compression: str('', 'query-engine.results-cache.compression'),
  }),
});
