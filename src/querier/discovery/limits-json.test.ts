import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../config/index.js';
import { limitsToJSON } from './limits-json.js';

const limits = defaultConfig().limits_config;

describe('limits as Loki encodes them in JSON', () => {
  it('uses Loki value forms: Prometheus durations and byte sizes as text, Go durations in nanoseconds', () => {
    const json = limitsToJSON(limits);
    assert.equal(json.max_query_length, '30d1h');
    assert.equal(json.reject_old_samples_max_age, '1w');
    assert.equal(json.max_line_size, '256KB');
    assert.equal(json.simulated_push_latency, 0);
    assert.equal((json.shard_streams as Record<string, unknown>).time_sharding_ignore_recent, 2_400_000_000_000);
    assert.equal(json.ingestion_rate_mb, 4);
  });

  it('keeps an explicitly emptied list as [] and writes an unset one as null', () => {
    const json = limitsToJSON({ ...limits, discover_service_name: [] });
    assert.deepEqual(json.discover_service_name, []);
    assert.equal(json.enforced_labels, null);
  });

  it('leaves out empty omitempty keys and writes unset pointer blocks as null', () => {
    const json = limitsToJSON(limits);
    for (const key of [
      'retention_stream',
      'blocked_queries',
      'required_labels',
      'minimum_labels_number',
      'shard_aggregations',
    ])
      assert.equal(key in json, false, key);
    assert.equal(json.ruler_alertmanager_config, null);
    assert.equal(json.allow_structured_metadata, true);
    assert.equal(limitsToJSON({ ...limits, allow_structured_metadata: false }).allow_structured_metadata, undefined);
  });

  it('writes OTLP settings without empty parts, defaults first unless ignored', () => {
    const labels = ['service.name'];
    assert.deepEqual(limitsToJSON(limits, labels).otlp_config, {
      resource_attributes: { attributes_config: [{ action: 'index_label', attributes: ['service.name'] }] },
    });
    const ignoring = {
      ...limits,
      otlp_config: {
        ...limits.otlp_config,
        resource_attributes: {
          ignore_defaults: true,
          attributes_config: [{ action: 'drop', attributes: [], regex: 'k8s\\..*' }],
        },
      },
    };
    assert.deepEqual(limitsToJSON(ignoring, labels).otlp_config, {
      resource_attributes: { ignore_defaults: true, attributes_config: [{ action: 'drop', regex: 'k8s\\..*' }] },
    });
  });

  it('has no key Loki dropped from limits_config', () => {
    assert.equal('bloom_ngram_length' in limitsToJSON(limits), false);
  });
});
