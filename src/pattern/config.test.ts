import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_JSON_MESSAGE_FIELDS,
  DEFAULT_PATTERN_DETECTOR_CONFIG,
  jsonMessageFieldsFromLimits,
  patternDetectorConfig,
  patternIngesterConfigError,
} from './config.js';

const HOUR = 3_600_000;
const ingester = {
  max_clusters: 500,
  max_eviction_ratio: 0.5,
  max_chunk_age: 2 * HOUR,
  pattern_sample_interval: 30_000,
  retain_for: 6 * HOUR,
  volume_threshold: 0.99,
};

describe('pattern detector config', () => {
  it('has Loki defaults', () => {
    const c = DEFAULT_PATTERN_DETECTOR_CONFIG;
    assert.deepEqual(
      [c.maxClusters, c.maxEvictionRatio, c.maxChunkAgeMs, c.sampleIntervalMs, c.retainForMs, c.maxAllowedLineLength],
      [300, 0.25, HOUR, 10_000, 3 * HOUR, 3000],
    );
    assert.deepEqual([c.logClusterDepth, c.simTh, c.maxChildren], [30, 0.3, 15]);
    assert.deepEqual(c.jsonMessageFields('any'), ['log', 'message', 'msg', 'msg_', '_msg', 'content']);
  });

  it('takes the pattern_ingester keys and the tenant JSON fields', () => {
    const limits = {
      pattern_ingester_tokenizable_json_fields_default: [...DEFAULT_JSON_MESSAGE_FIELDS],
      pattern_ingester_tokenizable_json_fields_append: ['body'],
      pattern_ingester_tokenizable_json_fields_delete: ['log', 'content'],
    };
    const c = patternDetectorConfig(ingester, () => limits);
    assert.deepEqual(
      [c.maxClusters, c.maxEvictionRatio, c.maxChunkAgeMs, c.sampleIntervalMs, c.retainForMs],
      [500, 0.5, 2 * HOUR, 30_000, 6 * HOUR],
    );
    assert.deepEqual(c.jsonMessageFields('t'), ['message', 'msg', 'msg_', '_msg', 'body']);
    assert.deepEqual(jsonMessageFieldsFromLimits({ ...limits, pattern_ingester_tokenizable_json_fields_delete: [] }), [
      ...DEFAULT_JSON_MESSAGE_FIELDS,
      'body',
    ]);
  });

  it('reports inconsistent durations in Loki words', () => {
    assert.equal(patternIngesterConfigError(ingester), null);
    assert.equal(
      patternIngesterConfigError({ ...ingester, retain_for: HOUR }),
      'retain-for (1h0m0s) must be greater than or equal to chunk-duration (2h0m0s)',
    );
    assert.equal(
      patternIngesterConfigError({ ...ingester, pattern_sample_interval: 3 * HOUR }),
      'chunk-duration (2h0m0s) must be greater than or equal to sample-interval (3h0m0s)',
    );
    assert.equal(
      patternIngesterConfigError({ ...ingester, volume_threshold: 1.5 }),
      'volume_threshold (1.5) must be between 0 and 1',
    );
  });
});
