import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './errors.js';
import { loadConfig } from './load.js';
import { parseRuntimeConfig, parseTenantLimits } from './overrides.js';

const testdata = fileURLToPath(new URL('testdata/', import.meta.url));
const main = loadConfig([`-config.file=${join(testdata, 'helm-loki-config.yaml')}`], {}).config;
const defaults = { limits: main.limits_config, operational: main.operational_config };

test("the Helm chart's runtime config (empty) loads", () => {
  const runtime = parseRuntimeConfig(readFileSync(join(testdata, 'helm-runtime-config.yaml'), 'utf8'), defaults);
  assert.deepEqual(runtime.overrides, {});
  assert.deepEqual(runtime.configs, {});
});

test("tenant overrides start from the main config's limits and are normalised like limits_config", () => {
  const runtime = parseRuntimeConfig(
    [
      'overrides:',
      '  tenant-a:',
      '    ingestion_rate_mb: 50',
      '    per_stream_rate_limit: 10MB',
      '    retention_period: 30d',
      '    max_query_length: 721h',
      '  tenant-b: {}',
      '  tenant-c:',
      'configs:',
      '  tenant-a:',
      '    log_push_request: true',
      'multi_kv_config:',
      '  primary: memberlist',
    ].join('\n'),
    defaults,
  );
  const a = runtime.overrides['tenant-a']!;
  assert.equal(a.ingestion_rate_mb, 50);
  assert.equal(a.per_stream_rate_limit, 10 * 1024 * 1024);
  assert.equal(a.retention_period, 30 * 86_400_000);
  assert.equal(a.max_query_length, 721 * 3_600_000);
  assert.equal(a.query_timeout, 300_000, 'unset keys keep the global value from the main config');
  assert.deepEqual(runtime.overrides['tenant-b'], main.limits_config);
  assert.equal(runtime.overrides['tenant-c'], undefined);
  assert.deepEqual(runtime.warnings, ['skipping empty tenant limit definition for tenant tenant-c']);
  assert.equal(runtime.configs['tenant-a']?.log_push_request, true);
  assert.deepEqual(runtime.multi_kv_config, { primary: 'memberlist', mirror_enabled: null });
});

test('unknown keys in overrides fail with the same error as in limits_config', () => {
  assert.throws(
    () => parseRuntimeConfig('overrides:\n  t1:\n    ingestion_rate: 5\n', defaults),
    new ConfigError(
      'parse',
      'yaml: unmarshal errors:\n  line 3: field ingestion_rate not found in type validation.plain',
      1,
    ),
  );
  assert.throws(() => parseRuntimeConfig('tenants: {}\n', defaults), {
    message: 'yaml: unmarshal errors:\n  line 1: field tenants not found in type loki.runtimeConfigValues',
  });
});

test('invalid tenant limits name the tenant', () => {
  assert.throws(
    () =>
      parseRuntimeConfig(
        'overrides:\n  t1:\n    retention_stream:\n      - selector: \'{app="x"}\'\n        period: 1h\n',
        defaults,
      ),
    { message: 'invalid override for tenant t1: retention period must be >= 24h was 1h' },
  );
});

test('one tenant can be checked from YAML text or from data', () => {
  assert.equal(parseTenantLimits('max_line_size: 1MB\n', main.limits_config).max_line_size, 1024 * 1024);
  assert.equal(
    parseTenantLimits({ max_line_size: '1MB', reject_old_samples: false }, main.limits_config).reject_old_samples,
    false,
  );
  assert.throws(() => parseTenantLimits({ max_line_size: 'huge' }, main.limits_config), {
    message: 'yaml: unmarshal errors:\n  strconv.UnmarshalText: parsing "HUGE": invalid syntax (at max_line_size)',
  });
});
