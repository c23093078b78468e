import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LineFilterError } from './errors.js';
import { PatternMatcher, parsePatternNodes } from './pattern.js';
import { ScanBlock } from './scan-block.js';
import { makeBlock, selectAll } from './test-blocks.js';

describe('pattern match filter cases (testdata/patterns.txt)', () => {
  const fixtures = readFileSync(new URL('testdata/patterns.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('"'));
  for (const fixture of fixtures) {
    const m = /^("(?:[^"\\]|\\.)*")\s+("(?:[^"\\]|\\.)*")\s+=> (true|false)$/.exec(fixture);
    assert.ok(m, fixture);
    const pattern = JSON.parse(m[1]!) as string;
    const line = JSON.parse(m[2]!) as string;
    const expected = m[3] === 'true';
    it(`${JSON.stringify(pattern)} on ${JSON.stringify(line)} is ${expected}`, () => {
      const matcher = new PatternMatcher(pattern);
      assert.equal(matcher.matchString(line), expected, 'matchString');
      const bytes = Buffer.from(line);
      assert.equal(matcher.matchBytes(bytes, 0, bytes.length), expected, 'matchBytes');
      const block = makeBlock(['x', line, line.slice(0, 3)]);
      const scan = new ScanBlock();
      const sel = selectAll(block.count);
      scan.reset(block.lines, block.offsets, sel, block.count);
      const out = new Uint32Array(block.count);
      const n = matcher.select(scan, sel, block.count, out);
      assert.equal(Array.from(out.subarray(0, n)).includes(1), expected, 'select');
    });
  }
});

describe('pattern syntax', () => {
  it('reads <name> as a capture and anything else as literal text', () => {
    assert.deepEqual(parsePatternNodes('<_> a <b_1> <1x> <a b> <'), [
      { capture: '_' },
      { literal: ' a ' },
      { capture: 'b_1' },
      { literal: ' <1x> <a b> <' },
    ]);
    assert.deepEqual(parsePatternNodes(''), []);
  });

  it('rejects named captures and adjacent placeholders', () => {
    assert.throws(
      () => new PatternMatcher('<_> <ip>'),
      new LineFilterError("named captures are not allowed: found '<ip>'"),
    );
    assert.throws(
      () => new PatternMatcher('a<_><_>'),
      new LineFilterError("found consecutive capture '<_><_>': invalid expression"),
    );
  });

  it('matches only empty lines with the empty pattern', () => {
    const matcher = new PatternMatcher('');
    assert.equal(matcher.matchString(''), true);
    assert.equal(matcher.matchString(' '), false);
    assert.equal(matcher.matchBytes(Buffer.from('ab'), 1, 1), true);
  });

  it('only looks inside the given range of a buffer', () => {
    const matcher = new PatternMatcher('<_> end');
    const buf = Buffer.from('a end and more end');
    assert.equal(matcher.matchBytes(buf, 0, 5), true);
    assert.equal(matcher.matchBytes(buf, 0, 9), false);
  });
});
