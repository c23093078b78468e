// The root of Loki's configuration file: top-level keys and blocks, in Loki's order.

import { analyticsBlock } from './analytics.js';
import { bloomBuildBlock } from './bloom-build.js';
import { bloomCompactorBlock } from './bloom-compactor.js';
import { bloomGatewayBlock } from './bloom-gateway.js';
import { chunkStoreConfigBlock } from './chunk-store-config.js';
import { commonBlock } from './common.js';
import { compactorBlock } from './compactor.js';
import { compactorClientBlock } from './compactor-client.js';
import { compactorGrpcClientBlock } from './compactor-grpc-client.js';
import { dataobjBlock } from './dataobj.js';
import { distributorBlock } from './distributor.js';
import { block, bool, csv, dur, int, str, strings } from './dsl.js';
import { frontendBlock } from './frontend.js';
import { frontendWorkerBlock } from './frontend-worker.js';
import { indexGatewayBlock } from './index-gateway.js';
import { ingestLimitsBlock } from './ingest-limits.js';
import { ingestLimitsFrontendBlock } from './ingest-limits-frontend.js';
import { ingestLimitsFrontendClientBlock } from './ingest-limits-frontend-client.js';
import { ingesterBlock } from './ingester.js';
import { ingesterClientBlock } from './ingester-client.js';
import { internalServerBlock } from './internal-server.js';
import { kafkaConfigBlock } from './kafka-config.js';
import { limitsConfigBlock } from './limits-config.js';
import { memberlistBlock } from './memberlist.js';
import { operationalConfigBlock } from './operational-config.js';
import { patternIngesterBlock } from './pattern-ingester.js';
import { profilingBlock } from './profiling.js';
import { querierBlock } from './querier.js';
import { queryEngineBlock } from './query-engine.js';
import { queryRangeBlock } from './query-range.js';
import { querySchedulerBlock } from './query-scheduler.js';
import { rulerBlock } from './ruler.js';
import { rulerStorageBlock } from './ruler-storage.js';
import { runtimeConfigBlock } from './runtime-config.js';
import { schemaConfigBlock } from './schema-config.js';
import { serverBlock } from './server.js';
import { storageConfigBlock } from './storage-config.js';
import { tableManagerBlock } from './table-manager.js';
import { tracingBlock } from './tracing.js';
import { uiBlock } from './ui.js';

export const configBlock = block('loki.ConfigWrapper', {
  target: csv(['all'], 'target'),
  auth_enabled: bool(true, 'auth.enabled'),
  http_prefix: str('', undefined, { hidden: true }),
  ballast_bytes: int(0, 'config.ballast-bytes'),
  server: serverBlock,
  internal_server: internalServerBlock,
  ui: uiBlock,
  distributor: distributorBlock,
  querier: querierBlock,
  query_engine: queryEngineBlock,
  query_scheduler: querySchedulerBlock,
  frontend: frontendBlock,
  query_range: queryRangeBlock,
  ruler: rulerBlock,
  ruler_storage: rulerStorageBlock,
  ingester_client: ingesterClientBlock,
  ingester: ingesterBlock,
  pattern_ingester: patternIngesterBlock,
  index_gateway: indexGatewayBlock,
  bloom_build: bloomBuildBlock,
  bloom_gateway: bloomGatewayBlock,
  storage_config: storageConfigBlock,
  chunk_store_config: chunkStoreConfigBlock,
  schema_config: schemaConfigBlock,
  compactor: compactorBlock,
  compactor_client: compactorClientBlock,
  compactor_grpc_client: compactorGrpcClientBlock,
  limits_config: limitsConfigBlock,
  frontend_worker: frontendWorkerBlock,
  table_manager: tableManagerBlock,
  memberlist: memberlistBlock,
  kafka_config: kafkaConfigBlock,
  dataobj: dataobjBlock,
  ingest_limits: ingestLimitsBlock,
  ingest_limits_frontend: ingestLimitsFrontendBlock,
  ingest_limits_frontend_client: ingestLimitsFrontendClientBlock,
  runtime_config: runtimeConfigBlock,
  operational_config: operationalConfigBlock,
  tracing: tracingBlock,
  analytics: analyticsBlock,
  profiling: profilingBlock,
  tenant_limits_allow_publish: strings(
    [
      'discover_log_levels',
      'discover_service_name',
      'log_level_fields',
      'max_entries_limit_per_query',
      'max_line_size_truncate',
      'max_query_bytes_read',
      'max_query_length',
      'max_query_lookback',
      'max_query_range',
      'max_query_series',
      'metric_aggregation_enabled',
      'otlp_config',
      'pattern_persistence_enabled',
      'query_timeout',
      'retention_period',
      'retention_stream',
      'volume_enabled',
      'volume_max_series',
    ],
    'limits.tenant-limits-allow-publish',
  ),
  legacy_read_target: bool(false, undefined, { hidden: true }),
  common: commonBlock,
  shutdown_delay: dur('0s', 'shutdown-delay'),
  metrics_namespace: str('loki', 'metrics-namespace'),
  verifyconfig: bool(false),
  printconfig: bool(false),
  listtargets: bool(false),
  logconfig: bool(false),
  configfile: str(''),
  configexpandenv: bool(false),
  bloom_compactor: bloomCompactorBlock,
});
