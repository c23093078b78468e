import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileGoRegexp } from '../../util/regexp.js';
import { ContainsMatcher } from './literal.js';
import { RegexMatcher } from './regex-matcher.js';
import { ScanBlock } from './scan-block.js';
import { makeBlock, selectAll } from './test-blocks.js';

function run(matcher: RegexMatcher, lines: string[], sel = selectAll(lines.length)): number[] {
  const block = makeBlock(lines);
  const scan = new ScanBlock();
  scan.reset(block.lines, block.offsets, sel, sel.length);
  const out = new Uint32Array(sel.length);
  return Array.from(out.subarray(0, matcher.select(scan, sel, sel.length, out)));
}

function expected(pattern: string, lines: string[]): number[] {
  const re = compileGoRegexp(pattern);
  return lines.flatMap((l, i) => (re.test(l) ? [i] : []));
}

describe('RegexMatcher over joined lines', () => {
  const joinable = (pattern: string): RegexMatcher =>
    new RegexMatcher({ regexp: compileGoRegexp(pattern), joinable: true });

  it('ignores an empty match after the last line', () => {
    const lines = Array.from({ length: 40 }, () => 'a');
    assert.deepEqual(run(joinable('\\B'), lines), []);
    assert.deepEqual(run(joinable('(?m)^$'), lines), []);
    assert.deepEqual(run(joinable('(?m)^$'), [...lines, '']), [40]);
  });

  it('sees line edges as (?m) anchors and word boundaries do in a single line', () => {
    const lines = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? `${i} end` : `x${i}`));
    for (const pattern of ['(?m)^\\d', '(?m)\\d$', '\\b\\d', '\\B\\d', 'end']) {
      assert.deepEqual(run(joinable(pattern), lines), expected(pattern, lines), pattern);
    }
  });

  it('finishes line by line once hits are dense, with the same answer', () => {
    const lines = Array.from({ length: 500 }, (_, i) => (i % 50 === 49 ? 'none' : `hit ${i}`));
    assert.deepEqual(run(joinable('hit \\d+'), lines), expected('hit \\d+', lines));
  });

  it('searches with the capture-free regexp but tests lines with the original', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `k${i}=v${i}`);
    const matcher = new RegexMatcher({
      regexp: compileGoRegexp('(k)(\\d+)=v'),
      scanRegexp: compileGoRegexp('(?:k)(?:\\d+)=v'),
      joinable: true,
    });
    assert.deepEqual(run(matcher, lines), expected('(k)(\\d+)=v', lines));
    assert.equal(matcher.matchString('k1=v'), true);
  });

  it('runs only on lines the prefilter keeps', () => {
    const matcher = new RegexMatcher({
      regexp: compileGoRegexp('fail(ed|ure) \\d+'),
      prefilter: new ContainsMatcher('fail'),
      joinable: true,
    });
    const lines = Array.from({ length: 100 }, (_, i) =>
      i % 7 === 0 ? `failed ${i}` : i % 11 === 0 ? 'failure x' : 'ok',
    );
    assert.deepEqual(run(matcher, lines), expected('fail(ed|ure) \\d+', lines));
    assert.deepEqual(run(matcher, lines, Uint32Array.of(7, 8, 11, 14)), [7, 14]);
    assert.equal(matcher.describe(), 'regexp("fail(ed|ure) \\\\d+") after contains("fail")');
  });

  it('tests one line at a time when the regexp may span lines', () => {
    const matcher = new RegexMatcher({ regexp: compileGoRegexp('a\\s+b'), joinable: false });
    const lines = Array.from({ length: 40 }, (_, i) => (i % 2 ? 'a' : 'b a \n b'));
    assert.deepEqual(run(matcher, lines), expected('a\\s+b', lines));
  });
});
