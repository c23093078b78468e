import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContainsMatcher, containsWithin, indexWithin, selectContaining } from './literal.js';
import { ScanBlock } from './scan-block.js';
import { makeBlock, selectAll } from './test-blocks.js';

function select(lines: string[], needle: string, sel = selectAll(lines.length)): number[] {
  const block = makeBlock(lines);
  const out = new Uint32Array(sel.length);
  const n = selectContaining(block.lines, block.offsets, Buffer.from(needle), sel, sel.length, out);
  return Array.from(out.subarray(0, n));
}

describe('selectContaining', () => {
  it('finds needles at the start and the end of lines', () => {
    assert.deepEqual(select(['abc', 'xab', 'bcx', 'b'], 'ab'), [0, 1]);
    assert.deepEqual(select(['abc', 'xab', 'bcx', 'b'], 'bc'), [0, 2]);
  });

  it('does not count an occurrence spanning two lines', () => {
    assert.deepEqual(select(['xxa', 'bxx', 'ab'], 'ab'), [2]);
    assert.deepEqual(select(['xxa', 'bxx'], 'ab'), []);
    // The spanning occurrence comes first; the line still matches later on.
    assert.deepEqual(select(['a', 'b ab'], 'ab'), [1]);
    assert.deepEqual(select(['xa', 'b', 'ab'], 'ab'), [2]);
  });

  it('handles empty lines and lines shorter than the needle', () => {
    assert.deepEqual(select(['', 'a', '', 'ab', ''], 'ab'), [3]);
    assert.deepEqual(select([''], 'a'), []);
  });

  it('reports each matching line once however many occurrences it has', () => {
    assert.deepEqual(select(['ab ab ab', 'ab'], 'ab'), [0, 1]);
  });

  it('only reports selected lines, skipping occurrences in the others', () => {
    const lines = ['ab', 'ab', 'x', 'ab', 'xab', 'ab'];
    assert.deepEqual(select(lines, 'ab', Uint32Array.of(0, 2, 4)), [0, 4]);
    assert.deepEqual(select(lines, 'ab', Uint32Array.of(2, 5)), [5]);
    assert.deepEqual(select(lines, 'ab', new Uint32Array(0)), []);
  });

  it('finds multi-byte needles and never matches inside a character', () => {
    assert.deepEqual(select(['naïve', 'naive', 'café ☕', '☕'], 'ï'), [0]);
    assert.deepEqual(select(['naïve', 'naive', 'café ☕', '☕'], '☕'), [2, 3]);
    assert.deepEqual(select(['\u00ef', '\u00cf'], '\u00ef'), [0]);
  });

  it('works across a long block with sparse hits', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => (i % 997 === 0 ? `line ${i} needle` : `line ${i} hay`));
    const expected = lines.flatMap((l, i) => (l.includes('needle') ? [i] : []));
    assert.deepEqual(select(lines, 'needle'), expected);
    const odd = Uint32Array.from(lines.map((_, i) => i).filter((i) => i % 2 === 1));
    assert.deepEqual(
      select(lines, 'needle', odd),
      expected.filter((i) => i % 2 === 1),
    );
  });

  it('may write its result over the selection', () => {
    const block = makeBlock(['a', 'b', 'a', 'a']);
    const sel = selectAll(4);
    const n = selectContaining(block.lines, block.offsets, Buffer.from('a'), sel, 4, sel);
    assert.deepEqual(Array.from(sel.subarray(0, n)), [0, 2, 3]);
  });
});

describe('bounded searches', () => {
  const buf = Buffer.from(`ab${'x'.repeat(1000)}ab`);

  it('ignore occurrences outside the range', () => {
    assert.equal(containsWithin(buf, 1, 1001, Buffer.from('ab')), false);
    assert.equal(containsWithin(buf, 0, 2, Buffer.from('ab')), true);
    assert.equal(containsWithin(buf, 0, 1, Buffer.from('ab')), false);
    assert.equal(containsWithin(buf, 1000, buf.length, Buffer.from('ab')), true);
    assert.equal(indexWithin(buf, Buffer.from('ab'), 1, 1003), -1);
    assert.equal(indexWithin(buf, Buffer.from('ab'), 1, 1004), 1002);
  });
});

describe('ContainsMatcher', () => {
  it('answers the same for strings, bytes and blocks', () => {
    const matcher = new ContainsMatcher('日本');
    assert.equal(matcher.matchString('今日は日本'), true);
    assert.equal(matcher.matchBytes(Buffer.from('今日は日本'), 0, Buffer.byteLength('今日は日本')), true);
    assert.equal(matcher.matchBytes(Buffer.from('日本'), 0, 3), false);
    const block = makeBlock(['日本', 'x日', '本']);
    const scan = new ScanBlock();
    const sel = selectAll(3);
    scan.reset(block.lines, block.offsets, sel, 3);
    assert.equal(matcher.select(scan, sel, 3, sel), 1);
    assert.equal(sel[0], 0);
  });
});
