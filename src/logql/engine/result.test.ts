import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Labels } from '../../util/labels.js';
import { parseSampleExpr } from '../syntax/index.js';
import { SeriesLimitError } from './eval-errors.js';
import {
  encodeLabels,
  encodeResult,
  formatSampleValue,
  formatTimestamp,
  jsonString,
  keepsEvaluationOrder,
} from './result.js';
import type { StepGrid, StepSeries } from './types.js';

const sec = 1_000_000_000n;

function series(labels: Record<string, string>, points: Array<number | null>): StepSeries {
  const l: Labels = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => ({ name, value }));
  return {
    labels: l,
    values: Float64Array.from(points, (p) => p ?? Number.NaN),
    present: Uint8Array.from(points, (p) => (p === null ? 0 : 1)),
  };
}

test('values print as Go prints them with FormatFloat(v, f, -1, 64)', () => {
  assert.equal(formatSampleValue(1), '1');
  assert.equal(formatSampleValue(0.1), '0.1');
  assert.equal(formatSampleValue(0.1 + 0.2), '0.30000000000000004');
  assert.equal(formatSampleValue(-0), '-0');
  assert.equal(formatSampleValue(1e21), '1000000000000000000000');
  assert.equal(formatSampleValue(1.5e300).length, 301);
  assert.equal(formatSampleValue(1e-7), '0.0000001');
  assert.equal(formatSampleValue(-2.5e-8), '-0.000000025');
  assert.equal(formatSampleValue(Number.NaN), 'NaN');
  assert.equal(formatSampleValue(Number.POSITIVE_INFINITY), '+Inf');
  assert.equal(formatSampleValue(Number.NEGATIVE_INFINITY), '-Inf');
});

test('timestamps are seconds with at most millisecond precision', () => {
  assert.equal(formatTimestamp(1_705_276_800n * sec), '1705276800');
  assert.equal(formatTimestamp(1_705_276_800_500_000_000n), '1705276800.5');
  assert.equal(formatTimestamp(1_705_276_800_123_999_999n), '1705276800.123');
  assert.equal(formatTimestamp(0n), '0');
});

test('JSON strings escape only quotes, backslashes and control characters', () => {
  assert.equal(jsonString('plain'), '"plain"');
  assert.equal(jsonString('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(jsonString('l1\nl2\tx\r'), '"l1\\nl2\\tx\\r"');
  assert.equal(jsonString('\b\f\u0001'), '"\\u0008\\u000c\\u0001"');
  assert.equal(jsonString('<&>'), '"<&>"');
  assert.equal(jsonString('ünï 😀'), '"ünï 😀"');
  assert.equal(jsonString('\ud800x'), '"\ufffdx"');
  assert.equal(encodeLabels([{ name: 'a', value: '1' }]), '{"a":"1"}');
});

const grid: StepGrid = { startNs: 60n * sec, stepNs: 30n * sec, steps: 3 };

test('a range result lists present points of each label set, series sorted by labels', () => {
  const value = {
    grid,
    series: [
      series({ app: 'b' }, [1, null, 3]),
      series({ app: 'a' }, [null, 2, null]),
      series({ app: 'c' }, [null, null, null]),
    ],
  };
  const r = encodeResult(value, grid, { instant: false });
  assert.equal(r.resultType, 'matrix');
  assert.equal(
    r.result,
    '[{"metric":{"app":"a"},"values":[[90,"2"]]},{"metric":{"app":"b"},"values":[[60,"1"],[120,"3"]]}]',
  );
  assert.equal(r.series, 2);
  assert.equal(r.points, 3);
});

test('series sharing a label set merge into one, points in step order', () => {
  const value = { grid, series: [series({ app: 'x' }, [null, 2, null]), series({ app: 'x' }, [1, null, 3])] };
  assert.equal(
    encodeResult(value, grid, { instant: false }).result,
    '[{"metric":{"app":"x"},"values":[[60,"1"],[90,"2"],[120,"3"]]}]',
  );
});

test('labels sort by byte order and then by length, as Prometheus compares them', () => {
  const value = {
    grid,
    series: [
      series({ a: '\uffff' }, [1, null, null]),
      series({ a: '😀' }, [1, null, null]),
      series({ a: 'x', b: 'y' }, [1, null, null]),
      series({ a: 'x' }, [1, null, null]),
      series({}, [1, null, null]),
    ],
  };
  const metrics = (JSON.parse(encodeResult(value, grid, { instant: false }).result) as Array<{ metric: object }>).map(
    (s) => s.metric,
  );
  assert.deepEqual(metrics, [{}, { a: 'x' }, { a: 'x', b: 'y' }, { a: '\uffff' }, { a: '😀' }]);
});

test('an instant vector is sorted by labels unless evaluation order is kept', () => {
  const g: StepGrid = { startNs: 1_705_276_800_500_000_000n, stepNs: 0n, steps: 1 };
  const value = {
    grid: g,
    series: [series({ app: 'b' }, [2]), series({ app: 'a' }, [1]), series({ app: 'c' }, [null])],
  };
  const sorted = encodeResult(value, g, { instant: true });
  assert.equal(sorted.resultType, 'vector');
  assert.equal(
    sorted.result,
    '[{"metric":{"app":"a"},"value":[1705276800.5,"1"]},{"metric":{"app":"b"},"value":[1705276800.5,"2"]}]',
  );
  const kept = encodeResult(value, g, { instant: true, preserveOrder: true });
  assert.deepEqual(
    (JSON.parse(kept.result) as Array<{ metric: { app: string } }>).map((s) => s.metric.app),
    ['b', 'a'],
  );
  assert.equal(encodeResult({ grid: g, series: [] }, g, { instant: true }).result, '[]');
});

test('a scalar is a scalar (time in ms, as Loki 2.9) for instant queries and a label-less series for range queries', () => {
  const g: StepGrid = { startNs: 60n * sec, stepNs: 0n, steps: 1 };
  assert.deepEqual(encodeResult({ kind: 'scalar', value: 2 }, g, { instant: true }), {
    resultType: 'scalar',
    result: '[60000,"2"]',
    series: 0,
    points: 1,
  });
  assert.equal(
    encodeResult({ kind: 'scalar', value: 0.5 }, grid, { instant: false }).result,
    '[{"metric":{},"values":[[60,"0.5"],[90,"0.5"],[120,"0.5"]]}]',
  );
});

test('more series than max_query_series is an error', () => {
  const value = { grid, series: [series({ app: 'a' }, [1, 1, 1]), series({ app: 'b' }, [1, 1, 1])] };
  assert.throws(() => encodeResult(value, grid, { instant: false, maxSeries: 1 }), SeriesLimitError);
  assert.throws(
    () => encodeResult(value, grid, { instant: false, maxSeries: 1 }),
    /maximum number of series \(1\) reached/,
  );
  assert.equal(encodeResult(value, grid, { instant: false, maxSeries: 2 }).series, 2);
});

test('evaluation order is kept when the query sorts anywhere', () => {
  const parse = parseSampleExpr;
  assert.equal(keepsEvaluationOrder(parse('sort(rate({a="b"}[1m])) + 1')), true);
  assert.equal(keepsEvaluationOrder(parse('sum(sort_desc(rate({a="b"}[1m])))')), true);
  assert.equal(keepsEvaluationOrder(parse('topk(2, rate({a="b"}[1m]))')), false);
});
