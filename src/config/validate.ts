// Start-up validation with Loki's checks and messages (`CONFIG ERROR: ...`): schema periods,
// store and object-store names, directories the chosen index needs, structured-metadata
// requirements, limits, ingester settings and targets. Several errors are reported together under
// Loki's "MULTIPLE CONFIG ERRORS FOUND" banner.

import { validateOtlpConfig } from '../distributor/otlp/config.js';
import { activePeriodIndex, isCacheConfigured } from './common.js';
import { ALL_TARGETS } from './targets.js';
import type { LimitsConfig, SchemaPeriodConfig, SkaldConfig } from './types.js';
import { dayTimeToMs } from './values/daytime.js';
import { formatGoDuration, formatPromDuration } from './values/duration.js';

const SUPPORTED_INDEX_TYPES = ['boltdb-shipper', 'tsdb'];
const DEPRECATED_INDEX_TYPES = [
  'aws',
  'aws-dynamo',
  'bigtable',
  'bigtable-hashed',
  'boltdb',
  'cassandra',
  'gcp',
  'gcp-columnkey',
  'grpc-store',
];
const SUPPORTED_STORAGE_TYPES = [
  'filesystem',
  'aws',
  'alibabacloud',
  'azure',
  'bos',
  'cos',
  'gcs',
  's3',
  'swift',
  'noop',
];
const DEPRECATED_STORAGE_TYPES = [
  'aws-dynamo',
  'bigtable',
  'bigtable-hashed',
  'cassandra',
  'gcp',
  'gcp-columnkey',
  'grpc-store',
];
const TESTING_STORAGE_TYPES = ['inmemory'];
const THANOS_BACKENDS = ['s3', 'gcs', 'azure', 'swift', 'filesystem', 'alibabacloud', 'bos', 'cos'];
const CHUNK_CODECS = ['none', 'gzip', 'lz4-64k', 'snappy', 'lz4-256k', 'lz4-1M', 'lz4', 'flate', 'zstd'];
const DELETION_MODES = ['disabled', 'filter-only', 'filter-and-delete'];
const SHARD_VERSIONS = ['power_of_two', 'bounded'];
const DAY_MS = 86_400_000;

/** Returns Loki's validation error text for the config, or null when it is valid. */
export function validateConfig(cfg: SkaldConfig): string | null {
  const errs: string[] = [];
  const wrap = (what: string, msg: string | null) => {
    if (msg !== null) errs.push(`CONFIG ERROR: invalid ${what} config: ${msg}`);
  };
  wrap('schema', validateSchemaConfig(cfg.schema_config.configs));
  wrap('ingester', validateIngester(cfg));
  wrap('limits_config', validateLimits(cfg.limits_config));
  errs.push(...validateTargets(cfg.target));
  errs.push(...validateSchemaValues(cfg));
  if (cfg.schema_config.configs.length > 0) errs.push(...validateSchemaRequirements(cfg));
  errs.push(...validateDirectories(cfg));
  if (errs.length > 1) return ['MULTIPLE CONFIG ERRORS FOUND, PLEASE READ CAREFULLY', ...errs].join('\n');
  return errs[0] ?? null;
}

/** `schema_config` checks: at least one period, sorted distinct dates, 24h index periods, known schema versions. */
export function validateSchemaConfig(configs: readonly SchemaPeriodConfig[], nowMs = Date.now()): string | null {
  if (configs.length === 0) return 'must specify at least one schema configuration';
  const active = activePeriodIndex(
    configs.map((p) => p.from),
    nowMs,
  );
  const current = configs[active]!;
  if (current.store === 'boltdb-shipper' && current.index.period !== DAY_MS && configs.length - 1 === active) {
    return 'boltdb-shipper works best with 24h periodic index config. Either add a new config with future date set to 24h to retain the existing index or change the existing config to use 24h period';
  }
  const next = configs[active + 1];
  if (next && next.store === 'boltdb-shipper' && next.index.period !== DAY_MS) {
    return 'boltdb-shipper with future date must always have periodic config for index set to 24h';
  }
  for (let i = 0; i < configs.length; i++) {
    const err = validatePeriod(configs[i]!);
    if (err !== null) return `validating period_config: ${err}`;
    const following = configs[i + 1];
    if (following && dayTimeToMs(configs[i]!.from) >= dayTimeToMs(following.from)) {
      return 'from time in schemas must be distinct and in increasing order';
    }
  }
  return null;
}

