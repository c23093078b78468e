import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileGoRegexp } from '../../util/regexp.js';
import { foldContains, foldIndexOfString, lowerAsciiBytes, lowerAsciiWords } from './ascii-fold.js';
import { AnchoredMatcher, ContainsFoldMatcher } from './caseless.js';
import type { LineMatcher } from './matcher.js';
import { ScanBlock } from './scan-block.js';
import { makeBlock, selectAll, selectSome } from './test-blocks.js';

const KELVIN = '\u212a';
const LONG_S = '\u017f';

const LINES = [
  '',
  'key',
  'KEY',
  `${KELVIN}ey`,
  `mon${KELVIN}ey`,
  `${LONG_S}ecret`,
  'SECRET',
  'secre',
  'kEy SeCrEt',
  'ke\ny',
  'keY\n',
  'ÉCOLE école',
  'x'.repeat(300),
  'straße STRASSE',
  `${KELVIN}`,
  'k',
  'é k',
];

/** Runs a matcher every way and checks it against Go's answer (the regexp). */
function checkAgainstRegexp(matcher: LineMatcher, regexp: string): void {
  const re = compileGoRegexp(regexp);
  const block = makeBlock(LINES);
  const expected = LINES.map((l) => re.test(l));
  for (const [i, line] of LINES.entries()) {
    assert.equal(matcher.matchString(line), expected[i], `matchString ${JSON.stringify(line)} for ${regexp}`);
    assert.equal(
      matcher.matchBytes(block.lines, block.offsets[i]!, block.offsets[i + 1]!),
      expected[i],
      `matchBytes ${JSON.stringify(line)} for ${regexp}`,
    );
  }
  for (const sel of [selectAll(LINES.length), selectSome(LINES.length, 0.5, 3), selectSome(LINES.length, 0.1, 9)]) {
    const scan = new ScanBlock();
    scan.reset(block.lines, block.offsets, sel, sel.length);
    const out = new Uint32Array(sel.length);
    const n = matcher.select(scan, sel, sel.length, out);
    assert.deepEqual(
      Array.from(out.subarray(0, n)),
      Array.from(sel).filter((i) => expected[i]),
      `select for ${regexp}`,
    );
  }
}

describe('ContainsFoldMatcher answers like (?i)', () => {
  for (const needle of ['key', 'KEY', 'secret', 'ey', 'k', 'e\ny', 'x'.repeat(200), 'Y\n']) {
    it(`for ${JSON.stringify(needle)}`, () => {
      checkAgainstRegexp(new ContainsFoldMatcher(needle), `(?i)${needle.replace(/\n/g, '\\n')}`);
    });
  }

  it('lowers only the selected lines of sparse selections and still finds KELVIN SIGN', () => {
    const lines = Array.from({ length: 400 }, (_, i) => (i === 333 ? `x ${KELVIN}EY` : `line ${i} KE`));
    const block = makeBlock(lines);
    const sel = Uint32Array.of(5, 333, 390);
    const scan = new ScanBlock();
    scan.reset(block.lines, block.offsets, sel, sel.length);
    const out = new Uint32Array(3);
    const n = new ContainsFoldMatcher('key').select(scan, sel, 3, out);
    assert.deepEqual(Array.from(out.subarray(0, n)), [333]);
  });
});

describe('AnchoredMatcher answers like ^ and $', () => {
  const cases: Array<[string, 'prefix' | 'suffix' | 'equals', boolean]> = [
    ['key', 'prefix', false],
    ['key', 'prefix', true],
    ['ey', 'suffix', true],
    ['key', 'equals', true],
    ['SECRET', 'equals', false],
    ['k', 'suffix', true],
    ['', 'equals', false],
  ];
  for (const [text, kind, fold] of cases) {
    const regexp = `${fold ? '(?i)' : ''}${kind === 'suffix' ? '' : '^'}${text}${kind === 'prefix' ? '' : '$'}`;
    it(`for ${regexp}`, () => {
      checkAgainstRegexp(new AnchoredMatcher(kind, { text, fold }), regexp);
    });
  }
});

describe('ASCII folding helpers', () => {
  it('lower-cases words exactly like a byte-by-byte table', () => {
    const src = Buffer.alloc(1024);
    for (let i = 0; i < src.length; i++) src[i] = (i * 37 + 11) & 0xff;
    const bytes = Buffer.alloc(1024);
    const nonAscii = lowerAsciiBytes(src, bytes, 0, 1024);
    const words = new Int32Array(256);
    Buffer.from(words.buffer).set(src);
    assert.equal(lowerAsciiWords(words, 0, 256), nonAscii);
    assert.deepEqual(Buffer.from(words.buffer), bytes);
    for (let c = 0; c < 256; c++) {
      const expected = c >= 0x41 && c <= 0x5a ? c + 32 : c;
      const one = Buffer.from([c]);
      lowerAsciiBytes(one, one, 0, 1);
      assert.equal(one[0], expected);
    }
  });

  it('reports whether the input was pure ASCII', () => {
    const words = (text: string): Int32Array => new Int32Array(Uint8Array.from(Buffer.from(text)).buffer);
    const ascii = words('Hello, World!!!!');
    assert.equal(lowerAsciiWords(ascii, 0, ascii.length), false);
    assert.equal(Buffer.from(ascii.buffer).toString(), 'hello, world!!!!');
    const utf8 = words('Héllo, World!!!');
    assert.equal(lowerAsciiWords(utf8, 0, utf8.length), true);
  });

  it('fold KELVIN SIGN and LONG S into k and s, in bytes and in strings', () => {
    assert.equal(foldContains(Buffer.from(`a${KELVIN}${LONG_S}b`), 0, 7, Buffer.from('ks')), true);
    assert.equal(foldContains(Buffer.from(`a${KELVIN}`), 0, 3, Buffer.from('ak')), false);
    assert.equal(foldIndexOfString(`xx${KELVIN}${LONG_S}`, 'ks'), 2);
    assert.equal(foldIndexOfString('xKS', 'ks'), 1);
    assert.equal(foldIndexOfString('xK', 'ks'), -1);
  });
});
