import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultValue } from './defaults.js';
import type { Spec } from './dsl.js';
import { configBlock } from './root.js';
import { collectFlags, specAt } from './walk.js';

function walk(spec: Spec, path: string, visit: (spec: Spec, path: string) => void): void {
  visit(spec, path);
  if (spec.kind === 'block')
    for (const [k, f] of Object.entries(spec.fields)) walk(f, path ? `${path}.${k}` : k, visit);
  else if (spec.kind === 'list') walk(spec.elem, `${path}[]`, visit);
  else if (spec.kind === 'map') walk(spec.elem, `${path}{}`, visit);
}

test("every top-level block of Loki's config is known", () => {
  for (const key of [
    'server',
    'auth_enabled',
    'target',
    'common',
    'distributor',
    'querier',
    'query_scheduler',
    'frontend',
    'query_range',
    'ruler',
    'ingester_client',
    'ingester',
    'pattern_ingester',
    'index_gateway',
    'bloom_build',
    'bloom_gateway',
    'storage_config',
    'chunk_store_config',
    'schema_config',
    'compactor',
    'limits_config',
    'frontend_worker',
    'table_manager',
    'memberlist',
    'runtime_config',
    'operational_config',
    'tracing',
    'analytics',
    'profiling',
    'kafka_config',
    'ui',
    'ruler_storage',
    'compactor_grpc_client',
    'query_engine',
  ]) {
    assert.ok(Object.hasOwn(configBlock.fields, key), key);
  }
});

test("limits_config has every key operators rely on, with Loki's defaults (ms, bytes)", () => {
  const l = defaultValue(configBlock).limits_config;
  assert.equal(l.ingestion_rate_strategy, 'global');
  assert.equal(l.ingestion_rate_mb, 4);
  assert.equal(l.ingestion_burst_size_mb, 6);
  assert.equal(l.max_label_name_length, 1024);
  assert.equal(l.max_label_value_length, 2048);
  assert.equal(l.max_label_names_per_series, 15);
  assert.equal(l.reject_old_samples, true);
  assert.equal(l.reject_old_samples_max_age, 7 * 86_400_000);
  assert.equal(l.creation_grace_period, 600_000);
  assert.equal(l.max_line_size, 256 * 1024);
  assert.equal(l.max_line_size_truncate, false);
  assert.equal(l.increment_duplicate_timestamp, false);
  assert.ok(l.discover_service_name.includes('service'));
  // Loki 3 defaults to true; Skald keeps answers as Loki 2.9 gave them unless asked (docs/differences.md).
  assert.equal(l.discover_log_levels, false);
  assert.equal(l.use_owned_stream_count, false);
  assert.equal(l.max_streams_per_user, 0);
  assert.equal(l.max_global_streams_per_user, 5000);
  assert.equal(l.unordered_writes, true);
  assert.equal(l.per_stream_rate_limit, 3 * 1024 * 1024);
  assert.equal(l.per_stream_rate_limit_burst, 15 * 1024 * 1024);
  assert.equal(l.max_chunks_per_query, 2_000_000);
  assert.equal(l.max_query_series, 500);
  assert.equal(l.max_query_lookback, 0);
  assert.equal(l.max_query_length, 721 * 3_600_000);
  assert.equal(l.max_query_range, 0);
  assert.equal(l.max_query_parallelism, 32);
  assert.equal(l.tsdb_max_query_parallelism, 128);
  assert.equal(l.tsdb_max_bytes_per_shard, 600 * 1024 * 1024);
  assert.equal(l.cardinality_limit, 100_000);
  assert.equal(l.max_streams_matchers_per_query, 1000);
  assert.equal(l.max_concurrent_tail_requests, 10);
  assert.equal(l.max_entries_limit_per_query, 5000);
  assert.equal(l.max_cache_freshness_per_query, 600_000);
  assert.equal(l.split_queries_by_interval, 3_600_000);
  assert.equal(l.query_timeout, 60_000);
  assert.equal(l.volume_enabled, true);
  assert.equal(l.retention_period, 0);
  assert.deepEqual(l.retention_stream, []);
  assert.equal(l.allow_structured_metadata, true);
  assert.equal(l.max_structured_metadata_size, 64 * 1024);
  assert.equal(l.max_structured_metadata_entries_count, 128);
  assert.equal(l.shard_streams.enabled, true);
  assert.deepEqual(l.blocked_queries, []);
  assert.deepEqual(l.otlp_config.scope_attributes, []);
});

test('flags are unique, well formed, and shared blocks get one flag set per prefix', () => {
  const seen = new Map<string, string>();
  walk(configBlock, '', (spec, path) => {
    if (spec.kind === 'block' || spec.kind === 'list' || spec.kind === 'map' || spec.flag === undefined) return;
    assert.match(spec.flag, /^[a-zA-Z0-9][\w.-]*$/, `${path}: ${spec.flag}`);
    assert.equal(seen.get(spec.flag), undefined, `flag -${spec.flag} on ${path} and ${seen.get(spec.flag)}`);
    seen.set(spec.flag, path);
  });
  const flags = collectFlags(configBlock);
  assert.equal(
    flags.get('frontend.memcached.addresses')?.path,
    'query_range.results_cache.cache.memcached_client.addresses',
  );
  assert.equal(
    flags.get('store.chunks-cache.memcached.addresses')?.path,
    'chunk_store_config.chunk_cache_config.memcached_client.addresses',
  );
  assert.equal(
    flags.get('ingester.client.grpc-max-recv-msg-size')?.path,
    'ingester_client.grpc_client_config.max_recv_msg_size',
  );
  assert.equal(flags.get('target')?.path, 'target');
});

test('every block names the Go type Loki reports in errors', () => {
  walk(configBlock, '', (spec, path) => {
    if (spec.kind === 'block') assert.match(spec.go, /^([a-z][\w]*\.[A-Za-z_]\w*|struct \{.*\})$/, path);
  });
  assert.equal(specAt(configBlock, 'limits_config')?.go, 'validation.plain');
  assert.equal(specAt(configBlock, 'ingester')?.go, 'ingester.Config');
  assert.equal(specAt(configBlock, 'schema_config.configs[0]')?.go, 'config.plain');
  assert.equal(specAt(configBlock, 'storage_config.named_stores.aws.x')?.go, 'aws.StorageConfig');
});

test('cache, key-value store, gRPC client and object-store blocks are the same definition wherever used', () => {
  const shape = (path: string) => Object.keys((specAt(configBlock, path) as { fields: object }).fields).join(',');
  assert.equal(shape('chunk_store_config.chunk_cache_config'), shape('query_range.results_cache.cache'));
  assert.equal(shape('common.ring.kvstore.etcd'), shape('ingester.lifecycler.ring.kvstore.etcd'));
  assert.equal(shape('common.storage.gcs'), shape('storage_config.gcs'));
  assert.equal(shape('ruler.storage.s3'), shape('common.storage.s3'));
});

test('defaults are built fresh each time, so configs never share lists', () => {
  const a = defaultValue(configBlock);
  const b = defaultValue(configBlock);
  a.target.push('read');
  assert.deepEqual(b.target, ['all']);
});
