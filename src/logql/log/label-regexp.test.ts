import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileValueMatcher } from './label-matcher.js';
import { reduceLabelRegexp } from './label-regexp.js';

/** [pattern, value, Loki's verdict] */
type Case = [string, string, boolean];

describe("label filter regexps, reduced as Loki's simplifier does", () => {
  const cases: Case[] = [
    // A plain literal is an equality test.
    ['foo', 'foo', true],
    ['foo', 'xfoo', false],
    ['\\.env', '.env', true],
    ['(?:foo)bar', 'foobar', true],
    ['(?i)foo', 'FoO', true],
    // A literal beside `.*` is a contains test, not a prefix or suffix test.
    ['foo.*', 'xfoox', true],
    ['.*foo', 'foox', true],
    ['.*foo.*', 'no', false],
    ['/api/.*', '/v1/api/x', true],
    ['(?i)err.*', 'MY ERROR', true],
    // Anything, non-empty, empty pattern.
    ['.*', 'a\nb', true],
    ['', 'anything', true],
    ['.+', '\n', true],
    ['.+', '', false],
    // Alternatives: literals compare whole values...
    ['foo|bar', 'bar', true],
    ['foo|bar', 'xbar', false],
    // ...but Go factors common prefixes first, which turns them into contains tests.
    ['err|error', 'xerrx', true],
    ['foo(bar|qux)', 'xfooquxx', true],
    // An empty alternative is dropped, as Loki's `or` ignores match-all filters.
    ['foo|', '', false],
    ['foo|', 'foo', true],
    // Not reducible: the whole value must match the regexp.
    ['a|b', 'xa', false],
    ['a|b', 'b', true],
    ['foo(bar|baz)', 'xfoobar', false],
    ['foo(bar|baz)', 'foobaz', true],
    ['(foo)bar', 'xfoobar', false],
    ['foo.*bar', 'xfooybar', false],
    ['foo.*bar', 'fooybar', true],
    ['fo*', 'foo', true],
    ['fo*', 'xfoo', false],
    ['(?s).*', 'a\nb', true],
    ['\\d+', '12', true],
    ['\\d+', 'a12', false],
  ];
  for (const [pattern, value, want] of cases) {
    it(`${pattern} ${want ? 'matches' : 'does not match'} ${JSON.stringify(value)}`, () => {
      assert.equal(compileValueMatcher('=~', pattern, 'labelFilter')(value), want);
      assert.equal(compileValueMatcher('!~', pattern, 'labelFilter')(value), !want);
    });
  }

  it('leaves patterns outside the reducible subset to the regexp engine', () => {
    for (const p of ['a|b', 'foo(bar|baz)', '(foo)bar', 'foo.*bar', 'fo*', '(?s).*', '\\d+', '^foo', 'a{2}', 'a?']) {
      assert.equal(reduceLabelRegexp(p), null, p);
    }
  });

  it('matches newlines with a dot only in drop/keep matchers', () => {
    assert.equal(compileValueMatcher('=~', 'a.b', 'prometheus')('a\nb'), true);
    assert.equal(compileValueMatcher('=~', 'a.b', 'labelFilter')('a\nb'), false);
  });
});
