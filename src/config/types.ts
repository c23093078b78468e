// Typed views of the loaded configuration. Field names are Loki's YAML keys; durations are
// milliseconds and byte sizes are bytes (see schema/dsl.ts).

import type { ValueOf } from './schema/dsl.js';
import type { configBlock } from './schema/root.js';

/** The whole configuration, key for key as in Loki's YAML. */
export type SkaldConfig = ValueOf<typeof configBlock>;

export type ServerConfig = SkaldConfig['server'];
export type CommonConfig = SkaldConfig['common'];
export type DistributorConfig = SkaldConfig['distributor'];
export type QuerierConfig = SkaldConfig['querier'];
export type QuerySchedulerConfig = SkaldConfig['query_scheduler'];
export type FrontendConfig = SkaldConfig['frontend'];
export type QueryRangeConfig = SkaldConfig['query_range'];
export type RulerConfig = SkaldConfig['ruler'];
export type IngesterClientConfig = SkaldConfig['ingester_client'];
export type IngesterConfig = SkaldConfig['ingester'];
export type PatternIngesterConfig = SkaldConfig['pattern_ingester'];
export type IndexGatewayConfig = SkaldConfig['index_gateway'];
export type StorageConfig = SkaldConfig['storage_config'];
export type ChunkStoreConfig = SkaldConfig['chunk_store_config'];
export type SchemaConfig = SkaldConfig['schema_config'];
/** One entry of `schema_config.configs`; `from` is `YYYY-MM-DD`, `index.period` milliseconds. */
export type SchemaPeriodConfig = SchemaConfig['configs'][number];
export type CompactorConfig = SkaldConfig['compactor'];
/** `limits_config`, and the shape of each tenant's entry in the runtime `overrides:` map. */
export type LimitsConfig = SkaldConfig['limits_config'];
export type FrontendWorkerConfig = SkaldConfig['frontend_worker'];
export type TableManagerConfig = SkaldConfig['table_manager'];
export type MemberlistConfig = SkaldConfig['memberlist'];
export type RuntimeConfigConfig = SkaldConfig['runtime_config'];
/** `operational_config`, and the shape of each tenant's entry in the runtime `configs:` map. */
export type OperationalConfig = SkaldConfig['operational_config'];
export type TracingConfig = SkaldConfig['tracing'];
export type AnalyticsConfig = SkaldConfig['analytics'];
export type ProfilingConfig = SkaldConfig['profiling'];
export type KafkaConfig = SkaldConfig['kafka_config'];
export type UiConfig = SkaldConfig['ui'];
export type BloomBuildConfig = SkaldConfig['bloom_build'];
export type BloomGatewayConfig = SkaldConfig['bloom_gateway'];

/** `storage_config.aws` (S3 plus the legacy DynamoDB settings). */
export type AwsStorageConfig = StorageConfig['aws'];
/** The S3 client settings shared by `storage_config.aws`, `common.storage.s3` and `ruler.storage.s3`. */
export type S3StorageConfig = CommonConfig['storage']['s3'];
export type FilesystemStorageConfig = StorageConfig['filesystem'];
export type GcsStorageConfig = StorageConfig['gcs'];
export type AzureStorageConfig = StorageConfig['azure'];
export type SwiftStorageConfig = StorageConfig['swift'];
export type NamedStoresConfig = StorageConfig['named_stores'];
export type TsdbShipperConfig = StorageConfig['tsdb_shipper'];
/** A cache block (`embedded_cache`, `memcached`, `memcached_client`, `redis`, `background`). */
export type CacheConfig = ChunkStoreConfig['chunk_cache_config'];
/** A ring's key-value store (`kvstore`: consul, etcd, inmemory, memberlist, multi). */
export type KvStoreConfig = CommonConfig['ring']['kvstore'];
/** The ring settings shared through `common.ring`. */
export type RingConfig = CommonConfig['ring'];
export type RulerStorageConfig = RulerConfig['storage'];
export type WalConfig = IngesterConfig['wal'];
