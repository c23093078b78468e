import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectedLabels, isDetectedLabel, isUuid, shouldRejectLabel } from './detected-labels.js';
import { selectorMatchers, TEST_TENANT, type TestStream, testSources } from './test-sources.js';

const SEC = 1_000_000_000n;
const BASE = 1_700_000_000n * SEC;

describe('which labels are detected', () => {
  it('rejects labels whose values all look like identifiers', () => {
    assert.equal(shouldRejectLabel(['1', '2', '3']), true);
    assert.equal(shouldRejectLabel(['1.5', '2e3', '7']), true);
    assert.equal(shouldRejectLabel(['550e8400-e29b-41d4-a716-446655440000', '42', '7']), true);
    assert.equal(shouldRejectLabel(['42', '43']), true);
    assert.equal(shouldRejectLabel([]), true);
  });

  it('keeps labels with at least one ordinary value', () => {
    assert.equal(shouldRejectLabel(['1', '2', 'three']), false);
    assert.equal(shouldRejectLabel(['api']), false);
  });

  it('keeps 0/1 flags', () => {
    assert.equal(shouldRejectLabel(['0', '1']), false);
    assert.equal(shouldRejectLabel(['1']), false);
    assert.equal(shouldRejectLabel(['0', '1', '1.0']), true);
  });

  it('always keeps the topology labels', () => {
    assert.equal(isDetectedLabel('pod', ['1', '2', '3']), true);
    assert.equal(isDetectedLabel('namespace', ['550e8400-e29b-41d4-a716-446655440000']), true);
    assert.equal(isDetectedLabel('build', ['1', '2', '3']), false);
  });

  it('recognises the UUID forms Go uuid.Parse accepts', () => {
    for (const v of [
      '550e8400-e29b-41d4-a716-446655440000',
      '{550E8400-E29B-41D4-A716-446655440000}',
      'urn:uuid:550e8400-e29b-41d4-a716-446655440000',
      '550e8400e29b41d4a716446655440000',
    ])
      assert.equal(isUuid(v), true, v);
    for (const v of ['550e8400-e29b-41d4-a716', 'not-a-uuid', '550e8400-e29b-41d4-a716-44665544000g'])
      assert.equal(isUuid(v), false, v);
  });
});

describe('detected labels of a selection', () => {
  const streams: TestStream[] = [
    { labels: { app: 'api', build: '101', pod: 'p1' }, entries: [{ ts: BASE, line: 'a' }] },
    { labels: { app: 'api', build: '102', pod: 'p2' }, entries: [{ ts: BASE + SEC, line: 'b' }] },
    { labels: { app: 'web', build: '103', pod: 'p3' }, entries: [{ ts: BASE + 2n * SEC, line: 'c' }] },
  ];

  it('lists kept labels with their cardinality, sorted by name', async () => {
    const sources = await testSources({ memory: streams.slice(0, 2), stored: streams.slice(2) });
    const labels = await detectedLabels(sources, {
      tenant: TEST_TENANT,
      matchers: [],
      startNs: BASE,
      endNs: BASE + 10n * SEC,
    });
    assert.deepEqual(labels, [
      { label: 'app', cardinality: 2 },
      { label: 'pod', cardinality: 3 },
    ]);
  });

  it('only looks at streams the selector matches and with data in the range', async () => {
    const sources = await testSources({ memory: streams });
    const labels = await detectedLabels(sources, {
      tenant: TEST_TENANT,
      matchers: selectorMatchers('{app="api"}'),
      startNs: BASE + SEC,
      endNs: BASE + 10n * SEC,
    });
    assert.deepEqual(labels, [
      { label: 'app', cardinality: 1 },
      { label: 'pod', cardinality: 1 },
    ]);
  });
});
