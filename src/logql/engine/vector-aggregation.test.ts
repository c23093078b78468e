import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StepMatrix, StepSeries } from './types.js';
import { aggregateVector } from './vector-aggregation.js';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomMatrix(rnd: () => number, n: number, steps: number): StepMatrix {
  const series: StepSeries[] = [];
  for (let i = 0; i < n; i++) {
    const values = new Float64Array(steps);
    const present = new Uint8Array(steps);
    for (let t = 0; t < steps; t++) {
      present[t] = rnd() < 0.8 ? 1 : 0;
      const r = rnd();
      // Few distinct values, so ties are common.
      values[t] = r < 0.05 ? Number.NaN : Math.floor(r * 8);
    }
    series.push({
      labels: [
        { name: 'group', value: String(i % 3) },
        { name: 'id', value: String(i) },
      ],
      values,
      present,
    });
  }
  return { grid: { startNs: 0n, stepNs: 1n, steps }, series };
}

/** Reference selection: rank the present series of each group and take the first k. */
function reference(m: StepMatrix, k: number, largest: boolean, t: number): Set<number> {
  const chosen = new Set<number>();
  for (const g of ['0', '1', '2']) {
    const members = m.series.map((s, i) => ({ s, i })).filter(({ s }) => s.labels[0]!.value === g && s.present[t]);
    members.sort((a, b) => {
      const va = a.s.values[t]!;
      const vb = b.s.values[t]!;
      if (Number.isNaN(va) !== Number.isNaN(vb)) return Number.isNaN(va) ? 1 : -1;
      if (va !== vb && !Number.isNaN(va)) return largest ? vb - va : va - vb;
      return a.i - b.i;
    });
    for (const { i } of members.slice(0, k)) chosen.add(i);
  }
  return chosen;
}

test('topk and bottomk select per step and group: best values, NaN last, earlier series on ties', () => {
  const rnd = random(7);
  for (let round = 0; round < 30; round++) {
    const m = randomMatrix(rnd, 1 + Math.floor(rnd() * 30), 6);
    const k = 1 + Math.floor(rnd() * 5);
    for (const op of ['topk', 'bottomk'] as const) {
      const out = aggregateVector({ op, param: k, grouping: { without: false, labels: ['group'] } }, m, false);
      for (let t = 0; t < 6; t++) {
        const got = new Set<number>();
        for (const s of out.series) {
          if (s.present[t]) got.add(Number(s.labels[1]!.value));
        }
        assert.deepEqual(got, reference(m, k, op === 'topk', t), `${op}(${k}) round ${round} step ${t}`);
      }
    }
  }
});

test('selected series keep their labels and values', () => {
  const m = randomMatrix(random(1), 5, 2);
  const out = aggregateVector({ op: 'topk', param: 2, grouping: { without: true, labels: [] } }, m, false);
  for (const s of out.series) {
    const original = m.series.find((x) => x.labels === s.labels)!;
    assert.equal(s.values, original.values);
  }
});

test('sum of nothing is nothing, and groups without samples are dropped', () => {
  const m: StepMatrix = {
    grid: { startNs: 0n, stepNs: 1n, steps: 2 },
    series: [{ labels: [{ name: 'a', value: '1' }], values: new Float64Array(2), present: new Uint8Array(2) }],
  };
  assert.deepEqual(aggregateVector({ op: 'sum', grouping: { without: false, labels: ['a'] } }, m, false).series, []);
});
