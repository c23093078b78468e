import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RangeOp } from '../syntax/ast.js';
import { prepareRangeFunction, windowValue } from './range-functions.js';
import { absentLabels, absentSeries, RangeSeriesEvaluator } from './range-series.js';
import type { StepGrid } from './types.js';

const ops: RangeOp[] = [
  'count_over_time',
  'rate',
  'rate_counter',
  'bytes_over_time',
  'bytes_rate',
  'avg_over_time',
  'sum_over_time',
  'min_over_time',
  'max_over_time',
  'stdvar_over_time',
  'stddev_over_time',
  'quantile_over_time',
  'first_over_time',
  'last_over_time',
  'absent_over_time',
];

/** A small deterministic PRNG so failures reproduce. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type ValueKind = 'integers' | 'floats' | 'specials';

function sampleSeries(rnd: () => number, n: number, kind: ValueKind): { ts: Float64Array; values: Float64Array } {
  const ts = new Float64Array(n);
  const values = new Float64Array(n);
  let t = Math.floor(rnd() * 5) * 1e9;
  for (let i = 0; i < n; i++) {
    // Whole and fractional seconds, with repeats (several lines in one nanosecond).
    t += rnd() < 0.1 ? 0 : Math.floor(rnd() * 20) * 5e8;
    ts[i] = t;
    const r = rnd();
    if (kind === 'integers') values[i] = Math.floor(r * 200) - 50;
    else if (kind === 'floats') values[i] = (r - 0.3) * 1000 * rnd();
    else
      values[i] =
        r < 0.1 ? Number.NaN : r < 0.15 ? Number.POSITIVE_INFINITY : r < 0.2 ? -Infinity : r < 0.3 ? -0 : r * 10;
  }
  return { ts, values };
}

/** Every window found by a full scan, computed by the per-window functions. */
function reference(
  op: RangeOp,
  ts: Float64Array,
  values: Float64Array,
  grid: StepGrid,
  rangeNs: bigint,
  offsetNs: bigint,
) {
  const fn = prepareRangeFunction({ op, rangeNs, param: 0.3, unwrapped: true });
  const out: Array<number | null> = [];
  for (let s = 0; s < grid.steps; s++) {
    const end = Number(grid.startNs - offsetNs + BigInt(s) * grid.stepNs);
    let lo = -1;
    let hi = -1;
    for (let i = 0; i < ts.length; i++) {
      if (ts[i]! > end - Number(rangeNs) && ts[i]! <= end) {
        if (lo < 0) lo = i;
        hi = i + 1;
      }
    }
    out.push(lo < 0 ? null : windowValue(fn, ts, values, lo, hi, end, new Float64Array(ts.length)));
  }
  return out;
}

test('every strategy of fill agrees bit for bit with the per-window functions', () => {
  const rnd = random(42);
  let checked = 0;
  for (let round = 0; round < 60; round++) {
    const kind = (['integers', 'floats', 'specials'] as const)[round % 3];
    const { ts, values } = sampleSeries(rnd, 5 + Math.floor(rnd() * 80), kind);
    const stepNs = BigInt(1 + Math.floor(rnd() * 6)) * 1_000_000_000n;
    const rangeNs = BigInt(1 + Math.floor(rnd() * 30)) * 500_000_000n;
    const offsetNs = rnd() < 0.3 ? BigInt(Math.floor(rnd() * 10)) * 1_000_000_000n : 0n;
    const grid: StepGrid = { startNs: BigInt(Math.floor(rnd() * 10)) * 1_000_000_000n, stepNs, steps: 40 };
    for (const op of ops) {
      const ev = new RangeSeriesEvaluator({ op, rangeNs, offsetNs, grid, baseNs: 0n, param: 0.3, unwrapped: true });
      const out = ev.newSeries([]);
      const count = ev.fill({ ts, values }, out);
      const want = reference(op, ts, values, grid, rangeNs, offsetNs);
      assert.equal(count, want.filter((v) => v !== null).length);
      for (let s = 0; s < grid.steps; s++) {
        const w = want[s]!;
        const where = `${op} (${kind}) round ${round} step ${s}`;
        if (w === null) {
          assert.equal(out.present[s], 0, where);
          continue;
        }
        assert.equal(out.present[s], 1, where);
        assert.ok(Object.is(out.values[s], w), `${where}: got ${out.values[s]}, want ${w}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 10_000);
});

test('timestamps may be relative to any base and the arrays longer than the samples', () => {
  const grid: StepGrid = { startNs: 1_700_000_060_000_000_000n, stepNs: 30_000_000_000n, steps: 3 };
  const baseNs = 1_700_000_000_000_000_000n;
  const ts = Float64Array.of(10e9, 20e9, 50e9, 60e9, 80e9, 0);
  const ev = new RangeSeriesEvaluator({ op: 'count_over_time', rangeNs: 60_000_000_000n, offsetNs: 0n, grid, baseNs });
  const out = ev.newSeries([{ name: 'app', value: 'a' }]);
  assert.equal(ev.fill({ ts, length: 5 }, out), 3);
  assert.deepEqual([...out.values], [4, 3, 1]);
});

test('count and rate need no values', () => {
  const grid: StepGrid = { startNs: 60_000_000_000n, stepNs: 0n, steps: 1 };
  const ev = new RangeSeriesEvaluator({ op: 'rate', rangeNs: 60_000_000_000n, offsetNs: 0n, grid, baseNs: 0n });
  const out = ev.newSeries([]);
  ev.fill({ ts: Float64Array.of(1e9, 2e9, 3e9) }, out);
  assert.equal(out.values[0], 0.05);
});

test('absentSeries is present exactly where no series has a value', () => {
  const series = [
    { labels: [], values: new Float64Array(4), present: Uint8Array.of(1, 0, 0, 0) },
    { labels: [], values: new Float64Array(4), present: Uint8Array.of(0, 0, 1, 0) },
  ];
  const absent = absentSeries(4, series, [{ name: 'job', value: 'x' }]);
  assert.deepEqual([...absent!.present], [0, 1, 0, 1]);
  assert.equal(absent!.values[1], 1);
  assert.equal(absentSeries(2, [{ labels: [], values: new Float64Array(2), present: Uint8Array.of(1, 1) }], []), null);
});

test('absentLabels keeps single equality matchers only', () => {
  const m = (name: string, op: '=' | '!=' | '=~' | '!~', value: string) => ({
    name,
    op,
    value,
    pos: { start: 0, end: 0 },
  });
  assert.deepEqual(absentLabels([m('job', '=', 'x'), m('env', '=~', '.+'), m('app', '=', 'a')]), [
    { name: 'app', value: 'a' },
    { name: 'job', value: 'x' },
  ]);
  assert.deepEqual(absentLabels([m('job', '=', 'x'), m('job', '=', 'y')]), []);
  assert.deepEqual(absentLabels([m('job', '=', 'x'), m('job', '!=', 'y')]), []);
});
