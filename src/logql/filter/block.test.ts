import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  copySelection,
  ensureCapacity,
  seekLastStartAtOrBefore,
  seekLineEndingAfter,
  subtractSorted,
  unionSorted,
} from './block.js';

describe('selection helpers', () => {
  it('subtract a subset, also in place', () => {
    const a = Uint32Array.of(1, 3, 5, 7, 9);
    const out = new Uint32Array(5);
    assert.equal(subtractSorted(a, 5, Uint32Array.of(3, 9), 2, out), 3);
    assert.deepEqual(Array.from(out.subarray(0, 3)), [1, 5, 7]);
    assert.equal(subtractSorted(a, 5, Uint32Array.of(1, 3, 5, 7, 9), 5, a), 0);
    const b = Uint32Array.of(2, 4, 6);
    assert.equal(subtractSorted(b, 3, new Uint32Array(0), 0, b), 3);
    assert.deepEqual(Array.from(b), [2, 4, 6]);
  });

  it('unite two ascending sets', () => {
    const out = new Uint32Array(6);
    const n = unionSorted(Uint32Array.of(1, 4, 6), 3, Uint32Array.of(2, 4, 9), 3, out);
    assert.deepEqual(Array.from(out.subarray(0, n)), [1, 2, 4, 6, 9]);
  });

  it('copy a selection unless it is the target', () => {
    const sel = Uint32Array.of(4, 5);
    const out = new Uint32Array(2);
    assert.equal(copySelection(sel, 2, out), 2);
    assert.deepEqual(Array.from(out), [4, 5]);
    assert.equal(copySelection(sel, 2, sel), 2);
  });

  it('grow arrays only when needed', () => {
    const small = new Uint32Array(4);
    assert.equal(ensureCapacity(small, 4), small);
    assert.ok(ensureCapacity(small, 5).length >= 5);
  });
});

describe('seeking lines by byte position', () => {
  // Lines of lengths 3, 0, 2, 5, 1 starting at 0, 3, 3, 5, 10.
  const offsets = Uint32Array.of(0, 3, 3, 5, 10, 11);
  const all = Uint32Array.of(0, 1, 2, 3, 4);

  it('finds the first selected line ending after a position', () => {
    assert.equal(seekLineEndingAfter(offsets, all, 0, 5, 0), 0);
    assert.equal(seekLineEndingAfter(offsets, all, 0, 5, 3), 2);
    assert.equal(seekLineEndingAfter(offsets, all, 0, 5, 9), 3);
    assert.equal(seekLineEndingAfter(offsets, all, 0, 5, 10), 4);
    assert.equal(seekLineEndingAfter(offsets, all, 0, 5, 11), 5);
    assert.equal(seekLineEndingAfter(offsets, all, 3, 5, 0), 3);
    const some = Uint32Array.of(0, 3);
    assert.equal(seekLineEndingAfter(offsets, some, 0, 2, 4), 1);
  });

  it('agrees with a linear search on many lines', () => {
    const n = 1000;
    const offs = new Uint32Array(n + 1);
    for (let i = 1; i <= n; i++) offs[i] = offs[i - 1]! + ((i * 7) % 5);
    const sel = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 0);
    for (let pos = 0; pos <= offs[n]!; pos += 3) {
      for (const lo of [0, 17, sel.length - 1]) {
        let expected = lo;
        while (expected < sel.length && offs[sel[expected]! + 1]! <= pos) expected++;
        assert.equal(seekLineEndingAfter(offs, sel, lo, sel.length, pos), expected, `pos ${pos} from ${lo}`);
      }
    }
  });

  it('finds the last start at or before a position', () => {
    const starts = Uint32Array.of(0, 4, 4, 9, 15);
    assert.equal(seekLastStartAtOrBefore(starts, 0, 5, 0), 0);
    assert.equal(seekLastStartAtOrBefore(starts, 0, 5, 4), 2);
    assert.equal(seekLastStartAtOrBefore(starts, 0, 5, 8), 2);
    assert.equal(seekLastStartAtOrBefore(starts, 0, 5, 100), 4);
    assert.equal(seekLastStartAtOrBefore(starts, 3, 5, 10), 3);
  });
});
