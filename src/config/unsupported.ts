// Loki settings Skald accepts but does not act on yet.
//
// Every Loki key loads without error so that an existing Loki config works unchanged, but an
// operator must learn when a setting they changed has no effect. Each entry below names a key or
// a whole block (`*` matches within one path segment); when a config file or flag gives one of
// them a value other than Loki's default, start-up logs one warning per entry listing the keys.
// Setting a key to its default changes nothing in Loki either, so it is not reported.
//
// Shrink this list as components learn to honour the settings; it is the single place to do so.

import { equal } from './common.js';
import type { Spec } from './schema/dsl.js';
import { configBlock } from './schema/root.js';
import { getPath, splitPath } from './schema/walk.js';

export interface UnsupportedSetting {
  /** A dotted key or block path; `*` matches any run of characters within one segment. */
  readonly path: string;
  /** Why it has no effect, shown in the warning. */
  readonly reason: string;
}

const REDIS = 'redis is not supported as a cache; use the embedded cache or memcached';
const NO_SUCH_CACHE = 'Skald caches chunks and query results only (embedded or memcached); this cache does not exist';
const MEMCACHED_TLS = 'TLS connections to memcached are not implemented';
const OTHER_STORES = 'Skald stores objects on the filesystem or S3-compatible storage only';
const NO_BLOOMS = 'bloom filters are not built or queried';
const NO_GRPC = "Loki's gRPC transport settings do not apply to Skald";
const GRPC_TUNING = "this setting of Loki's gRPC servers and clients is not implemented";