function validatePeriod(p: SchemaPeriodConfig): string | null {
  const objectStore = p.object_store !== '' ? p.object_store : p.store;
  if (
    ['cassandra', 'aws-dynamo', 'bigtable-hashed', 'gcp', 'gcp-columnkey', 'bigtable', 'grpc-store'].includes(
      objectStore,
    )
  ) {
    if (p.chunks.prefix === '') return "schema config for chunks is missing the 'prefix' setting";
  }
  if (p.store === 'tsdb' && p.index.period !== DAY_MS)
    return 'tsdb must always have periodic config for index set to 24h';
  const tablePeriod = (period: number) =>
    period > 0 && period % DAY_MS !== 0 ? 'the table period must be a multiple of 24h (1h for schema v1)' : null;
  const indexErr = tablePeriod(p.index.period) ?? validatePathPrefix(p.index.path_prefix);
  if (indexErr !== null) return `validating index tables: ${indexErr}`;
  const chunksErr = tablePeriod(p.chunks.period);
  if (chunksErr !== null) return `validating chunk tables: ${chunksErr}`;
  const version = schemaVersion(p.schema);
  if (version === null)
    return `invalid schema version: strconv.Atoi: parsing "${p.schema.replace(/^v+|v+$/g, '')}": invalid syntax`;
  if (version >= 10 && version <= 13) {
    if (p.row_shards === 0) return `must have row_shards > 0 (current: ${p.row_shards}) for schema (${p.schema})`;
    return null;
  }
  return version === 9 ? null : 'invalid schema version';
}

/** `v13` -> 13, as Loki's `strings.Trim(schema, "v")` + Atoi. */
export function schemaVersion(schema: string): number | null {
  const digits = schema.replace(/^v+|v+$/g, '');
  return /^[-+]?\d+$/.test(digits) ? Number(digits) : null;
}

function validatePathPrefix(prefix: string): string | null {
  if (prefix === '') return 'prefix must be set';
  if (prefix.includes('\\')) return "prefix should only have '/' as a path separator";
  if (prefix.startsWith('/')) return "prefix should never start with a path separator i.e '/'";
  if (!prefix.endsWith('/')) return "prefix should end with a path separator i.e '/'";
  return null;
}

function validateSchemaValues(cfg: SkaldConfig): string[] {
  const errs: string[] = [];
  const sc = cfg.storage_config;
  for (const p of cfg.schema_config.configs) {
    if (![...TESTING_STORAGE_TYPES, ...SUPPORTED_INDEX_TYPES, ...DEPRECATED_INDEX_TYPES].includes(p.store)) {
      errs.push(
        `unrecognized \`store\` (index) type \`${p.store}\`, choose one of: ${SUPPORTED_INDEX_TYPES.join(', ')}`,
      );
    }
    if (sc.use_thanos_objstore) {
      if (
        !THANOS_BACKENDS.includes(p.object_store) &&
        !namedStoreExists(sc.object_store.named_stores, p.object_store)
      ) {
        errs.push(
          `unrecognized \`object_store\` type \`${p.object_store}\`, which also does not match any named_stores. Choose one of: ${THANOS_BACKENDS.join(', ')}. Or choose a named_store`,
        );
      }
    } else if (
      ![...TESTING_STORAGE_TYPES, ...SUPPORTED_STORAGE_TYPES, ...DEPRECATED_STORAGE_TYPES].includes(p.object_store) &&
      !namedStoreExists(sc.named_stores, p.object_store)
    ) {
      errs.push(
        `unrecognized \`object_store\` type \`${p.object_store}\`, which also does not match any named_stores. Choose one of: ${SUPPORTED_STORAGE_TYPES.join(', ')}. Or choose a named_store`,
      );
    }
  }
  return errs;
}

function namedStoreExists(stores: object, name: string): boolean {
  return Object.values(stores).some(
    (byName) => byName !== null && typeof byName === 'object' && Object.hasOwn(byName, name),
  );
}

function validateSchemaRequirements(cfg: SkaldConfig): string[] {
  const errs: string[] = [];
  const configs = cfg.schema_config.configs;
  const p = activePeriodIndex(configs.map((c) => c.from));
  const period = configs[p]!;
  if (
    period.store !== 'tsdb' &&
    isCacheConfigured(cfg.storage_config.index_queries_cache_config) &&
    cfg.ingester.chunk_retain_period < cfg.storage_config.index_cache_validity
  ) {
    errs.push(
      `CONFIG ERROR: the active index is ${period.store} which is configured to use an \`index_cache_validity\` (TTL) of ${formatGoDuration(cfg.storage_config.index_cache_validity)}, however the chunk_retain_period is ${formatGoDuration(cfg.ingester.chunk_retain_period)} which is LESS than the \`index_cache_validity\`. This can lead to query gaps, please configure the \`chunk_retain_period\` to be greater than the \`index_cache_validity\``,
    );
  }
  const version = schemaVersion(period.schema);
  if (version === null) {
    errs.push(`CONFIG ERROR: invalid schema version at schema position ${p}`);
    return errs;
  }
  if (cfg.limits_config.allow_structured_metadata && version < 13) {
    errs.push(
      `CONFIG ERROR: schema v13 is required to store Structured Metadata and use native OTLP ingestion, your schema version is ${period.schema}. Set \`allow_structured_metadata: false\` in the \`limits_config\` section or set the command line argument \`-validation.allow-structured-metadata=false\` and restart Loki. Then proceed to update to schema v13 or newer before re-enabling this config, search for 'Storage Schema' in the docs for the schema update procedure`,
    );
  }
  if (cfg.limits_config.allow_structured_metadata && period.store !== 'tsdb') {
    errs.push(
      `CONFIG ERROR: \`tsdb\` index type is required to store Structured Metadata and use native OTLP ingestion, your index type is \`${period.store}\` (defined in the \`store\` parameter of the schema_config). Set \`allow_structured_metadata: false\` in the \`limits_config\` section or set the command line argument \`-validation.allow-structured-metadata=false\` and restart Loki. Then proceed to update the schema to use index type \`tsdb\` before re-enabling this config, search for 'Storage Schema' in the docs for the schema update procedure`,
    );
  }
  return errs;
}

