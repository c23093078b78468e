import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeLit } from './lit.js';
import { canMatchNewline, literalFacts, matchesEmptyAnywhere, usesTextAnchors } from './regex-analysis.js';
import { parseRegex, type RegexNode } from './regex-syntax.js';

function parse(pattern: string): RegexNode {
  const parsed = parseRegex(pattern);
  assert.ok(parsed);
  return parsed.root;
}

const show = (lits: ReadonlyArray<{ text: string; fold: boolean }> | null): string[] | null =>
  lits ? lits.map(describeLit) : null;

describe('literalFacts', () => {
  const cases: Array<[string, string[] | null, string[] | null]> = [
    // pattern, exact set, required set
    ['foo', ['"foo"'], ['"foo"']],
    ['(?i)foo', ['fold"foo"'], ['fold"foo"']],
    ['(?i)1-2', ['"1-2"'], ['"1-2"']],
    ['foo|bar', ['"foo"', '"bar"'], ['"foo"', '"bar"']],
    ['b(ar|uzz)', ['"bar"', '"buzz"'], ['"bar"', '"buzz"']],
    // [Ee] is a folded "e", which cannot join the exact "rror".
    ['[Ee]rror', null, ['"rror"']],
    ['(?i)[e]rror', ['fold"error"'], ['fold"error"']],
    ['x?', ['""', '"x"'], null],
    ['x{2,3}', ['"xx"', '"xxx"'], ['"xx"']],
    ['x{2,}y', null, ['"xx"']],
    ['a\\d+b', null, ['"a"']],
    ['Failed password for (invalid user )?\\w+', null, ['"Failed password for "']],
    ['(?i)(ssh|sshd)\\[\\d+\\]', null, ['fold"ssh["', 'fold"sshd["']],
    ['^foo', null, ['"foo"']],
    ['\\d', null, null],
    ['.*', null, null],
  ];
  for (const [pattern, exact, required] of cases) {
    it(`knows ${JSON.stringify(pattern)}`, () => {
      const facts = literalFacts(parse(pattern));
      assert.deepEqual(show(facts.exact), exact, 'exact');
      assert.deepEqual(show(facts.required), required, 'required');
    });
  }
});

describe('structural facts', () => {
  it('finds expressions that match the empty string anywhere', () => {
    for (const p of ['', '.*', 'a*', 'a?b?', 'a|', '(a*)+']) assert.equal(matchesEmptyAnywhere(parse(p)), true, p);
    for (const p of ['a', '^', '\\b', 'a+', 'a*b']) assert.equal(matchesEmptyAnywhere(parse(p)), false, p);
  });

  it('finds expressions that can match a newline', () => {
    for (const p of ['\\n', '\\s', '[^a]', '(?s).', '\\D', '[[:space:]]'])
      assert.equal(canMatchNewline(parse(p)), true, p);
    for (const p of ['.', '\\w+', '[a-z]', '\\n{0}', 'x\\b']) assert.equal(canMatchNewline(parse(p)), false, p);
  });

  it('finds text anchors, which (?m) anchors are not', () => {
    for (const p of ['^a', 'a$', '\\Aa', 'a\\z', '(a|^b)*']) assert.equal(usesTextAnchors(parse(p)), true, p);
    for (const p of ['(?m)^a', '(?m)a$', '\\ba\\B']) assert.equal(usesTextAnchors(parse(p)), false, p);
  });
});
