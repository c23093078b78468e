import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { byteComparable, concatLits, hasCasedChar, lit, minimizeAnyOf, prefilterScore } from './lit.js';

describe('literals', () => {
  it('fold only when there is something to fold', () => {
    assert.deepEqual(lit('a-1', true), { text: 'a-1', fold: true });
    assert.deepEqual(lit('-1', true), { text: '-1', fold: false });
    assert.equal(hasCasedChar('日'), true);
  });

  it('join when their case rules agree', () => {
    assert.deepEqual(concatLits(lit('ab', false), lit('cd', false)), { text: 'abcd', fold: false });
    assert.deepEqual(concatLits(lit('ab', true), lit('-1', false)), { text: 'ab-1', fold: true });
    assert.equal(concatLits(lit('ab', true), lit('cd', false)), null);
  });

  it('reduce "any of" sets to the literals that are needed', () => {
    const set = [lit('foobar', false), lit('foo', false), lit('bar', false), lit('foo', false), lit('FOOBAR', true)];
    assert.deepEqual(minimizeAnyOf(set), [lit('foo', false), lit('bar', false), lit('FOOBAR', true)]);
    assert.deepEqual(minimizeAnyOf([lit('Error', false), lit('error', true)]), [lit('error', true)]);
  });

  it('reduce folded non-ASCII literals to their longest ASCII stretch', () => {
    assert.deepEqual(byteComparable(lit('größere', true)), lit('ere', true));
    assert.equal(byteComparable(lit('日本', true)), null);
    assert.deepEqual(byteComparable(lit('日本', false)), lit('日本', false));
  });

  it('rate longer and rarer literals as better prefilters', () => {
    assert.ok(prefilterScore([lit('abc', false)]) > prefilterScore([lit('ab', false)]));
    assert.ok(prefilterScore([lit('@', false)]) > prefilterScore([lit('ab', false)]));
    assert.ok(prefilterScore([lit('abc', false)]) > prefilterScore([lit('abc', false), lit('xyz', false)]));
    assert.equal(prefilterScore([]), -1);
  });
});
