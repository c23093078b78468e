import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { negateRanges, parseRegex, type RegexNode } from './regex-syntax.js';

function parse(pattern: string): RegexNode {
  const parsed = parseRegex(pattern);
  assert.ok(parsed, `${pattern} should parse`);
  return parsed.root;
}

const lit = (text: string, fold = false): RegexNode => ({ op: 'literal', text, fold });
const cls = (ranges: number[] | null, newline: boolean): RegexNode => ({ op: 'class', ranges, newline });
const NOT_NEWLINE = [0, 9, 11, 0x10ffff];

describe('parseRegex', () => {
  it('merges runs of literal characters', () => {
    assert.deepEqual(parse('foo'), lit('foo'));
    assert.deepEqual(parse('(fo)o'), lit('foo'));
    assert.deepEqual(parse(''), { op: 'empty' });
  });

  it('applies a repetition to the last character only', () => {
    assert.deepEqual(parse('ab*'), {
      op: 'concat',
      subs: [lit('a'), { op: 'repeat', sub: lit('b'), min: 0, max: -1 }],
    });
    assert.deepEqual(parse('a+?'), { op: 'repeat', sub: lit('a'), min: 1, max: -1 });
    assert.deepEqual(parse('a{2,3}'), { op: 'repeat', sub: lit('a'), min: 2, max: 3 });
    assert.deepEqual(parse('a{2,}'), { op: 'repeat', sub: lit('a'), min: 2, max: -1 });
    assert.deepEqual(parse('a{2}'), { op: 'repeat', sub: lit('a'), min: 2, max: 2 });
  });

  it('reads a brace that is not a repetition as a literal', () => {
    assert.deepEqual(parse('a{'), lit('a{'));
    assert.deepEqual(parse('a{,3}'), lit('a{,3}'));
    assert.deepEqual(parse('a{x}'), lit('a{x}'));
  });

  it('keeps (?i) in force until the enclosing group closes, across |', () => {
    assert.deepEqual(parse('a(?i)b|c'), {
      op: 'alternate',
      subs: [{ op: 'concat', subs: [lit('a'), lit('b', true)] }, lit('c', true)],
    });
    assert.deepEqual(parse('(?i:a)b'), { op: 'concat', subs: [lit('a', true), lit('b')] });
    assert.deepEqual(parse('((?i)a)b'), { op: 'concat', subs: [lit('a', true), lit('b')] });
    assert.deepEqual(parse('(?i)a(?-i)b'), { op: 'concat', subs: [lit('a', true), lit('b')] });
  });

  it('flattens nested alternations', () => {
    assert.deepEqual(parse('a|(b|c)'), { op: 'alternate', subs: [lit('a'), lit('b'), lit('c')] });
    assert.deepEqual(parse('a|'), { op: 'alternate', subs: [lit('a'), { op: 'empty' }] });
  });

  it('reads ^ and $ as text edges unless (?m)', () => {
    assert.deepEqual(parse('^$'), {
      op: 'concat',
      subs: [
        { op: 'assert', kind: 'beginText' },
        { op: 'assert', kind: 'endText' },
      ],
    });
    assert.deepEqual(parse('(?m)^$'), {
      op: 'concat',
      subs: [
        { op: 'assert', kind: 'beginLine' },
        { op: 'assert', kind: 'endLine' },
      ],
    });
    assert.deepEqual(parse('\\A\\b\\B\\z'), {
      op: 'concat',
      subs: [
        { op: 'assert', kind: 'beginText' },
        { op: 'assert', kind: 'wordBoundary' },
        { op: 'assert', kind: 'noWordBoundary' },
        { op: 'assert', kind: 'endText' },
      ],
    });
  });

  it('reads . as any character but \\n unless (?s)', () => {
    assert.deepEqual(parse('.'), cls(NOT_NEWLINE, false));
    assert.deepEqual(parse('(?s).'), cls([0, 0x10ffff], true));
  });

  it('decodes escapes', () => {
    assert.deepEqual(parse('\\x41\\x{1F600}\\101\\0\\.\\n\\t'), lit('A😀A\0.\n\t'));
    assert.deepEqual(parse('\\Qa.b*\\E+'), {
      op: 'concat',
      subs: [lit('a.b'), { op: 'repeat', sub: lit('*'), min: 1, max: -1 }],
    });
    assert.deepEqual(parse('\\Qa|b'), lit('a|b'));
  });

  it('builds character classes as code point ranges', () => {
    assert.deepEqual(parse('[a-c]'), cls([0x61, 0x63], false));
    assert.deepEqual(parse('[]a]'), cls([0x5d, 0x5d, 0x61, 0x61], false));
    assert.deepEqual(parse('[a-]'), cls([0x2d, 0x2d, 0x61, 0x61], false));
    assert.deepEqual(parse('[\\d_]'), cls([0x30, 0x39, 0x5f, 0x5f], false));
    assert.deepEqual(parse('\\s'), cls([9, 10, 12, 13, 32, 32], true));
    assert.deepEqual(parse('[[:xdigit:]]'), cls([0x30, 0x39, 0x41, 0x46, 0x61, 0x66], false));
    assert.deepEqual(parse('[[:^digit:]]'), cls(negateRanges([0x30, 0x39]), true));
  });

  it('lets negated classes match \\n', () => {
    assert.deepEqual(parse('[^a]'), cls(negateRanges([0x61, 0x61]), true));
    assert.deepEqual(parse('\\D'), cls(negateRanges([0x30, 0x39]), true));
  });

  it('folds ASCII classes under (?i), KELVIN SIGN and LONG S included', () => {
    assert.deepEqual(parse('(?i)[k]'), cls([0x4b, 0x4b, 0x6b, 0x6b, 0x212a, 0x212a], false));
    assert.deepEqual(parse('(?i)[s1]'), cls([0x31, 0x31, 0x53, 0x53, 0x73, 0x73, 0x17f, 0x17f], false));
    // Folding of negated or non-ASCII classes is not modelled.
    assert.deepEqual(parse('(?i)[^a]'), cls(null, true));
    assert.deepEqual(parse('(?i)[é]'), cls(null, false));
  });

  it('asks about \\n for Unicode classes it cannot enumerate', () => {
    const asked: string[] = [];
    const parsed = parseRegex('\\pL[^\\p{Greek}x]', {
      classMatchesNewline: (source) => {
        asked.push(source);
        return source.startsWith('[^');
      },
    });
    assert.deepEqual(parsed?.root, { op: 'concat', subs: [cls(null, false), cls(null, true)] });
    assert.deepEqual(asked, ['\\pL', '[^\\p{Greek}x]']);
    assert.deepEqual(parse('\\PL'), cls(null, true));
  });

  it('treats U+FFFD as a class, since Go matches it against invalid UTF-8', () => {
    assert.deepEqual(parse('\\x{FFFD}'), cls(null, false));
  });

  it('records where capturing groups open', () => {
    const parsed = parseRegex('(a)(?:b)(?P<n>c)(?<m>d)');
    assert.deepEqual(parsed?.captureOpenings, [
      { start: 0, end: 1 },
      { start: 8, end: 14 },
      { start: 16, end: 21 },
    ]);
  });

  it('gives up on syntax it does not model', () => {
    assert.equal(parseRegex('\\C'), null);
    assert.equal(parseRegex('(a'), null);
    assert.equal(parseRegex('*'), null);
  });
});
