import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultValue } from './schema/defaults.js';
import { configBlock } from './schema/root.js';
import type { SchemaPeriodConfig } from './types.js';
import { schemaVersion, validateLimits, validateSchemaConfig } from './validate.js';

const DAY = 86_400_000;

function period(overrides: Partial<SchemaPeriodConfig> & { period?: number } = {}): SchemaPeriodConfig {
  const { period: indexPeriod = DAY, ...rest } = overrides;
  return {
    from: '2024-01-01',
    store: 'tsdb',
    object_store: 'filesystem',
    schema: 'v13',
    index: { path_prefix: 'index/', prefix: 'index_', period: indexPeriod, tags: {} },
    chunks: { prefix: '', period: 0, tags: {} },
    row_shards: 16,
    ...rest,
  };
}

test('a valid TSDB period passes', () => {
  assert.equal(validateSchemaConfig([period()]), null);
});

test("schema periods are checked with Loki's messages", () => {
  const now = Date.UTC(2024, 5, 1);
  assert.equal(validateSchemaConfig([], now), 'must specify at least one schema configuration');
  assert.equal(
    validateSchemaConfig([period({ period: 7 * DAY })], now),
    'validating period_config: tsdb must always have periodic config for index set to 24h',
  );
  assert.equal(
    validateSchemaConfig([period({ store: 'boltdb-shipper', period: 7 * DAY })], now),
    'boltdb-shipper works best with 24h periodic index config. Either add a new config with future date set to 24h to retain the existing index or change the existing config to use 24h period',
  );
  assert.equal(
    validateSchemaConfig([period(), period({ from: '2025-01-01', store: 'boltdb-shipper', period: 2 * DAY })], now),
    'boltdb-shipper with future date must always have periodic config for index set to 24h',
  );
  assert.equal(
    validateSchemaConfig([period({ schema: 'v8' })], now),
    'validating period_config: invalid schema version',
  );
  assert.equal(
    validateSchemaConfig([period({ schema: 'vx' })], now),
    'validating period_config: invalid schema version: strconv.Atoi: parsing "x": invalid syntax',
  );
  assert.equal(
    validateSchemaConfig([period({ row_shards: 0 })], now),
    'validating period_config: must have row_shards > 0 (current: 0) for schema (v13)',
  );
  assert.equal(
    validateSchemaConfig([period({ index: { path_prefix: '/index', prefix: '', period: DAY, tags: {} } })], now),
    "validating period_config: validating index tables: prefix should never start with a path separator i.e '/'",
  );
  assert.equal(
    validateSchemaConfig([period({ from: '2024-02-01' }), period({ from: '2024-02-01' })], now),
    'from time in schemas must be distinct and in increasing order',
  );
});

test('schema versions are read as Loki trims them', () => {
  assert.equal(schemaVersion('v13'), 13);
  assert.equal(schemaVersion('11'), 11);
  assert.equal(schemaVersion('vv12v'), 12);
  assert.equal(schemaVersion('version13'), null);
});

test("limits are checked with Loki's messages", () => {
  const limits = defaultValue(configBlock).limits_config;
  assert.equal(validateLimits(limits), null);
  assert.equal(
    validateLimits({ ...limits, retention_stream: [{ period: 3_600_000, priority: 1, selector: '{a="b"}' }] }),
    'retention period must be >= 24h was 1h',
  );
  assert.equal(
    validateLimits({ ...limits, deletion_mode: 'delete' }),
    'unknown deletion mode: must be one of disabled|filter-only|filter-and-delete',
  );
  assert.equal(
    validateLimits({ ...limits, tsdb_max_bytes_per_shard: 0 }),
    'querier.tsdb-max-bytes-per-shard must be greater than 0',
  );
});
