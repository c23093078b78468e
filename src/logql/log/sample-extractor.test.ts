import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileSampleExtractor } from './sample-extractor.js';

describe('compileSampleExtractor', () => {
  it('extracts only the labels the grouping needs', () => {
    const ex = compileSampleExtractor({
      stages: [{ kind: 'json' }],
      sample: { kind: 'count' },
      grouping: { labels: ['a', 'zz'], without: false },
    }).forStream([]);
    // The line breaks after `a`, so the errored sample shows every label that was extracted.
    assert.ok(ex.process('{"x":"1","a":"2","y":{"z":3} broken', 0n));
    assert.equal(
      ex.labels().key,
      '{__error__="JSONParserErr", __error_details__="Value looks like object, but can\'t find closing \'}\' symbol", a="2"}',
    );
  });

  it('does not enter nested objects that cannot hold a needed label', () => {
    const ex = compileSampleExtractor({
      stages: [{ kind: 'json' }],
      sample: { kind: 'count' },
      grouping: { labels: ['req_ip', 'zz'], without: false },
    }).forStream([]);
    // The broken object under `res` is never read, so no error is reported.
    assert.ok(ex.process('{"res":{"bad" 1},"req":{"ip":"1.2.3.4"}}', 0n));
    assert.equal(ex.labels().key, '{req_ip="1.2.3.4"}');
  });

  it('keeps the value and labels of the last sample until the next line', () => {
    const ex = compileSampleExtractor({
      stages: [{ kind: 'logfmt' }],
      sample: { kind: 'unwrap', label: 'v', conversion: 'bytes' },
      grouping: { labels: ['app'], without: false },
    }).forStream([{ name: 'app', value: 'x' }]);
    assert.ok(ex.process('v=2KB', 0n));
    assert.equal(ex.value, 2000);
    assert.equal(ex.labels().key, '{app="x"}');
    assert.equal(ex.streamLabels.key, '{app="x"}');
    assert.ok(!ex.process('other=1', 0n));
  });

  it('sets SampleExtractionErr even over an earlier error', () => {
    const ex = compileSampleExtractor({
      stages: [{ kind: 'logfmt', strict: true }],
      sample: { kind: 'unwrap', label: 'v', conversion: 'duration' },
    }).forStream([]);
    assert.ok(ex.process('v=abc =oops', 0n));
    assert.equal(ex.error, 'SampleExtractionErr');
    assert.equal(ex.errorDetails, 'time: invalid duration "abc"');
    assert.equal(ex.value, 0);
  });
});
