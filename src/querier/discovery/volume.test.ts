import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMatchers } from '../../logql/syntax/index.js';
import { labelsFromRecord, labelsToRecord } from '../../util/labels.js';
import { TEST_TENANT, type TestStream, testSources } from './test-sources.js';
import {
  queryVolume,
  streamGroups,
  VolumeMaxSeriesError,
  type VolumeRequest,
  volumeBuckets,
  volumeGrouping,
} from './volume.js';

const SEC = 1_000_000_000n;
const BASE_SEC = 1_700_000_000;
const BASE = BigInt(BASE_SEC) * SEC;
const ms = (sec: number) => (BASE_SEC + sec) * 1000;

const labels = labelsFromRecord({ app: 'api', env: 'prod', pod: 'api-1' });

function groupsOf(selector: string | null, targets: string[], by: 'series' | 'labels') {
  const grouping = volumeGrouping(selector === null ? null : parseMatchers(selector), targets);
  return streamGroups(labels, grouping, by).map((g) => [g.name, labelsToRecord(g.metric)]);
}

describe('volume grouping', () => {
  it('groups by the labels the selector names', () => {
    assert.deepEqual(groupsOf('{app="api"}', [], 'series'), [['{app="api"}', { app: 'api' }]]);
    assert.deepEqual(groupsOf('{app=~".+", env!="dev"}', [], 'series'), [
      ['{app="api", env="prod"}', { app: 'api', env: 'prod' }],
    ]);
  });

  it('groups by every label for the match-anything selector {}', () => {
    assert.deepEqual(groupsOf(null, [], 'series'), [
      ['{app="api", env="prod", pod="api-1"}', { app: 'api', env: 'prod', pod: 'api-1' }],
    ]);
  });

  it('groups by target labels instead of the selector, requiring them to be present', () => {
    assert.deepEqual(groupsOf('{app="api"}', ['pod'], 'series'), [['{pod="api-1"}', { pod: 'api-1' }]]);
    const grouping = volumeGrouping(parseMatchers('{app="api"}'), ['pod', 'app']);
    assert.deepEqual(
      grouping.matchers.map((m) => `${m.name}${m.op}${m.value}`),
      ['app=api', 'pod=~.+'],
    );
  });

  it('aggregates by label name with an empty value when aggregating by labels', () => {
    assert.deepEqual(groupsOf('{app="api"}', [], 'labels'), [
      ['app', { app: '' }],
      ['env', { env: '' }],
      ['pod', { pod: '' }],
    ]);
    assert.deepEqual(groupsOf('{app="api"}', ['env'], 'labels'), [['env', { env: '' }]]);
  });
});

describe('volume step buckets', () => {
  it('is one bucket ending at the request end for index/volume, read at whole seconds', () => {
    assert.deepEqual(volumeBuckets(1_500, 10_750, 0), [{ timestampMs: 10_750, fromMs: 1_000, throughMs: 10_000 }]);
  });

  it('aligns buckets to the step, each ending 1ms before the next and the last at the end', () => {
    assert.deepEqual(volumeBuckets(1_500, 10_000, 4_000), [
      { timestampMs: 3_999, fromMs: 1_000, throughMs: 3_000 },
      { timestampMs: 7_999, fromMs: 4_000, throughMs: 7_000 },
      { timestampMs: 10_000, fromMs: 8_000, throughMs: 10_000 },
    ]);
  });

  it('has no buckets for an empty range', () => {
    assert.deepEqual(volumeBuckets(5_000, 5_000, 1_000), []);
  });
});

function stream(labels: Record<string, string>, seconds: number, lineBytes: number): TestStream {
  return {
    labels,
    entries: Array.from({ length: seconds }, (_, i) => ({ ts: BASE + BigInt(i) * SEC, line: 'x'.repeat(lineBytes) })),
  };
}

describe('volume queries', () => {
  const data = {
    memory: [
      stream({ app: 'api', pod: 'a' }, 100, 10),
      stream({ app: 'api', pod: 'b' }, 100, 5),
      stream({ app: 'web', pod: 'c' }, 100, 30),
    ],
  };
  const base: VolumeRequest = {
    tenant: TEST_TENANT,
    matchers: parseMatchers('{app=~".+"}'),
    fromMs: ms(0),
    throughMs: ms(100),
    stepMs: 0,
    limit: 100,
    targetLabels: [],
    aggregateBy: 'series',
    maxSeries: 1000,
  };

  it('sums bytes per group, largest first, as a single-sample result', async () => {
    const r = await queryVolume(await testSources(data), base);
    assert.equal(r.resultType, 'vector');
    assert.deepEqual(
      r.series.map((s) => [s.name, s.samples]),
      [
        ['{app="web"}', [[ms(100), 3000]]],
        ['{app="api"}', [[ms(100), 1500]]],
      ],
    );
  });

  it('keeps the top `limit` groups', async () => {
    const r = await queryVolume(await testSources(data), { ...base, matchers: parseMatchers('{pod=~".+"}'), limit: 2 });
    assert.deepEqual(
      r.series.map((s) => s.name),
      ['{pod="c"}', '{pod="a"}'],
    );
  });

  it('gives one sample per step bucket as a matrix', async () => {
    const r = await queryVolume(await testSources(data), {
      ...base,
      matchers: parseMatchers('{app="web"}'),
      stepMs: 50_000,
    });
    assert.equal(r.resultType, 'matrix');
    const samples = r.series[0]!.samples;
    assert.deepEqual(
      samples.map(([t]) => t),
      [ms(49) + 999, ms(100)],
    );
    assert.ok(samples.every(([, v]) => v > 0));
  });

  it('refuses more groups than volume_max_series', async () => {
    await assert.rejects(
      queryVolume(await testSources(data), { ...base, matchers: parseMatchers('{pod=~".+"}'), maxSeries: 2 }),
      (err: unknown) =>
        err instanceof VolumeMaxSeriesError &&
        err.message === 'the query hit the max number of series limit (limit: 2 series)',
    );
  });
});
