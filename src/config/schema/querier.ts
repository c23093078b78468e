// Loki's `querier` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, dur, int } from './dsl.js';

export const querierBlock = block('querier.Config', {
  tail_max_duration: dur('1h', 'querier.tail-max-duration'),
  extra_query_delay: dur('0s', 'querier.extra-query-delay'),
  query_ingesters_within: dur('3h', 'querier.query-ingesters-within'),
  engine: block('logql.EngineOpts', {
    max_look_back_period: dur('30s', 'querier.engine.max-lookback-period'),
    max_count_min_sketch_heap_size: int(10000, 'querier.engine.max-count-min-sketch-heap-size'),
  }),
  max_concurrent: int(4, 'querier.max-concurrent'),
  query_store_only: bool(false, 'querier.query-store-only'),
  query_ingester_only: bool(false, 'querier.query-ingester-only'),
  multi_tenant_queries_enabled: bool(false, 'querier.multi-tenant-queries-enabled'),
  per_request_limits_enabled: bool(false, 'querier.per-request-limits-enabled'),
  query_partition_ingesters: bool(false, 'querier.query-partition-ingesters'),
});
