import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeRune,
  detachedCopy,
  encodeRune,
  fromByteString,
  isAscii,
  RUNE_ERROR,
  runeOf,
  toByteString,
  widthOf,
} from './byte-string.js';

function decoded(bs: string, i = 0): [number, number] {
  const d = decodeRune(bs, i);
  return [runeOf(d), widthOf(d)];
}

describe('byte strings', () => {
  it('leaves ASCII text as it is and turns other text into its UTF-8 bytes', () => {
    const ascii = 'level=info msg="ok"';
    assert.equal(toByteString(ascii), ascii);
    assert.equal(isAscii(ascii), true);
    assert.equal(toByteString('é—'), '\xc3\xa9\xe2\x80\x94');
    assert.equal(isAscii('é'), false);
  });

  it('decodes runes of one to four bytes with their widths', () => {
    assert.deepEqual(decoded('a'), [0x61, 1]);
    assert.deepEqual(decoded(toByteString('é')), [0xe9, 2]);
    assert.deepEqual(decoded(toByteString('—')), [0x2014, 3]);
    assert.deepEqual(decoded(toByteString('😀')), [0x1f600, 4]);
  });

  it('reads invalid UTF-8 one byte at a time as the replacement character', () => {
    assert.deepEqual(decoded('\xff'), [RUNE_ERROR, 1]);
    assert.deepEqual(decoded('\xe2\x80'), [RUNE_ERROR, 1], 'truncated sequence');
    assert.deepEqual(decoded('\xc0\xaf'), [RUNE_ERROR, 1], 'overlong encoding');
    assert.deepEqual(decoded('\xed\xa0\x80'), [RUNE_ERROR, 1], 'encoded surrogate');
    assert.deepEqual(decoded('\xf4\x90\x80\x80'), [RUNE_ERROR, 1], 'beyond U+10FFFF');
  });

  it('turns byte strings back into text, one replacement character per invalid byte', () => {
    assert.equal(fromByteString(toByteString('naïve — ok')), 'naïve — ok');
    assert.equal(fromByteString('a\xe2\x80b'), 'a\ufffd\ufffdb');
  });

  it('encodes code points as UTF-8 bytes', () => {
    for (const ch of ['a', 'é', '—', '😀']) assert.equal(encodeRune(ch.codePointAt(0)!), toByteString(ch));
  });

  it('copies long slices so they stop referring to their line', () => {
    const token = 'x'.repeat(40);
    assert.equal(detachedCopy(token), token);
    assert.equal(detachedCopy('short'), 'short');
  });
});
