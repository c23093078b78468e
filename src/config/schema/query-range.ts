// Loki's `query_range` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, csv, int, str } from './dsl.js';
import { cacheConfig } from './shared/cache.js';

export const queryRangeBlock = block('queryrange.Config', {
  align_queries_with_step: bool(false, 'querier.align-querier-with-step'),
  results_cache: block('queryrangebase.ResultsCacheConfig', {
    cache: cacheConfig('frontend'),
    compression: str('', 'frontend.compression'),
  }),
  cache_results: bool(false, 'querier.cache-results'),
  max_retries: int(5, 'querier.max-retries-per-request'),
  parallelise_shardable_queries: bool(true, 'querier.parallelise-shardable-queries'),
  shard_aggregations: csv([], 'querier.shard-aggregations'),
  cache_index_stats_results: bool(true, 'querier.cache-index-stats-results'),
  index_stats_results_cache: block('queryrange.IndexStatsCacheConfig', {
    cache: cacheConfig('frontend.index-stats-results-cache'),
    compression: str('', 'frontend.index-stats-results-cache.compression'),
  }),
  cache_volume_results: bool(true, 'querier.cache-volume-results'),
  volume_results_cache: block('queryrange.VolumeCacheConfig', {
    cache: cacheConfig('frontend.volume-results-cache'),
    compression: str('', 'frontend.volume-results-cache.compression'),
  }),
  cache_instant_metric_results: bool(false, 'querier.cache-instant-metric-results'),
  instant_metric_results_cache: block('queryrange.InstantMetricCacheConfig', {
    cache: cacheConfig('frontend.instant-metric-results-cache'),
    compression: str('', 'frontend.instant-metric-results-cache.compression'),
  }),
  instant_metric_query_split_align: bool(false, 'querier.instant-metric-query-split-align'),
  cache_series_results: bool(true, 'querier.cache-series-results'),
  series_results_cache: block('queryrange.SeriesCacheConfig', {
    cache: cacheConfig('frontend.series-results-cache'),
    compression: str('', 'frontend.series-results-cache.compression'),
  }),
  cache_label_results: bool(true, 'querier.cache-label-results'),
  label_results_cache: block('queryrange.LabelsCacheConfig', {
    cache: cacheConfig('frontend.label-results-cache'),
    compression: str('', 'frontend.label-results-cache.compression'),
  }),
});