function validateDirectories(cfg: SkaldConfig): string[] {
  const errs: string[] = [];
  const stores = cfg.schema_config.configs.map((p) => p.store);
  const sc = cfg.storage_config;
  const shipperChecks = [
    ['tsdb', 'tsdb_shipper', sc.tsdb_shipper],
    ['boltdb-shipper', 'boltdb_shipper', sc.boltdb_shipper],
  ] as const;
  for (const [store, key, shipper] of shipperChecks) {
    for (const s of stores) {
      if (s !== store) continue;
      for (const dir of ['active_index_directory', 'cache_location'] as const) {
        if (shipper[dir] === '') {
          errs.push(
            `CONFIG ERROR: \`${store}\` index type is configured in at least one schema period, however, \`storage_config\`, \`${key}\`, \`${dir}\` is not set, please set this directly or set \`path_prefix:\` in the \`common:\` section`,
          );
        }
      }
    }
  }
  for (const s of stores) {
    if ((s === 'tsdb' || s === 'boltdb-shipper') && cfg.compactor.working_directory === '') {
      errs.push(
        'CONFIG ERROR: `compactor:` `working_directory:` is empty, please set a valid directory or set `path_prefix:` in the `common:` section',
      );
    }
  }
  return errs;
}

function validateIngester(cfg: SkaldConfig): string | null {
  const ing = cfg.ingester;
  if (!CHUNK_CODECS.some((c) => c.toLowerCase() === ing.chunk_encoding.toLowerCase())) {
    return `invalid encoding: ${ing.chunk_encoding}, supported: ${CHUNK_CODECS.join(', ')}`;
  }
  if (ing.flush_op_backoff.min_period > ing.flush_op_backoff.max_period) {
    return 'invalid flush op min backoff: cannot be larger than max backoff';
  }
  if (ing.flush_op_backoff.max_retries <= 0) return `invalid flush op max retries: ${ing.flush_op_backoff.max_retries}`;
  if (ing.flush_op_timeout <= 0) return `invalid flush op timeout: ${formatGoDuration(ing.flush_op_timeout)}`;
  if (ing.index_shards <= 0) return `invalid ingester index shard factor: ${ing.index_shards}`;
  return null;
}

/** The checks Loki runs on `limits_config` and on every tenant's overrides. */
export function validateLimits(l: LimitsConfig): string | null {
  for (const rule of l.retention_stream) {
    if (rule.period < DAY_MS) return `retention period must be >= 24h was ${formatPromDuration(rule.period)}`;
  }
  if (!DELETION_MODES.includes(l.deletion_mode)) {
    return `unknown deletion mode: must be one of ${DELETION_MODES.join('|')}`;
  }
  if (!SHARD_VERSIONS.includes(l.tsdb_sharding_strategy)) {
    return `invalid tsdb sharding strategy: invalid shard version ${l.tsdb_sharding_strategy}`;
  }
  if (!CHUNK_CODECS.some((c) => c.toLowerCase() === l.bloom_block_encoding.toLowerCase())) {
    return `invalid encoding: ${l.bloom_block_encoding}, supported: ${CHUNK_CODECS.join(', ')}`;
  }
  if (l.tsdb_max_bytes_per_shard <= 0) return 'querier.tsdb-max-bytes-per-shard must be greater than 0';
  if (l.engine_results_cache_time_bucket_interval < 60_000) {
    return `engine_results_cache_time_bucket_interval must be >= 1m, got ${formatPromDuration(l.engine_results_cache_time_bucket_interval)}`;
  }
  return validateOtlpConfig(l.otlp_config);
}

function validateTargets(targets: readonly string[]): string[] {
  return targets.filter((t) => !ALL_TARGETS.includes(t)).map((t) => `unrecognised module name: ${t}`);
}
