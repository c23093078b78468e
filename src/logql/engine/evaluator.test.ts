import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BinaryExpr, RangeAggregationExpr, SampleExpr, VectorAggregationExpr } from '../syntax/ast.js';
import { EvaluationError } from './eval-errors.js';
import { evaluateSample } from './evaluator.js';
import { isScalar, type StepGrid, type StepMatrix } from './types.js';

const pos = { start: 0, end: 0 };
const grid: StepGrid = { startNs: 0n, stepNs: 30_000_000_000n, steps: 3 };

function rangeAgg(app: string): RangeAggregationExpr {
  return {
    kind: 'range_agg',
    op: 'count_over_time',
    range: {
      kind: 'log_range',
      selector: { kind: 'log_selector', matchers: [{ name: 'app', op: '=', value: app, pos }], stages: [], pos },
      rangeNs: 60_000_000_000n,
      offsetNs: 0n,
      pos,
    },
    pos,
  };
}

function sum(expr: SampleExpr, by: string[]): VectorAggregationExpr {
  return { kind: 'vector_agg', op: 'sum', expr, grouping: { without: false, labels: by }, pos };
}

function binary(op: BinaryExpr['op'], lhs: SampleExpr, rhs: SampleExpr, extra: Partial<BinaryExpr> = {}): BinaryExpr {
  return {
    kind: 'binary',
    op,
    lhs,
    rhs,
    returnBool: false,
    matching: { card: 'one-to-one', on: false, labels: [], include: [] },
    pos,
    ...extra,
  };
}

function matrix(rows: Array<[Record<string, string>, Array<number | null>]>): StepMatrix {
  return {
    grid,
    series: rows.map(([labels, points]) => ({
      labels: Object.entries(labels).map(([name, value]) => ({ name, value })),
      values: Float64Array.from(points, (p) => p ?? Number.NaN),
      present: Uint8Array.from(points, (p) => (p === null ? 0 : 1)),
    })),
  };
}

const data: Record<string, StepMatrix> = {
  foo: matrix([
    [{ app: 'foo', pod: 'a' }, [1, 2, 3]],
    [{ app: 'foo', pod: 'b' }, [10, null, 30]],
  ]),
  bar: matrix([[{ app: 'bar' }, [5, 5, null]]]),
};

function appOf(node: RangeAggregationExpr): string {
  return node.range.selector.matchers[0]!.value;
}

test('evaluates a tree of operators over the range aggregations the caller computes', async () => {
  // sum by (app) (count_over_time({app="foo"}[1m])) * on () group_left sum(count_over_time({app="bar"}[1m]))
  const expr = binary('*', sum(rangeAgg('foo'), ['app']), sum(rangeAgg('bar'), []), {
    matching: { card: 'many-to-one', on: true, labels: [], include: [] },
  });
  const seen: string[] = [];
  const v = await evaluateSample(expr, {
    grid,
    rangeAggregation: async (node) => {
      seen.push(appOf(node));
      return data[appOf(node)]!;
    },
  });
  assert.ok(!isScalar(v));
  assert.deepEqual(seen.sort(), ['bar', 'foo']);
  assert.equal(v.series.length, 1);
  assert.deepEqual(v.series[0]!.labels, [{ name: 'app', value: 'foo' }]);
  assert.deepEqual([...v.series[0]!.present], [1, 1, 0]);
  assert.deepEqual([...v.series[0]!.values].slice(0, 2), [55, 10]);
});

test('both legs of a binary operation are read concurrently', async () => {
  let pending = 0;
  let maxPending = 0;
  const expr = binary('+', rangeAgg('foo'), rangeAgg('bar'));
  await evaluateSample(expr, {
    grid,
    rangeAggregation: async (node) => {
      pending++;
      maxPending = Math.max(maxPending, pending);
      await new Promise((resolve) => setTimeout(resolve, 5));
      pending--;
      return data[appOf(node)]!;
    },
  });
  assert.equal(maxPending, 2);
});

test('literals are scalars and vector() a label-less series at every step', async () => {
  const ctx = { grid, rangeAggregation: async () => matrix([]) };
  const lit = await evaluateSample({ kind: 'literal', value: 4, pos }, ctx);
  assert.deepEqual(lit, { kind: 'scalar', value: 4 });
  const vec = await evaluateSample({ kind: 'vector', value: 2, pos }, ctx);
  assert.ok(!isScalar(vec));
  assert.deepEqual(vec.series[0]!.labels, []);
  assert.deepEqual([...vec.series[0]!.values], [2, 2, 2]);
  const folded = await evaluateSample(
    binary('>', { kind: 'literal', value: 2, pos }, { kind: 'literal', value: 1, pos }),
    ctx,
  );
  assert.deepEqual(folded, { kind: 'scalar', value: 1 });
});

test('an instant query is a single zero-length step unless told otherwise', async () => {
  const approx: VectorAggregationExpr = {
    kind: 'vector_agg',
    op: 'approx_topk',
    param: 1,
    expr: rangeAgg('bar'),
    grouping: { without: false, labels: [] },
    pos,
  };
  const one: StepGrid = { startNs: 0n, stepNs: 0n, steps: 1 };
  const rangeAggregation = async () => ({ ...data.bar!, grid: one });
  const v = await evaluateSample(approx, { grid: one, rangeAggregation });
  assert.ok(!isScalar(v) && v.series.length === 1);
  await assert.rejects(
    evaluateSample(approx, { grid: { ...one, stepNs: 1n }, rangeAggregation }),
    (err: unknown) => err instanceof EvaluationError && /only supported on instant queries/.test(err.message),
  );
  await evaluateSample(approx, { grid: { ...one, stepNs: 1n }, instant: true, rangeAggregation });
});

test('errors of the data-reading callback propagate', async () => {
  await assert.rejects(
    evaluateSample(sum(rangeAgg('foo'), []), {
      grid,
      rangeAggregation: async () => {
        throw new Error('boom');
      },
    }),
    /boom/,
  );
});
