import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LETTER, NUMBER, PUNCT, runeClass } from './unicode.js';

const cp = (ch: string): number => ch.codePointAt(0)!;

describe('unicode classes', () => {
  it('classifies ASCII as Go does: $ + < = > ^ ` | ~ are symbols, not punctuation', () => {
    assert.equal(runeClass(cp('a')), LETTER);
    assert.equal(runeClass(cp('7')), NUMBER);
    for (const ch of '!"#%&\'()*,-./:;?@[\\]_{}') assert.equal(runeClass(cp(ch)), PUNCT, ch);
    for (const ch of '$+<=>^`|~ \t') assert.equal(runeClass(cp(ch)), 0, ch);
  });

  it('classifies other scripts by their Unicode category', () => {
    assert.equal(runeClass(cp('ж')), LETTER);
    assert.equal(runeClass(cp('٣')), NUMBER);
    assert.equal(runeClass(cp('Ⅻ')), NUMBER);
    assert.equal(runeClass(cp('—')), PUNCT);
    assert.equal(runeClass(cp('。')), PUNCT);
    assert.equal(runeClass(cp('£')), 0);
    assert.equal(runeClass(0xfffd), 0);
  });
});
