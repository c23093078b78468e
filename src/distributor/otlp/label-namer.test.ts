import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LabelNameError, labelNameFor } from './label-namer.js';

describe('labelNameFor', () => {
  it('replaces dots and other punctuation with underscores', () => {
    assert.equal(labelNameFor('service.name'), 'service_name');
    assert.equal(labelNameFor('k8s.pod.name'), 'k8s_pod_name');
    assert.equal(labelNameFor('http-status/code'), 'http_status_code');
  });

  it('collapses runs of invalid characters, underscores included, into one underscore', () => {
    assert.equal(labelNameFor('a..b'), 'a_b');
    assert.equal(labelNameFor('a__b'), 'a_b');
    assert.equal(labelNameFor('a._-b'), 'a_b');
    assert.equal(labelNameFor('foo_'), 'foo_');
    assert.equal(labelNameFor('_foo'), '_foo');
  });

  it('turns each non-ASCII character into an underscore', () => {
    assert.equal(labelNameFor('café'), 'caf_');
    assert.equal(labelNameFor('日本.語x'), '_x');
    assert.equal(labelNameFor('a😀b'), 'a_b');
  });

  it('prefixes names starting with a digit with key_', () => {
    assert.equal(labelNameFor('123abc'), 'key_123abc');
    assert.equal(labelNameFor('1.2'), 'key_1_2');
  });

  it('keeps the double underscores of reserved names', () => {
    assert.equal(labelNameFor('__name__'), '__name__');
    assert.equal(labelNameFor('__a.b__'), '__a_b__');
    assert.equal(labelNameFor('__backfill__'), '__backfill__');
  });

  it('refuses names that normalise to nothing, in Loki words', () => {
    assert.throws(() => labelNameFor(''), new LabelNameError('label name is empty'));
    assert.throws(
      () => labelNameFor('...'),
      new LabelNameError('normalization for label name "..." resulted in invalid name "_"'),
    );
    assert.throws(
      () => labelNameFor('____'),
      new LabelNameError('normalization for label name "____" resulted in invalid name "____"'),
    );
  });

  it('answers repeated names the same way', () => {
    for (let i = 0; i < 3; i++) assert.equal(labelNameFor('cloud.region'), 'cloud_region');
  });
});