export const UNSUPPORTED_SETTINGS: readonly UnsupportedSetting[] = [
  // Components and features Skald does not have.
  { path: 'bloom_build', reason: NO_BLOOMS },
  { path: 'bloom_gateway', reason: NO_BLOOMS },
  { path: 'storage_config.bloom_shipper', reason: NO_BLOOMS },
  { path: 'limits_config.bloom_*', reason: NO_BLOOMS },
  {
    path: 'pattern_ingester.metric_aggregation',
    reason: 'metric aggregation of the pattern ingester is not implemented',
  },
  { path: 'limits_config.pattern_*', reason: 'pattern detection is not implemented' },
  { path: 'limits_config.metric_aggregation_enabled', reason: 'metric aggregation is not implemented' },
  { path: 'kafka_config', reason: 'Kafka ingestion is not implemented' },
  { path: 'ingester.kafka_ingestion', reason: 'Kafka ingestion is not implemented' },
  { path: 'limits_config.ingestion_partitions_tenant_shard_size', reason: 'Kafka ingestion is not implemented' },
  { path: 'dataobj', reason: 'data objects are not implemented' },
  { path: 'ingest_limits', reason: 'the ingest-limits service is not implemented' },
  { path: 'ingest_limits_frontend', reason: 'the ingest-limits service is not implemented' },
  { path: 'ingest_limits_frontend_client', reason: 'the ingest-limits service is not implemented' },
  { path: 'query_engine', reason: "Loki's experimental query engine is not implemented" },
  { path: 'limits_config.debug_engine_*', reason: "Loki's experimental query engine is not implemented" },
  { path: 'limits_config.max_scan_task_parallelism', reason: "Loki's experimental query engine is not implemented" },
  { path: 'ui', reason: "Loki's experimental UI is not served" },
  { path: 'table_manager', reason: 'table manager is not needed: retention is done by the compactor' },
  { path: 'tracing', reason: 'tracing is not implemented' },
  { path: 'profiling', reason: 'runtime profiling knobs are Go-specific' },
  { path: 'ballast_bytes', reason: 'memory ballast is Go-specific' },
  { path: 'internal_server', reason: 'there is no separate internal server' },
  { path: 'analytics.usage_stats_url', reason: 'Skald sends no usage reports' },
  { path: 'analytics.proxy_url', reason: 'Skald sends no usage reports' },
  { path: 'analytics.tls_config', reason: 'Skald sends no usage reports' },
  { path: 'limits_config.policy_*', reason: 'ingestion policies are not implemented' },
  { path: 'limits_config.block_ingestion_policy_until', reason: 'ingestion policies are not implemented' },
  { path: 'distributor.default_policy_stream_mappings', reason: 'ingestion policies are not implemented' },
  { path: 'limits_config.s3_sse_*', reason: 'per-tenant S3 server-side encryption is not implemented' },

  // Storage backends and index flavours other than TSDB on filesystem / S3.
  { path: 'storage_config.gcs', reason: OTHER_STORES },
  { path: 'storage_config.azure', reason: OTHER_STORES },
  { path: 'storage_config.swift', reason: OTHER_STORES },
  { path: 'storage_config.bos', reason: OTHER_STORES },
  { path: 'storage_config.cos', reason: OTHER_STORES },
  { path: 'storage_config.cassandra', reason: OTHER_STORES },
  { path: 'storage_config.bigtable', reason: OTHER_STORES },
  { path: 'storage_config.grpc_store', reason: OTHER_STORES },
  { path: 'storage_config.aws.dynamodb', reason: OTHER_STORES },
  { path: 'storage_config.named_stores.azure', reason: OTHER_STORES },
  { path: 'storage_config.named_stores.bos', reason: OTHER_STORES },
  { path: 'storage_config.named_stores.gcs', reason: OTHER_STORES },
  { path: 'storage_config.named_stores.swift', reason: OTHER_STORES },
  { path: 'storage_config.named_stores.cos', reason: OTHER_STORES },
  { path: 'storage_config.use_thanos_objstore', reason: OTHER_STORES },
  { path: 'storage_config.object_store', reason: OTHER_STORES },
  { path: 'ruler_storage.gcs', reason: OTHER_STORES },
  { path: 'ruler_storage.azure', reason: OTHER_STORES },
  { path: 'ruler_storage.swift', reason: OTHER_STORES },
  { path: 'ruler_storage.alibaba', reason: OTHER_STORES },
  { path: 'ruler_storage.bos', reason: OTHER_STORES },
  { path: 'common.storage.gcs', reason: OTHER_STORES },
  { path: 'common.storage.azure', reason: OTHER_STORES },
  { path: 'common.storage.swift', reason: OTHER_STORES },
  { path: 'common.storage.bos', reason: OTHER_STORES },
  { path: 'common.storage.cos', reason: OTHER_STORES },
  { path: 'common.storage.object_store', reason: OTHER_STORES },
  { path: 'ruler.storage.gcs', reason: OTHER_STORES },
  { path: 'ruler.storage.azure', reason: OTHER_STORES },
  { path: 'ruler.storage.swift', reason: OTHER_STORES },
  { path: 'ruler.storage.bos', reason: OTHER_STORES },
  { path: 'ruler.storage.cos', reason: OTHER_STORES },
  { path: 'ruler.storage.alibabacloud', reason: OTHER_STORES },
  { path: 'storage_config.boltdb', reason: 'only the TSDB index is implemented' },
  { path: 'storage_config.boltdb_shipper', reason: 'only the TSDB index is implemented' },
  { path: 'storage_config.hedging', reason: 'hedged object-store requests are not implemented' },
  { path: 'common.storage.hedging', reason: 'hedged object-store requests are not implemented' },
  { path: 'storage_config.congestion_control', reason: 'object-store congestion control is not implemented' },
  { path: 'common.storage.congestion_control', reason: 'object-store congestion control is not implemented' },
  { path: 'storage_config.tsdb_shipper.index_gateway_client', reason: 'there is no index gateway' },
  { path: 'index_gateway', reason: 'there is no index gateway' },

  // Caches. The chunk caches (chunk_store_config.chunk_cache_config and _l2) and the results cache
  // (query_range.results_cache) use the embedded cache and memcached (all address and DNS discovery
  // forms, background write-back); the other caches do not exist yet.
  { path: 'chunk_store_config.chunk_cache_config.memcached_client.tls_*', reason: MEMCACHED_TLS },
  { path: 'chunk_store_config.chunk_cache_config.redis', reason: REDIS },
  { path: 'chunk_store_config.chunk_cache_config_l2.memcached_client.tls_*', reason: MEMCACHED_TLS },
  { path: 'chunk_store_config.chunk_cache_config_l2.redis', reason: REDIS },
  { path: 'chunk_store_config.write_dedupe_cache_config', reason: NO_SUCH_CACHE },
  { path: 'chunk_store_config.cache_lookups_older_than', reason: NO_SUCH_CACHE },
  { path: 'storage_config.index_queries_cache_config', reason: NO_SUCH_CACHE },
  // The index-stats, volume, series, label and instant-metric results caches (whole blocks).
  { path: 'query_range.*_results_cache', reason: NO_SUCH_CACHE },
  { path: 'query_range.cache_instant_metric_results', reason: NO_SUCH_CACHE },
  { path: 'query_range.results_cache.cache.memcached_client.tls_*', reason: MEMCACHED_TLS },
  { path: 'query_range.results_cache.cache.redis', reason: REDIS },

  // gRPC transport tuning (Skald's gRPC honours the message size, stream and connection age/keepalive settings).
  ...[
    'grpc_server_min_time_between_pings',
    'grpc_server_ping_without_stream_allowed',
    'grpc_server_num_workers',
    'grpc_server_stats_tracking_enabled',
    'grpc_server_recv_buffer_pools_enabled',
    'grpc_listen_network',
    'grpc_listen_conn_limit',
    'grpc_tls_config',
  ].map((key) => ({ path: `server.${key}`, reason: GRPC_TUNING })),
  ...[
    'grpc_compression',
    'rate_limit',
    'rate_limit_burst',
    'backoff_on_ratelimits',
    'backoff_config',
    'initial_stream_window_size',
    'initial_connection_window_size',
    'tls_*',
    'connect_timeout',
    'cluster_validation',
  ].map((key) => ({ path: `ingester_client.grpc_client_config.${key}`, reason: GRPC_TUNING })),
  {
    path: 'ingester_client.pool_config.health_check_ingesters',
    reason: 'ingester clients are not health-checked; failed calls count against the quorum',
  },
  {
    path: 'ingester_client.pool_config.remote_timeout',
    reason: 'ingester clients are not health-checked; failed calls count against the quorum',
  },
  { path: 'frontend.grpc_client_config', reason: NO_GRPC },
  { path: 'frontend_worker.grpc_client_config', reason: NO_GRPC },
  { path: 'frontend_worker.query_frontend_grpc_client', reason: NO_GRPC },
  { path: 'frontend_worker.query_scheduler_grpc_client', reason: NO_GRPC },
  { path: 'query_scheduler.grpc_client_config', reason: NO_GRPC },
  { path: 'ruler.ruler_client', reason: NO_GRPC },
  { path: 'compactor_grpc_client', reason: NO_GRPC },

  // Ring back ends other than in-memory and memberlist.
  { path: '*.*.kvstore.consul', reason: 'consul is not supported as a ring store' },
  { path: '*.*.kvstore.etcd', reason: 'etcd is not supported as a ring store' },
  { path: '*.*.*.kvstore.consul', reason: 'consul is not supported as a ring store' },
  { path: '*.*.*.kvstore.etcd', reason: 'etcd is not supported as a ring store' },

  // Limits not enforced yet.
  ...[
    'max_chunks_per_query',
    'tsdb_max_query_parallelism',
    'cardinality_limit',
    'max_streams_matchers_per_query',
    'shard_streams',
  ].map((key) => ({ path: `limits_config.${key}`, reason: 'this limit is not enforced yet' })),

  // Components not implemented yet.
  { path: 'compactor.compactor_ring', reason: 'one compactor runs per deployment; there is no compactor ring' },
  { path: 'compactor.horizontal_scaling_mode', reason: 'the horizontally scalable compactor is not implemented' },
  { path: 'compactor.worker_config', reason: 'the horizontally scalable compactor is not implemented' },
  { path: 'compactor.jobs_config', reason: 'the horizontally scalable compactor is not implemented' },
  {
    path: 'compactor.delete_request_store_db_type',
    reason: 'Skald keeps delete requests as a JSON document in the delete request store',
  },
  {
    path: 'compactor.backup_delete_request_store_db_type',
    reason: 'Skald keeps delete requests as a JSON document in the delete request store',
  },
  // Ruler features not implemented yet (rule storage, evaluation, Alertmanager and remote write are).
  ...['ruler.enable_sharding', 'ruler.sharding_*', 'ruler.ring', 'ruler.search_pending_for', 'ruler.flush_period'].map(
    (path) => ({ path, reason: 'there is no ruler ring: every ruler evaluates all the rule groups it reads' }),
  ),
  ...['limits_config.ruler_tenant_shard_size'].map((path) => ({ path, reason: 'there is no ruler ring' })),
  { path: 'ruler.evaluation', reason: 'rules are evaluated locally; remote evaluation is not implemented' },
  { path: 'limits_config.ruler_remote_evaluation_*', reason: 'remote rule evaluation is not implemented' },
  { path: 'ruler.wal', reason: 'recording-rule samples are queued in memory, not in a WAL' },
  { path: 'ruler.wal_cleaner', reason: 'recording-rule samples are queued in memory, not in a WAL' },
  { path: 'limits_config.ruler_enable_wal_replay', reason: 'recording-rule samples are queued in memory' },
  { path: 'ruler.for_outage_tolerance', reason: 'alert state is not restored after a restart' },
  { path: 'ruler.for_grace_period', reason: 'alert state is not restored after a restart' },
  { path: 'ruler.enable_alertmanager_discovery', reason: 'DNS discovery of Alertmanagers is not implemented' },
  { path: 'ruler.alertmanager_refresh_interval', reason: 'DNS discovery of Alertmanagers is not implemented' },
  { path: 'ruler.query_stats_enabled', reason: 'ruler query statistics are not reported' },
  { path: 'ruler.remote_write.config_refresh_period', reason: 'remote-write settings are re-read every poll_interval' },
  ...['tls_cipher_suites', 'tls_min_version', 'credentials_file'].map((key) => ({
    path: `ruler.alertmanager_client.${key}`,
    reason: 'this Alertmanager client setting is not implemented',
  })),
  ...[
    'oauth2',
    'sigv4',
    'azuread',
    'google_iam',
    'proxy_*',
    'no_proxy',
    'http_headers',
    'protobuf_message',
    'metadata_config',
    'send_exemplars',
    'send_native_histograms',
    'round_robin_dns',
    'follow_redirects',
    'enable_http2',
    '*_file',
    '*_ref',
  ].flatMap((key) => [
    { path: `ruler.remote_write.client.${key}`, reason: 'this remote-write client setting is not implemented' },
    { path: `ruler.remote_write.clients.*.${key}`, reason: 'this remote-write client setting is not implemented' },
  ]),
  ...['url', 'timeout', 'headers', 'relabel_configs', 'queue_*', 'sigv4_config'].map((key) => ({
    path: `limits_config.ruler_remote_write_${key}`,
    reason: 'these deprecated per-tenant remote-write settings are not implemented; use ruler_remote_write_config',
  })),
  // Gossip: Skald's own protocol over gRPC among Skald processes (src/ring/memberlist.ts).
  ...[
    'compression_enabled',
    'dead_node_reclaim_time',
    'notify_interval',
    'message_history_buffer_bytes',
    'watch_prefix_buffer_size',
    'obsolete_entries_timeout',
    'packet_dial_timeout',
    'packet_write_timeout',
    'max_concurrent_writes',
    'acquire_writer_timeout',
    'abort_if_cluster_fast_join_fails',
    'abort_if_cluster_fast_join_fails_min_nodes',
    'tls_*',
    'zone_aware_routing',
  ].map((key) => ({
    path: `memberlist.${key}`,
    reason: "this setting of Loki's memberlist transport has no counterpart in Skald's gossip",
  })),
  // Ring features not implemented.
  ...[
    'common.ring.zone_awareness_enabled',
    'ingester.lifecycler.ring.zone_awareness_enabled',
    'ingester.lifecycler.ring.excluded_zones',
  ].map((path) => ({ path, reason: 'zone-aware replication is not implemented' })),
  { path: 'ingester.lifecycler.observe_period', reason: 'ingesters join the ring without an observe period' },
  { path: 'ingester.autoforget_unhealthy', reason: 'unhealthy ingesters are forgotten only from the /ring page' },
  { path: 'querier.extra_query_delay', reason: 'queriers ask every ingester at once' },

  // Operational logging switches.
  { path: 'operational_config', reason: 'these debug logging switches are not implemented' },
];

