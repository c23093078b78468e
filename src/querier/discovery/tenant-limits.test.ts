import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { defaultConfig, type LimitsConfig } from '../../config/index.js';
import { drilldownLimitsJSON, goFormatFloatG, publishedLimits, tenantLimitsYAML } from './tenant-limits.js';

const config = defaultConfig();
const opts = {
  allowPublish: config.tenant_limits_allow_publish,
  defaultOtlpIndexLabels: config.distributor.otlp_config.default_resource_attributes_as_index_labels,
};

describe('published tenant limits', () => {
  it('publishes only the allow-listed limits, in key order, with Loki JSON values', () => {
    const limits = publishedLimits(config.limits_config, opts);
    assert.deepEqual(
      Object.keys(limits),
      [...config.tenant_limits_allow_publish].filter((k) => k !== 'retention_stream').sort(),
    );
    assert.equal(limits.max_query_length, '30d1h');
    assert.equal(limits.query_timeout, '1m');
    assert.equal(limits.max_query_bytes_read, '0B');
    assert.equal(limits.max_entries_limit_per_query, 5000);
    assert.equal(limits.volume_enabled, true);
  });

  it('leaves out empty omitempty limits such as retention_stream', () => {
    assert.equal('retention_stream' in publishedLimits(config.limits_config, opts), false);
    const withStreams: LimitsConfig = {
      ...config.limits_config,
      retention_stream: [{ selector: '{app="a"}', priority: 1, period: 86_400_000 }],
    };
    assert.deepEqual(publishedLimits(withStreams, opts).retention_stream, [
      { period: '1d', priority: 1, selector: '{app="a"}' },
    ]);
  });

  it('puts the distributor default OTLP index labels first, as Loki applies them', () => {
    const otlp = publishedLimits(config.limits_config, opts).otlp_config as {
      resource_attributes: { attributes_config: Array<{ action: string; attributes: string[] }> };
    };
    assert.deepEqual(Object.keys(otlp), ['resource_attributes']);
    const first = otlp.resource_attributes.attributes_config[0]!;
    assert.equal(first.action, 'index_label');
    assert.ok(first.attributes.includes('service.name'));
  });

  it('publishes every limit when the allow-list is empty', () => {
    const all = publishedLimits(config.limits_config, { ...opts, allowPublish: [] });
    assert.equal(all.ingestion_rate_mb, 4);
    assert.equal(all.max_line_size, '256KB');
    // time.Duration keys are nanoseconds in Go's JSON.
    assert.equal(all.simulated_push_latency, 0);
    assert.equal((all.shard_streams as Record<string, unknown>).time_sharding_ignore_recent, 2_400_000_000_000);
    assert.equal(all.ruler_alertmanager_config, null);
    assert.equal(all.enforced_labels, null);
  });

  it('writes the drilldown answer as Go json.Encoder does', () => {
    const body = drilldownLimitsJSON({ volume_enabled: true, note: 'a<b' }, true, '3.7.6+skald.0.1.0');
    assert.equal(
      body,
      '{"limits":{"volume_enabled":true,"note":"a\\u003cb"},"pattern_ingester_enabled":true,"version":"3.7.6+skald.0.1.0"}\n',
    );
  });

  it('writes the limits as YAML that reads back to the same values', () => {
    const limits = publishedLimits(config.limits_config, opts);
    const text = tenantLimitsYAML(limits);
    assert.match(text, /^max_query_length: 30d1h$/m);
    assert.match(text, /^discover_service_name:\n {4}- service$/m);
    assert.deepEqual(parseYaml(text), limits);
  });

  it('formats numbers in YAML as Go float64 values', () => {
    assert.equal(goFormatFloatG(5000), '5000');
    assert.equal(goFormatFloatG(2_000_000), '2e+06');
    assert.equal(goFormatFloatG(1.5), '1.5');
    assert.equal(goFormatFloatG(0.00001), '1e-05');
    assert.equal(goFormatFloatG(123456.5), '123456.5');
    assert.match(tenantLimitsYAML({ max_chunks_per_query: 2_000_000 }), /^max_chunks_per_query: 2e\+06$/m);
  });
});
