import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultValue } from './schema/defaults.js';
import { configBlock } from './schema/root.js';
import { specAt } from './schema/walk.js';
import { ignoredSettingWarnings, matches, UNSUPPORTED_SETTINGS } from './unsupported.js';

test('entries match a key, its descendants and wildcard segments', () => {
  assert.ok(matches('bloom_build', 'bloom_build.planner.planning_interval'));
  assert.ok(matches('limits_config.bloom_*', 'limits_config.bloom_creation_enabled'));
  assert.ok(matches('query_range.*.cache.memcached*', 'query_range.results_cache.cache.memcached_client.addresses'));
  assert.ok(!matches('limits_config.bloom_*', 'limits_config.max_line_size'));
  assert.ok(matches('storage_config.named_stores.azure', 'storage_config.named_stores.azure.store1.container_name'));
});

test('every entry names a real key or block of the schema', () => {
  for (const { path } of UNSUPPORTED_SETTINGS) {
    if (path.includes('*')) continue;
    assert.ok(specAt(configBlock, path), `${path} is not a Loki config key`);
  }
});

test('a set value differing from the default warns once per reason; default values and supported keys do not', () => {
  const defaults = defaultValue(configBlock);
  const config = defaultValue(configBlock);
  config.tracing.enabled = false;
  config.bloom_gateway.enabled = false;
  config.bloom_build.enabled = true;
  config.bloom_gateway.worker_concurrency = 8;
  config.limits_config.max_line_size = 1;
  const warnings = ignoredSettingWarnings(
    [
      'tracing.enabled',
      'bloom_gateway.enabled',
      'bloom_build.enabled',
      'bloom_gateway.worker_concurrency',
      'limits_config.max_line_size',
    ],
    config,
    defaults,
  );
  assert.deepEqual(warnings, [
    'Loki settings that Skald does not act on yet were set and are ignored (bloom filters are not built or queried): bloom_build.enabled, bloom_gateway.worker_concurrency',
  ]);
});