/** Values that already describe what Skald does, so setting them is not worth a warning. */
const MATCHING_BEHAVIOUR: ReadonlyMap<string, unknown> = new Map<string, unknown>([['tracing.enabled', false]]);

/**
 * Warnings for the explicitly set keys that Skald ignores: those in UNSUPPORTED_SETTINGS whose
 * value differs from Loki's default, and keys only Loki 3.0 knew.
 */
export function ignoredSettingWarnings(explicitPaths: Iterable<string>, config: unknown, defaults: unknown): string[] {
  const byEntry = new Map<UnsupportedSetting, string[]>();
  const removed: string[] = [];
  for (const path of new Set(explicitPaths)) {
    if (isRemoved(path)) {
      removed.push(path);
      continue;
    }
    const entry = UNSUPPORTED_SETTINGS.find((e) => matches(e.path, path));
    if (!entry) continue;
    const value = getPath(config, path);
    if (!path.includes('[') && equal(value, getPath(defaults, path))) continue;
    if (MATCHING_BEHAVIOUR.has(path) && equal(value, MATCHING_BEHAVIOUR.get(path))) continue;
    const list = byEntry.get(entry) ?? [];
    list.push(path);
    byEntry.set(entry, list);
  }
  const warnings: string[] = [];
  const byReason = new Map<string, string[]>();
  for (const [entry, paths] of byEntry) byReason.set(entry.reason, [...(byReason.get(entry.reason) ?? []), ...paths]);
  for (const [reason, paths] of byReason) {
    warnings.push(
      `Loki settings that Skald does not act on yet were set and are ignored (${reason}): ${paths.sort().join(', ')}`,
    );
  }
  if (removed.length > 0) {
    warnings.push(`Loki settings removed after Loki 3.0 were set and are ignored: ${removed.sort().join(', ')}`);
  }
  return warnings;
}

/** Whether `pattern` names `path` or one of its ancestors. */
export function matches(pattern: string, path: string): boolean {
  const want = pattern.split('.');
  const have = splitPath(path).filter((k): k is string => typeof k === 'string');
  if (have.length < want.length) return false;
  return want.every((seg, i) => globSegment(seg).test(have[i]!));
}

const segmentCache = new Map<string, RegExp>();
function globSegment(seg: string): RegExp {
  let re = segmentCache.get(seg);
  if (!re) {
    re = new RegExp(`^${seg.split('*').map(escapeRegExp).join('.*')}$`);
    segmentCache.set(seg, re);
  }
  return re;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when the path runs through a key marked `removed` (known to Loki 3.0 only). */
function isRemoved(path: string): boolean {
  let spec: Spec | undefined = configBlock;
  for (const key of splitPath(path)) {
    if (!spec) return false;
    if (spec.removed) return true;
    if (spec.kind === 'block') spec = typeof key === 'string' ? spec.fields[key] : undefined;
    else if (spec.kind === 'list' || spec.kind === 'map') spec = spec.elem;
    else return false;
  }
  return spec?.removed === true;
}
