import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBuffer } from './line-tokenizer.js';

describe('token buffer', () => {
  it('is refilled for every line and hands out copies of the current tokens only', () => {
    const buf = new TokenBuffer();
    for (const t of ['a', 'b', 'c']) buf.push(t);
    buf.pushSpace(0);
    const first = buf.tokenList();
    buf.reset();
    buf.push('x');
    assert.deepEqual(buf.tokenList(), ['x']);
    assert.deepEqual(buf.spaceList(), []);
    assert.deepEqual(first, ['a', 'b', 'c'], 'earlier copies are unaffected');
  });
});
