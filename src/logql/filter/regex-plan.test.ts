import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compileGoRegexp } from '../../util/regexp.js';
import { compileLineFilter } from './line-filter.js';
import { planRegexMatcher, quoteMeta } from './regex-plan.js';
import { loghubLines, makeBlock, selectAll, selectSome } from './test-blocks.js';

describe('regexp plans (testdata/regex-plans.txt)', () => {
  const fixtures = readFileSync(new URL('testdata/regex-plans.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('|~ '));
  for (const fixture of fixtures) {
    const m = /^\|~ ("(?:[^"\\]|\\.)*")\s+=> (.*)$/.exec(fixture);
    assert.ok(m, fixture);
    const pattern = JSON.parse(m[1]!) as string;
    it(`${JSON.stringify(pattern)} runs as ${m[2]}`, () => {
      assert.equal(planRegexMatcher(pattern).describe(), m[2]);
    });
  }
});

// Patterns covering every plan: literal rewrites (plain, folded, unions,
// products, anchored), the any-character forms, and the regexp engine with and
// without prefilters, joinable or not.
const PATTERNS = [
  'error',
  '(?i)error',
  '(?i)(error|fail)',
  '(?i)(warn|kernel|session)',
  '.*failed.*',
  'INFO|WARN',
  '(INFO|WARN) ',
  'block(s|_)',
  'user=(root|admin)',
  '[Ee]rror',
  '(?i)[e]rror',
  '(?i)ssh',
  '(?i)ß|straße',
  '(?i)größe|kelvin',
  'Failed password for (invalid user )?\\w+',
  '^Dec',
  '^(Dec|Jun) ',
  '(?i)^dec 10',
  ' ms$',
  '(?i)COMPLETED$',
  '^\\d{4}-\\d{2}-\\d{2}',
  '^$',
  '^',
  '.+',
  '(?s).+',
  '.*',
  '',
  '\\d+ ms',
  '\\d{3} ms|blk_-?\\d+',
  '\\w+@\\w+',
  '\\bfail\\b',
  '\\Bfail',
  '(?m)^\\d',
  '(?m)\\d$',
  'INFO.*block',
  '(?s)INFO.*block',
  '[^\\x00-\\x7f]',
  '\\pL{3}\\d',
  '[[:upper:]]{5,}',
  '(?i)[[:lower:]]{3}\\d{2}',
  'x{2,}',
  'foo{1,2}bar{2,3}',
  '(a|b){2}c',
  '\\sport\\s',
  '\\.java:\\d+\\)',
  'blk_(-)?\\d+',
  '(\\d+\\.){3}\\d+',
  'Received block .* of size',
  '(?U)a+b',
  'org\\.apache\\.(hadoop|spark)',
  '(?i)exception|fatal|panic',
  'a\\nb',
  '\\n',
  '[^a]',
  '^[^ ]+ [^ ]+ ',
  '\\[(\\w+)\\]',
  '\\Q[INFO]\\E',
  '(?i)\\x{212A}',
  'zzzz|qqqq',
  'connection (closed|reset) by',
  '(?i)(connection|session) (opened|closed)',
];

// Lines that stress folding, anchors, empties and block boundaries.
const TRICKY_LINES = [
  '',
  'ERROR',
  'error',
  'ErRoR fail',
  '\u212aelvin at \u212aey size',
  '\u017fsh sessions',
  'STRASSE straße STRAẞE',
  'GRÖSSE größe',
  'x\nERROR',
  'ERROR\n',
  'a\nb',
  '\n',
  'Dec',
  'dec 10 ',
  'took 12 ms',
  ' ms',
  'xxfoobarrr',
  'acbc',
  'fail',
  'failure',
  'ab',
  '日本語 ERROR',
  '[INFO] x',
];

describe('every plan answers like Go regexp.MatchString', () => {
  const corpus = loghubLines();
  const lines = [...corpus, ...TRICKY_LINES];
  const block = makeBlock(lines);
  const buffers = lines.map((l) => Buffer.from(l));

  for (const pattern of PATTERNS) {
    it(`${JSON.stringify(pattern)} over ${lines.length} lines`, () => {
      const re = compileGoRegexp(pattern);
      const expected = buffers.map((b) => re.testBytes(b));
      const positive = compileLineFilter({ op: '|~', values: [{ type: 'string', value: pattern }] });
      const negative = compileLineFilter({ op: '!~', values: [{ type: 'string', value: pattern }] });

      // All lines selected, in place.
      const sel = selectAll(block.count);
      const n = positive.filterBlock(block.lines, block.offsets, sel, block.count, sel);
      const want = expected.flatMap((e, i) => (e ? [i] : []));
      assert.deepEqual(Array.from(sel.subarray(0, n)), want, positive.describe());

      // Sparse selections, both polarities.
      for (const [ratio, seed] of [
        [0.3, 7],
        [0.02, 11],
      ] as const) {
        const some = selectSome(block.count, ratio, seed);
        const out = new Uint32Array(some.length);
        const kept = Array.from(
          out.subarray(0, positive.filterBlock(block.lines, block.offsets, some, some.length, out)),
        );
        assert.deepEqual(
          kept,
          Array.from(some).filter((i) => expected[i]),
          `selection ${ratio}`,
        );
        const dropped = Array.from(
          out.subarray(0, negative.filterBlock(block.lines, block.offsets, some, some.length, out)),
        );
        assert.deepEqual(
          dropped,
          Array.from(some).filter((i) => !expected[i]),
          `negated, selection ${ratio}`,
        );
      }

      // Per-line forms, on a sample.
      for (let i = 0; i < lines.length; i += lines.length > 1000 ? 97 : 1) {
        assert.equal(positive.matchString(lines[i]!), expected[i], `matchString ${JSON.stringify(lines[i])}`);
        assert.equal(
          positive.matchBytes(block.lines, block.offsets[i]!, block.offsets[i + 1]!),
          expected[i],
          `matchBytes ${JSON.stringify(lines[i])}`,
        );
      }
    });
  }
});

describe('quoteMeta', () => {
  it('escapes exactly the characters with a meaning in Go regexps', () => {
    assert.equal(
      quoteMeta('a.b+c*d?e(f)g|h[i]j{k}l^m$n\\o-p'),
      'a\\.b\\+c\\*d\\?e\\(f\\)g\\|h\\[i\\]j\\{k\\}l\\^m\\$n\\\\o-p',
    );
    const re = compileGoRegexp(quoteMeta('[x](y)'));
    assert.equal(re.test('a [x](y) b'), true);
  });
});
